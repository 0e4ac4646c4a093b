"""The operations routes over a service's dead letters (`qa dead-letters` calls them):
list, show, replay one or all, discard with a reason. Every decision names the person
who made it (the acting-person headers), and is recorded as an event."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from shared.host.dead_letter_desk import DeadLetterDesk
from shared.host.resources import ServiceResources
from shared.http.conventions import ActorDep, CorrelationId
from shared.http.problems import problems
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import IDENT_PATTERN
from shared.kit.dead_letters import DeadLetterUpdate

Status = Literal["pending", "replayed", "discarded"]


class DeadLetterView(BaseModel):
    dead_letter_id: uuid.UUID
    consumer: str
    subscription: str
    source_topic: str
    source_partition: int
    source_offset: int
    reason: str
    error: str
    event_id: uuid.UUID | None
    event_type: str | None
    stream_id: str | None
    set_aside_at: datetime
    status: Status
    replay_attempts: int
    last_error: str | None
    outcome: str | None
    decided_by: str | None
    decided_at: datetime | None
    discard_reason: str | None


class DeadLetterRecord(DeadLetterView):
    """With the record as it came off the topic (it may hold personal data)."""

    key: str | None
    value: str
    value_encoding: Literal["utf-8", "base64"]


class Discarding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=2000,
                                 description="Why it is not to be applied")]


class Replaying(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subscription: Annotated[str | None, Field(pattern=IDENT_PATTERN)] = None


def dead_letter_router(resources: ServiceResources, desk: DeadLetterDesk) -> APIRouter:
    router = APIRouter(prefix="/dead-letters", tags=["operations"])
    no_such = "no dead letter with that id in this service"

    @router.get("")
    async def listed(actor: ActorDep, status: Status | None = None,
                     subscription: Annotated[str | None, Query(pattern=IDENT_PATTERN)] = None
                     ) -> list[DeadLetterView]:
        """The records this service's consumers set aside, oldest first, with why."""
        rows = await resources.dead_letters.listed(status, subscription)
        return [DeadLetterView.model_validate(row) for row in rows]

    @router.get("/{dead_letter_id}", responses=problems(404))
    async def shown(dead_letter_id: uuid.UUID, actor: ActorDep) -> DeadLetterRecord:
        """One dead letter, with the record itself."""
        row = await resources.dead_letters.one(dead_letter_id)
        if row is None:
            raise NotFound(no_such)
        letter = await resources.dead_letters.record(dead_letter_id)
        return DeadLetterRecord.model_validate({**row, "key": letter.key,
                                                "value": letter.value,
                                                "value_encoding": letter.value_encoding})

    @router.post("/replay", responses=problems(409))
    async def replay_all(body: Replaying, actor: ActorDep,
                         correlation_id: CorrelationId = None) -> list[DeadLetterUpdate]:
        """Replays every pending dead letter (of one subscription), oldest first."""
        return await desk.replay_pending(actor, body.subscription, correlation_id)

    @router.post("/{dead_letter_id}/replay", responses=problems(404, 409))
    async def replay(dead_letter_id: uuid.UUID, actor: ActorDep,
                     correlation_id: CorrelationId = None) -> DeadLetterUpdate:
        """Hands the record to its consumer again through the consumer's inbox (harmless
        if it took effect already); a record that still fails stays pending, and the
        answer says why."""
        if await resources.dead_letters.one(dead_letter_id) is None:
            raise NotFound(no_such)
        return await desk.replay(dead_letter_id, actor, correlation_id)

    @router.post("/{dead_letter_id}/discard", responses=problems(404, 409))
    async def discard(dead_letter_id: uuid.UUID, body: Discarding, actor: ActorDep,
                      correlation_id: CorrelationId = None) -> DeadLetterUpdate:
        """Sets a dead letter aside for good, with the reason."""
        if await resources.dead_letters.one(dead_letter_id) is None:
            raise NotFound(no_such)
        return await desk.discard(dead_letter_id, body.reason, actor, correlation_id)

    return router
