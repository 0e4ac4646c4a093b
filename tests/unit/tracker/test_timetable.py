"""The escalation timetable through the kit's harness: overdue the day after the due date,
once per due date; escalated at 14 and 28 working days overdue (the Head of Service, then
the director), once each, counted over weekends, bank holidays and the clock change. A
completed action never turns overdue; an extended one starts a new timescale."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.tracker.application.check_timescales import due_a_look
from services.tracker.application.queries import ActionCandidate
from services.tracker.application.results import ActionUpdate, names
from services.tracker.domain.actions import ACTION as ACTION_DECIDER
from services.tracker.domain.commands import CheckAction
from services.tracker.domain.streams import action_stream
from services.tracker.domain.timescales import Escalation
from shared.events.tracker import (
    ActionCompleted,
    ActionDueDateExtended,
    ActionEscalated,
    ActionOverdue,
    ActionReopened,
    ActionTrackingStarted,
    ActionVerified,
)
from shared.kernel.clock import LONDON, london_date
from shared.kit.scenario import UseCase
from shared.kit.unit_of_work import UnitOfWork
from tests.unit.tracker.support import ACTION, AUDIT, ENGLAND, ESCALATION, SCOTLAND, TRACKED, spec


def check(today: date, escalation: Escalation = ESCALATION) -> UseCase:
    async def run(unit: UnitOfWork) -> ActionUpdate:
        events = await unit.execute(ACTION_DECIDER, action_stream(ACTION),
                                    CheckAction(ACTION, today, escalation))
        return ActionUpdate(action_id=ACTION, recorded=names(events))

    return run


def overdue(today: date, due: date = TRACKED.due_date, owner: str = "tm-owner"
            ) -> ActionOverdue:
    return ActionOverdue(action_id=ACTION, audit_id=AUDIT, month="2026-03", owner_id=owner,
                         due_date=due, detected_on=today)


def escalated(level: int, late: int, today: date) -> ActionEscalated:
    return ActionEscalated(action_id=ACTION, level=level,
                           to_role="head-of-service" if level == 1 else "director",
                           days_overdue=late, detected_on=today)


def due_on(day: date) -> ActionTrackingStarted:
    return TRACKED.model_copy(update={"due_date": day})


@pytest.mark.parametrize("today", [date(2026, 3, 31), date(2026, 3, 30), date(2026, 1, 1)])
async def test_not_overdue_on_or_before_the_due_date(today: date) -> None:
    await spec().given(action_stream(ACTION), TRACKED).when(check(today)).then()


async def test_overdue_the_day_after_even_on_a_weekend() -> None:
    friday = date(2026, 3, 27)
    saturday = friday + timedelta(days=1)
    await (spec().given(action_stream(ACTION), due_on(friday)).when(check(saturday))
           .then(overdue(saturday, friday)))


async def test_overdue_exactly_once_per_due_date() -> None:
    first = date(2026, 4, 1)
    for later in (first, first + timedelta(days=1), first + timedelta(days=5)):
        await (spec().given(action_stream(ACTION), TRACKED, overdue(first))
               .when(check(later)).then())


async def test_a_completed_or_verified_action_never_turns_overdue() -> None:
    done = ActionCompleted(action_id=ACTION, completed_by="tm-owner",
                           completed_on=date(2026, 3, 30), evidence="done")
    verified = ActionVerified(action_id=ACTION, verified_by="sm-boss",
                              verified_on=date(2026, 3, 31))
    for history in ((done,), (done, verified)):
        await (spec().given(action_stream(ACTION), TRACKED, *history)
               .when(check(date(2026, 6, 1))).then())


async def test_a_reopened_action_past_its_due_date_turns_overdue() -> None:
    done = ActionCompleted(action_id=ACTION, completed_by="tm-owner",
                           completed_on=date(2026, 3, 30), evidence="done")
    reopened = ActionReopened(action_id=ACTION, reopened_by="sm-boss", reason="not done")
    await (spec().given(action_stream(ACTION), TRACKED, done, reopened)
           .when(check(date(2026, 4, 2))).then(overdue(date(2026, 4, 2))))


async def test_an_extension_starts_a_new_timescale_overdue_again_only_past_it() -> None:
    extended = ActionDueDateExtended(action_id=ACTION, from_date=TRACKED.due_date,
                                     to_date=date(2026, 4, 30), extended_by="sm-boss",
                                     reason="leave")
    history = (TRACKED, overdue(date(2026, 4, 1)), extended)
    await spec().given(action_stream(ACTION), *history).when(check(date(2026, 4, 30))).then()
    await (spec().given(action_stream(ACTION), *history).when(check(date(2026, 5, 1)))
           .then(overdue(date(2026, 5, 1), date(2026, 4, 30))))


# Due Tuesday 31 March 2026 in England: Good Friday 3 April and Easter Monday 6 April are
# bank holidays, so the 14th working day overdue is Wednesday 22 April (counting weekdays
# alone would say Monday 20th), and the 28th is Wednesday 13 May (Monday 4 May, the Early
# May bank holiday, does not count).
ENGLISH_TIMETABLE = [
    (date(2026, 4, 1), [1], []),
    (date(2026, 4, 18), [], []),          # Saturday, 12 working days late
    (date(2026, 4, 21), [], []),          # 13
    (date(2026, 4, 22), [], [(1, 14)]),   # the 14th working day late: Head of Service
    (date(2026, 4, 23), [], []),
    (date(2026, 5, 9), [], []),           # Saturday
    (date(2026, 5, 12), [], []),          # 27
    (date(2026, 5, 13), [], [(2, 28)]),   # the 28th: the director
    (date(2026, 6, 30), [], []),          # nothing more, however long
]


async def test_the_escalation_timetable_over_easter_and_a_bank_holiday_monday() -> None:
    scenario = spec().given(action_stream(ACTION), TRACKED)
    for today, flagged, levels in ENGLISH_TIMETABLE:
        expected = [*(overdue(today) for _ in flagged),
                    *(escalated(level, late, today) for level, late in levels)]
        _, recorded = await scenario.when(check(today)).run()  # and kept in the store
        assert recorded == expected, today


async def test_the_timetable_when_scans_were_missed_records_every_level_once() -> None:
    """A tracker down for weeks catches up: overdue and both levels at once, each once."""
    late_day = date(2026, 5, 13)
    await (spec().given(action_stream(ACTION), TRACKED).when(check(late_day))
           .then(overdue(late_day), escalated(1, 28, late_day), escalated(2, 28, late_day)))
    await (spec().given(action_stream(ACTION), TRACKED, overdue(late_day),
                        escalated(1, 28, late_day), escalated(2, 28, late_day))
           .when(check(late_day + timedelta(days=30))).then())


@pytest.mark.parametrize(
    ("calendar", "due", "fourteenth"),
    [
        # Due Thursday 17 December 2026: Christmas, Boxing Day (substitute Monday 28th) and
        # New Year's Day pass; in Scotland 2 January (substitute Monday 4th) too.
        (ENGLAND, date(2026, 12, 17), date(2027, 1, 11)),
        (SCOTLAND, date(2026, 12, 17), date(2027, 1, 12)),
        # Easter Monday is not a bank holiday in Scotland.
        (SCOTLAND, date(2026, 3, 31), date(2026, 4, 21)),
    ],
)
async def test_the_first_escalation_falls_on_the_fourteenth_working_day(
        calendar: object, due: date, fourteenth: date) -> None:
    escalation = Escalation((14, 28), calendar)  # type: ignore[arg-type]
    history = (due_on(due), overdue(due + timedelta(days=1), due))
    before = fourteenth - timedelta(days=1)
    await (spec().given(action_stream(ACTION), *history).when(check(before, escalation))
           .then())
    await (spec().given(action_stream(ACTION), *history).when(check(fourteenth, escalation))
           .then(escalated(1, 14, fourteenth)))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # The clocks go forward at 01:00 UTC on Sunday 29 March 2026: 23:30 UTC on the
        # 31st is already 1 April in London, so an action due on the 31st is overdue.
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), True),
        (datetime(2026, 3, 31, 22, 59, tzinfo=UTC), False),
        # They go back on Sunday 25 October: 23:30 UTC on the 31st is still the 31st.
        (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), False),
        (datetime(2026, 11, 1, 0, 0, tzinfo=UTC), True),
    ],
)
async def test_the_day_is_the_london_day_across_the_clock_change(
        instant: datetime, expected: bool) -> None:
    due = date(2026, 3, 31) if instant.month < 6 else date(2026, 10, 31)
    today = london_date(instant)
    scenario = spec(instant).given(action_stream(ACTION), due_on(due))
    _, recorded = await scenario.when(check(today)).run()
    assert bool(recorded) is expected
    assert instant.astimezone(LONDON).date() == today


@pytest.mark.parametrize(
    ("flagged", "level", "today", "look"),
    [
        (False, 0, date(2026, 4, 1), True),     # not yet flagged overdue
        (True, 0, date(2026, 4, 21), False),    # 13 working days: nothing due
        (True, 0, date(2026, 4, 22), True),     # the 14th
        (True, 1, date(2026, 5, 12), False),
        (True, 1, date(2026, 5, 13), True),     # the 28th
        (True, 2, date(2026, 9, 1), False),     # every level done
    ],
)
def test_the_scan_shortlists_only_actions_with_something_due(
        flagged: bool, level: int, today: date, look: bool) -> None:
    candidate = ActionCandidate(ACTION, "childrens-social-care", date(2026, 3, 31), flagged,
                                level)
    assert due_a_look(candidate, today, ESCALATION) is look


def test_escalation_points_are_whole_increasing_working_days() -> None:
    for points in [(), (0, 14), (28, 14), (14, 14)]:
        with pytest.raises(ValueError, match="increasing"):
            Escalation(points, ENGLAND)

