"""What the audit service answers about its read models (a port)."""

from __future__ import annotations

import uuid
from typing import Any, Protocol


class AuditQueries(Protocol):
    async def audits_of(self, auditor_id: str, service_area: str | None
                        ) -> list[dict[str, Any]]: ...

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None: ...

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        """The audit's service area: its events belong there. None if not assigned."""
        ...
