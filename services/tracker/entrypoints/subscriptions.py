"""What the tracker takes from other services' topics: audit outcomes to track,
moderation's review requests and category revisions, and the staff directory."""

from __future__ import annotations

from functools import partial
from typing import Any

from services.tracker.application.start_tracking import (
    when_action_raised,
    when_category_revised,
    when_child_of_concern_raised,
    when_review_requested,
)
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.events.moderation import ChildOfConcernCategoryRevised, ConcernReviewRequested
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import WorkingCalendar
from shared.kit.projection import Projection
from shared.kit.subscriptions import Subscription

TRACKER = SystemProcess(name="tracker")


def subscriptions(calendar: WorkingCalendar, directory: Projection[Any]
                  ) -> list[Subscription]:
    """Audit and moderation outcomes in one consumer group (a review request or a
    revision may overtake its concern: the streams sort that out), the directory in
    another."""
    outcomes = (
        Subscription("audit-outcomes", sources=("audit", "moderation"), actor=TRACKER)
        .when(ActionRaised, when_action_raised)
        .when(ChildOfConcernRaised, partial(when_child_of_concern_raised, calendar=calendar))
        .when(ConcernReviewRequested, when_review_requested)
        .when(ChildOfConcernCategoryRevised, partial(when_category_revised, calendar=calendar))
    )
    staff = Subscription("staff-directory", sources=("allocation",), projection=directory)
    return [outcomes, staff]
