"""When an audit raises an action or a Child of Concern, the tracker starts tracking it;
when moderation asks for a review or revises a category, the tracker applies it."""

from __future__ import annotations

from datetime import datetime

from services.tracker.domain.actions import ACTION
from services.tracker.domain.audit_concerns import AUDIT_CONCERNS
from services.tracker.domain.commands import (
    ApplyCategory,
    LinkConcern,
    RequestReview,
    ReviewConcern,
    TrackAction,
    TrackChildOfConcern,
)
from services.tracker.domain.concerns import CONCERN
from services.tracker.domain.events import AuditConcernLinked
from services.tracker.domain.streams import action_stream, audit_concerns_stream, concern_stream
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.events.moderation import ChildOfConcernCategoryRevised, ConcernReviewRequested
from shared.kernel.clock import WorkingCalendar
from shared.kit.unit_of_work import UnitOfWork


def recorded_at(unit: UnitOfWork) -> datetime:
    """When the other service recorded the event (its envelope), not when this reaction
    ran: lag and replays do not move a same-day clock or a child's days on the tracker."""
    return unit.cause.occurred_at if unit.cause is not None else unit.now


async def when_action_raised(event: ActionRaised, unit: UnitOfWork) -> None:
    await unit.execute(ACTION, action_stream(event.action_id), TrackAction(event))


async def when_child_of_concern_raised(event: ChildOfConcernRaised, unit: UnitOfWork,
                                       calendar: WorkingCalendar) -> None:
    raised_at = recorded_at(unit)
    await unit.execute(CONCERN, concern_stream(event.concern_id),
                       TrackChildOfConcern(event, raised_at, calendar))
    audit = audit_concerns_stream(event.audit_id)
    linked = await unit.execute(AUDIT_CONCERNS, audit,
                                LinkConcern(event.audit_id, event.concern_id, raised_at))
    index = await unit.state(AUDIT_CONCERNS, audit)
    if any(isinstance(link, AuditConcernLinked) and index.reviewed(link) for link in linked):
        # Moderation asked for a review of this audit's concerns before this one reached us.
        await unit.execute(CONCERN, concern_stream(event.concern_id),
                           ReviewConcern(event.concern_id, event.audit_id))


async def when_review_requested(event: ConcernReviewRequested, unit: UnitOfWork) -> None:
    requested_at = recorded_at(unit)
    audit = audit_concerns_stream(event.audit_id)
    await unit.execute(AUDIT_CONCERNS, audit, RequestReview(
        event.audit_id, requested_at, event.from_grade, event.to_grade))
    index = await unit.state(AUDIT_CONCERNS, audit)
    for concern_id in index.to_review(requested_at):
        await unit.execute(CONCERN, concern_stream(concern_id),
                           ReviewConcern(concern_id, event.audit_id))


async def when_category_revised(event: ChildOfConcernCategoryRevised, unit: UnitOfWork,
                                calendar: WorkingCalendar) -> None:
    revised_at = recorded_at(unit)
    await unit.execute(CONCERN, concern_stream(event.concern_id),
                       ApplyCategory(event, revised_at, calendar))
