"""The tracker's use cases through the kit's harness: tracking what audits raise, and the
overdue scan marking each action once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from services.tracker.application import mark_action_overdue
from services.tracker.application.flag_overdue_actions import flag_overdue_actions
from services.tracker.application.queries import ActionStatus, OverdueCandidate
from services.tracker.application.start_tracking import (
    when_action_raised,
    when_child_of_concern_raised,
)
from services.tracker.domain.commands import MarkActionOverdue
from services.tracker.domain.events import REGISTRY, ChildOfConcernTrackingStarted
from services.tracker.domain.streams import action_stream, concern_stream
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.events.tracker import ActionOverdue, ActionTrackingStarted
from shared.kernel.clock import LONDON, ManualClock
from shared.kernel.envelope import Envelope
from shared.kernel.errors import ConcurrencyError
from shared.kit.commands import CommandRunner
from shared.kit.memory import MemoryEventStore, MemoryTransactions
from shared.kit.scenario import Scenario, UseCase

DUE = date(2025, 3, 31)
ACTION, AUDIT, CONCERN = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
RAISED = ActionRaised(action_id=ACTION, audit_id=AUDIT, month="2025-03", child_ref="CR-00123",
                      case_team="east-1", description="Review the plan", owner_id="staff-0007",
                      due_date=DUE)
TRACKED = ActionTrackingStarted(action_id=ACTION, audit_id=AUDIT, month="2025-03",
                                child_ref="CR-00123", case_team="east-1",
                                owner_id="staff-0007", due_date=DUE)


def spec() -> Scenario:
    return Scenario(REGISTRY, now=datetime(2025, 3, 14, 9, 30, tzinfo=UTC))


def overdue(today: date) -> ActionOverdue:
    return ActionOverdue(action_id=ACTION, audit_id=AUDIT, month="2025-03",
                         owner_id="staff-0007", due_date=DUE, detected_on=today)


def marking(today: date) -> UseCase:
    return partial(mark_action_overdue.handle, MarkActionOverdue(ACTION, today))


async def test_an_action_starts_tracking_with_what_the_audit_raised() -> None:
    await spec().when(partial(when_action_raised, RAISED)).then(TRACKED)


async def test_a_redelivered_action_changes_nothing() -> None:
    await (spec().given(action_stream(ACTION), TRACKED)
           .when(partial(when_action_raised, RAISED)).then())


async def test_an_action_past_its_due_date_is_marked_overdue_with_the_day_seen() -> None:
    today = DUE + timedelta(days=1)
    result = await (spec().given(action_stream(ACTION), TRACKED).when(marking(today))
                    .then(overdue(today)))
    assert result.marked_overdue is True


@pytest.mark.parametrize("today", [DUE, DUE - timedelta(days=1), date(2025, 1, 1)])
async def test_an_action_is_not_overdue_on_or_before_its_due_date(today: date) -> None:
    result = await spec().given(action_stream(ACTION), TRACKED).when(marking(today)).then()
    assert result.marked_overdue is False


@pytest.mark.parametrize("later", [1, 2, 40])
async def test_an_action_is_marked_overdue_exactly_once(later: int) -> None:
    await (spec().given(action_stream(ACTION), TRACKED, overdue(DUE + timedelta(days=1)))
           .when(marking(DUE + timedelta(days=later))).then())


async def test_an_action_never_tracked_is_never_overdue() -> None:
    await spec().when(marking(DUE + timedelta(days=10))).then()


async def test_a_child_of_concern_is_tracked_once_from_when_the_audit_raised_it() -> None:
    raised = ChildOfConcernRaised(concern_id=CONCERN, audit_id=AUDIT, month="2025-03",
                                  child_ref="CR-00123", case_team="east-1", category=2,
                                  reason="Plan not reviewed")
    started = ChildOfConcernTrackingStarted(
        concern_id=CONCERN, audit_id=AUDIT, month="2025-03", child_ref="CR-00123",
        case_team="east-1", category=2, raised_at=datetime(2025, 3, 14, 9, 30, tzinfo=UTC))
    await spec().when(partial(when_child_of_concern_raised, raised)).then(started)
    await (spec().given(concern_stream(CONCERN), started)
           .when(partial(when_child_of_concern_raised, raised)).then())


class Candidates:
    """The TrackerQueries port's shortlist, as a read model that lags would give it."""

    def __init__(self, *actions: uuid.UUID) -> None:
        self._actions = actions

    async def overdue_candidates(self, today: date) -> list[OverdueCandidate]:
        return [OverdueCandidate(action, "childrens-social-care") for action in self._actions]

    async def actions(self, service_area: str, status: ActionStatus | None
                      ) -> list[dict[str, Any]]:
        raise AssertionError("the scan lists candidates only")

    async def children_of_concern(self, service_area: str, today: date
                                  ) -> list[dict[str, Any]]:
        raise AssertionError("the scan lists candidates only")


async def test_repeated_scans_mark_an_action_overdue_once_and_skip_what_is_not_due() -> None:
    scenario = spec().given(action_stream(ACTION), TRACKED)
    not_yet = uuid.uuid4()
    scenario.given(action_stream(not_yet), TRACKED.model_copy(
        update={"action_id": not_yet, "due_date": DUE + timedelta(days=30)}))
    clock = ManualClock(datetime(2025, 4, 1, 9, 0, tzinfo=LONDON))
    runner = CommandRunner(scenario.transactions, REGISTRY, "test-authority", clock)
    candidates = Candidates(ACTION, not_yet)
    marked = [await flag_overdue_actions(runner, candidates, clock) for _ in range(3)]
    assert marked == [1, 0, 0]
    stream = await scenario.transactions.store.read_stream(action_stream(ACTION))
    assert [e.envelope.event_type for e in stream] == ["ActionTrackingStarted", "ActionOverdue"]
    assert stream[1].envelope.actor.kind == "system"


class JammedStore(MemoryEventStore):
    """A store on which every write to one stream collides, for ever."""

    def __init__(self, jammed: str) -> None:
        super().__init__()
        self.jammed = jammed

    def commit(self, writes: Mapping[str, tuple[int, list[Envelope]]]) -> list[int]:
        if self.jammed in writes:
            raise ConcurrencyError("jammed")
        return super().commit(writes)


async def test_one_action_that_cannot_be_marked_does_not_hold_up_the_others() -> None:
    broken = uuid.uuid4()
    store = JammedStore(action_stream(broken))
    scenario = spec()
    scenario.transactions = MemoryTransactions(store)
    scenario.given(action_stream(ACTION), TRACKED)
    store.jammed = ""  # let the given events in, then jam
    scenario.given(action_stream(broken), TRACKED.model_copy(update={"action_id": broken}))
    store.jammed = action_stream(broken)
    clock = ManualClock(datetime(2025, 4, 1, 9, 0, tzinfo=LONDON))
    runner = CommandRunner(scenario.transactions, REGISTRY, "test-authority", clock,
                           attempts=2)
    assert await flag_overdue_actions(runner, Candidates(broken, ACTION), clock) == 1
    assert store.version(action_stream(ACTION)) == 2
    assert store.version(action_stream(broken)) == 1
