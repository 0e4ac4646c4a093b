"""HTTP conventions every service follows.

Until sign-in exists the acting person is named in request headers (X-Actor-Id,
X-Actor-Role, optionally X-On-Behalf-Of); a command without them is refused with 422
naming the header. Idempotency-Key makes a command safe to retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.actor import Person
from shared.domain import Forbidden, NotFound, RuleBroken
from shared.postgres.event_store import ConcurrencyError
from shared.service.commands import Answer, CommandContext, IdempotencyConflict

_IDENT = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


def acting_person(
    x_actor_id: Annotated[str, Header(pattern=_IDENT, description="Stable id of the person")],
    x_actor_role: Annotated[str, Header(pattern=_IDENT, description="Their role, e.g. auditor")],
    x_on_behalf_of: Annotated[str | None, Header(pattern=_IDENT)] = None,
) -> Person:
    return Person(person_id=x_actor_id, role=x_actor_role, on_behalf_of=x_on_behalf_of)


def command_context(
    name: str,
    actor: Person,
    service_area: str,
    request: BaseModel,
    idempotency_key: str | None,
    correlation_id: uuid.UUID | None,
    path: Mapping[str, object] | None = None,
) -> CommandContext:
    """`path` holds ids taken from the URL: they belong in the idempotency hash too, or
    one key reused for another audit would replay the first audit's answer."""
    payload = request.model_dump(mode="json")
    return CommandContext(
        name=name,
        actor=actor,
        service_area=service_area,
        correlation_id=correlation_id or uuid.uuid4(),
        idempotency_key=idempotency_key,
        request={"path": {k: str(v) for k, v in path.items()}, "body": payload} if path
        else payload,
    )


IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]
CorrelationId = Annotated[uuid.UUID | None, Header(alias="X-Correlation-Id")]


def respond(answer: Answer) -> JSONResponse:
    return JSONResponse(status_code=answer.status_code, content=answer.body)


def install_error_handlers(app: FastAPI) -> None:
    async def rule_broken(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(error)})

    async def not_found(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(error)})

    async def conflict(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": [{"loc": ["header", "Idempotency-Key"], "msg": str(error)}]},
        )

    async def forbidden(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": str(error)})

    async def busy(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, headers={"Retry-After": "1"}, content={
            "detail": "the record changed while this command was being decided, and kept "
            "changing; nothing was recorded: send the command again"})

    app.add_exception_handler(ConcurrencyError, busy)
    app.add_exception_handler(RuleBroken, rule_broken)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(IdempotencyConflict, conflict)

