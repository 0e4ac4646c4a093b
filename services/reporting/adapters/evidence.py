"""The EvidenceLog port over reporting's event log: the subjects that name a child (or a
team's month), then every logged event of those subjects, in the order recorded."""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from services.reporting.application.evidence import EvidenceEntry
from shared.kernel.actor import describe
from shared.kernel.envelope import Envelope

# The events that name the child or the team's month (CaseAllocated, AuditSubmitted,
# ActionRaised, ChildOfConcernRaised carry child_ref, case_team and month); moderation's
# and the tracker's events are found through the subjects these root.
_EVENTS_OF = """
    SELECT envelope, subject FROM event_log
     WHERE subject IN (SELECT DISTINCT subject FROM event_log
                        WHERE service_area = ANY($1::text[]) AND {match})
     ORDER BY occurred_at, seq"""


def _entry(row: asyncpg.Record) -> EvidenceEntry:
    envelope = Envelope.from_json(row["envelope"])
    return EvidenceEntry(
        recorded_at=envelope.occurred_at, event_type=envelope.event_type,
        schema_version=envelope.schema_version, about=row["subject"],
        recorded_by=describe(envelope.actor), service_area=envelope.service_area,
        stream_id=envelope.stream_id, stream_version=envelope.stream_version,
        event_id=envelope.event_id, details=json.loads(json.dumps(envelope.payload)))


class PostgresEvidenceLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def for_child(self, areas: Sequence[str], child_ref: str) -> list[EvidenceEntry]:
        rows = await self._pool.fetch(_EVENTS_OF.format(
            match="(envelope::jsonb -> 'payload' ->> 'child_ref') = $2"), list(areas),
            child_ref)
        return [_entry(row) for row in rows]

    async def for_team(self, area: str, month: str, team: str) -> list[EvidenceEntry]:
        rows = await self._pool.fetch(_EVENTS_OF.format(
            match="(envelope::jsonb -> 'payload' ->> 'case_team') = $2 "
                  "AND (envelope::jsonb -> 'payload' ->> 'month') = $3"), [area], team, month)
        return [_entry(row) for row in rows]
