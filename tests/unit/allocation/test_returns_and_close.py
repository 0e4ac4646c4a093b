"""Returns heard from the audit service, nil returns and the close, the schedule's
pass, and the completion figures defined as Gloucestershire reports them."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial

import pytest

from services.allocation.application import close_cycle
from services.allocation.application.queries import ExemptionCounts, Placed
from services.allocation.application.record_return import when_audit_submitted
from services.allocation.domain.events import AuditReturnRecorded
from services.allocation.domain.figures import Counts, net_rate, overall_rate, rate
from services.allocation.domain.streams import allocation_stream, cycle_stream
from shared.events.allocation import AuditCycleClosed, CaseAllocated, NilReturnRecorded
from shared.events.audit import AuditSubmitted
from shared.events.common import Grade, LegalStatus
from shared.kernel.clock import LONDON, ManualClock
from shared.kernel.errors import RuleBroken
from shared.kit.commands import CommandRunner
from shared.kit.scenario import Scenario
from tests.unit.allocation.support import (
    AREA,
    CYCLE,
    DEADLINE,
    MONTH,
    ListDirectory,
    opened,
    scenario,
)

AFTER_DEADLINE = datetime(2026, 3, 28, 9, 0, tzinfo=LONDON)


def an_allocation(auditor: str = "tm-1") -> CaseAllocated:
    return CaseAllocated(
        allocation_id=uuid.uuid4(), cycle_id=CYCLE, month=MONTH, return_deadline=DEADLINE,
        case_id=uuid.uuid4(), child_ref="CH-0001", legal_status=LegalStatus.CHILD_IN_NEED,
        case_team="east-1", auditor_id=auditor, auditor_team="west-2")


def submitted(allocation: CaseAllocated, *, late: bool = False,
              submission: int = 1) -> AuditSubmitted:
    return AuditSubmitted(
        audit_id=uuid.uuid5(allocation.allocation_id, "audit"),
        allocation_id=allocation.allocation_id, cycle_id=CYCLE, month=MONTH,
        case_id=allocation.case_id, child_ref="CH-0001", legal_status=allocation.legal_status,
        case_team="east-1", auditor_id=allocation.auditor_id, overall_grade=Grade.GOOD,
        late=late, submission=submission)


def stream(allocation: CaseAllocated) -> str:
    return allocation_stream(CYCLE, allocation.case_id)


def placed(*allocations: CaseAllocated) -> list[Placed]:
    return [Placed(a.allocation_id, AREA, MONTH, CYCLE, a.case_id, a.auditor_id, "core")
            for a in allocations]


async def test_a_submission_is_recorded_once_per_submission_number() -> None:
    allocation = an_allocation()
    event = submitted(allocation, late=True)
    returned = AuditReturnRecorded(allocation_id=allocation.allocation_id,
                                   audit_id=event.audit_id, submission=1, late=True)
    spec = scenario().given(stream(allocation), allocation)
    await spec.when(partial(when_audit_submitted, event)).then(returned)
    spec.given(stream(allocation), returned)
    await spec.when(partial(when_audit_submitted, event)).then()  # redelivered
    resubmitted = submitted(allocation, submission=2)
    await spec.when(partial(when_audit_submitted, resubmitted)).then(
        returned.model_copy(update={"submission": 2, "late": False}))


async def test_a_submission_for_no_allocation_here_changes_nothing() -> None:
    await scenario().when(partial(when_audit_submitted, submitted(an_allocation()))).then()


async def test_closing_turns_each_unreturned_allocation_into_a_nil_return_then_closes(
) -> None:
    done, late, missing = an_allocation("tm-1"), an_allocation("tm-2"), an_allocation("tm-3")
    spec = scenario(AFTER_DEADLINE).given(cycle_stream(CYCLE), opened(auditors=5))
    for allocation, returned in ((done, False), (late, True), (missing, None)):
        spec.given(stream(allocation), allocation)
        if returned is not None:
            spec.given(stream(allocation), AuditReturnRecorded(
                allocation_id=allocation.allocation_id, audit_id=uuid.uuid4(),
                submission=1, late=returned))
    directory = ListDirectory(placed=placed(done, late, missing),
                              counted=ExemptionCounts(non_operational=1, operational=1))

    await spec.when(partial(close_cycle.handle, MONTH, directory)).then(
        NilReturnRecorded(allocation_id=missing.allocation_id, cycle_id=CYCLE, month=MONTH,
                          auditor_id="tm-3"),
        AuditCycleClosed(cycle_id=CYCLE, month=MONTH, auditors_in_pool=5,
                         non_operational_exemptions=1, operational_exemptions=1, allocated=3,
                         completed=2, late_returns=1, nil_returns=1))


async def test_closing_again_records_nothing_and_before_the_deadline_is_refused() -> None:
    closed = AuditCycleClosed(cycle_id=CYCLE, month=MONTH, auditors_in_pool=0,
                              non_operational_exemptions=0, operational_exemptions=0,
                              allocated=0, completed=0, late_returns=0, nil_returns=0)
    spec = scenario(AFTER_DEADLINE).given(cycle_stream(CYCLE), opened(), closed)
    answer = await spec.when(partial(close_cycle.handle, MONTH, ListDirectory())).then()
    assert answer.closed_now is False
    allocation = an_allocation()
    early: Scenario = (scenario().given(cycle_stream(CYCLE), opened())
                       .given(stream(allocation), allocation))
    await (early.when(partial(close_cycle.handle, MONTH, ListDirectory(
        placed=placed(allocation)))).then_fails(RuleBroken, "return deadline has passed"))


async def test_the_schedule_closes_every_cycle_past_its_deadline_once() -> None:
    spec = scenario(AFTER_DEADLINE).given(cycle_stream(CYCLE), opened())
    clock = ManualClock(AFTER_DEADLINE)
    runner = CommandRunner(spec.transactions, spec.registry, "test-authority", clock)
    directory = ListDirectory(due=[(AREA, MONTH)])
    assert await close_cycle.close_due_cycles(runner, directory, clock) == 1
    assert await close_cycle.close_due_cycles(runner, directory, clock) == 0


# --- the figures -----------------------------------------------------------------------

# Gloucestershire, January 2019, worked by hand: 82 in the pool; 12 non-operational and 5
# operational exemptions; 65 allocated; 58 completed; 7 nil returns.
JANUARY_2019 = Counts(auditors_in_pool=82, non_operational_exemptions=12,
                      operational_exemptions=5, allocated=65, completed=58, late_returns=0,
                      nil_returns=7)


def test_the_gloucestershire_january_figures() -> None:
    assert net_rate(JANUARY_2019) == "58/70 (83%)"  # 58 / 70 = 0.8286
    assert overall_rate(JANUARY_2019) == "58/82 (71%)"  # 58 / 82 = 0.7073


@pytest.mark.parametrize(("numerator", "denominator", "says"), [
    (47, 62, "47/62 (76%)"),  # Gloucestershire November 2018: 0.758
    (57, 67, "57/67 (85%)"),  # December 2018: 0.851
    (1, 8, "1/8 (13%)"),  # 12.5 rounds half up
    (0, 0, "0/0 (-)"),
])
def test_a_rate_rounds_half_up_and_says_so_when_nothing_was_due(
    numerator: int, denominator: int, says: str
) -> None:
    assert rate(numerator, denominator) == says
