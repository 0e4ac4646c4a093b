"""Inspection evidence packs: everything reporting recorded about one child (by their
pseudonymous reference) or one team's month, in the order it was recorded, with who did
it: the allocation, each audit submission, moderation and every grade change, the
actions and their history, and the Children of Concern decisions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel


class EvidenceEntry(BaseModel):
    recorded_at: datetime
    event_type: str
    schema_version: int
    about: str  # the subject: allocation, audit, action, concern (kind:id)
    recorded_by: str  # the person (and role) or system process
    service_area: str
    stream_id: str
    stream_version: int
    event_id: uuid.UUID
    details: dict[str, Any]


class EvidencePack(BaseModel):
    scope: str  # "child CH-0042" or "team east, 2025-03, childrens-social-care"
    areas: list[str]
    entries: list[EvidenceEntry]
    subjects: int
    # Reporting's copy of the events, as it received them. Whether each owning service's
    # store is intact is that service's answer (GET /verify; `qa evidence-pack` adds it).
    source: str = "reporting's event log (its copy of the events each service published)"


class EvidenceLog(Protocol):
    async def for_child(self, areas: Sequence[str], child_ref: str) -> list[EvidenceEntry]:
        """Every logged event of every subject that names the child, oldest first."""
        ...

    async def for_team(self, area: str, month: str, team: str) -> list[EvidenceEntry]:
        """Every logged event of every subject of that team's cases in that month."""
        ...


def pack(scope: str, areas: Sequence[str], entries: list[EvidenceEntry]) -> EvidencePack:
    return EvidencePack(scope=scope, areas=sorted(areas), entries=entries,
                        subjects=len({e.about for e in entries}))
