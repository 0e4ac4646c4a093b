"""A pass of the timetable over the in-memory store: each action and concern is decided
by its own stream, so repeated and concurrent passes record everything once, and one
thing that cannot be checked holds up nothing else."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from services.tracker.application.check_timescales import check_timescales
from services.tracker.application.queries import (
    ActionCandidate,
    ActionFilter,
    ConcernCandidate,
)
from services.tracker.domain.events import REGISTRY, ChildOfConcernResponseDue
from services.tracker.domain.figures import Dated
from services.tracker.domain.streams import action_stream, concern_stream
from shared.kernel.clock import LONDON, ManualClock
from shared.kernel.envelope import Envelope
from shared.kernel.errors import ConcurrencyError
from shared.kit.commands import CommandRunner
from shared.kit.memory import MemoryEventStore, MemoryTransactions
from tests.unit.tracker.support import ACTION, CONCERN, ESCALATION, TRACKED, spec
from tests.unit.tracker.test_concerns import started

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)


class Candidates:
    """The TrackerQueries port's shortlists, as a read model that lags would give them."""

    def __init__(self, *actions: uuid.UUID, concerns: tuple[uuid.UUID, ...] = ()) -> None:
        self._actions = actions
        self._concerns = concerns

    async def action_candidates(self, today: date) -> list[ActionCandidate]:
        return [ActionCandidate(a, "childrens-social-care", TRACKED.due_date, False, 0)
                for a in self._actions]

    async def concern_candidates(self, today: date) -> list[ConcernCandidate]:
        return [ConcernCandidate(c, "childrens-social-care") for c in self._concerns]

    async def action(self, action_id: uuid.UUID) -> dict[str, Any] | None:
        raise AssertionError("the scan reads its shortlists only")

    async def actions(self, which: ActionFilter) -> list[dict[str, Any]]:
        raise AssertionError("the scan reads its shortlists only")

    async def concern(self, concern_id: uuid.UUID) -> dict[str, Any] | None:
        raise AssertionError("the scan reads its shortlists only")

    async def children_of_concern(self, service_area: str, today: date,
                                  include_closed: bool = False) -> list[dict[str, Any]]:
        raise AssertionError("the scan reads its shortlists only")

    async def child_timeline(self, child_ref: str) -> list[dict[str, Any]]:
        raise AssertionError("the scan reads its shortlists only")

    async def history(self, service_area: str, until: date
                      ) -> tuple[list[Dated], list[Dated]]:
        raise AssertionError("the scan reads its shortlists only")


def runner(transactions: MemoryTransactions, clock: ManualClock,
           attempts: int = 5) -> CommandRunner:
    return CommandRunner(transactions, REGISTRY, "test-authority", clock, attempts=attempts)


async def test_repeated_passes_record_each_thing_once_and_skip_what_is_not_due() -> None:
    scenario = spec().given(action_stream(ACTION), TRACKED)
    not_yet = uuid.uuid4()
    scenario.given(action_stream(not_yet), TRACKED.model_copy(
        update={"action_id": not_yet, "due_date": TRACKED.due_date + timedelta(days=30)}))
    due = ChildOfConcernResponseDue(concern_id=CONCERN, since=NOW - timedelta(days=2),
                                    due_on=date(2026, 3, 30))
    scenario.given(concern_stream(CONCERN), started(1), due)
    clock = ManualClock(NOW)
    candidates = Candidates(ACTION, not_yet, concerns=(CONCERN,))
    passes = [await check_timescales(runner(scenario.transactions, clock), candidates, clock,
                                     ESCALATION) for _ in range(3)]
    assert [(p.actions_changed, p.concerns_escalated) for p in passes] == [(1, 1), (0, 0),
                                                                          (0, 0)]
    stream = await scenario.transactions.store.read_stream(action_stream(ACTION))
    assert [e.envelope.event_type for e in stream] == ["ActionTrackingStarted", "ActionOverdue"]
    assert stream[1].envelope.actor.kind == "system"
    concern = await scenario.transactions.store.read_stream(concern_stream(CONCERN))
    assert concern[-1].envelope.event_type == "ChildOfConcernEscalated"


async def test_two_trackers_racing_record_everything_once() -> None:
    actions = [uuid.uuid4() for _ in range(20)]
    scenario = spec()
    for action in actions:
        scenario.given(action_stream(action), TRACKED.model_copy(update={"action_id": action}))
    clock = ManualClock(datetime(2026, 5, 20, 9, 0, tzinfo=LONDON))  # past both points
    candidates = Candidates(*actions)
    first, second = runner(scenario.transactions, clock), runner(scenario.transactions, clock)
    await asyncio.gather(check_timescales(first, candidates, clock, ESCALATION),
                         check_timescales(second, candidates, clock, ESCALATION))
    store = scenario.transactions.store
    for action in actions:
        types = [e.envelope.event_type for e in await store.read_stream(action_stream(action))]
        assert types == ["ActionTrackingStarted", "ActionOverdue", "ActionEscalated",
                         "ActionEscalated"]


class JammedStore(MemoryEventStore):
    """A store on which every write to one stream collides, for ever."""

    def __init__(self) -> None:
        super().__init__()
        self.jammed = ""

    def commit(self, writes: Mapping[str, tuple[int, list[Envelope]]]) -> list[int]:
        if self.jammed in writes:
            raise ConcurrencyError("jammed")
        return super().commit(writes)


async def test_one_action_that_cannot_be_checked_does_not_hold_up_the_others() -> None:
    broken = uuid.uuid4()
    store = JammedStore()
    scenario = spec()
    scenario.transactions = MemoryTransactions(store)
    scenario.given(action_stream(ACTION), TRACKED)
    scenario.given(action_stream(broken), TRACKED.model_copy(update={"action_id": broken}))
    store.jammed = action_stream(broken)
    clock = ManualClock(NOW)
    result = await check_timescales(runner(scenario.transactions, clock, attempts=2),
                                    Candidates(broken, ACTION), clock, ESCALATION)
    assert result.actions_changed == 1
    assert store.version(action_stream(ACTION)) == 2
    assert store.version(action_stream(broken)) == 1
