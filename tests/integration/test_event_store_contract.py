"""One contract suite, run over the PostgreSQL event store and the in-memory one the test
harness uses, so what the harness shows of a use case holds on the real store."""

from __future__ import annotations

import asyncio

import pytest

from shared.kernel.errors import ConcurrencyError
from shared.kit.memory import MemoryEventStore
from shared.kit.ports import EventStore
from tests.support import a_stream, notes


@pytest.fixture(params=["memory", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> EventStore:
    if request.param == "memory":
        return MemoryEventStore()
    store: EventStore = request.getfixturevalue("store")
    return store


async def version(store: EventStore, stream: str) -> int:
    return len(await store.read_stream(stream))


async def test_appended_events_read_back_in_stream_order(any_store: EventStore) -> None:
    stream = a_stream()
    await any_store.append(stream, 0, notes(stream, 1, 3))
    await any_store.append(stream, 3, notes(stream, 4, 2))

    events = await any_store.read_stream(stream)

    assert [e.envelope.stream_version for e in events] == [1, 2, 3, 4, 5]
    assert [e.envelope.payload["sequence"] for e in events] == [1, 2, 3, 4, 5]
    assert [e.text for e in events] == [e.envelope.canonical_json() for e in events]


@pytest.mark.parametrize(("expected", "first"), [(1, 2), (0, 1), (5, 6)],
                         ids=["behind", "from-the-start", "ahead-leaving-a-gap"])
async def test_a_wrong_expected_version_is_refused_and_nothing_is_written(
    any_store: EventStore, expected: int, first: int
) -> None:
    stream = a_stream()
    await any_store.append(stream, 0, notes(stream, 1, 2))

    with pytest.raises(ConcurrencyError):
        await any_store.append(stream, expected, notes(stream, first, 2))

    assert await version(any_store, stream) == 2


async def test_envelopes_numbered_against_the_expected_version_are_refused(
    any_store: EventStore,
) -> None:
    stream, other = a_stream(), a_stream()
    with pytest.raises(ValueError, match="expected 1"):
        await any_store.append(stream, 0, notes(stream, 2, 1))
    with pytest.raises(ValueError, match="another stream"):
        await any_store.append(stream, 0, notes(other, 1, 1))
    assert await version(any_store, stream) == 0


async def test_two_writers_racing_on_one_version_one_wins(any_store: EventStore) -> None:
    stream = a_stream()
    await any_store.append(stream, 0, notes(stream, 1, 1))
    results = await asyncio.gather(
        any_store.append(stream, 1, notes(stream, 2, 1, "left")),
        any_store.append(stream, 1, notes(stream, 2, 1, "right")),
        return_exceptions=True,
    )
    assert sum(isinstance(r, ConcurrencyError) for r in results) == 1
    assert await version(any_store, stream) == 2


async def test_several_streams_read_in_one_go_keep_their_own_order(
    any_store: EventStore,
) -> None:
    first, second, empty = a_stream(), a_stream(), a_stream()
    await any_store.append(first, 0, notes(first, 1, 3))
    await any_store.append(second, 0, notes(second, 1, 2))

    found = await any_store.read_streams([second, empty, first])

    assert list(found) == [second, empty, first]
    assert [e.envelope.stream_version for e in found[first]] == [1, 2, 3]
    assert [e.envelope.stream_version for e in found[second]] == [1, 2]
    assert found[empty] == []


async def test_the_whole_store_reads_back_in_commit_order(any_store: EventStore) -> None:
    first, second = a_stream(), a_stream()
    await any_store.append(first, 0, notes(first, 1, 2, "a"))
    await any_store.append(second, 0, notes(second, 1, 1, "b"))
    await any_store.append(first, 2, notes(first, 3, 1, "c"))

    seen = [e.envelope async for batch in any_store.read_all(batch_size=2) for e in batch]

    ours = [(e.stream_id, e.stream_version) for e in seen if e.stream_id in (first, second)]
    assert ours == [(first, 1), (first, 2), (second, 1), (first, 3)]
