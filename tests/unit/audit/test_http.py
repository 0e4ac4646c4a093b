"""The audit routes refuse at the edge, naming the field (control characters in text, an
owner named by display name, a Category 1 concern not same-day, an unknown learning
theme); the audit and its record summary are shown only to those who may read them; the
tools are listed for forms and templates."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.audit.application.queries import AuditQueries
from services.audit.domain.tools import ToolCatalogue
from services.audit.entrypoints import record_summary, tools_http
from services.audit.entrypoints.http import queries, router, tools
from tests.http_support import ACTOR, api_client, fields_at_fault
from tests.unit.audit.builders import TOOLS, body, inadequate

KNOWN, FINAL = uuid.uuid4(), uuid.uuid4()
AUDITOR = {"X-Actor-Id": "tm-ali", "X-Actor-Role": "auditor"}
MODERATOR = {"X-Actor-Id": "mod-1", "X-Actor-Role": "moderator"}


def view(audit: uuid.UUID, status: str) -> dict[str, Any]:
    findings = body()
    return {
        "audit_id": str(audit), "month": "2026-11", "service_area": "north",
        "auditor_id": "tm-ali", "status": status, "child_ref": "CH-0042",
        "legal_status": "cp", "case_team": "safeguarding", "audit_tool": "core",
        "tool_version": 1, "overall_grade": "requires-improvement", "draft": {"x": 1},
        "findings": findings, "element_grades": findings["element_grades"],
        "limited_by": ["risk"], "submitted_by": "tm-ali",
        "submitted_at": "2026-11-20T10:00:00+00:00", "submission": 1,
        "moderated": True, "moderator_id": "mod-1", "moderation_outcome": "agreed",
        "moderated_at": "2026-11-24T09:00:00+00:00",
        "finalised_at": "2026-11-24T09:00:00+00:00",
        "actions": [{**action, "submission": 1} for action in findings["actions"]],
        "concerns": [],
    }


class TwoAudits:
    """The AuditQueries port holding one audit in progress and one final audit."""

    async def audits_of(self, auditor_id: str, service_area: str | None
                        ) -> list[dict[str, Any]]:
        return []

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        return {KNOWN: view(KNOWN, "in-progress"), FINAL: view(FINAL, "final")}.get(audit_id)

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        return "north" if audit_id in {KNOWN, FINAL} else None

    async def trail(self, audit_id: uuid.UUID) -> list[dict[str, Any]]:
        return []


def two_audits() -> AuditQueries:
    return TwoAudits()


def catalogue() -> ToolCatalogue:
    return TOOLS


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(router, {queries: two_audits, tools: catalogue}) as test_client:
        test_client._transport.app.include_router(tools_http.router)  # type: ignore[attr-defined]
        test_client._transport.app.include_router(record_summary.router)  # type: ignore[attr-defined]
        yield test_client


def with_action(**change: Any) -> dict[str, Any]:
    action = {"description": "Review the plan", "owner_id": "tm-1", "due_date": "2026-12-15",
              "priority": "high", **change}
    return body(actions=[action])


@pytest.mark.parametrize(("submission", "loc"), [
    (with_action(description="Review\x00 the plan"), ["body", "actions", 0, "description"]),
    (with_action(description="\x1b[31mred"), ["body", "actions", 0, "description"]),
    (with_action(description="   "), ["body", "actions", 0, "description"]),
    (with_action(owner_id="Tom Smith"), ["body", "actions", 0, "owner_id"]),
    (with_action(priority="urgent"), ["body", "actions", 0, "priority"]),
    (body(learning_themes=["gardening"]), ["body", "learning_themes", 0]),
    (body(engagement={"with_social_worker": True}),
     ["body", "engagement", "manager_participated"]),
    (inadequate(child_of_concern={"category": 1, "reason": "Risk", "nature": ["other"],
                                  "immediacy": "within-a-month"}),
     ["body", "child_of_concern", "immediacy"]),
])
async def test_a_bad_submission_is_refused_at_the_edge_naming_its_field(
    client: httpx.AsyncClient, submission: dict[str, Any], loc: list[str | int]
) -> None:
    response = await client.post(f"/audits/{KNOWN}/submission", json=submission,
                                 headers=ACTOR)

    assert response.status_code == 422, response.text
    assert loc in fields_at_fault(response)


async def test_an_audit_never_assigned_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post(f"/audits/{uuid.uuid4()}/submission", json=body(),
                                 headers=ACTOR)

    assert response.status_code == 404
    assert response.json()["detail"] == "no such audit has been assigned"


async def test_reading_another_persons_audit_is_forbidden(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/audits/{KNOWN}",
                                headers={"X-Actor-Id": "tm-9", "X-Actor-Role": "auditor"})

    assert response.status_code == 403
    assert response.json()["type"] == "urn:qa-platform:problem:forbidden"


async def test_a_moderator_reads_what_was_submitted_but_never_the_draft(
        client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/audits/{KNOWN}", headers=MODERATOR)).status_code == 403
    final = (await client.get(f"/audits/{FINAL}", headers=MODERATOR)).json()
    assert final["draft"] is None
    assert final["findings"]["strengths"].startswith("Warm")
    mine = (await client.get(f"/audits/{KNOWN}", headers=AUDITOR)).json()
    assert mine["draft"] == {"x": 1}


async def test_the_record_summary_of_a_final_audit_as_json_and_html(
        client: httpx.AsyncClient) -> None:
    integrator = {"X-Actor-Id": "mosaic", "X-Actor-Role": "case-record-integrator"}
    summary = (await client.get(f"/audits/{FINAL}/record-summary", headers=integrator)).json()
    assert summary["final_grade"] == "requires-improvement"
    assert (summary["audited_by"], summary["moderated_by"]) == ("tm-ali", "mod-1")
    assert [a["priority"] for a in summary["actions"]] == ["medium", "high"]
    assert summary["element_grades"][0] == {"element": "risk", "title": "Risk",
                                            "grade": "requires-improvement"}
    assert summary["chronology_note"] == (
        "Case file audit (Core case file audit (nine key elements of practice) (v1)) "
        "completed on 2026-11-20 by tm-ali, moderated by mod-1: overall grade Requires "
        "improvement.")
    page = await client.get(f"/audits/{FINAL}/record-summary.html", headers=integrator)
    assert page.headers["content-type"].startswith("text/html")
    assert "<h2>Actions</h2>" in page.text
    assert "Add timescales to the plan" in page.text


async def test_no_record_summary_before_the_audit_is_final(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/audits/{KNOWN}/record-summary", headers=ACTOR)
    assert response.status_code == 409
    assert "not final yet" in response.json()["detail"]


async def test_the_tools_are_listed_and_each_version_served(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/tools", params={"service_area": "fostering"})).json()
    assert [t["id"] for t in listed] == ["fostering", "legacy-overall"]
    core = (await client.get("/tools/core/versions/1")).json()
    assert [e["id"] for e in core["elements"]][-1] == "impact"
    assert (await client.get("/tools/nothing")).status_code == 404


async def test_openapi_documents_the_request_bodies(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    submission = document["components"]["schemas"]["Submission"]
    assert set(submission["required"]) >= {"overall_grade", "strengths",
                                           "areas_for_development", "engagement"}
    assert "element_grades" in submission["properties"]
    draft = document["paths"]["/audits/{audit_id}/draft"]["post"]
    reference = draft["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert "answers" in schema["properties"]
    assert "required" not in schema
    assert "422" in document["paths"]["/audits/{audit_id}/submission"]["post"]["responses"]
