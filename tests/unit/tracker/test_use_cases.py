"""The use cases over the real UnitOfWork and contract registry, with an in-memory store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import asyncpg

from services.tracker.application import mark_action_overdue, start_action_tracking
from services.tracker.domain.commands import MarkActionOverdue, TrackAction
from services.tracker.domain.streams import action_stream
from shared.actor import SystemProcess
from shared.contracts import EventContract
from shared.envelope import Envelope, EventMetadata, RecordedEvent
from shared.events import REGISTRY
from shared.events.tracker import ActionOverdue, ActionTrackingStarted
from shared.postgres.event_store import ConcurrencyError, EventStore
from shared.service.commands import UnitOfWork

DUE = date(2025, 3, 31)


class MemoryStore:
    def __init__(self) -> None:
        self.streams: dict[str, list[Envelope]] = {}

    async def read_stream(self, stream_id: str, *, conn: Any = None) -> list[RecordedEvent]:
        return [
            RecordedEvent(envelope=e, text=e.canonical_json(), global_position=0, tx_id=0)
            for e in self.streams.get(stream_id, [])
        ]

    async def append(self, stream_id: str, expected_version: int,
                     envelopes: Sequence[Envelope], *, conn: Any = None) -> list[int]:
        stream = self.streams.setdefault(stream_id, [])
        if len(stream) != expected_version:
            raise ConcurrencyError(stream_id)
        stream.extend(envelopes)
        return []

    def types(self, stream_id: str) -> list[str]:
        return [e.event_type for e in self.streams.get(stream_id, [])]


class Projected:
    def __init__(self) -> None:
        self.events: list[EventContract] = []

    async def __call__(self, conn: asyncpg.Connection, envelope: Envelope,
                       event: EventContract) -> None:
        self.events.append(event)


def unit(store: MemoryStore, projected: Projected) -> UnitOfWork:
    correlation = uuid.uuid4()
    metadata = EventMetadata(
        tenant="test-authority", service_area="childrens-social-care",
        actor=SystemProcess(name="tracker"), occurred_at=datetime.now(tz=UTC),
        correlation_id=correlation, causation_id=correlation,
    )
    return UnitOfWork(cast(asyncpg.Connection, None), cast(EventStore, store), REGISTRY,
                      projected, metadata)


def track() -> TrackAction:
    return TrackAction(
        action_id=uuid.uuid4(), audit_id=uuid.uuid4(), month="2025-03", child_ref="CR-00123",
        case_team="east-1", owner_id="staff-0007", due_date=DUE,
    )


async def test_a_redelivered_action_is_tracked_once() -> None:
    store, projected = MemoryStore(), Projected()
    command = track()
    await start_action_tracking.handle(command, unit=unit(store, projected))
    await start_action_tracking.handle(command, unit=unit(store, projected))
    assert store.types(action_stream(command.action_id)) == ["ActionTrackingStarted"]
    assert [type(e) for e in projected.events] == [ActionTrackingStarted]


async def test_repeated_scans_record_action_overdue_once() -> None:
    store, projected = MemoryStore(), Projected()
    command = track()
    await start_action_tracking.handle(command, unit=unit(store, projected))
    answers = [
        await mark_action_overdue.handle(
            MarkActionOverdue(command.action_id, DUE + timedelta(days=days)),
            unit=unit(store, projected),
        )
        for days in (0, 1, 1, 2)
    ]
    assert [a.body["marked_overdue"] for a in answers] == [False, True, False, False]
    assert [a.status_code for a in answers] == [200, 201, 200, 200]
    assert store.types(action_stream(command.action_id)) == [
        "ActionTrackingStarted", "ActionOverdue",
    ]
    overdue = projected.events[-1]
    assert isinstance(overdue, ActionOverdue)
    assert overdue.detected_on == DUE + timedelta(days=1)
