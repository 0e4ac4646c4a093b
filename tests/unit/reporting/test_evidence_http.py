"""The evidence-pack routes over a fake EvidenceLog: validation, not found, both forms."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import httpx
import pytest

from services.reporting.application.evidence import EvidenceEntry, EvidenceLog
from services.reporting.entrypoints.http import evidence_log, router
from tests.http_support import ACTOR, api_client, fields_at_fault

MODERATED = EvidenceEntry(
    recorded_at=datetime(2025, 3, 20, 12, tzinfo=UTC), event_type="AuditModerated",
    schema_version=2, about="audit:1", recorded_by="mod-1 (moderator)", service_area="north",
    stream_id=f"moderation-{uuid.uuid4()}", stream_version=3, event_id=uuid.uuid4(),
    details={"outcome": "grades-changed", "original_grade": "good",
             "moderated_grade": "requires-improvement"})


class FakeLog:
    async def for_child(self, areas: Sequence[str], child_ref: str) -> list[EvidenceEntry]:
        return [MODERATED] if child_ref == "CH-0042" else []

    async def for_team(self, area: str, month: str, team: str) -> list[EvidenceEntry]:
        return [MODERATED] if (area, month, team) == ("north", "2025-03", "east") else []


def fake() -> EvidenceLog:
    return FakeLog()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(router, {evidence_log: fake}) as test_client:
        yield test_client


async def test_a_childs_pack(client: httpx.AsyncClient) -> None:
    client.headers.update(ACTOR)
    found = (await client.get("/evidence/children/CH-0042")).json()
    assert (found["scope"], found["subjects"]) == ("child CH-0042", 1)
    assert found["entries"][0]["recorded_by"] == "mod-1 (moderator)"
    page = await client.get("/evidence/children/CH-0042.html")
    assert "original grade: good; moderated grade: requires-improvement" in page.text
    assert (await client.get("/evidence/children/CH-0043")).status_code == 404
    refused = await client.get("/evidence/children/a b")
    assert refused.status_code == 422
    assert ["path", "child_ref"] in fields_at_fault(refused)


async def test_a_teams_month(client: httpx.AsyncClient) -> None:
    client.headers.update(ACTOR)
    assert (await client.get("/evidence/teams/north/2025-03/east")).status_code == 200
    assert (await client.get("/evidence/teams/north/2025-03/west")).status_code == 404
    assert (await client.get("/evidence/teams/atlantis/2025-03/east")).status_code == 404


@pytest.mark.parametrize("path", ["/evidence/children/CH-0042",
                                  "/evidence/children/CH-0042.html",
                                  "/evidence/teams/north/2025-03/east",
                                  "/evidence/teams/north/2025-03/east.html"])
async def test_a_pack_is_child_level_reading_and_names_its_reader(
        client: httpx.AsyncClient, path: str) -> None:
    refused = await client.get(path)
    assert refused.status_code == 422
    assert ["header", "x-actor-id"] in fields_at_fault(refused)
