"""Running one command: in one transaction, answered once per idempotency key.

Everything a command changes (events, inline read models, the idempotency record) is
written in one transaction, so a failed command leaves nothing half-written. A stream
that moved on under us (ConcurrencyError) makes the whole command run again on fresh
history. Use cases return typed results (pydantic models) or raise domain errors; only
the HTTP adapter maps either to a status code.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.kernel.actor import Person, SystemProcess
from shared.kernel.clock import Clock
from shared.kernel.contracts import ContractRegistry
from shared.kernel.envelope import EventMetadata, canonical_json
from shared.kernel.errors import ConcurrencyError
from shared.kit.ports import Transactions
from shared.kit.unit_of_work import UnitOfWork

R = TypeVar("R", bound=BaseModel)
UseCase = Callable[[UnitOfWork], Awaitable[R]]


class IdempotencyConflict(Exception):
    """The key was used before for a different request."""


@dataclass(frozen=True)
class CommandContext:
    """Who asks for what, on whose behalf, within which service area."""

    name: str
    actor: Person | SystemProcess
    service_area: str
    correlation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    command_id: uuid.UUID = field(default_factory=uuid.uuid4)
    idempotency_key: str | None = None
    # The request as received, so a reused key can be told apart from a retry.
    request: Any = None

    def request_hash(self) -> str:
        text = canonical_json({"command": self.name, "request": self.request})
        return hashlib.sha256(text.encode()).hexdigest()


class CommandRunner:
    def __init__(
        self,
        transactions: Transactions,
        registry: ContractRegistry,
        tenant: str,
        clock: Clock,
        *,
        attempts: int = 5,
    ) -> None:
        self._transactions = transactions
        self._registry = registry
        self._tenant = tenant
        self._clock = clock
        self._attempts = attempts

    async def run(self, context: CommandContext, use_case: UseCase[R], result: type[R]) -> R:
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._run_once(context, use_case, result)
            except ConcurrencyError:
                if attempt == self._attempts:
                    raise
                # Jitter, so writers that collided do not collide again in step.
                await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))
        raise AssertionError("unreachable")

    async def _run_once(self, context: CommandContext, use_case: UseCase[R],
                        result: type[R]) -> R:
        async with self._transactions.begin() as transaction:
            key = context.idempotency_key
            if key is not None:
                # Requests carrying the same key are serialised: the second waits for the
                # first to commit and then answers as it did, instead of deciding afresh.
                previous = await transaction.hold_key(key)
                if previous is not None:
                    if previous.request_hash != context.request_hash():
                        raise IdempotencyConflict(
                            f"Idempotency-Key {key!r} was already used for a different request"
                        )
                    return result.model_validate(previous.result)
            metadata = EventMetadata(
                tenant=self._tenant,
                service_area=context.service_area,
                actor=context.actor,
                occurred_at=self._clock.now(),
                correlation_id=context.correlation_id,
                causation_id=context.command_id,
            )
            answer = await use_case(UnitOfWork(transaction, self._registry, metadata))
            if key is not None:
                await transaction.remember(
                    key, context.name, context.request_hash(), answer.model_dump(mode="json")
                )
            return answer
