"""Running one command: in one transaction, answered once per idempotency key.

Everything a command changes (events, inline read models, the idempotency record) is
written in one transaction, so a failed command leaves nothing half-written. A stream
that moved on under us (ConcurrencyError) makes the whole command run again on fresh
history. Use cases return typed results (pydantic models) or raise domain errors; only
the HTTP adapter maps either to a status code.

Each run is one span (its id derived from the command's id, so the events it records lead
back to it: shared/telemetry/tracing.py), one observation of the command's latency and
outcome, and the correlation id on every log line written meanwhile, with the request's
personal values kept out of them.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.kernel.actor import Person, SystemProcess
from shared.kernel.clock import Clock
from shared.kernel.contracts import ContractRegistry
from shared.kernel.envelope import EventMetadata, canonical_json
from shared.kernel.errors import (
    ConcurrencyError,
    FieldsRefused,
    Forbidden,
    NotFound,
    RuleBroken,
)
from shared.kit.ports import Transactions
from shared.kit.unit_of_work import UnitOfWork
from shared.telemetry import Telemetry
from shared.telemetry.context import logged_with
from shared.telemetry.tracing import derived_span, trace_id_of, work_span_id, working

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
    # The request's personal values (fields marked PersonalData): kept out of the logs.
    personal: frozenset[str] = frozenset()

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
        telemetry: Telemetry | None = None,
    ) -> None:
        self._transactions = transactions
        self._registry = registry
        self._tenant = tenant
        self._clock = clock
        self._attempts = attempts
        self._telemetry = telemetry or Telemetry.quiet()

    async def run(self, context: CommandContext, use_case: UseCase[R], result: type[R]) -> R:
        telemetry, started = self._telemetry, time.perf_counter()
        span = derived_span(
            telemetry.tracer, f"command {context.name}",
            trace_id=trace_id_of(context.correlation_id),
            span_id=work_span_id(telemetry.service, context.command_id), parent_span_id=None,
            attributes={"qa.command": context.name, "qa.command_id": str(context.command_id),
                        "qa.correlation_id": str(context.correlation_id),
                        "qa.service": telemetry.service})
        outcome = "failed"
        try:
            with (working(telemetry.tracer, span),
                  logged_with(context.personal, command=context.name,
                              command_id=context.command_id,
                              correlation_id=context.correlation_id)):
                answer = await self._run_retrying(context, use_case, result)
            outcome = "ok"
            return answer
        except Exception as error:
            outcome = _outcome(error)
            raise
        finally:
            telemetry.metrics.command(context.name, outcome, time.perf_counter() - started)

    async def _run_retrying(self, context: CommandContext, use_case: UseCase[R],
                            result: type[R]) -> R:
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


def _outcome(error: Exception) -> str:
    """A refusal is the command working as designed; `failed` is a fault."""
    if isinstance(error, RuleBroken | FieldsRefused | IdempotencyConflict):
        return "refused"
    if isinstance(error, Forbidden):
        return "forbidden"
    if isinstance(error, NotFound):
        return "not-found"
    if isinstance(error, ConcurrencyError):
        return "conflict"
    return "failed"
