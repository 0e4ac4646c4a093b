"""Read-model rows as plain JSON-ready values for HTTP answers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg


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
