"""HTTP conventions every service follows.

Until sign-in exists the acting person is named in request headers (X-Actor-Id,
X-Actor-Role, optionally X-On-Behalf-Of); a request without them is refused with 422
naming the header. Idempotency-Key makes a command safe to retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header
from pydantic import BaseModel

from shared.http.dependencies import AreasDep
from shared.http.problems import refuse
from shared.kernel.actor import Person
from shared.kernel.contracts import personal_values
from shared.kernel.identifiers import IDENT_PATTERN
from shared.kit.commands import CommandContext


def acting_person(
    x_actor_id: Annotated[str, Header(pattern=IDENT_PATTERN,
                                      description="Stable id of the person")],
    x_actor_role: Annotated[str, Header(pattern=IDENT_PATTERN,
                                        description="Their role, e.g. auditor")],
    x_on_behalf_of: Annotated[str | None, Header(pattern=IDENT_PATTERN)] = None,
) -> Person:
    return Person(person_id=x_actor_id, role=x_actor_role, on_behalf_of=x_on_behalf_of)


ActorDep = Annotated[Person, Depends(acting_person)]
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]
CorrelationId = Annotated[uuid.UUID | None, Header(alias="X-Correlation-Id")]


@dataclass(frozen=True)
class Asking:
    """Who asks, and the headers every command may carry."""

    actor: Person
    idempotency_key: str | None
    correlation_id: uuid.UUID | None
    service_areas: frozenset[str]

    def command(self, name: str, service_area: str, request: BaseModel,
                path: Mapping[str, object] | None = None) -> CommandContext:
        """`path` holds ids taken from the URL: they belong in the idempotency hash too,
        or one key reused for another audit would replay the first audit's answer."""
        if service_area not in self.service_areas:
            raise refuse(("body", "service_area"), "not a service area of this deployment; "
                         f"expected one of: {', '.join(sorted(self.service_areas))}")
        payload = request.model_dump(mode="json")
        return CommandContext(
            name=name,
            actor=self.actor,
            service_area=service_area,
            correlation_id=self.correlation_id or uuid.uuid4(),
            idempotency_key=self.idempotency_key,
            request={"path": {k: str(v) for k, v in path.items()}, "body": payload} if path
            else payload,
            personal=frozenset(personal_values(request)),
        )


def asking(actor: ActorDep, areas: AreasDep, idempotency_key: IdempotencyKey = None,
           correlation_id: CorrelationId = None) -> Asking:
    return Asking(actor, idempotency_key, correlation_id, areas)


AskingDep = Annotated[Asking, Depends(asking)]
