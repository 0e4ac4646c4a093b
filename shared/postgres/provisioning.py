"""The documented database setup for one service.

- `<schema>_owner` (NOLOGIN) owns the schema, its tables and the append-only triggers.
- `<schema>_app` (LOGIN) is what the service connects as: it may read and write its
  read models, but on `events` it has SELECT and INSERT only. It is neither the table
  owner nor a superuser, so it cannot drop or disable the append-only guard.
- Migrations run through an administrative connection (DATABASE_URL) as the owner.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from shared.postgres.migrator import Migration, apply_migrations, quote_ident


@dataclass(frozen=True)
class ServiceDatabase:
    schema: str
    app_dsn: str

    @property
    def owner_role(self) -> str:
        return f"{self.schema}_owner"

    @property
    def app_role(self) -> str:
        return f"{self.schema}_app"


def app_dsn(admin_dsn: str, schema: str, password: str | None) -> str:
    """The service's own DSN: same server and database as the admin DSN, its own role."""
    parts = urlsplit(admin_dsn)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    credentials = quote(f"{schema}_app", safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    return urlunsplit((parts.scheme, f"{credentials}@{host}{port}", parts.path, parts.query, ""))


async def provision(
    admin_dsn: str,
    schema: str,
    migrations: list[Migration],
    *,
    app_password: str | None = None,
) -> ServiceDatabase:
    owner, app = quote_ident(f"{schema}_owner"), quote_ident(f"{schema}_app")
    s = quote_ident(schema)
    lock = f"qa-provision:{schema}"
    conn = await asyncpg.connect(admin_dsn)
    try:
        # Two replicas starting together would otherwise race on the catalogue rows the
        # grants update ("tuple concurrently updated"): provisioning a schema is serial.
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", lock)
        await _ensure_role(conn, f"{schema}_owner", "NOLOGIN")
        await _ensure_role(conn, f"{schema}_app", "LOGIN")
        if app_password is not None:
            await conn.execute(f"ALTER ROLE {app} PASSWORD {_literal(app_password)}")
        await conn.execute(f"GRANT {owner} TO CURRENT_USER")
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s} AUTHORIZATION {owner}")
        await conn.execute(f"SET ROLE {owner}")
        await apply_migrations(conn, schema, migrations)
        await conn.execute(f"GRANT USAGE ON SCHEMA {s} TO {app}")
        await conn.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {app}"
        )
        await conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {app}")
        await conn.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.events FROM {app}")
        await conn.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.schema_migrations FROM {app}")
        await conn.execute("RESET ROLE")
    finally:
        await conn.close()  # also releases the session's advisory lock
    return ServiceDatabase(schema=schema, app_dsn=app_dsn(admin_dsn, schema, app_password))


async def _ensure_role(conn: asyncpg.Connection, name: str, login: str) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name)
    if not exists:
        # Another process may create it between our check and our create.
        with contextlib.suppress(asyncpg.DuplicateObjectError):
            await conn.execute(
                f"CREATE ROLE {quote_ident(name)} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE"
            )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def drop_schema(admin_dsn: str, schema: str) -> None:
    """Remove a schema and its roles (tests and `--reset`)."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(schema)} CASCADE")
        for role in (f"{schema}_app", f"{schema}_owner"):
            if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await conn.execute(f"DROP OWNED BY {quote_ident(role)} CASCADE")
                await conn.execute(f"DROP ROLE {quote_ident(role)}")
    finally:
        await conn.close()
