"""What the allocation service answers about its read models (a port; the PostgreSQL
adapter is `adapters/read_models.py`)."""

from __future__ import annotations

from typing import Any, Protocol


class AllocationQueries(Protocol):
    async def cycle(self, service_area: str, month: str) -> dict[str, Any] | None:
        """The cycle with its allocations; None if no such cycle was opened."""
        ...

    async def cases(self, service_area: str) -> list[dict[str, Any]]: ...

    async def auditors(self, service_area: str) -> list[dict[str, Any]]: ...
