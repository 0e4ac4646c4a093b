"""What the audit service publishes: each submission with its element grades, engagement
and learning themes; each action; each Child of Concern; and the summary for the child's
record when an audit is final."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from shared.events.common import ChildRef, Grade, LegalStatus, Month, PersonId, Team
from shared.events.vocabulary import (
    ConcernImmediacy,
    ConcernNature,
    Engagement,
    LearningTheme,
    Priority,
    ToolId,
)
from shared.kernel.contracts import EventContract, PersonalData
from shared.kernel.identifiers import Slug


class AuditSubmittedV1(EventContract):
    type_name = "AuditSubmitted"
    schema_version = 1
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    overall_grade: Grade
    late: bool


class AuditSubmitted(EventContract):
    """v2: which tool (and version) it was done on, a grade per element, which limiting
    elements capped the overall grade, learning themes, engagement, and which submission
    this is (2 and on: resubmitted after being returned by moderation)."""

    type_name = "AuditSubmitted"
    schema_version = 2
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    overall_grade: Grade
    late: bool
    submission: Annotated[int, Field(ge=1)] = 1
    audit_tool: ToolId = "core"
    tool_version: Annotated[int, Field(ge=1)] = 1
    element_grades: dict[Slug, Grade] = {}
    limited_by: list[Slug] = []  # elements whose grade capped the overall grade
    learning_themes: list[LearningTheme] = []
    engagement: Engagement | None = None  # None: submitted before engagement was recorded


def upcast_audit_submitted_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "submission": 1, "audit_tool": "legacy-overall", "tool_version": 1,
            "element_grades": {}, "limited_by": [], "learning_themes": [],
            "engagement": None}


class ActionRaisedV1(EventContract):
    type_name = "ActionRaised"
    schema_version = 1
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    description: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]
    owner_id: PersonId
    due_date: date


class ActionRaised(EventContract):
    """v2: a priority (audits raise none, one or many actions, each its own event)."""

    type_name = "ActionRaised"
    schema_version = 2
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    # Free text written about a child's case may name people: treat it as personal data.
    description: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]
    owner_id: PersonId
    due_date: date
    priority: Priority = Priority.MEDIUM


def upcast_action_raised_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "priority": "medium"}


class ChildOfConcernRaisedV1(EventContract):
    type_name = "ChildOfConcernRaised"
    schema_version = 1
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]
    reason: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]


class ChildOfConcernRaised(EventContract):
    """Category 1: immediate risk of significant harm (same-day Head of Service response,
    director oversight and sign-off). Category 2: the service offer or risk assessment is
    not appropriate. v2: the descriptors that apply (nature, immediacy) and who decided:
    the auditor, or the moderator who graded the audit down to Inadequate."""

    type_name = "ChildOfConcernRaised"
    schema_version = 2
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]
    reason: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]
    nature: list[ConcernNature] = []
    immediacy: ConcernImmediacy | None = None
    decided_by: Literal["auditor", "moderator"] = "auditor"


def upcast_concern_raised_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "nature": [], "immediacy": None, "decided_by": "auditor"}


class AuditFinalised(EventContract):
    """The audit is final (submitted, and accepted where moderated): its summary for the
    child's record is ready at GET /audits/{audit_id}/record-summary (HTML or JSON), for
    an integrator to post into Mosaic, Liquidlogic or PARIS."""

    type_name = "AuditFinalised"
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    month: Month
    case_id: uuid.UUID
    child_ref: ChildRef
    final_grade: Grade
    moderated: bool
    completed_to_standard: bool


CONTRACTS: list[type[EventContract]] = [
    AuditSubmittedV1, AuditSubmitted, ActionRaisedV1, ActionRaised,
    ChildOfConcernRaisedV1, ChildOfConcernRaised, AuditFinalised,
]
UPCASTERS = {("AuditSubmitted", 1): upcast_audit_submitted_v1_to_v2,
             ("ActionRaised", 1): upcast_action_raised_v1_to_v2,
             ("ChildOfConcernRaised", 1): upcast_concern_raised_v1_to_v2}
