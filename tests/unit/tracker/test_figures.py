"""The whole tracker's figures as at any date, folded from the histories: an action
completed on the 20th is open as at the 15th; an extension counts from the day granted;
percentages rounded half up; the change since the previous month end."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from services.tracker.domain.events import ChildOfConcernResponseDue, ChildOfConcernTrackingStarted
from services.tracker.domain.figures import Dated, figures, percent, previous_month_end
from shared.events.tracker import (
    ActionCompleted,
    ActionDueDateExtended,
    ActionTrackingStarted,
    ActionVerified,
    ChildOfConcernCategoryApplied,
    ChildOfConcernClosed,
    ChildOfConcernResponseRecorded,
)
from shared.kernel.clock import LONDON
from shared.kernel.contracts import EventContract


def action(due: date) -> tuple[uuid.UUID, ActionTrackingStarted]:
    ident = uuid.uuid4()
    return ident, ActionTrackingStarted(action_id=ident, audit_id=None, month="2019-11",
                                        child_ref="CH-0001", case_team="east", owner_id="tm",
                                        due_date=due, source="by-hand")


def dated(ident: uuid.UUID, on: date, event: EventContract) -> Dated:
    return Dated(ident, on, event)


def test_percent_rounds_half_up_in_whole_numbers() -> None:
    assert [percent(142, 432), percent(290, 432), percent(1, 8), percent(0, 0)] == [
        33, 67, 13, None]
    assert previous_month_end(date(2020, 1, 15)) == date(2019, 12, 31)


def test_actions_as_at_a_date_and_the_change_since_the_previous_month_end() -> None:
    events: list[Dated] = []
    # Started in November, due 10 December, completed 20 January, verified 22 January.
    a, started = action(date(2019, 12, 10))
    events += [dated(a, date(2019, 11, 5), started),
               dated(a, date(2020, 1, 20), ActionCompleted(
                   action_id=a, completed_by="tm", completed_on=date(2020, 1, 20),
                   evidence="done")),
               dated(a, date(2020, 1, 22), ActionVerified(
                   action_id=a, verified_by="sm", verified_on=date(2020, 1, 22)))]
    # Due 31 December, extended on 5 January to 31 January.
    b, started = action(date(2019, 12, 31))
    events += [dated(b, date(2019, 12, 1), started),
               dated(b, date(2020, 1, 5), ActionDueDateExtended(
                   action_id=b, from_date=date(2019, 12, 31), to_date=date(2020, 1, 31),
                   extended_by="sm", reason="leave"))]
    # Started on 16 January, due in February.
    c, started = action(date(2020, 2, 28))
    events += [dated(c, date(2020, 1, 16), started)]

    on_15th = figures(events, [], date(2020, 1, 15))
    assert on_15th["actions"] == {
        "open": 2, "within_timescale": 1, "overdue": 1, "awaiting_verification": 0,
        "verified": 0, "within_timescale_percent": 50, "overdue_percent": 50}
    # At the end of December both were open and overdue/within: a overdue, b due that day.
    assert on_15th["actions_at_previous_month_end"]["overdue"] == 1
    assert on_15th["actions_at_previous_month_end"]["within_timescale"] == 1
    assert on_15th["actions_change"]["open"] == 0
    on_21st = figures(events, [], date(2020, 1, 21))["actions"]
    assert (on_21st["open"], on_21st["awaiting_verification"]) == (2, 1)
    on_31st = figures(events, [], date(2020, 1, 31))
    assert on_31st["actions"]["verified"] == 1
    assert on_31st["actions"]["within_timescale"] == 2
    assert on_31st["actions_change"]["overdue_percent"] == -50
    # Before anything started, nothing is open and no percentage is made up.
    empty = figures(events, [], date(2019, 10, 1))["actions"]
    assert (empty["open"], empty["overdue_percent"]) == (0, None)


def concern(category: int, raised: datetime) -> tuple[uuid.UUID, ChildOfConcernTrackingStarted]:
    ident = uuid.uuid4()
    return ident, ChildOfConcernTrackingStarted(
        concern_id=ident, audit_id=uuid.uuid4(), month=raised.strftime("%Y-%m"),
        child_ref="CH-0002", case_team="east", category=category,
        raised_at=raised)


def test_children_of_concern_by_category_month_raised_and_decision_awaited() -> None:
    events: list[Dated] = []
    # Gloucestershire: "1 since August, 2 since November" (and one closed in December).
    a, started = concern(1, datetime(2019, 8, 12, 10, tzinfo=LONDON))
    events += [dated(a, date(2019, 8, 12), started),
               dated(a, date(2019, 8, 12), ChildOfConcernResponseDue(
                   concern_id=a, since=started.raised_at, due_on=date(2019, 8, 12))),
               dated(a, date(2019, 8, 12), ChildOfConcernResponseRecorded(
                   concern_id=a, responded_by="hos", role="head-of-service", response="seen",
                   responded_on=date(2019, 8, 12), within_same_working_day=True))]
    for day in (4, 18):
        ident, started = concern(2, datetime(2019, 11, day, 10, tzinfo=LONDON))
        events.append(dated(ident, date(2019, 11, day), started))
    revised, started = concern(1, datetime(2019, 11, 25, 10, tzinfo=LONDON))
    events += [dated(revised, date(2019, 11, 25), started),
               dated(revised, date(2019, 11, 25), ChildOfConcernResponseDue(
                   concern_id=revised, since=started.raised_at, due_on=date(2019, 11, 25))),
               dated(revised, date(2019, 12, 2), ChildOfConcernCategoryApplied(
                   concern_id=revised, from_category=1, to_category=2)),
               dated(revised, date(2019, 12, 20), ChildOfConcernClosed(
                   concern_id=revised, signed_off_by="hos", role="head-of-service",
                   rationale="needs met", closed_on=date(2019, 12, 20)))]

    november_end = figures([], events, date(2019, 11, 30))["children_of_concern"]
    assert november_end["by_category"] == {"1": 2, "2": 2}
    assert november_end["awaiting"]["head-of-service-response"] == 1
    assert november_end["awaiting"]["director-sign-off"] == 1
    assert november_end["awaiting"]["head-of-service-sign-off"] == 2
    mid_december = figures([], events, date(2019, 12, 10))
    assert mid_december["children_of_concern"]["by_category"] == {"1": 1, "2": 3}
    january = figures([], events, date(2020, 1, 6))
    concerns = january["children_of_concern"]
    assert concerns["on_tracker"] == 3
    assert concerns["by_month_raised"] == {"2019-08": 1, "2019-11": 2}
    assert january["children_of_concern_change"]["on_tracker"] == 0
