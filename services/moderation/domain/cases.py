"""An allocated case as moderation needs it: its team and workers (CaseAllocated v2)."""

from __future__ import annotations

from services.moderation.domain.commands import RecordCase
from services.moderation.domain.events import CaseFactsRecorded
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, keep_only

CaseState = CaseFactsRecorded | None


def record_case(command: RecordCase, state: CaseState) -> list[EventContract]:
    return [] if state == command.facts else [command.facts]


CASE: Decider[RecordCase, CaseState] = Decider(
    "moderation-case", None, keep_only(CaseFactsRecorded), record_case)
