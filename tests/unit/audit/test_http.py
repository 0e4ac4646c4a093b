"""The submission route refuses at the edge, naming the field: control characters in
text, an action due before the audit's month or years ahead, an unknown audit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.audit.application.queries import AuditQueries
from services.audit.entrypoints.http import queries, router
from tests.http_support import ACTOR, api_client, fields_at_fault

KNOWN = uuid.uuid4()


class OneAudit:
    """The AuditQueries port holding one audit of November 2026."""

    async def audits_of(self, auditor_id: str, service_area: str | None
                        ) -> list[dict[str, Any]]:
        return []

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        if audit_id != KNOWN:
            return None
        return {"audit_id": str(KNOWN), "month": "2026-11", "service_area": "north",
                "auditor_id": "qa-officer-1"}

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        return "north" if audit_id == KNOWN else None


def one_audit() -> AuditQueries:
    return OneAudit()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(router, {queries: one_audit}) as test_client:
        yield test_client


def submission(**action: Any) -> dict[str, Any]:
    return {"overall_grade": "good",
            "action": {"description": "Review the plan", "owner_id": "tm-1",
                       "due_date": "2026-12-15", **action}}


@pytest.mark.parametrize(("change", "loc"), [
    ({"due_date": "2026-10-31"}, ["body", "action", "due_date"]),
    ({"due_date": "2029-01-01"}, ["body", "action", "due_date"]),
    ({"due_date": "0001-01-01"}, ["body", "action", "due_date"]),
    ({"description": "Review\x00 the plan"}, ["body", "action", "description"]),
    ({"description": "\x1b[31mred"}, ["body", "action", "description"]),
    ({"description": "   "}, ["body", "action", "description"]),
    ({"owner_id": "Tom Smith"}, ["body", "action", "owner_id"]),
])
async def test_a_bad_action_is_refused_naming_its_field(
    client: httpx.AsyncClient, change: dict[str, Any], loc: list[str]
) -> None:
    response = await client.post(f"/audits/{KNOWN}/submission", json=submission(**change),
                                 headers=ACTOR)

    assert response.status_code == 422, response.text
    assert fields_at_fault(response) == [loc]


async def test_an_audit_never_assigned_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post(f"/audits/{uuid.uuid4()}/submission", json=submission(),
                                 headers=ACTOR)

    assert response.status_code == 404
    assert response.json()["detail"] == "no such audit has been assigned"


async def test_reading_another_persons_audit_is_forbidden(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/audits/{KNOWN}",
                                headers={"X-Actor-Id": "tm-9", "X-Actor-Role": "auditor"})

    assert response.status_code == 403
    assert response.json()["type"] == "urn:qa-platform:problem:forbidden"
