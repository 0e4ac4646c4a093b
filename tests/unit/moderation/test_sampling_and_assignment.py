"""A submitted audit through the harness: sampled under the area's policy (or not, with
the evidence), assigned from the pool, waiting with reasons when no one may take it."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

from services.moderation.application import follow_allocation, follow_audits
from services.moderation.domain.events import (
    AuditAwaitingModerator,
    AuditCounted,
    AuditNotSampled,
    ConcernRecorded,
    ModeratorAssigned,
    ModeratorAwaited,
    PoolMemberRecorded,
    SamplingPolicySet,
    SamplingReasonAdded,
    WorkloadTaken,
)
from services.moderation.domain.sampling import audit_seed, default_policy
from services.moderation.domain.streams import policy_stream
from shared.events.audit import ChildOfConcernRaised
from shared.events.common import Grade
from shared.events.moderation import AuditSampled
from shared.kernel.contracts import EventContract
from tests.unit.moderation.support import (
    AREA,
    AUDIT,
    CASE,
    POOL,
    STREAM,
    TODAY,
    allocated,
    case_facts,
    member,
    on_staff,
    on_submitted,
    received,
    spec,
    staff,
    submitted,
)

NEVER_AT_RANDOM = SamplingPolicySet(version=1, random_share=0.0, newly_trained_first_n=2,
                                    seed=42, set_by="hoq-1")
SEED = audit_seed(42, AUDIT)
COUNTED = AuditCounted(audit_id=AUDIT, auditor_id="aud-1", submitted_on=TODAY)


def not_sampled(since: int | None = None) -> AuditNotSampled:
    return AuditNotSampled(audit_id=AUDIT, month="2025-03", auditor_id="aud-1", seed=SEED,
                           random_share=0.0, policy_version=1, audits_since_trained=since)


def sampled(*reasons: str, seed: int = SEED, share: float = 0.0,
            version: int = 1) -> AuditSampled:
    return AuditSampled(audit_id=AUDIT, month="2025-03", auditor_id="aud-1",
                        reasons=list(reasons), seed=seed, random_share=share,
                        policy_version=version)


def assigned(moderator: str = "mod-a", submission: int = 1) -> list[EventContract]:
    return [WorkloadTaken(audit_id=AUDIT, moderator_id=moderator),
            ModeratorAssigned(audit_id=AUDIT, moderator_id=moderator, submission=submission)]


async def test_under_the_default_policy_every_audit_is_sampled_with_its_seed() -> None:
    seed = audit_seed(default_policy(AREA).seed, AUDIT)
    await (spec().given(POOL, member("mod-a")).given(CASE, case_facts())
           .when(on_submitted(submitted()))
           .then(received(), sampled("random", seed=seed, share=1.0, version=0), COUNTED,
                 *assigned()))


async def test_an_audit_not_sampled_records_why_not() -> None:
    await (spec().given(policy_stream(AREA), NEVER_AT_RANDOM)
           .given(POOL, member("mod-a"), member("aud-1", moderator=False))
           .when(on_submitted(submitted()))
           .then(received(), not_sampled(since=0), COUNTED))


async def test_an_inadequate_audit_is_always_sampled() -> None:
    await (spec().given(policy_stream(AREA), NEVER_AT_RANDOM).given(POOL, member("mod-a"))
           .given(CASE, case_facts())
           .when(on_submitted(submitted(Grade.INADEQUATE)))
           .then(received(Grade.INADEQUATE), sampled("inadequate"), COUNTED, *assigned()))


async def test_a_newly_trained_auditors_first_audits_are_sampled() -> None:
    trained = member("aud-1", moderator=False, auditor_since=date(2025, 1, 6))
    earlier = [AuditCounted(audit_id=uuid.uuid4(), auditor_id="aud-1",
                            submitted_on=date(2025, 2, 3))]
    await (spec().given(policy_stream(AREA), NEVER_AT_RANDOM)
           .given(POOL, member("mod-a"), trained, *earlier).given(CASE, case_facts())
           .when(on_submitted(submitted()))
           .then(received(), sampled("newly-trained"), COUNTED, *assigned()))
    # The third (newly_trained_first_n = 2) is not.
    await (spec().given(policy_stream(AREA), NEVER_AT_RANDOM)
           .given(POOL, trained, *earlier, *[AuditCounted(
               audit_id=uuid.uuid4(), auditor_id="aud-1", submitted_on=TODAY)])
           .when(on_submitted(submitted())).then(received(), not_sampled(since=2), COUNTED))


async def test_a_redelivered_submission_changes_nothing() -> None:
    await (spec().given(STREAM, received(), not_sampled())
           .when(on_submitted(submitted())).then())


async def test_a_category_1_concern_samples_an_audit_late_with_the_same_seed() -> None:
    concern = uuid.uuid4()
    raised = ChildOfConcernRaised(concern_id=concern, audit_id=AUDIT, month="2025-03",
                                  child_ref="CR-00001", case_team="east-1", category=1,
                                  reason="No visit in twelve weeks")
    await (spec().given(STREAM, received(), not_sampled()).given(POOL, member("mod-a"))
           .given(CASE, case_facts())
           .when(partial(follow_audits.when_concern_raised, raised))
           .then(ConcernRecorded(concern_id=concern, audit_id=AUDIT, month="2025-03",
                                 category=1),
                 sampled("category-1"), *assigned()))
    # Already sampled: one more reason, no second AuditSampled.
    await (spec().given(STREAM, received(), sampled("inadequate"))
           .when(partial(follow_audits.when_concern_raised, raised))
           .then(ConcernRecorded(concern_id=concern, audit_id=AUDIT, month="2025-03",
                                 category=1),
                 SamplingReasonAdded(audit_id=AUDIT, reason="category-1", concern_id=concern)))


async def test_with_no_eligible_moderator_the_audit_waits_with_the_reasons() -> None:
    reasons = ["mod-a: the audit's auditor", "mod-b: in the case's team (east-1)",
               "mod-c: the case's social worker", "mod-d: the case's manager",
               "mod-e: the line manager of the case's social worker"]
    pool = [member("mod-a"), member("mod-b", team="east-1"), member("mod-c", manager="mod-e"),
            member("mod-d"), member("mod-e"), member("someone", moderator=False)]
    event = submitted(auditor="mod-a")
    await (spec().given(POOL, *pool).given(CASE, case_facts("mod-c", "mod-d"))
           .when(on_submitted(event))
           .then(received(auditor="mod-a"), AuditSampled(
               audit_id=AUDIT, month="2025-03", auditor_id="mod-a", reasons=["random"],
               seed=audit_seed(default_policy(AREA).seed, AUDIT), random_share=1.0,
               policy_version=0),
               AuditCounted(audit_id=AUDIT, auditor_id="mod-a", submitted_on=TODAY),
               AuditAwaitingModerator(audit_id=AUDIT, reasons=reasons),
               ModeratorAwaited(audit_id=AUDIT, reasons=reasons)))


async def test_a_waiting_audit_is_assigned_when_the_pool_gains_a_moderator() -> None:
    why = ["no one in this service area's pool is trained as a moderator"]
    await (spec().given(STREAM, received(), sampled("inadequate"),
                        ModeratorAwaited(audit_id=AUDIT, reasons=why))
           .given(POOL, AuditAwaitingModerator(audit_id=AUDIT, reasons=why))
           .given(CASE, case_facts())
           .when(on_staff(staff("ext-1", external=True, team="external")))
           .then(member("ext-1", external=True, team="external"),
                 WorkloadTaken(audit_id=AUDIT, moderator_id="ext-1"),
                 ModeratorAssigned(audit_id=AUDIT, moderator_id="ext-1", submission=1,
                                   external=True)))


async def test_an_audit_whose_case_is_not_known_waits_for_its_allocation() -> None:
    why = ["the case's team and workers are not known here yet (its allocation has not "
           "arrived)"]
    history = spec().given(POOL, member("mod-a"))
    _, recorded = await history.when(on_submitted(submitted(Grade.INADEQUATE))).run()
    assert recorded[-1] == ModeratorAwaited(audit_id=AUDIT, reasons=why)
    await (history.when(partial(follow_allocation.when_case_allocated, allocated()))
           .then(case_facts(), *assigned()))


async def test_workloads_are_balanced_and_a_staff_record_repeated_changes_nothing() -> None:
    busy = [WorkloadTaken(audit_id=uuid.uuid4(), moderator_id="mod-a")]
    await (spec().given(POOL, member("mod-a"), member("mod-b"), *busy)
           .given(CASE, case_facts())
           .when(on_submitted(submitted()))
           .then(received(), sampled("random", seed=audit_seed(default_policy(AREA).seed, AUDIT),
                                     share=1.0, version=0), COUNTED, *assigned("mod-b")))
    await spec().given(POOL, member("mod-a")).when(on_staff(staff("mod-a"))).then()


def test_a_pool_member_keeps_what_the_staff_record_says() -> None:
    record = staff("ext-1", external=True, leaving_on=date(2025, 6, 30))
    kept = member("ext-1", external=True, leaving_on=date(2025, 6, 30))
    assert isinstance(kept, PoolMemberRecorded)
    assert (kept.moderator_since, kept.external, kept.leaving_on) == (
        record.moderator_since, True, record.leaving_on)


async def test_a_resubmission_of_an_audit_never_sampled_is_not_moderated() -> None:
    """Seen first as a resubmission (moderation deployed meanwhile): sampled as any first
    sight, and not given a moderator when the draw leaves it out."""
    later = submitted(submission=2)
    await (spec().given(policy_stream(AREA), NEVER_AT_RANDOM).given(POOL, member("mod-a"))
           .given(CASE, case_facts())
           .when(on_submitted(later))
           .then(received(submission=2), not_sampled(), COUNTED))
