"""The audit service's own read models, kept in step inside each command's (or consumed
event's) transaction. Status follows domain/state.py's Audit.status."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from services.audit.domain.content import Draft, as_draft, merge
from services.audit.domain.events import (
    AuditAssigned,
    AuditCycleEnded,
    AuditDraftSaved,
    AuditFindingsRecorded,
    AuditReallocated,
    AuditReopened,
    AuditSampledForModeration,
    AuditStarted,
    GradeRevised,
    ModerationRecorded,
)
from shared.events.audit import (
    ActionRaised,
    AuditFinalised,
    AuditSubmitted,
    ChildOfConcernRaised,
)
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "audit-read-models", tables=("audits", "audit_actions", "audit_concerns"))


async def _set(conn: asyncpg.Connection, audit_id: Any, sql: str, *values: Any) -> None:
    await conn.execute(f"UPDATE audits SET {sql} WHERE audit_id = $1", audit_id, *values)


@PROJECTION.on(AuditAssigned)
async def assigned(conn: asyncpg.Connection, event: AuditAssigned, envelope: Envelope) -> None:
    await insert(conn, "audits", **event.model_dump(exclude={"tool_digest"}),
                 service_area=envelope.service_area, assigned_at=envelope.occurred_at)


@PROJECTION.on(AuditStarted)
async def started(conn: asyncpg.Connection, event: AuditStarted, envelope: Envelope) -> None:
    await _set(conn, event.audit_id, """status = CASE WHEN status = 'assigned'
        THEN 'in-progress' ELSE status END, started_at = $2,
        tool_version = COALESCE($3, tool_version)""", envelope.occurred_at, event.tool_version)


@PROJECTION.on(AuditDraftSaved)
async def draft_saved(conn: asyncpg.Connection, event: AuditDraftSaved,
                      envelope: Envelope) -> None:
    saved = await conn.fetchval("SELECT draft::text FROM audits WHERE audit_id = $1",
                                event.audit_id)
    draft = merge(Draft.model_validate_json(saved or "{}"), event.draft)
    await _set(conn, event.audit_id, "draft = $2::jsonb, draft_saved_at = $3",
               draft.model_dump_json(), envelope.occurred_at)


@PROJECTION.on(AuditFindingsRecorded)
async def findings(conn: asyncpg.Connection, event: AuditFindingsRecorded,
                   envelope: Envelope) -> None:
    await _set(conn, event.audit_id,
               "findings = $2::jsonb, draft = $3::jsonb, submitted_by = $4",
               event.findings.model_dump_json(), as_draft(event.findings).model_dump_json(),
               event.submitted_by)


@PROJECTION.on(AuditSubmitted)
async def submitted(conn: asyncpg.Connection, event: AuditSubmitted,
                    envelope: Envelope) -> None:
    await _set(conn, event.audit_id, """status = 'submitted', overall_grade = $2,
        submitted_grade = $2, submitted_at = $3, late = $4, submission = $5,
        element_grades = $6::jsonb, limited_by = $7::jsonb, tool_version = $8,
        sampled = false, moderator_id = NULL, moderation_outcome = NULL,
        moderated_at = NULL""",
               event.overall_grade.value, envelope.occurred_at, event.late, event.submission,
               json.dumps(event.element_grades), json.dumps(event.limited_by),
               event.tool_version)


@PROJECTION.on(ActionRaised)
async def action_raised(conn: asyncpg.Connection, event: ActionRaised,
                        envelope: Envelope) -> None:
    submission = await conn.fetchval("SELECT submission FROM audits WHERE audit_id = $1",
                                     event.audit_id)
    await insert(conn, "audit_actions", action_id=event.action_id, audit_id=event.audit_id,
                 submission=submission or 1, description=event.description,
                 owner_id=event.owner_id, due_date=event.due_date,
                 priority=event.priority.value, raised_at=envelope.occurred_at)


@PROJECTION.on(ChildOfConcernRaised)
async def concern_raised(conn: asyncpg.Connection, event: ChildOfConcernRaised,
                         envelope: Envelope) -> None:
    await insert(conn, "audit_concerns", concern_id=event.concern_id, audit_id=event.audit_id,
                 category=event.category, reason=event.reason,
                 nature=json.dumps([n.value for n in event.nature]),
                 immediacy=event.immediacy.value if event.immediacy else None,
                 decided_by=event.decided_by, raised_at=envelope.occurred_at)


@PROJECTION.on(AuditReallocated)
async def reallocated(conn: asyncpg.Connection, event: AuditReallocated,
                      envelope: Envelope) -> None:
    await _set(conn, event.audit_id, "auditor_id = $2", event.auditor_id)


@PROJECTION.on(AuditSampledForModeration)
async def sampled(conn: asyncpg.Connection, event: AuditSampledForModeration,
                  envelope: Envelope) -> None:
    await _set(conn, event.audit_id, "sampled = true")


@PROJECTION.on(ModerationRecorded)
async def moderated(conn: asyncpg.Connection, event: ModerationRecorded,
                    envelope: Envelope) -> None:
    await _set(conn, event.audit_id, """moderator_id = $2, moderation_outcome = $3,
        moderated_at = $4, overall_grade = CASE WHEN $3 = 'below-standard'
        THEN overall_grade ELSE $5 END""", event.moderator_id, event.outcome,
               envelope.occurred_at, event.moderated_grade.value)


@PROJECTION.on(GradeRevised)
async def grade_revised(conn: asyncpg.Connection, event: GradeRevised,
                        envelope: Envelope) -> None:
    if event.element == "overall":
        await _set(conn, event.audit_id, "overall_grade = $2", event.to_grade.value)
    else:
        await _set(conn, event.audit_id, """element_grades =
            jsonb_set(element_grades, ARRAY[$2::text], to_jsonb($3::text))""",
                   event.element, event.to_grade.value)


@PROJECTION.on(AuditReopened)
async def reopened(conn: asyncpg.Connection, event: AuditReopened, envelope: Envelope) -> None:
    await _set(conn, event.audit_id, """status = 'returned', returned_by = $2,
        returned_reasons = $3, returned_at = $4""", event.moderator_id, event.reasons,
               envelope.occurred_at)


@PROJECTION.on(AuditFinalised)
async def finalised(conn: asyncpg.Connection, event: AuditFinalised,
                    envelope: Envelope) -> None:
    await _set(conn, event.audit_id, """status = $2, overall_grade = $3, finalised_at = $4,
        moderated = $5, completed_to_standard = $6""",
               "final" if event.completed_to_standard else "not-completed-to-standard",
               event.final_grade.value, envelope.occurred_at, event.moderated,
               event.completed_to_standard)


@PROJECTION.on(AuditCycleEnded)
async def cycle_ended(conn: asyncpg.Connection, event: AuditCycleEnded,
                      envelope: Envelope) -> None:
    await _set(conn, event.audit_id, """cycle_closed_at = $2, status = CASE WHEN $3
        THEN 'not-submitted' ELSE status END""", envelope.occurred_at,
               event.standing == "not-submitted")
