"""The command runner against a real PostgreSQL: idempotency, all-or-nothing, retries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import pytest
from pydantic import BaseModel

from shared.kernel.clock import SystemClock
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider
from shared.kernel.envelope import Envelope
from shared.kernel.errors import RuleBroken
from shared.kit.commands import CommandContext, CommandRunner, IdempotencyConflict
from shared.kit.projection import Projection
from shared.kit.unit_of_work import UnitOfWork
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.postgres.transactions import PostgresTransactions
from tests.support import AUDITOR, REGISTRY, NoteRecorded, a_stream


async def create_notes_table(admin_dsn: str, db: ServiceDatabase) -> None:
    """A read model the tests' projector keeps, owned like a service's own tables."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"SET ROLE {db.owner_role}")
        await conn.execute(
            f"""CREATE TABLE {db.schema}.notes (
                    event_id uuid PRIMARY KEY,
                    stream_id text NOT NULL,
                    stream_version int NOT NULL,
                    text text NOT NULL)"""
        )
        await conn.execute(f"GRANT SELECT, INSERT ON {db.schema}.notes TO {db.app_role}")
    finally:
        await conn.close()


NOTES_TABLE: Projection[asyncpg.Connection] = Projection("notes", tables=("notes",))


@NOTES_TABLE.on(NoteRecorded)
async def project_note(conn: asyncpg.Connection, event: NoteRecorded, envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO notes (event_id, stream_id, stream_version, text) VALUES ($1, $2, $3, $4)",
        envelope.event_id, envelope.stream_id, envelope.stream_version, event.text,
    )


@pytest.fixture
async def runner(
    postgres_dsn: str, service_db: ServiceDatabase, store: EventStore
) -> CommandRunner:
    await create_notes_table(postgres_dsn, service_db)
    return CommandRunner(PostgresTransactions(store, [NOTES_TABLE]), REGISTRY,
                         "test-authority", SystemClock())


def _count(state: int, event: EventContract) -> int:
    return state + 1


def _record(text: str, state: int) -> list[EventContract]:
    return [NoteRecorded(text=text, sequence=state + 1)]


# A stream of notes: any number, each numbered.
NOTES: Decider[str, int] = Decider("notes", 0, _count, _record)


class Noted(BaseModel):
    event_id: str
    stream_id: str
    stream_version: int


def context(key: str | None, request: object, name: str = "RecordNote") -> CommandContext:
    return CommandContext(
        name=name, actor=AUDITOR, service_area="childrens-social-care",
        idempotency_key=key, request=request,
    )


class Counted:
    """A use case that appends one note to a stream and counts how often it ran."""

    def __init__(
        self,
        stream: str | Callable[[], str],
        text: str = "note",
        *,
        pause: float = 0.0,
        then: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._stream = stream
        self._text = text
        self._pause = pause
        self._then = then
        self.calls = 0

    async def __call__(self, unit: UnitOfWork) -> Noted:
        self.calls += 1
        stream = self._stream if isinstance(self._stream, str) else self._stream()
        await unit.state(NOTES, stream)
        if self._pause:
            await asyncio.sleep(self._pause)  # let a concurrent command read the same version
        await unit.execute(NOTES, stream, self._text)
        if self._then is not None:
            await self._then()
        [envelope] = unit.recorded
        return Noted(event_id=str(envelope.event_id), stream_id=envelope.stream_id,
                     stream_version=envelope.stream_version)


async def event_rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT event_id, stream_id, stream_version FROM events ORDER BY global_position"
        )
    )


async def note_rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return list(await pool.fetch("SELECT event_id, stream_id, stream_version FROM notes"))


async def key_rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return list(await pool.fetch("SELECT * FROM idempotency_keys"))


async def test_a_retried_command_returns_the_first_answer_and_records_once(
    runner: CommandRunner, pool: asyncpg.Pool
) -> None:
    stream = a_stream()
    use_case = Counted(stream)
    request = {"text": "note", "stream": stream}

    first = await runner.run(context("key-a", request), use_case, Noted)
    again = await runner.run(context("key-a", request), use_case, Noted)

    assert again == first
    assert use_case.calls == 1
    events = await event_rows(pool)
    assert [(str(r["event_id"]), r["stream_id"], r["stream_version"]) for r in events] == [
        (first.event_id, stream, 1)
    ]
    assert len(await note_rows(pool)) == 1
    [key] = await key_rows(pool)
    assert (key["idempotency_key"], key["command"]) == ("key-a", "RecordNote")


async def test_without_a_key_each_run_is_a_new_command(
    runner: CommandRunner, pool: asyncpg.Pool
) -> None:
    stream = a_stream()
    use_case = Counted(stream)

    first = await runner.run(context(None, {"text": "note"}), use_case, Noted)
    second = await runner.run(context(None, {"text": "note"}), use_case, Noted)

    assert (first.stream_version, second.stream_version) == (1, 2)
    assert len(await event_rows(pool)) == 2
    assert await key_rows(pool) == []


@pytest.mark.parametrize(
    ("second_name", "second_request"),
    [
        ("RecordNote", {"text": "a different note"}),
        ("ArchiveNote", {"text": "note"}),  # same body, another command
    ],
)
async def test_a_key_reused_for_a_different_request_is_refused_and_records_nothing(
    runner: CommandRunner, pool: asyncpg.Pool, second_name: str, second_request: object
) -> None:
    first_stream, second_stream = a_stream(), a_stream()
    await runner.run(context("key-b", {"text": "note"}), Counted(first_stream), Noted)
    second = Counted(second_stream, "a different note")

    with pytest.raises(IdempotencyConflict, match="key-b"):
        await runner.run(context("key-b", second_request, second_name), second, Noted)

    assert second.calls == 0
    assert [r["stream_id"] for r in await event_rows(pool)] == [first_stream]
    assert [r["stream_id"] for r in await note_rows(pool)] == [first_stream]
    [key] = await key_rows(pool)
    assert key["command"] == "RecordNote"


class Boom(Exception):
    pass


async def explode() -> None:
    raise Boom("the use case failed after recording")


@pytest.mark.parametrize("key", ["key-c", None])
async def test_a_command_that_fails_after_recording_leaves_nothing_half_written(
    runner: CommandRunner, pool: asyncpg.Pool, store: EventStore, key: str | None
) -> None:
    stream = a_stream()
    use_case = Counted(stream, then=explode)

    with pytest.raises(Boom):
        await runner.run(context(key, {"text": "note"}), use_case, Noted)

    assert use_case.calls == 1  # a failure of the use case itself is not retried
    assert await store.read_stream(stream) == []
    assert await event_rows(pool) == []
    assert await note_rows(pool) == []
    assert await key_rows(pool) == []


async def test_a_failed_command_can_run_again_with_the_same_key(
    runner: CommandRunner, pool: asyncpg.Pool
) -> None:
    stream = a_stream()
    with pytest.raises(Boom):
        await runner.run(context("key-d", {"text": "note"}), Counted(stream, then=explode), Noted)

    answer = await runner.run(context("key-d", {"text": "note"}), Counted(stream), Noted)

    assert answer.stream_version == 1
    assert len(await event_rows(pool)) == 1
    assert len(await key_rows(pool)) == 1


async def test_concurrent_commands_on_one_stream_both_succeed_in_turn(
    runner: CommandRunner, pool: asyncpg.Pool, store: EventStore
) -> None:
    stream = a_stream()
    left = Counted(stream, "left", pause=0.2)
    right = Counted(stream, "right", pause=0.2)

    answers = await asyncio.gather(
        runner.run(context(None, {"text": "left"}), left, Noted),
        runner.run(context(None, {"text": "right"}), right, Noted),
    )

    assert sorted(a.stream_version for a in answers) == [1, 2]
    # Both read version 0 first, so one of them must have been run again on fresh history.
    assert left.calls + right.calls == 3
    recorded = await store.read_stream(stream)
    assert [e.envelope.stream_version for e in recorded] == [1, 2]
    assert sorted(e.envelope.payload["text"] for e in recorded) == ["left", "right"]
    assert sorted(str(e.envelope.event_id) for e in recorded) == sorted(
        a.event_id for a in answers
    )
    assert sorted(r["stream_version"] for r in await note_rows(pool)) == [1, 2]
    assert (await store.verify()).intact


async def test_many_concurrent_commands_on_one_stream_leave_no_gap(
    runner: CommandRunner, store: EventStore
) -> None:
    stream = a_stream()
    use_cases = [Counted(stream, f"writer {i}", pause=0.05) for i in range(4)]

    answers = await asyncio.gather(
        *(runner.run(context(None, {"i": i}), u, Noted) for i, u in enumerate(use_cases))
    )

    assert sorted(a.stream_version for a in answers) == [1, 2, 3, 4]
    recorded = await store.read_stream(stream)
    assert [e.envelope.stream_version for e in recorded] == [1, 2, 3, 4]


@pytest.mark.parametrize("same_stream", [True, False], ids=["same-stream", "new-stream-each"])
async def test_concurrent_runs_with_one_key_record_once_and_answer_alike(
    runner: CommandRunner, pool: asyncpg.Pool, same_stream: bool
) -> None:
    stream = a_stream()
    target: str | Callable[[], str] = stream if same_stream else a_stream
    use_cases = [Counted(target, pause=0.2) for _ in range(2)]
    request = {"text": "note"}

    answers = await asyncio.gather(
        *(runner.run(context("key-e", request), use_case, Noted) for use_case in use_cases)
    )

    assert answers[0] == answers[1]
    events = await event_rows(pool)
    assert len(events) == 1
    assert str(events[0]["event_id"]) == answers[0].event_id
    assert len(await note_rows(pool)) == 1
    assert len(await key_rows(pool)) == 1


async def test_concurrent_runs_with_one_key_and_different_requests_one_is_refused(
    runner: CommandRunner, pool: asyncpg.Pool
) -> None:
    results = await asyncio.gather(
        runner.run(context("key-f", {"text": "one"}), Counted(a_stream, "one", pause=0.2), Noted),
        runner.run(context("key-f", {"text": "two"}), Counted(a_stream, "two", pause=0.2), Noted),
        return_exceptions=True,
    )

    assert sum(isinstance(r, Noted) for r in results) == 1
    assert sum(isinstance(r, IdempotencyConflict) for r in results) == 1
    assert len(await event_rows(pool)) == 1
    assert len(await key_rows(pool)) == 1


async def test_a_retry_racing_the_first_attempt_gets_the_first_answer_not_a_refusal(
    runner: CommandRunner, pool: asyncpg.Pool
) -> None:
    """A client that times out and retries at once must not be told "already done"."""
    stream = a_stream()

    def submit_once(think_first: float) -> Callable[[UnitOfWork], Awaitable[Noted]]:
        async def use_case(unit: UnitOfWork) -> Noted:
            # The retry looks at the key before the first attempt commits, and at the
            # history after it has: deciding afresh would refuse it.
            await asyncio.sleep(think_first)
            if await unit.state(NOTES, stream):
                raise RuleBroken("already submitted")
            await asyncio.sleep(0.1)
            await unit.execute(NOTES, stream, "once")
            [envelope] = unit.recorded
            return Noted(event_id=str(envelope.event_id), stream_id=stream, stream_version=1)

        return use_case

    request = {"text": "once"}
    first, retry = await asyncio.gather(
        runner.run(context("key-g", request), submit_once(0.0), Noted),
        runner.run(context("key-g", request), submit_once(0.3), Noted),
        return_exceptions=True,
    )

    assert isinstance(first, Noted)
    assert retry == first
    assert len(await event_rows(pool)) == 1
