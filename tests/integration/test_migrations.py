"""Provisioning and migrations: applied once, recorded once, safe to start twice at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from shared.postgres.migrator import (
    SHARED_MIGRATIONS_PACKAGE,
    Migration,
    apply_migrations,
    load_migrations,
)
from shared.postgres.provisioning import ServiceDatabase, drop_schema, provision

ALLOCATION_MIGRATIONS_PACKAGE = "services.allocation.adapters.migrations"


def service_migrations() -> list[Migration]:
    """What a real service applies: the shared migrations, then its own."""
    return load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        ALLOCATION_MIGRATIONS_PACKAGE
    )


@pytest.fixture
async def fresh_schema(postgres_dsn: str) -> AsyncIterator[str]:
    schema = f"m_{uuid.uuid4().hex[:10]}"
    yield schema
    await drop_schema(postgres_dsn, schema)


async def recorded_versions(admin_dsn: str, schema: str) -> list[int]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        rows = await conn.fetch(f"SELECT version FROM {schema}.schema_migrations ORDER BY version")
    finally:
        await conn.close()
    return [row["version"] for row in rows]


async def apply_as_owner(admin_dsn: str, schema: str, migrations: list[Migration]) -> list[int]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"SET ROLE {schema}_owner")
        return await apply_migrations(conn, schema, migrations)
    finally:
        await conn.close()


def test_the_projects_migrations_are_numbered_as_documented() -> None:
    shared = [m.version for m in load_migrations(SHARED_MIGRATIONS_PACKAGE)]
    service = [m.version for m in load_migrations(ALLOCATION_MIGRATIONS_PACKAGE)]
    assert shared
    assert shared == sorted(shared)
    assert all(1 <= v <= 99 for v in shared)
    assert service
    assert service == sorted(service)
    assert all(v >= 100 for v in service)


async def test_provisioning_twice_applies_each_migration_once(
    postgres_dsn: str, fresh_schema: str
) -> None:
    migrations = service_migrations()
    versions = [m.version for m in migrations]

    first = await provision(postgres_dsn, fresh_schema, migrations)
    second = await provision(postgres_dsn, fresh_schema, migrations)

    assert first == second == ServiceDatabase(fresh_schema, first.app_dsn)
    assert await recorded_versions(postgres_dsn, fresh_schema) == versions
    assert await apply_as_owner(postgres_dsn, fresh_schema, migrations) == []
    assert await recorded_versions(postgres_dsn, fresh_schema) == versions


async def test_apply_migrations_returns_only_what_was_pending(
    postgres_dsn: str, fresh_schema: str
) -> None:
    migrations = service_migrations()
    first_only = migrations[:1]

    await provision(postgres_dsn, fresh_schema, first_only)
    assert await recorded_versions(postgres_dsn, fresh_schema) == [first_only[0].version]

    applied = await apply_as_owner(postgres_dsn, fresh_schema, migrations)

    assert applied == [m.version for m in migrations[1:]]
    assert await apply_as_owner(postgres_dsn, fresh_schema, migrations) == []
    assert await recorded_versions(postgres_dsn, fresh_schema) == [m.version for m in migrations]


async def test_the_existing_service_schema_has_nothing_pending(
    postgres_dsn: str, service_db: ServiceDatabase
) -> None:
    shared = load_migrations(SHARED_MIGRATIONS_PACKAGE)

    assert await apply_as_owner(postgres_dsn, service_db.schema, shared) == []
    assert await recorded_versions(postgres_dsn, service_db.schema) == [
        m.version for m in shared
    ]


async def test_a_reprovisioned_service_still_works_for_its_app_role(
    postgres_dsn: str, fresh_schema: str
) -> None:
    migrations = service_migrations()
    await provision(postgres_dsn, fresh_schema, migrations)
    database = await provision(postgres_dsn, fresh_schema, migrations)

    conn = await asyncpg.connect(database.app_dsn, server_settings={"search_path": fresh_schema})
    try:
        assert await conn.fetchval("SELECT count(*) FROM events") == 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("DELETE FROM schema_migrations")
    finally:
        await conn.close()
    assert await recorded_versions(postgres_dsn, fresh_schema) == [m.version for m in migrations]


async def test_two_services_provisioning_one_fresh_schema_at_once_both_succeed(
    postgres_dsn: str, fresh_schema: str
) -> None:
    migrations = service_migrations()

    results = await asyncio.gather(
        provision(postgres_dsn, fresh_schema, migrations),
        provision(postgres_dsn, fresh_schema, migrations),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    assert await recorded_versions(postgres_dsn, fresh_schema) == [m.version for m in migrations]


ROUNDS = 40


@pytest.mark.parametrize("already_provisioned", [False, True], ids=["fresh", "restart"])
async def test_concurrent_provisioning_succeeds_every_time(
    postgres_dsn: str, already_provisioned: bool
) -> None:
    """Two replicas of a service starting together, many times over: a race that loses
    only now and then is still a start-up that fails in production now and then."""
    migrations = service_migrations()
    versions = [m.version for m in migrations]
    failures: list[str] = []
    for round_number in range(ROUNDS):
        schema = f"m_{uuid.uuid4().hex[:10]}"
        try:
            if already_provisioned:
                await provision(postgres_dsn, schema, migrations)
            results = await asyncio.gather(
                provision(postgres_dsn, schema, migrations),
                provision(postgres_dsn, schema, migrations),
                return_exceptions=True,
            )
            failures += [
                f"round {round_number}: {type(r).__name__}: {r}"
                for r in results
                if isinstance(r, BaseException)
            ]
            assert await recorded_versions(postgres_dsn, schema) == versions
        finally:
            await drop_schema(postgres_dsn, schema)
    assert not failures, f"{len(failures)} of {2 * ROUNDS} provisionings failed:\n" + "\n".join(
        failures
    )
