"""The QA team moves a moderation to another moderator (or lets the pool choose), with
a reason; an audit no moderator could be found for is assigned the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pydantic import BaseModel

from services.moderation.application.assigning import find_moderator
from services.moderation.domain.commands import ReleaseModeration
from services.moderation.domain.moderation import MODERATION, check_reassignment
from services.moderation.domain.pool import POOL
from services.moderation.domain.streams import moderation_stream, pool_stream
from shared.kernel.errors import RuleBroken
from shared.kit.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Reassign:
    audit_id: uuid.UUID
    to: str | None
    reason: str
    role: str


class Reassignment(BaseModel):
    audit_id: uuid.UUID
    from_moderator_id: str | None
    moderator_id: str


async def handle(command: Reassign, unit: UnitOfWork) -> Reassignment:
    state = await unit.state(MODERATION, moderation_stream(command.audit_id))
    leaving = check_reassignment(state, command.role)
    if command.to is not None and command.to == leaving:
        raise RuleBroken(f"this audit is assigned to {leaving} already")
    await unit.execute(POOL, pool_stream(unit.metadata.service_area),
                       ReleaseModeration(command.audit_id))
    exclude = frozenset({leaving}) if leaving and command.to is None else frozenset()
    moderator = await find_moderator(unit, command.audit_id, to=command.to, exclude=exclude,
                                     reassigned_because=command.reason)
    if moderator is None:
        waiting = (await unit.state(MODERATION, moderation_stream(command.audit_id))).awaiting
        raise RuleBroken("no other moderator may take this audit: "
                         + "; ".join(waiting or ("none is eligible",)))
    return Reassignment(audit_id=command.audit_id, from_moderator_id=leaving,
                        moderator_id=moderator)
