"""What the audit service answers about its read models and its own store (a port)."""

from __future__ import annotations

import uuid
from typing import Any, Protocol


class AuditQueries(Protocol):
    async def audits_of(self, auditor_id: str, service_area: str | None
                        ) -> list[dict[str, Any]]: ...

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        """The audit's row with its working draft, latest findings, actions and concerns."""
        ...

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        """The audit's service area: its events belong there. None if not assigned."""
        ...

    async def trail(self, audit_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every event of the audit's stream, oldest first: what, when and who."""
        ...
