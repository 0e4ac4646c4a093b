"""One case-file audit, from assignment to final: the decider that puts together the
auditor's work (`doing.py`) and what the other services' events do to it (`results.py`),
over the state folded from its stream (`state.py`)."""

from __future__ import annotations

from services.audit.domain import doing, results
from services.audit.domain.commands import (
    AssignAudit,
    AuditCommand,
    EndCycle,
    RaiseModeratorConcern,
    ReallocateAudit,
    RecordModeration,
    RecordSampling,
    ReturnForRework,
    ReviseGrade,
    SaveDraft,
    StartAudit,
    SubmitAudit,
)
from services.audit.domain.state import Audit, evolve
from shared.kernel.decider import Decider, by_command

__all__ = ["AUDIT", "Audit"]

AUDIT: Decider[AuditCommand, Audit] = Decider(
    "audit", Audit(), evolve,
    by_command({AssignAudit: doing.assign, StartAudit: doing.start, SaveDraft: doing.save_draft,
                SubmitAudit: doing.submit, ReallocateAudit: results.reallocate,
                RecordSampling: results.record_sampling,
                RecordModeration: results.record_moderation,
                ReviseGrade: results.revise_grade, ReturnForRework: results.return_for_rework,
                RaiseModeratorConcern: results.raise_moderator_concern,
                EndCycle: results.end_cycle}))
