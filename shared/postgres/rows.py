"""Read-model rows: written by name, and read back as plain JSON-ready values."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg

from shared.postgres.migrator import quote_ident


async def insert(conn: asyncpg.Connection, table: str, **columns: Any) -> None:
    """INSERT one row naming its columns, so a read model never depends on column order."""
    names = ", ".join(quote_ident(name) for name in columns)
    places = ", ".join(f"${number}" for number in range(1, len(columns) + 1))
    await conn.execute(f"INSERT INTO {quote_ident(table)} ({names}) VALUES ({places})",
                       *columns.values())


def plain(row: asyncpg.Record | Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """Ids as text and dates and instants in ISO 8601 (with their offset); `extra`
    adds or replaces derived fields."""
    return {key: _plain(value) for key, value in {**dict(row.items()), **extra}.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    return value
