"""What reporting's use cases ask of its read models and event log (ports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from services.reporting.domain.report import Records


class ReportRecords(Protocol):
    """The records a monthly report is computed from, for some service areas."""

    async def live(self, areas: Sequence[str], month: str) -> Records:
        """As the read models stand now (the live slot), for a report of `month`."""
        ...

    async def as_at(self, areas: Sequence[str], recorded_by: datetime) -> Records:
        """Folded from the logged events recorded by `recorded_by`: the records as they
        stood then."""
        ...
