"""The read-model records: one per subject, folded from all of its facts (pure).

Each record keeps what the report needs and nothing personal: no child reference, no
names, no free text (those stay in the event log, for evidence packs). A record of the
tracker keeps its dated steps, so the tracker can be read as at any day; everything
else is the subject as it now stands (a report as it stood earlier is folded from the
facts recorded by then: see application/monthly_report.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.domain.facts import Fact, in_order, kind_of
from shared.events.allocation import (
    AuditCycleClosed,
    AuditCycleOpened,
    AuditorExempted,
    CaseAllocated,
    CaseReallocated,
    NilReturnRecorded,
    StaffMemberRecorded,
)
from shared.events.audit import ActionRaised, AuditFinalised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade, LegalStatus
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    GradeChanged,
)
from shared.events.tracker import (
    ActionCompleted,
    ActionDueDateExtended,
    ActionReopened,
    ActionTrackingStarted,
    ActionVerified,
    ChildOfConcernCategoryApplied,
    ChildOfConcernClosed,
    ChildOfConcernResponseRecorded,
    ChildOfConcernUnderReview,
)
from shared.events.vocabulary import Engagement, ExemptionKind, LearningTheme


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    service_area: str
    month: str | None = None


class Exemption(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ExemptionKind
    non_operational: bool


class CycleRecord(Record):
    kind: Literal["cycle"] = "cycle"
    opened: bool = False
    auditors_in_pool: int | None = None  # None: opened before the pool was recorded
    exemptions: dict[str, Exemption] = {}  # by person: one counted exemption a month each
    closed: bool = False


class AllocationRecord(Record):
    kind: Literal["allocation"] = "allocation"
    allocation_id: uuid.UUID
    allocated: bool = False  # CaseAllocated itself has arrived
    case_team: str | None = None
    legal_status: LegalStatus | None = None
    auditor_id: str | None = None
    reallocated: int = 0
    nil_return: bool = False


class Moderation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    submission: int
    outcome: Literal["agreed", "grades-changed", "below-standard"]
    original_grade: Grade
    moderated_grade: Grade
    element_changes: dict[str, Grade] = {}  # element -> grade the moderator gave
    on: date


class AuditRecord(Record):
    kind: Literal["audit"] = "audit"
    audit_id: uuid.UUID
    allocation_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    case_team: str | None = None
    legal_status: LegalStatus | None = None
    auditor_id: str | None = None
    audit_tool: str | None = None
    submissions: int = 0  # 0: not submitted yet (moderation's news may come first)
    submitted_on: date | None = None  # the first submission
    late: bool = False  # the first submission came after the return deadline
    submitted_grade: Grade | None = None  # the auditor's, latest submission
    submitted_elements: dict[str, Grade] = {}
    learning_themes: list[LearningTheme] = []
    engagement: Engagement | None = None
    sampled: bool = False
    moderations: list[Moderation] = []
    finalised_to_standard: bool | None = None  # the latest AuditFinalised, if any

    @property
    def submitted(self) -> bool:
        return self.submissions > 0

    @property
    def latest_moderation(self) -> Moderation | None:
        """The moderation of the latest submission, if it has been moderated."""
        return next((m for m in reversed(self.moderations)
                     if m.submission == self.submissions), None)

    @property
    def final_grade(self) -> Grade | None:
        moderated = self.latest_moderation
        return moderated.moderated_grade if moderated else self.submitted_grade

    @property
    def final_elements(self) -> dict[str, Grade]:
        moderated = self.latest_moderation
        changes = moderated.element_changes if moderated else {}
        return {**self.submitted_elements, **changes}

    @property
    def returned(self) -> bool:
        """Its latest submission was moderated below the required standard."""
        moderated = self.latest_moderation
        return moderated is not None and moderated.outcome == "below-standard"

    @property
    def to_standard(self) -> bool:
        return self.submitted and not self.returned and self.finalised_to_standard is not False


Stage = Literal["open", "completed", "verified"]


class ActionStep(BaseModel):
    """From `on` (a London day) the action stood so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: date
    stage: Stage
    due_date: date


class ActionRecord(Record):
    kind: Literal["action"] = "action"
    action_id: uuid.UUID
    audit_id: uuid.UUID | None = None
    case_team: str | None = None
    raised_on: date | None = None
    tracked: bool = False  # on the tracker (ActionTrackingStarted), not only raised
    steps: list[ActionStep] = []

    def as_at(self, day: date) -> ActionStep | None:
        """How it stood at the end of `day`; None if it was not on the tracker yet."""
        return next((step for step in reversed(self.steps) if step.on <= day), None)


Decision = Literal["head-of-service-response", "review", "director-sign-off",
                   "head-of-service-sign-off"]


class ConcernStep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    on: date
    category: Literal[1, 2]
    awaiting: Decision | None  # None: closed, off the tracker


class ConcernRecord(Record):
    kind: Literal["concern"] = "concern"
    concern_id: uuid.UUID
    audit_id: uuid.UUID | None = None
    case_team: str | None = None
    raised_on: date | None = None
    raised_category: Literal[1, 2] | None = None
    decided_by: Literal["auditor", "moderator"] | None = None
    steps: list[ConcernStep] = []

    def as_at(self, day: date) -> ConcernStep | None:
        return next((step for step in reversed(self.steps) if step.on <= day), None)


class StaffRecord(Record):
    kind: Literal["person"] = "person"
    person_id: str
    auditor_since: date | None = None
    moderator_since: date | None = None
    external: bool = False
    left_on: date | None = None


OneRecord = (CycleRecord | AllocationRecord | AuditRecord | ActionRecord | ConcernRecord
             | StaffRecord)
AnyRecord = Annotated[OneRecord, Field(discriminator="kind")]


def fold(subject: str, facts: Sequence[Fact]) -> AnyRecord | None:
    """The record of `subject` from its facts (in any order); None for a subject that
    is of no kind reporting keeps."""
    ordered = in_order(f for f in facts if f.subject == subject)
    if not ordered:
        return None
    kind = kind_of(subject)
    area = ordered[0].service_area
    folder = _FOLDERS.get(kind)
    return None if folder is None else folder(subject, area, ordered)


def _cycle(subject: str, area: str, facts: list[Fact]) -> CycleRecord:
    record = CycleRecord(subject=subject, service_area=area)
    exemptions: dict[str, Exemption] = {}
    for fact in facts:
        match fact.event:
            case AuditCycleOpened() as opened:
                record = record.model_copy(update={
                    "opened": True, "month": opened.month,
                    "auditors_in_pool": opened.auditors_in_pool})
            case AuditorExempted() as exempted:
                exemptions[exempted.person_id] = Exemption(
                    kind=exempted.kind, non_operational=exempted.non_operational)
                record = record.model_copy(update={"month": exempted.month})
            case AuditCycleClosed() as closed:
                record = record.model_copy(update={"closed": True, "month": closed.month})
    return record.model_copy(update={"exemptions": exemptions})


def _allocation(subject: str, area: str, facts: list[Fact]) -> AllocationRecord:
    allocation_id = uuid.UUID(subject.split(":", 1)[1])
    record = AllocationRecord(subject=subject, service_area=area, allocation_id=allocation_id)
    for fact in facts:
        match fact.event:
            case CaseAllocated() as allocated:
                record = record.model_copy(update={
                    "allocated": True, "month": allocated.month,
                    "case_team": allocated.case_team, "legal_status": allocated.legal_status,
                    "auditor_id": record.auditor_id or allocated.auditor_id})
            case CaseReallocated() as moved:
                record = record.model_copy(update={
                    "month": moved.month, "auditor_id": moved.auditor_id,
                    "reallocated": record.reallocated + 1})
            case NilReturnRecorded() as nil:
                record = record.model_copy(update={"month": nil.month, "nil_return": True})
    return record


def _audit(subject: str, area: str, facts: list[Fact]) -> AuditRecord:
    audit_id = uuid.UUID(subject.split(":", 1)[1])
    record = AuditRecord(subject=subject, service_area=area, audit_id=audit_id)
    moderations: list[Moderation] = []
    # A moderation's grade changes come just before its AuditModerated on the moderation
    # stream: gathered in that stream's own order.
    pending: dict[str, Grade] = {}
    moderation_facts = sorted((f for f in facts if isinstance(
        f.event, AuditModerated | GradeChanged)), key=lambda f: (f.stream_id, f.stream_version))
    for fact in moderation_facts:
        event = fact.event
        if isinstance(event, GradeChanged):
            if event.element != "overall":
                pending[event.element] = event.to_grade
        elif isinstance(event, AuditModerated):
            moderations.append(Moderation(
                submission=event.submission, outcome=event.outcome,
                original_grade=event.original_grade, moderated_grade=event.moderated_grade,
                element_changes=pending, on=fact.on))
            pending = {}
    latest_submission = 0
    for fact in facts:
        match fact.event:
            case AuditSubmitted() as submitted if submitted.submission >= latest_submission:
                first = record.submitted_on is None
                latest_submission = submitted.submission
                record = record.model_copy(update={
                    "allocation_id": submitted.allocation_id, "month": submitted.month,
                    "case_id": submitted.case_id, "case_team": submitted.case_team,
                    "legal_status": submitted.legal_status,
                    "auditor_id": submitted.auditor_id, "audit_tool": submitted.audit_tool,
                    "submissions": submitted.submission,
                    "submitted_on": fact.on if first else record.submitted_on,
                    "late": submitted.late if first else record.late,
                    "submitted_grade": submitted.overall_grade,
                    "submitted_elements": dict(submitted.element_grades),
                    "learning_themes": list(submitted.learning_themes),
                    "engagement": submitted.engagement})
            case AuditSampled() as sampled:
                record = record.model_copy(update={"sampled": True,
                                                   "month": record.month or sampled.month})
            case AuditModerated() | AuditReturnedForRework() as moderated:
                record = record.model_copy(update={"month": record.month or moderated.month})
            case AuditFinalised() as final:
                record = record.model_copy(update={
                    "finalised_to_standard": final.completed_to_standard,
                    "month": record.month or final.month})
    return record.model_copy(update={"moderations": moderations})


def _action(subject: str, area: str, facts: list[Fact]) -> ActionRecord:
    action_id = uuid.UUID(subject.split(":", 1)[1])
    record = ActionRecord(subject=subject, service_area=area, action_id=action_id)
    steps: list[ActionStep] = []
    for fact in facts:
        event, last = fact.event, (steps[-1] if steps else None)
        match event:
            case ActionRaised() | ActionTrackingStarted():
                record = record.model_copy(update={
                    "audit_id": event.audit_id, "month": event.month,
                    "case_team": event.case_team,
                    "raised_on": record.raised_on or fact.on,
                    "tracked": record.tracked or isinstance(event, ActionTrackingStarted)})
                if last is None:
                    steps.append(ActionStep(on=fact.on, stage="open", due_date=event.due_date))
            case ActionDueDateExtended() if last is not None:
                steps.append(last.model_copy(update={"on": fact.on, "due_date": event.to_date}))
            case ActionCompleted() if last is not None:
                steps.append(last.model_copy(update={"on": fact.on, "stage": "completed"}))
            case ActionVerified() if last is not None:
                steps.append(last.model_copy(update={"on": fact.on, "stage": "verified"}))
            case ActionReopened() if last is not None:
                steps.append(last.model_copy(update={"on": fact.on, "stage": "open"}))
    return record.model_copy(update={"steps": steps})


def _concern(subject: str, area: str, facts: list[Fact]) -> ConcernRecord:
    concern_id = uuid.UUID(subject.split(":", 1)[1])
    record = ConcernRecord(subject=subject, service_area=area, concern_id=concern_id)
    steps: list[ConcernStep] = []
    category: Literal[1, 2] | None = None
    responded = under_review = closed = False
    for fact in facts:
        event = fact.event
        match event:
            case ChildOfConcernRaised():
                category = category or event.category
                record = record.model_copy(update={
                    "audit_id": event.audit_id, "month": event.month,
                    "case_team": event.case_team, "raised_on": fact.on,
                    "raised_category": event.category, "decided_by": event.decided_by})
            case ChildOfConcernCategoryApplied():
                if event.to_category != category:
                    responded = responded and event.to_category == 2
                category = event.to_category
            case ChildOfConcernResponseRecorded():
                responded = responded or event.role in ("head-of-service", "director")
                under_review = False
            case ChildOfConcernUnderReview():
                under_review = True
            case ChildOfConcernClosed():
                closed = True
            case _:
                continue
        if category is None:
            continue  # the tracker's news came before the concern itself
        step = ConcernStep(on=fact.on, category=category,
                           awaiting=None if closed else _awaiting(category, responded,
                                                                   under_review))
        steps.append(step)
    return record.model_copy(update={"steps": steps})


def _awaiting(category: int, responded: bool, under_review: bool) -> Decision:
    """Whose decision the child waits on (the tracker's own rule, services/tracker)."""
    if under_review:
        return "review"
    if category == 1 and not responded:
        return "head-of-service-response"
    return "director-sign-off" if category == 1 else "head-of-service-sign-off"


def _person(subject: str, area: str, facts: list[Fact]) -> StaffRecord:
    person_id = subject.split(":", 2)[2]
    record = StaffRecord(subject=subject, service_area=area, person_id=person_id)
    for fact in facts:
        if isinstance(fact.event, StaffMemberRecorded):
            staff = fact.event
            record = record.model_copy(update={
                "auditor_since": staff.auditor_since, "moderator_since": staff.moderator_since,
                "external": staff.external,
                "left_on": staff.effective_on if staff.change == "left" else None})
    return record


_FOLDERS: dict[str, Callable[[str, str, list[Fact]], OneRecord]] = {
    "cycle": _cycle, "allocation": _allocation, "audit": _audit, "action": _action,
    "concern": _concern, "person": _person}
