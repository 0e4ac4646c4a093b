"""The report routes over a fake ReportRecords port: areas (and the partnership),
validation, as-at, and the three forms of the report."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

import httpx
import pytest
from pypdf import PdfReader

from services.reporting.application.queries import ReportRecords
from services.reporting.domain.records import AllocationRecord, CycleRecord
from services.reporting.domain.report import Records
from services.reporting.entrypoints.http import report_records, router
from tests.http_support import AREAS, api_client, fields_at_fault


class FakeRecords:
    """March 2025 has a cycle of 4 auditors and 2 allocations in every area asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[list[str], str | datetime]] = []

    def _records(self, areas: Sequence[str]) -> Records:
        return Records(
            cycles=[CycleRecord(subject=f"cycle:{a}", service_area=a, month="2025-03",
                                opened=True, auditors_in_pool=4) for a in areas],
            allocations=[AllocationRecord(subject=f"allocation:{a}{n}", service_area=a,
                                          month="2025-03", allocation_id=uuid.uuid4(),
                                          allocated=True) for a in areas for n in range(2)])

    async def live(self, areas: Sequence[str], month: str) -> Records:
        self.asked.append((list(areas), month))
        return self._records(areas)

    async def as_at(self, areas: Sequence[str], recorded_by: datetime) -> Records:
        self.asked.append((list(areas), recorded_by))
        return self._records(areas)


FAKE = FakeRecords()


def fake() -> ReportRecords:  # typed, so mypy holds FakeRecords to the port
    return FAKE


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    FAKE.asked.clear()
    async with api_client(router, {report_records: fake}) as test_client:
        yield test_client


async def test_an_areas_report_as_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/north/2025-03")

    assert response.status_code == 200
    this = response.json()["how_much"]["this_month"]
    assert (this["auditors_in_pool"], this["allocated"]) == (4, 2)
    assert FAKE.asked == [(["north"], "2025-03")]


async def test_the_partnership_report_adds_up_every_area(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/partnership/2025-03")

    assert response.status_code == 200
    this = response.json()["how_much"]["this_month"]
    assert (this["auditors_in_pool"], this["allocated"]) == (4 * len(AREAS), 2 * len(AREAS))
    assert response.json()["areas"] == sorted(AREAS)


async def test_as_at_needs_an_offset_and_reads_the_log(client: httpx.AsyncClient) -> None:
    refused = await client.get("/reports/north/2025-03", params={"as_at": "2025-03-15T12:00"})
    assert refused.status_code == 422
    assert ["query", "as_at"] in fields_at_fault(refused)

    found = await client.get("/reports/north/2025-03",
                             params={"as_at": "2025-03-15T12:00:00+00:00"})
    assert found.status_code == 200
    assert found.json()["as_at"] == "2025-03-15T12:00:00Z"
    assert found.json()["report_day"] == "2025-03-15"


async def test_unknown_areas_and_months(client: httpx.AsyncClient) -> None:
    assert (await client.get("/reports/atlantis/2025-03")).status_code == 404
    assert (await client.get("/reports/north/2025-02")).status_code == 404
    malformed = await client.get("/reports/north/2025-13")
    assert malformed.status_code == 422
    assert ["path", "month"] in fields_at_fault(malformed)


async def test_the_page_and_the_text(client: httpx.AsyncClient) -> None:
    page = await client.get("/reports/north/2025-03.html")
    assert page.headers["content-type"].startswith("text/html")
    assert "<h2>1. How much audit activity have we done?</h2>" in page.text
    assert "<svg" in page.text

    text = await client.get("/reports/north/2025-03.txt")
    assert "Completion overall" in text.text
    assert "0/4 (0%)" in text.text


async def test_the_pdf_reads_as_the_page_does(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/north/2025-03.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "1. How much audit activity have we done?" in words
    assert "5. What is the impact?" in words
    assert "0/4 (0%)" in words  # completion overall: nothing returned of a pool of 4


async def test_a_figure_as_csv(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/north/2025-03/activity-by-month.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["month"] for row in rows][-2:] == ["2025-02", "2025-03"]
    march = rows[-1]
    assert (march["auditors_in_pool"], march["allocated"], march["completion_overall"],
            march["completion_overall_of"], march["completion_overall_percent"]) == (
        "4", "2", "0", "4", "0")
    unknown = await client.get("/reports/north/2025-03/nonsense.csv")
    assert unknown.status_code == 422
    assert ["path", "figure"] in fields_at_fault(unknown)
