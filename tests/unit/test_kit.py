"""The service kit's own pieces: deciders and their helpers, rules on requests,
projections, subscriptions, the unit of work and the in-memory transactions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from shared.http.validation import enforce
from shared.kernel.actor import SystemProcess
from shared.kernel.contracts import ContractRegistry, EventContract, carried
from shared.kernel.decider import Decider, by_command, keep_latest, keep_only, once
from shared.kernel.envelope import Envelope, EventMetadata, RecordedEvent
from shared.kernel.errors import ConcurrencyError, RuleBroken
from shared.kernel.rules import Rule
from shared.kit.memory import MemoryEventStore, MemoryTransactions
from shared.kit.projection import Projection
from shared.kit.subscriptions import Subscription
from shared.kit.unit_of_work import UnitOfWork
from tests.support import NoteRecorded, a_stream, notes


class Opened(EventContract):
    type_name = "Opened"
    name: str


class Closed(EventContract):
    type_name = "Closed"
    name: str
    reason: str


@dataclass(frozen=True)
class Thing:
    opened: Opened | None = None
    closed: Closed | None = None


@dataclass(frozen=True)
class Open:
    name: str


@dataclass(frozen=True)
class Close:
    reason: str


def close(command: Close, state: Thing) -> list[EventContract]:
    if state.opened is None:
        raise RuleBroken("not open")
    return [Closed(name=state.opened.name, reason=command.reason)]


THING: Decider[Open | Close, Thing] = Decider(
    "thing", Thing(), keep_latest(opened=Opened, closed=Closed),
    by_command({Open: once(lambda thing: thing.opened, lambda c: Opened(name=c.name)),
                Close: close}))
REGISTRY = ContractRegistry()
REGISTRY.register_all([Opened, Closed, NoteRecorded])


def test_a_decider_folds_its_history_and_decides() -> None:
    assert THING.run([], Open("a")) == [Opened(name="a")]
    assert THING.run([Opened(name="a")], Open("b")) == [], "started once only"
    assert THING.run([Opened(name="a")], Close("done")) == [Closed(name="a", reason="done")]
    with pytest.raises(RuleBroken):
        THING.run([], Close("too soon"))
    assert THING.fold([Opened(name="a"), NoteRecorded(text="x")]) == Thing(Opened(name="a"))


def test_keep_only_keeps_the_event_of_its_type() -> None:
    evolve = keep_only(Opened)
    assert evolve(None, NoteRecorded(text="x")) is None
    assert evolve(None, Opened(name="a")) == Opened(name="a")


def test_carried_takes_the_shared_fields_and_the_given_ones_win() -> None:
    assert carried(Closed, Opened(name="a"), reason="r") == Closed(name="a", reason="r")
    assert carried(Closed, Opened(name="a"), name="b", reason="r").name == "b"
    with pytest.raises(ValidationError):
        carried(Closed, Opened(name="a"))  # reason is nowhere to be had


NAMED: Rule[Any] = Rule("nickname", "a nickname needs a name",
                        lambda s: s.nickname is None or s.name is not None)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    nickname: str | None = None

    _named = enforce(NAMED)


def test_a_rule_refuses_a_request_naming_its_field_and_a_command_as_rule_broken() -> None:
    with pytest.raises(ValidationError) as refused:
        Request.model_validate({"nickname": "Al"})
    assert [e["loc"] for e in refused.value.errors()] == [("nickname",)]
    assert "a nickname needs a name" in str(refused.value)
    assert Request.model_validate({"name": "Alan", "nickname": "Al"}).nickname == "Al"
    with pytest.raises(RuleBroken, match="a nickname needs a name"):
        NAMED.check(Request.model_construct(nickname="Al"))


async def test_a_projection_handles_only_its_types_and_refuses_a_second_handler() -> None:
    seen: list[str] = []
    projection: Projection[list[str]] = Projection("test")

    @projection.on(Opened)
    async def opened(session: list[str], event: Opened, envelope: Envelope) -> None:
        session.append(event.name)

    with pytest.raises(ValueError, match="twice"):
        projection.on(Opened)(opened)
    envelope = notes(a_stream(), 1, 1)[0]
    assert await projection.apply(seen, envelope, Opened(name="a")) is True
    assert await projection.apply(seen, envelope, Closed(name="a", reason="r")) is False
    assert seen == ["a"]
    assert projection.handles == {Opened}


def test_a_subscription_that_reacts_names_who_acts() -> None:
    async def react(event: Opened, unit: UnitOfWork) -> None:
        return None

    with pytest.raises(ValueError, match="needs an actor"):
        Subscription("s", ("a",)).when(Opened, react)
    subscription = Subscription("s", ("a",), actor=SystemProcess(name="p")).when(Opened, react)
    assert subscription.handles == {Opened}


def metadata() -> EventMetadata:
    correlation = uuid.uuid4()
    return EventMetadata(tenant="t", service_area="a", actor=SystemProcess(name="p"),
                         occurred_at=datetime.now(tz=UTC), correlation_id=correlation,
                         causation_id=correlation)


async def test_a_failed_transaction_writes_nothing_and_a_stale_one_is_refused_at_commit(
) -> None:
    transactions = MemoryTransactions()
    stream = a_stream()

    async def fail_after_deciding() -> None:
        async with transactions.begin() as transaction:
            await UnitOfWork(transaction, REGISTRY, metadata()).execute(THING, stream, Open("a"))
            raise RuntimeError("the use case failed after deciding")

    with pytest.raises(RuntimeError):
        await fail_after_deciding()
    assert len(transactions.store) == 0
    assert transactions.projected == []

    async def open_after(pause: float) -> None:
        async with transactions.begin() as transaction:
            unit = UnitOfWork(transaction, REGISTRY, metadata())
            await unit.state(THING, stream)
            await asyncio.sleep(pause)
            await unit.execute(THING, stream, Open("b"))

    results = await asyncio.gather(open_after(0.01), open_after(0.02), return_exceptions=True)
    assert sum(isinstance(r, ConcurrencyError) for r in results) == 1
    assert transactions.store.version(stream) == 1


class CountingStore(MemoryEventStore):
    reads = 0

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        self.reads += 1
        return await super().read_streams(stream_ids)


async def test_a_unit_of_work_reads_a_stream_once_however_often_it_is_asked() -> None:
    store = CountingStore()
    stream = a_stream()
    async with MemoryTransactions(store).begin() as transaction:
        unit = UnitOfWork(transaction, REGISTRY, metadata())
        await unit.prefetch(stream, a_stream())
        await unit.state(THING, stream)
        await unit.execute(THING, stream, Open("a"))
        assert await unit.state(THING, stream) == Thing(Opened(name="a"))
    assert store.reads == 1
