"""A service's database side, composed: its schema provisioned and migrated, a pool on its
own login role, the event store, transactions with inline projections, the command
runner and the query adapters."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg

from shared.host.clocks import service_clock
from shared.host.definition import JobContext, ServiceDefinition
from shared.host.settings import ServiceSettings
from shared.kernel.clock import Clock
from shared.kit.commands import CommandRunner
from shared.postgres.checkpoints import (
    AnchorReport,
    Checkpointer,
    CheckpointLog,
    log_path,
    verify_against_checkpoints,
)
from shared.postgres.dead_letters import DEAD_LETTERS, DeadLetterList
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import ServiceDatabase, provision
from shared.postgres.transactions import PostgresTransactions
from shared.settings import DatabaseSettings
from shared.signing import SigningKey
from shared.telemetry import Telemetry


class ServiceResources:
    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings,
                 database: DatabaseSettings, clock: Clock | None = None,
                 telemetry: Telemetry | None = None) -> None:
        self.definition = definition
        self.settings = settings
        self.database_settings = database
        self.schema = settings.db_schema or definition.name
        self.clock: Clock = clock or service_clock(settings.clock_offset_file)
        self._pool: asyncpg.Pool | None = None
        self.database: ServiceDatabase
        self.store: EventStore
        self.transactions: PostgresTransactions
        self.commands: CommandRunner
        self.dead_letters: DeadLetterList
        self.provided: dict[type[Any], Any] = {}
        self.checkpointer: Checkpointer | None = None
        self._signing: tuple[SigningKey, CheckpointLog] | None = None
        # Metrics and spans of this service; its own registry, so several services can
        # share a process (tests) without their series mixing.
        self._spans = settings.tracer_provider(definition.name)
        self.telemetry = telemetry or Telemetry.create(
            definition.name, self._spans.get_tracer("qa-platform") if self._spans else None)

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "the service has not started"
        return self._pool

    async def start(self) -> None:
        if self.settings.checkpoint_key_file:
            # Before anything else: a service told to sign checkpoints and unable to must
            # not run unanchored unnoticed.
            key_file = Path(self.settings.checkpoint_key_file)
            folder = self.settings.checkpoint_log_dir
            self._signing = (SigningKey.load(key_file), CheckpointLog(
                log_path(key_file, self.schema, Path(folder) if folder else None)))
        migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE)
        if self.definition.migrations_package:
            migrations += load_migrations(self.definition.migrations_package)
        self.database = await provision(
            self.database_settings.database_url, self.schema, migrations,
            app_password=self.database_settings.database_app_password,
        )
        self._pool = await create_pool(self.database.app_dsn, self.schema,
                                       max_size=self.database_settings.database_pool_max)
        self.store = EventStore(self._pool)
        # Every service keeps its dead letters the same way, beside its own read models.
        self.transactions = PostgresTransactions(
            self.store, [*self.definition.projections, DEAD_LETTERS])
        self.dead_letters = DeadLetterList(self._pool)
        self.commands = CommandRunner(self.transactions, self.definition.registry,
                                      self.settings.tenant, self.clock,
                                      telemetry=self.telemetry)
        self.provided = {port: build(self._pool)
                         for port, build in self.definition.queries.items()}
        if self._signing is not None:
            key, copies = self._signing
            self.checkpointer = Checkpointer(self.store, self.definition.name, self.schema,
                                             self.settings.tenant, key, copies, self.clock)

    async def verify_checkpoints(self) -> tuple[str, AnchorReport] | None:
        """The store against its signed checkpoints; None when the service signs none."""
        if self._signing is None:
            return None
        key, copies = self._signing
        return key.key_id, await verify_against_checkpoints(self.store, self.schema,
                                                            key.verifying, copies)

    async def readiness(self) -> dict[str, str]:
        try:
            await asyncio.wait_for(self.pool.fetchval("SELECT 1"), timeout=2)
        except Exception:  # unreachable, timed out, pool closed: all mean "down"
            return {"database": "down"}
        return {"database": "ok"}

    async def dead_letters_pending(self) -> list[tuple[str, int]]:
        return await self.dead_letters.pending_by_subscription()

    def job_context(self) -> JobContext:
        return JobContext(self.commands, self.clock, self.provided)

    async def stop(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._spans is not None:
            # Send the spans still batched; the exporter gives up after its own timeout.
            await asyncio.to_thread(self._spans.shutdown)
