"""The ReadModels port over PostgreSQL: slots a and b, and the replay that fills one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import cast

import asyncpg

from services.reporting.adapters.event_log import SLOT_TABLES, refold
from services.reporting.application.read_models import (
    Progress,
    ReadModelsStatus,
    SlotStatus,
)
from shared.kernel.errors import RuleBroken

log = logging.getLogger(__name__)
BATCH = 500  # subjects folded per transaction
ABANDONED_AFTER = "60 seconds"  # a building slot with no heartbeat for this long died


class PostgresReadModels:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._task: asyncio.Task[SlotStatus] | None = None

    async def status(self) -> ReadModelsStatus:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch("SELECT * FROM read_model_slots ORDER BY slot")
            logged = await conn.fetchval("SELECT count(*) FROM event_log")
        slots = [_slot(row) for row in rows]
        live = next(s for s in slots if s.state == "live")
        return ReadModelsStatus(live_version=live.version, slots=slots,
                                events_logged=int(logged))

    async def start_rebuild(self) -> SlotStatus:
        claimed = await self._claim()
        self._task = asyncio.create_task(self._build(claimed, None), name="rebuild")
        return claimed

    async def rebuild(self, progress: Progress | None = None) -> SlotStatus:
        return await self._build(await self._claim(), progress)

    async def _claim(self) -> SlotStatus:
        async with self._pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            rows = await conn.fetch(
                f"""SELECT *, heartbeat_at > now() - interval '{ABANDONED_AFTER}' AS alive
                      FROM read_model_slots ORDER BY slot FOR UPDATE""")
            busy = [row for row in rows if row["state"] == "building" and row["alive"]]
            if busy:
                raise RuleBroken(f"a rebuild into slot {busy[0]['slot']} (version "
                                 f"{busy[0]['version']}) is under way")
            target = next(row for row in rows if row["state"] != "live")
            version = max(row["version"] for row in rows) + 1
            await conn.execute(f"DELETE FROM {SLOT_TABLES[target['slot']]}")
            totals = await conn.fetchrow(
                """SELECT count(DISTINCT subject) AS subjects, count(*) AS events
                     FROM event_log""")
            assert totals is not None  # an aggregate always answers one row
            row = await conn.fetchrow(
                """UPDATE read_model_slots SET state = 'building', version = $2,
                          started_at = now(), finished_at = NULL, heartbeat_at = now(),
                          subjects_total = $3, subjects_done = 0, events_total = $4,
                          events_done = 0
                    WHERE slot = $1 RETURNING *""",
                target["slot"], version, totals["subjects"], totals["events"])
            assert row is not None  # both slots always exist
        log.info("rebuilding the read models into slot %s as version %d (%d events)",
                 row["slot"], version, totals["events"])
        return _slot(row)

    async def _build(self, claimed: SlotStatus, progress: Progress | None) -> SlotStatus:
        slot, after, status = claimed.slot, "", claimed
        try:
            while True:
                async with self._pool.acquire() as proxy, proxy.transaction():
                    conn = cast(asyncpg.Connection, proxy)
                    subjects = [row["subject"] for row in await conn.fetch(
                        """SELECT subject FROM event_log
                            WHERE subject > $1
                            GROUP BY subject ORDER BY subject LIMIT $2""", after, BATCH)]
                    if not subjects:
                        break
                    events = await refold(conn, subjects, slots=[slot])
                    row = await conn.fetchrow(
                        """UPDATE read_model_slots SET subjects_done = subjects_done + $2,
                                  events_done = events_done + $3, heartbeat_at = now(),
                                  subjects_total = greatest(subjects_total, subjects_done + $2),
                                  events_total = greatest(events_total, events_done + $3)
                            WHERE slot = $1 AND state = 'building' RETURNING *""",
                        slot, len(subjects), events)
                    if row is None:
                        raise RuntimeError(f"slot {slot} is no longer being built")
                status, after = _slot(row), subjects[-1]
                if progress is not None:
                    progress(status)
            return await self._swap(slot)
        except Exception:
            log.exception("rebuilding slot %s failed; the live read models are untouched",
                          slot)
            with contextlib.suppress(Exception):
                await self._pool.execute(
                    "UPDATE read_model_slots SET state = 'idle' WHERE slot = $1 "
                    "AND state = 'building'", slot)
            raise

    async def _swap(self, slot: str) -> SlotStatus:
        async with self._pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            await conn.fetch("SELECT * FROM read_model_slots FOR UPDATE")
            await conn.execute(
                "UPDATE read_model_slots SET state = 'idle' WHERE slot <> $1", slot)
            row = await conn.fetchrow(
                """UPDATE read_model_slots SET state = 'live', finished_at = now()
                    WHERE slot = $1 RETURNING *""", slot)
            assert row is not None
        retired = next(s for s in SLOT_TABLES if s != slot)
        # The old records go once nothing reads them: a report that began before the swap
        # reads in its own snapshot, which keeps them visible until it ends.
        await self._pool.execute(f"DELETE FROM {SLOT_TABLES[retired]}")
        log.info("read models version %d (slot %s) are live", row["version"], slot)
        return _slot(row)


def _slot(row: asyncpg.Record) -> SlotStatus:
    return SlotStatus(**{key: row[key] for key in SlotStatus.model_fields})
