"""The moderation service's read models, kept in step inside each command's (or consumed
event's) transaction: the queue, each audit's grades beside the moderator's, the decisions
and grade pairs calibration reads, sampling policies, the pool and Children of Concern.
(One projection, so one module of a little over 200 lines: a rebuild empties its tables
together.)"""

from __future__ import annotations

import asyncpg

from services.moderation.domain.events import (
    AuditNotSampled,
    AuditQueuedForModeration,
    ConcernRecorded,
    ModerationReassigned,
    ModeratorAssigned,
    ModeratorAwaited,
    PoolMemberRecorded,
    SamplingPolicySet,
    SamplingReasonAdded,
    SubmissionReceived,
)
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernCategoryRevised,
    GradeChanged,
)
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "moderation-queue", tables=("moderation_queue", "moderation_grades", "moderation_decisions",
                                "moderation_pairs", "sampling_policies", "moderation_pool",
                                "concerns"))


@PROJECTION.on(AuditQueuedForModeration)
async def queued(conn: asyncpg.Connection, event: AuditQueuedForModeration,
                 envelope: Envelope) -> None:
    await insert(conn, "moderation_queue", **event.model_dump(),
                 service_area=envelope.service_area, queued_at=envelope.occurred_at)


@PROJECTION.on(SubmissionReceived)
async def received(conn: asyncpg.Connection, event: SubmissionReceived,
                   envelope: Envelope) -> None:
    """A first submission, or a resubmission that goes back into moderation."""
    await conn.execute(
        """INSERT INTO moderation_queue
               (audit_id, service_area, month, auditor_id, submitted_grade, queued_at,
                allocation_id, submission, case_team, child_ref, legal_status, audit_tool,
                tool_version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT (audit_id) DO UPDATE SET
               submitted_grade = EXCLUDED.submitted_grade, submission = EXCLUDED.submission,
               allocation_id = EXCLUDED.allocation_id, case_team = EXCLUDED.case_team,
               child_ref = EXCLUDED.child_ref, legal_status = EXCLUDED.legal_status,
               audit_tool = EXCLUDED.audit_tool, tool_version = EXCLUDED.tool_version,
               status = 'awaiting', outcome = NULL, moderated_grade = NULL,
               moderated_at = NULL, rationale = NULL""",
        event.audit_id, envelope.service_area, event.month, event.auditor_id,
        event.overall_grade.value, envelope.occurred_at, event.allocation_id, event.submission,
        event.case_team, event.child_ref, event.legal_status.value, event.audit_tool,
        event.tool_version)
    await conn.execute("DELETE FROM moderation_grades WHERE audit_id = $1", event.audit_id)
    # By element id, overall last: an event's keys reach here sorted or not (canonical
    # JSON sorts them), and a rebuild must give the same rows.
    grades = [*sorted(event.element_grades.items()), ("overall", event.overall_grade)]
    await conn.executemany(
        """INSERT INTO moderation_grades (audit_id, element, position, auditor_grade)
           VALUES ($1, $2, $3, $4)""",
        [(event.audit_id, element, position, grade.value)
         for position, (element, grade) in enumerate(grades)])


@PROJECTION.on(AuditSampled)
async def sampled(conn: asyncpg.Connection, event: AuditSampled, envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE moderation_queue SET status = 'awaiting', sample_reasons = $2, seed = $3,
                  random_share = $4, policy_version = $5 WHERE audit_id = $1""",
        event.audit_id, list(event.reasons), event.seed, event.random_share,
        event.policy_version)


@PROJECTION.on(AuditNotSampled)
async def not_sampled(conn: asyncpg.Connection, event: AuditNotSampled,
                      envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE moderation_queue SET status = 'not-sampled', seed = $2, random_share = $3,
                  policy_version = $4 WHERE audit_id = $1""",
        event.audit_id, event.seed, event.random_share, event.policy_version)


@PROJECTION.on(SamplingReasonAdded)
async def reason_added(conn: asyncpg.Connection, event: SamplingReasonAdded,
                       envelope: Envelope) -> None:
    await conn.execute("""UPDATE moderation_queue
                             SET sample_reasons = array_append(sample_reasons, $2)
                           WHERE audit_id = $1""", event.audit_id, event.reason)


async def _assigned(conn: asyncpg.Connection, event: ModeratorAssigned | ModerationReassigned,
                    envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE moderation_queue SET assigned_to = $2, assigned_external = $3,
                  waiting_reasons = '{}' WHERE audit_id = $1""",
        event.audit_id, event.moderator_id, event.external)


PROJECTION.on(ModeratorAssigned)(_assigned)
PROJECTION.on(ModerationReassigned)(_assigned)


@PROJECTION.on(ModeratorAwaited)
async def awaited(conn: asyncpg.Connection, event: ModeratorAwaited,
                  envelope: Envelope) -> None:
    await conn.execute("""UPDATE moderation_queue SET waiting_reasons = $2, assigned_to = NULL
                           WHERE audit_id = $1""", event.audit_id, list(event.reasons))


@PROJECTION.on(GradeChanged)
async def grade_changed(conn: asyncpg.Connection, event: GradeChanged,
                        envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE moderation_grades SET moderated_grade = $3, rationale = $4
            WHERE audit_id = $1 AND element = $2""",
        event.audit_id, event.element, event.to_grade.value, event.rationale)


@PROJECTION.on(AuditReturnedForRework)
async def returned(conn: asyncpg.Connection, event: AuditReturnedForRework,
                   envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE moderation_queue SET returned_reasons = $2,
                  returned_count = returned_count + 1 WHERE audit_id = $1""",
        event.audit_id, event.reasons)


@PROJECTION.on(AuditModerated)
async def moderated(conn: asyncpg.Connection, event: AuditModerated,
                    envelope: Envelope) -> None:
    status = "returned" if event.outcome == "below-standard" else "moderated"
    row = await conn.fetchrow(
        """UPDATE moderation_queue
              SET status = $2, moderator_id = $3, outcome = $4, moderated_grade = $5,
                  moderated_at = $6, rationale = $7
            WHERE audit_id = $1 RETURNING service_area, month, auditor_id""",
        event.audit_id, status, event.moderator_id, event.outcome,
        event.moderated_grade.value, envelope.occurred_at, event.rationale or None)
    if row is None:
        return
    await conn.execute(
        """INSERT INTO moderation_decisions VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT DO NOTHING""",
        event.audit_id, event.submission, row["service_area"], row["month"],
        row["auditor_id"], event.moderator_id, event.outcome, envelope.occurred_at)
    if event.outcome == "below-standard":
        return
    pairs = await conn.execute(
        """INSERT INTO moderation_pairs
           SELECT audit_id, $2, element, auditor_grade, coalesce(moderated_grade, auditor_grade)
             FROM moderation_grades WHERE audit_id = $1
           ON CONFLICT DO NOTHING""", event.audit_id, event.submission)
    if pairs == "INSERT 0 0":  # queued before grades were kept: the overall grade only
        await conn.execute(
            "INSERT INTO moderation_pairs VALUES ($1, $2, 'overall', $3, $4) "
            "ON CONFLICT DO NOTHING", event.audit_id, event.submission,
            event.original_grade.value, event.moderated_grade.value)


@PROJECTION.on(SamplingPolicySet)
async def policy_set(conn: asyncpg.Connection, event: SamplingPolicySet,
                     envelope: Envelope) -> None:
    await conn.execute(
        """INSERT INTO sampling_policies VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (service_area) DO UPDATE SET version = EXCLUDED.version,
               random_share = EXCLUDED.random_share, seed = EXCLUDED.seed,
               newly_trained_first_n = EXCLUDED.newly_trained_first_n,
               set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at""",
        envelope.service_area, event.version, event.random_share,
        event.newly_trained_first_n, event.seed, event.set_by, envelope.occurred_at)


@PROJECTION.on(PoolMemberRecorded)
async def member(conn: asyncpg.Connection, event: PoolMemberRecorded,
                 envelope: Envelope) -> None:
    await conn.execute("DELETE FROM moderation_pool WHERE service_area = $1 AND person_id = $2",
                       envelope.service_area, event.person_id)
    await insert(conn, "moderation_pool", **event.model_dump(), service_area=envelope.service_area)


@PROJECTION.on(ConcernRecorded)
async def concern(conn: asyncpg.Connection, event: ConcernRecorded,
                  envelope: Envelope) -> None:
    await insert(conn, "concerns", **event.model_dump(), service_area=envelope.service_area)


@PROJECTION.on(ChildOfConcernCategoryRevised)
async def revised(conn: asyncpg.Connection, event: ChildOfConcernCategoryRevised,
                  envelope: Envelope) -> None:
    await conn.execute("UPDATE concerns SET category = $2 WHERE concern_id = $1",
                       event.concern_id, event.to_category)
