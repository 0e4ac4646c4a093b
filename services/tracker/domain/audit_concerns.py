"""The tracker's index of one audit's Children of Concern, so that a review request
(moderation took the audit away from Inadequate) reaches every concern the audit raised
before it, whichever of the two events reaches the tracker first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from services.tracker.domain.commands import AuditCommand, LinkConcern, RequestReview
from services.tracker.domain.events import AuditConcernLinked, AuditConcernsReviewRequested
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command


@dataclass(frozen=True)
class AuditConcerns:
    raised: tuple[AuditConcernLinked, ...] = ()
    reviews: tuple[datetime, ...] = ()  # when each review was requested

    def linked(self, concern_id: uuid.UUID) -> bool:
        return any(link.concern_id == concern_id for link in self.raised)

    def to_review(self, requested_at: datetime) -> list[uuid.UUID]:
        """The concerns raised before a review request: it applies to them."""
        return [link.concern_id for link in self.raised if link.raised_at < requested_at]

    def reviewed(self, link: AuditConcernLinked) -> bool:
        """Whether a review requested after `link` was raised applies to it."""
        return any(link.raised_at < requested for requested in self.reviews)


def evolve(state: AuditConcerns, event: EventContract) -> AuditConcerns:
    if isinstance(event, AuditConcernLinked):
        return replace(state, raised=(*state.raised, event))
    if isinstance(event, AuditConcernsReviewRequested):
        return replace(state, reviews=(*state.reviews, event.requested_at))
    return state


def link(command: LinkConcern, state: AuditConcerns) -> list[EventContract]:
    if state.linked(command.concern_id):
        return []
    return [AuditConcernLinked(audit_id=command.audit_id, concern_id=command.concern_id,
                               raised_at=command.raised_at)]


def request_review(command: RequestReview, state: AuditConcerns) -> list[EventContract]:
    if command.requested_at in state.reviews:
        return []  # the same request delivered again
    return [AuditConcernsReviewRequested(
        audit_id=command.audit_id, requested_at=command.requested_at,
        from_grade=command.from_grade, to_grade=command.to_grade)]


AUDIT_CONCERNS: Decider[AuditCommand, AuditConcerns] = Decider(
    "audit-concerns", AuditConcerns(), evolve,
    by_command({LinkConcern: link, RequestReview: request_review}))
