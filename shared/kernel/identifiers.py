"""Stream ids: a category and a UUID, never a personal identifier.

A stream id travels as the Kafka key and appears in logs, so it must not carry a
name, a case number or a date of birth: the pattern admits only `category-<uuid>`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import Field

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
STREAM_ID_PATTERN = rf"^[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*-{_UUID}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
# People, roles and system processes are named by stable ids (a person by the authority's
# staff id), never by display names.
IDENT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"

StreamId = Annotated[str, Field(pattern=STREAM_ID_PATTERN, max_length=128)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
PersonId = Annotated[str, Field(pattern=IDENT_PATTERN)]
RoleName = Annotated[str, Field(pattern=IDENT_PATTERN)]
ProcessName = Annotated[str, Field(pattern=IDENT_PATTERN)]

# A fixed namespace so that deterministic ids (a cycle for a month and area) agree everywhere.
_NAMESPACE = uuid.UUID("6f1c9e52-6a51-4c57-9d43-2f0b0e6b2c11")


def new_stream_id(category: str) -> str:
    return f"{category}-{uuid.uuid4()}"


def stream_id(category: str, ident: uuid.UUID) -> str:
    return f"{category}-{ident}"


def derived_id(*parts: str) -> uuid.UUID:
    """A stable UUID from non-personal parts (tenant, service area, month)."""
    return uuid.uuid5(_NAMESPACE, "\x1f".join(parts))
