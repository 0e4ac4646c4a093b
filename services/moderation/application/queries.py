"""What the moderation service answers about its read model (a port)."""

from __future__ import annotations

import uuid
from typing import Any, Literal, Protocol

Status = Literal["awaiting", "moderated"]


class ModerationQueries(Protocol):
    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        """The queued audit's service area; None if the audit is not queued."""
        ...

    async def queue(self, service_area: str, status: Status | None) -> list[dict[str, Any]]: ...
