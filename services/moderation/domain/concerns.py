"""A Child of Concern as moderation knows it, and challenges to its category: a moderator
trained in the pool, or the Head of Quality, may revise it (Gloucestershire, January 2019:
a Category 1 revised to Category 2 by the Head of Quality), with a rationale; the tracker
applies the revision."""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.moderation.domain.commands import (
    HEAD_OF_QUALITY,
    MODERATOR_ROLES,
    ConcernCommand,
    RecordConcern,
    ReviseCategory,
)
from services.moderation.domain.events import ConcernRecorded
from services.moderation.domain.rules import REVISION_HAS_A_RATIONALE
from shared.events.moderation import ChildOfConcernCategoryRevised
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import Forbidden, NotFound, RuleBroken


@dataclass(frozen=True)
class Concern:
    recorded: ConcernRecorded | None = None
    category: int | None = None  # as last revised


def evolve(state: Concern, event: EventContract) -> Concern:
    if isinstance(event, ConcernRecorded):
        return replace(state, recorded=event, category=state.category or event.category)
    if isinstance(event, ChildOfConcernCategoryRevised):
        return replace(state, category=event.to_category)
    return state


def record(command: RecordConcern, state: Concern) -> list[EventContract]:
    if state.recorded is not None:
        return []
    return [ConcernRecorded(concern_id=command.concern_id, audit_id=command.audit_id,
                            month=command.month, category=command.category,
                            decided_by=command.decided_by)]


def revise(command: ReviseCategory, state: Concern) -> list[EventContract]:
    recorded = state.recorded
    if recorded is None or state.category is None:
        raise NotFound("no such Child of Concern is known to moderation")
    if command.role == HEAD_OF_QUALITY:
        role = "head-of-quality"
    elif command.role in MODERATOR_ROLES and command.trained_moderator:
        role = "moderator"
    else:
        raise Forbidden("only a moderator trained in this service area's pool, or the Head "
                        "of Quality, may challenge a Child of Concern's category")
    REVISION_HAS_A_RATIONALE.check(command)
    if command.to_category == state.category:
        raise RuleBroken(f"this Child of Concern is Category {state.category} already")
    return [ChildOfConcernCategoryRevised(
        concern_id=recorded.concern_id, audit_id=recorded.audit_id, month=recorded.month,
        from_category=state.category, to_category=command.to_category,
        rationale=command.rationale, revised_by=command.by, revised_by_role=role)]


CONCERN: Decider[ConcernCommand, Concern] = Decider(
    "concern", Concern(), evolve, by_command({RecordConcern: record, ReviseCategory: revise}))
