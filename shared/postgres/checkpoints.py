"""Signed checkpoints of a store, and checking the store against them.

The hash chains show an event altered in place, but not a stream's last event deleted, nor
an event rewritten with its hash (and every later one) recomputed: a chain is only as good
as its last link, and the links live in the database. A checkpoint anchors them outside:

- Taking one (`Checkpointer.take`): the events committed since the previous checkpoint, in
  commit order below the horizon (so nothing can appear behind it later), give the heads
  that moved; with the previous heads they give every stream's head. The checkpoint holds
  the count of events, the count of streams, a digest over every head, the heads that
  moved, the commit point it covers and the previous checkpoint's signature, and is signed
  with a key no database role can read (shared/signing.py).
- Keeping it: as an event of the store's own checkpoint stream (append-only, chained, and
  published by the relay like any wire event, so the broker and every consumer hold a
  copy), and as a line in a file beside the key. A table row would do neither: the owner
  role can delete rows, and a checkpoint kept only where history is kept goes with it.
- Checking (`verify_against_checkpoints`): every checkpoint's signature, the chain between
  them, the copies in the store against those in the file (one missing from the store was
  deleted), and the store's heads and count up to the latest checkpoint's point against
  what the checkpoints signed. A contradiction names the stream and the checkpoint.

What a checkpoint cannot see: events committed after the latest one (a checkpoint every
interval, and on demand, narrows that), and a thief of the key file.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.events.checkpoints import StoreCheckpointed, StreamHead
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import Clock
from shared.kernel.envelope import Envelope, EventMetadata, seal
from shared.kernel.errors import ConcurrencyError
from shared.kernel.identifiers import derived_id, stream_id
from shared.postgres.event_store import CommitPoint, EventStore
from shared.signing import SigningKey, VerifyingKey

log = logging.getLogger(__name__)

# A checkpoint names at most this many moved heads (some 130 bytes each), so it stays well
# inside a broker's message limit; a longer backlog takes several checkpoints in a row.
MAX_EVENTS_PER_CHECKPOINT = 2000
# Checkpoints concern the whole store, no service area in particular.
CHECKPOINT_AREA = "platform"

Heads = dict[str, tuple[int, str]]


def checkpoint_stream(schema: str) -> str:
    return stream_id("checkpoint", derived_id("store-checkpoints", schema))


def heads_digest(heads: Mapping[str, tuple[int, str]]) -> str:
    """SHA-256 over every stream's head, one `stream, version, hash` line each, sorted."""
    digest = hashlib.sha256()
    for stream in sorted(heads):
        version, chained = heads[stream]
        digest.update(f"{stream}\t{version}\t{chained}\n".encode())
    return digest.hexdigest()


def log_path(key_file: Path, schema: str, folder: Path | None = None) -> Path:
    """Where a store's checkpoints are copied: in `folder` (CHECKPOINT_LOG_DIR) or else
    beside the key that signs them. Kubernetes mounts the key read-only from a Secret, so
    there the copies need a folder of their own."""
    return (folder or key_file.parent) / f"{schema}.checkpoints.jsonl"


class CheckpointLog:
    """Signed checkpoints, one JSON line each, appended and flushed to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> tuple[list[StoreCheckpointed], list[str]]:
        """The checkpoints in the file, and a note for each line that is not one."""
        found: list[StoreCheckpointed] = []
        unreadable: list[str] = []
        if not self.path.exists():
            return found, unreadable
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                found.append(StoreCheckpointed.model_validate_json(line))
            except ValueError:
                unreadable.append(f"line {number} of {self.path} is not a checkpoint")
        return found, unreadable

    def append(self, checkpoint: StoreCheckpointed) -> None:
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(checkpoint.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())


async def stored_checkpoints(store: EventStore, schema: str) -> list[StoreCheckpointed]:
    return [StoreCheckpointed.model_validate(event.envelope.payload)
            for event in await store.read_stream(checkpoint_stream(schema))]


class Checkpointer:
    def __init__(self, store: EventStore, service: str, schema: str, tenant: str,
                 key: SigningKey, copies: CheckpointLog, clock: Clock,
                 *, max_events: int = MAX_EVENTS_PER_CHECKPOINT) -> None:
        self._store = store
        self._service = service
        self._schema = schema
        self._tenant = tenant
        self._key = key
        self._copies = copies
        self._clock = clock
        self._max_events = max_events
        self.stream = checkpoint_stream(schema)
        self._loaded = False
        self._version = 0
        self._last: StoreCheckpointed | None = None
        self._heads: Heads = {}
        self._lock = asyncio.Lock()

    @property
    def latest(self) -> StoreCheckpointed | None:
        return self._last

    async def _load(self) -> None:
        """Fold the checkpoints already in the store, and copy any the file lacks."""
        stored = await stored_checkpoints(self._store, self._schema)
        filed, _ = self._copies.read()
        in_file = {checkpoint.sequence for checkpoint in filed}
        self._heads, self._last = {}, None
        for checkpoint in stored:
            if not self._key.verifying.verifies(checkpoint.signed_text(), checkpoint.signature):
                # Not ours: verify reports it; our next checkpoint still follows it.
                log.error("%s: checkpoint #%d in the store does not verify", self._schema,
                          checkpoint.sequence)
            for head in checkpoint.heads:
                self._heads[head.stream_id] = (head.version, head.hash)
            self._last = checkpoint
            if checkpoint.sequence not in in_file and checkpoint.sequence > max(in_file,
                                                                                default=0):
                # Committed, then the process stopped before copying it: copy it now.
                self._copies.append(checkpoint)
        self._version = len(stored)
        self._loaded = True

    async def take(self) -> StoreCheckpointed | None:
        """Checkpoint everything committed so far; None if nothing new was committed."""
        async with self._lock:
            taken: StoreCheckpointed | None = None
            while True:
                latest, more = await self._take_one()
                taken = latest or taken
                if latest is None or not more:
                    return taken

    async def _take_one(self) -> tuple[StoreCheckpointed | None, bool]:
        """One checkpoint, and whether more events wait beyond the ones it could take."""
        if not self._loaded:
            await self._load()
        last = self._last
        after = CommitPoint(last.covers_tx_id, last.covers_position) if last else CommitPoint()
        rows = await self._store.pool.fetch(
            """SELECT stream_id, stream_version, hash, tx_id::text::bigint AS tx_id,
                      global_position FROM events
                WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint)
                  AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY tx_id, global_position LIMIT $3""",
            str(after.tx_id), after.global_position, self._max_events,
        )
        if all(row["stream_id"] == self.stream for row in rows):
            return None, False  # nothing but our own previous checkpoint: nothing to say
        moved: Heads = {row["stream_id"]: (row["stream_version"], row["hash"]) for row in rows}
        heads = {**self._heads, **moved}
        checkpoint = StoreCheckpointed(
            service=self._service, sequence=self._version + 1, taken_at=self._clock.now(),
            covers_tx_id=rows[-1]["tx_id"], covers_position=rows[-1]["global_position"],
            events=(last.events if last else 0) + len(rows), streams=len(heads),
            heads_digest=heads_digest(heads),
            heads=[StreamHead(stream_id=s, version=v, hash=h) for s, (v, h) in moved.items()],
            previous=last.signature if last else "", key_id=self._key.key_id,
        )
        checkpoint = checkpoint.model_copy(
            update={"signature": self._key.sign(checkpoint.signed_text())})
        try:
            await self._store.append(self.stream, self._version,
                                     self._envelope(checkpoint))
        except ConcurrencyError:
            self._loaded = False  # another replica took this one; read it next time
            return None, False
        self._version += 1
        self._last, self._heads = checkpoint, heads
        self._copies.append(checkpoint)
        log.info("%s: checkpoint #%d signed: %d events in %d streams", self._schema,
                 checkpoint.sequence, checkpoint.events, checkpoint.streams)
        return checkpoint, len(rows) == self._max_events

    def _envelope(self, checkpoint: StoreCheckpointed) -> list[Envelope]:
        correlation = derived_id("checkpoint", self._schema, str(checkpoint.sequence))
        metadata = EventMetadata(
            tenant=self._tenant, service_area=CHECKPOINT_AREA,
            actor=SystemProcess(name=f"{self._service}-checkpointer"),
            occurred_at=checkpoint.taken_at, correlation_id=correlation,
            causation_id=correlation)
        return seal(self.stream, self._version + 1, [checkpoint], metadata)

    async def run(self, interval: float) -> None:
        """Checkpoint at start and then every `interval` seconds, until cancelled."""
        while True:
            try:
                await self.take()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away a while: try again next time
                log.exception("%s: checkpoint failed; trying again in %.0f s", self._schema,
                              interval)
                self._loaded = False
            await asyncio.sleep(interval)


@dataclass(frozen=True)
class AnchorBreak:
    """Where the store contradicts a signed checkpoint (or a checkpoint is not sound)."""

    stream_id: str | None
    checkpoint: int | None
    reason: str


@dataclass
class AnchorReport:
    checkpoints: int = 0
    latest_sequence: int | None = None
    latest_taken_at: datetime | None = None
    covers_events: int = 0
    breaks: list[AnchorBreak] = field(default_factory=list)


async def verify_against_checkpoints(store: EventStore, schema: str, key: VerifyingKey,
                                     copies: CheckpointLog) -> AnchorReport:
    report = AnchorReport()
    stored = {c.sequence: c for c in await stored_checkpoints(store, schema)}
    filed_list, unreadable = copies.read()
    filed: dict[int, StoreCheckpointed] = {}
    for checkpoint in filed_list:
        filed.setdefault(checkpoint.sequence, checkpoint)
    report.breaks += [AnchorBreak(None, None, note) for note in unreadable]
    sound: dict[int, StoreCheckpointed] = {}
    for sequence in range(1, max([*stored, *filed], default=0) + 1):
        report.breaks += _compare_copies(sequence, stored.get(sequence), filed.get(sequence),
                                         key, copies.path)
        good = [c for c in (filed.get(sequence), stored.get(sequence))
                if c is not None and key.verifies(c.signed_text(), c.signature)]
        if good:
            sound[sequence] = good[0]
    previous: StoreCheckpointed | None = None
    expected: dict[str, tuple[int, str, int]] = {}
    for sequence in sorted(sound):
        checkpoint = sound[sequence]
        if previous is not None and checkpoint.previous != previous.signature:
            report.breaks.append(AnchorBreak(None, sequence, f"checkpoint #{sequence} does not "
                                             f"follow checkpoint #{previous.sequence}"))
        for head in checkpoint.heads:
            expected[head.stream_id] = (head.version, head.hash, sequence)
        previous = checkpoint
    report.checkpoints = len(sound)
    if previous is None:
        return report
    latest = previous
    report.latest_sequence, report.latest_taken_at = latest.sequence, latest.taken_at
    report.covers_events = latest.events
    if heads_digest({s: (v, h) for s, (v, h, _) in expected.items()}) != latest.heads_digest:
        report.breaks.append(AnchorBreak(None, latest.sequence, "the heads the checkpoints "
                                         f"signed do not add up to checkpoint #{latest.sequence}'s "
                                         "digest: a checkpoint is missing"))
    actual, count = await _heads_up_to(store.pool, CommitPoint(latest.covers_tx_id,
                                                              latest.covers_position))
    for stream in sorted(expected.keys() | actual.keys()):
        report.breaks += _compare_head(stream, expected.get(stream), actual.get(stream),
                                       latest.sequence)
    if count != latest.events:
        report.breaks.append(AnchorBreak(None, latest.sequence, f"{count} events lie up to "
                                         f"checkpoint #{latest.sequence}'s point; it signed "
                                         f"{latest.events}"))
    return report


def _compare_copies(sequence: int, stored: StoreCheckpointed | None,
                    filed: StoreCheckpointed | None, key: VerifyingKey,
                    path: Path) -> list[AnchorBreak]:
    found = []
    for where, copy in (("the store", stored), (str(path), filed)):
        if copy is not None and not key.verifies(copy.signed_text(), copy.signature):
            found.append(AnchorBreak(None, sequence, f"checkpoint #{sequence} in {where} does "
                                     f"not verify with key {key.key_id} (forged or altered)"))
    if stored is None and filed is not None:
        found.append(AnchorBreak(None, sequence, f"checkpoint #{sequence} (taken "
                                 f"{filed.taken_at.isoformat()}) is in {path} but missing "
                                 "from the store: deleted"))
    elif stored is None and filed is None:
        found.append(AnchorBreak(None, sequence, f"checkpoint #{sequence} is missing from "
                                 "the store and from the file"))
    elif stored is not None and filed is not None and stored != filed:
        found.append(AnchorBreak(None, sequence, f"checkpoint #{sequence} in the store "
                                 f"differs from its copy in {path}"))
    return found


def _compare_head(stream: str, expected: tuple[int, str, int] | None,
                  actual: tuple[int, str] | None, latest: int) -> list[AnchorBreak]:
    if expected is None:
        return [AnchorBreak(stream, latest, f"stream {stream} lies before checkpoint "
                            f"#{latest}'s point but no checkpoint signed it: inserted behind "
                            "the checkpoints")]
    version, chained, sequence = expected
    if actual is None:
        return [AnchorBreak(stream, sequence, f"stream {stream} is gone; checkpoint "
                            f"#{sequence} signed it at version {version}: deleted")]
    if actual[0] < version:
        return [AnchorBreak(stream, sequence, f"stream {stream} ends at version {actual[0]}; "
                            f"checkpoint #{sequence} signed version {version}: events deleted")]
    if actual[0] > version:
        return [AnchorBreak(stream, sequence, f"stream {stream} has version {actual[0]} before "
                            f"the point where checkpoint #{sequence} signed version {version}: "
                            "inserted behind the checkpoint")]
    if actual[1] != chained:
        return [AnchorBreak(stream, sequence, f"stream {stream} version {version} does not "
                            f"hash to what checkpoint #{sequence} signed: history rewritten")]
    return []


async def _heads_up_to(pool: asyncpg.Pool, point: CommitPoint) -> tuple[Heads, int]:
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        rows = await conn.fetch(
            """SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events
                WHERE (tx_id, global_position) <= ($1::text::xid8, $2::bigint)
                ORDER BY stream_id, stream_version DESC""",
            str(point.tx_id), point.global_position)
        count = await conn.fetchval(
            """SELECT count(*) FROM events
                WHERE (tx_id, global_position) <= ($1::text::xid8, $2::bigint)""",
            str(point.tx_id), point.global_position)
    return {row["stream_id"]: (row["stream_version"], row["hash"]) for row in rows}, int(count)

