"""The report routes over a fake MonthlyRows port: validation, shapes, media types."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.reporting.application.monthly_report import MonthlyRows
from services.reporting.domain.monthly_summary import (
    ActionRow,
    AuditRow,
    ConcernRow,
    MonthRows,
    summarise,
)
from services.reporting.entrypoints import text
from services.reporting.entrypoints.http import monthly_rows, router
from shared.events.common import Grade
from tests.http_support import api_client, fields_at_fault


class FakeRows:
    """The MonthlyRows port: March 2025 has rows, April has a cycle and nothing else,
    any other month is unknown."""

    async def load(self, service_area: str, month: str) -> MonthRows | None:
        if month == "2025-04":
            return MonthRows(allocated=0)
        if month != "2025-03":
            return None
        return MonthRows(
            allocated=4,
            audits=(
                AuditRow(submitted_grade=Grade.GOOD, late=False,
                         moderated_grade=Grade.REQUIRES_IMPROVEMENT, grade_changed=True),
                AuditRow(submitted_grade=Grade.OUTSTANDING, late=True),
                AuditRow(submitted_grade=Grade.GOOD, late=False),
            ),
            concerns=(ConcernRow(2),),
            actions=(ActionRow(overdue=True), ActionRow(overdue=False)),
        )


def fake_rows() -> MonthlyRows:  # typed, so mypy holds FakeRows to the port
    return FakeRows()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(router, {monthly_rows: fake_rows}) as test_client:
        yield test_client


async def test_json_report(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/north/2025-03")

    assert response.status_code == 200
    body = response.json()
    assert body["completion"] == "3/4 (75%)"
    assert body["grades_before_moderation"] == {
        "outstanding": 1, "good": 2, "requires-improvement": 0, "inadequate": 0
    }
    assert body["grades_after_moderation"] == {
        "outstanding": 1, "good": 1, "requires-improvement": 1, "inadequate": 0
    }
    assert (body["late"], body["moderated"], body["grades_changed"]) == (1, 1, 1)
    assert body["children_of_concern"] == {"1": 0, "2": 1}
    assert body["actions"] == {"open": 1, "overdue": 1, "total": 2}


async def test_a_month_with_an_open_cycle_and_nothing_yet_answers_zeros(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/reports/north/2025-04")

    assert response.status_code == 200
    assert response.json()["completion"] == "0/0 (n/a)"
    assert response.json()["allocated"] == 0


@pytest.mark.parametrize("path", ["/reports/north/2025-05", "/reports/north/2025-05.txt",
                                  "/reports/fostering/2025-03"])
async def test_a_month_without_a_cycle_or_an_area_not_served_is_not_found(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/reports/north/2025-13", "month"),
        ("/reports/north/0000-01", "month"),
        ("/reports/north/March", "month"),
        ("/reports/North_Area/2025-03", "service_area"),
        ("/reports/north/2025-13.txt", "month"),
        ("/reports/-north/2025-03.txt", "service_area"),
    ],
)
async def test_bad_values_are_refused_naming_the_field(
    client: httpx.AsyncClient, path: str, field: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 422
    assert fields_at_fault(response) == [["path", field]]


async def test_text_report_is_plain_text_for_people(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/north/2025-03.txt")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("QA report: north, 2025-03\n")
    assert "3/4 (75%)" in response.text


def test_text_rendering_lines_up_before_and_after_moderation() -> None:
    summary = summarise(
        "north", "2025-03", allocated=2,
        audits=[AuditRow(submitted_grade=Grade.GOOD, late=False,
                         moderated_grade=Grade.INADEQUATE, grade_changed=True)],
        concerns=[ConcernRow(1)], actions=[ActionRow(overdue=True)],
    )

    rendered = text.render(summary)
    lines = rendered.splitlines()

    assert "  Completed               1/2 (50%)" in lines
    assert "  Category 1              1" in lines
    actions = lines[lines.index("Actions raised in this month's audits"):]
    assert actions[1:4] == ["  Open (not yet overdue)  0",
                            "  Overdue                 1",
                            "  Total                   1"]
    good = next(line for line in lines if line.startswith("  Good"))
    inadequate = next(line for line in lines if line.startswith("  Inadequate"))
    assert good.split() == ["Good", "1", "0"]
    assert inadequate.split() == ["Inadequate", "0", "1"]
    assert len(good) == len(inadequate)
