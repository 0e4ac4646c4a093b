"""What a service is, as its composition root (`services/<name>/bootstrap.py`) declares it;
the host (`shared/host`) runs any such definition."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

import asyncpg
from fastapi import APIRouter

from shared.kernel.clock import Clock
from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kit.commands import CommandRunner
from shared.kit.projection import Projection
from shared.kit.subscriptions import Subscription

T = TypeVar("T")


@dataclass(frozen=True)
class JobContext:
    """What a background job may use: commands, the clock and the provided query ports."""

    commands: CommandRunner
    clock: Clock
    provided: Mapping[type[Any], Any]

    def get(self, port: type[T]) -> T:
        return cast(T, self.provided[port])


Job = Callable[[JobContext], Coroutine[Any, Any, None]]
# Builds a query port's PostgreSQL adapter from the service's connection pool.
QueryFactory = Callable[[asyncpg.Pool], Any]


@dataclass(frozen=True)
class DomainGauge:
    """A figure from the service's own read models that its operators must watch (a
    domain clock: children waiting past a deadline), exported as a Prometheus gauge per
    service area and sampled every few seconds by the host."""

    name: str
    documentation: str
    # The figure per service area as at `today` (London); areas it leaves out are 0.
    sample: Callable[[asyncpg.Pool, date], Awaitable[Mapping[str, float]]]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    # The wire contracts plus the service's internal events: what its store holds and
    # what its consumers can decode.
    registry: ContractRegistry
    # The wire contracts this service owns: the only types its relay puts on its topic.
    publishes: Sequence[type[EventContract]]
    migrations_package: str | None
    description: str = ""
    routers: Sequence[APIRouter] = ()
    # Read models kept inside each command's transaction.
    projections: Sequence[Projection[asyncpg.Connection]] = ()
    subscriptions: Sequence[Subscription] = ()
    queries: Mapping[type[Any], QueryFactory] = field(default_factory=dict)
    jobs: Sequence[Job] = ()
    gauges: Sequence[DomainGauge] = ()
