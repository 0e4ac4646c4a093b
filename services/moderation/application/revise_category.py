"""A moderator trained in the pool, or the Head of Quality, revises a Child of Concern's
category with a rationale; the tracker applies ChildOfConcernCategoryRevised."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel

from services.moderation.application.assigning import today
from services.moderation.domain.assignment import is_moderator
from services.moderation.domain.commands import ReviseCategory
from services.moderation.domain.concerns import CONCERN
from services.moderation.domain.pool import POOL
from services.moderation.domain.streams import concern_stream, pool_stream
from shared.events.moderation import ChildOfConcernCategoryRevised
from shared.kit.unit_of_work import UnitOfWork


class CategoryRevision(BaseModel):
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    from_category: Literal[1, 2]
    to_category: Literal[1, 2]
    revised_by: str


async def handle(command: ReviseCategory, unit: UnitOfWork) -> CategoryRevision:
    pool = await unit.state(POOL, pool_stream(unit.metadata.service_area))
    member = pool.members.get(command.by)
    trained = member is not None and is_moderator(member, today(unit))
    events = await unit.execute(CONCERN, concern_stream(command.concern_id),
                                replace(command, trained_moderator=trained))
    revised = next(e for e in events if isinstance(e, ChildOfConcernCategoryRevised))
    return CategoryRevision(concern_id=revised.concern_id, audit_id=revised.audit_id,
                            from_category=revised.from_category,
                            to_category=revised.to_category, revised_by=revised.revised_by)
