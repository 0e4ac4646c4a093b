"""The controlled vocabulary the wire contracts share: roles, exemptions, selection rules,
engagement, learning themes, priorities, Child of Concern descriptors. Free text about a
child never appears here; where a person's words travel, the field is PersonalData."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.common import LegalStatus, Team
from shared.kernel.identifiers import Slug

# A versioned audit tool (template) as files name it: e.g. "bradford-core", "closed-case".
ToolId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
# A case flag from the case-management extract: e.g. step-up, neglect, domestic-abuse,
# under-two. A slug, so a partnership can add its own without a contract change.
CaseFlag = Slug


class StaffRole(StrEnum):
    SENIOR_MANAGER = "senior-manager"
    SERVICE_MANAGER = "service-manager"
    TEAM_MANAGER = "team-manager"
    PRACTICE_SUPERVISOR = "practice-supervisor"
    ADVANCED_PRACTITIONER = "advanced-practitioner"
    SOCIAL_WORKER = "social-worker"
    QA_OFFICER = "qa-officer"
    QA_MANAGER = "qa-manager"
    HEAD_OF_QUALITY = "head-of-quality"
    HEAD_OF_SERVICE = "head-of-service"
    DIRECTOR = "director"
    EXTERNAL_MODERATOR = "external-moderator"


class WorkingPattern(StrEnum):
    FULL_TIME = "full-time"
    # Audits every other month (Gloucestershire: "p/t staff who audit bi-monthly").
    PART_TIME = "part-time"


class ExemptionKind(StrEnum):
    """Why someone in the pool does not audit in a month. The first five are
    non-operational (Gloucestershire: extended leave, health, part-time, leaving,
    maternity) and count as soon as recorded; any other needs a director's
    authorisation before it counts."""

    MATERNITY = "maternity"
    SICKNESS = "sickness"
    EXTENDED_LEAVE = "extended-leave"
    LEAVING = "leaving"
    PART_TIME_MONTH = "part-time-month"
    ANNUAL_LEAVE = "annual-leave"
    WORKLOAD = "workload"
    TRAINING = "training"
    OTHER = "other"

    @property
    def non_operational(self) -> bool:
        return self in NON_OPERATIONAL


NON_OPERATIONAL = frozenset({ExemptionKind.MATERNITY, ExemptionKind.SICKNESS,
                             ExemptionKind.EXTENDED_LEAVE, ExemptionKind.LEAVING,
                             ExemptionKind.PART_TIME_MONTH})


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseFilter(Value):
    """Which registered cases a draw may take. Empty lists mean any."""

    legal_statuses: list[LegalStatus] = []
    teams: list[Team] = []
    # "open" only open cases, "closed" only cases closed within `closed_within_months`.
    state: Literal["open", "closed", "any"] = "open"
    closed_within_months: Annotated[int, Field(ge=1, le=36)] = 6
    flags_all: list[CaseFlag] = []


class ThemedSelection(Value):
    """A themed audit (e.g. domestic abuse, under-twos, strategy meetings) or a dip sample:
    its own filter, count and audit tool."""

    kind: Literal["theme", "dip-sample"]
    theme: Slug
    count: Annotated[int, Field(ge=1, le=500)]
    filter: CaseFilter = CaseFilter()
    audit_tool: ToolId


class SelectionRules(Value):
    """What a month's draw takes: core audits within parameters (with optional quotas by
    legal status), themed audits and dip samples. Recorded with its seed, so the same
    draw can be shown to an inspector."""

    core_audits: Annotated[int, Field(ge=0, le=2000)]
    core_filter: CaseFilter = CaseFilter()
    legal_status_quotas: dict[LegalStatus, Annotated[int, Field(ge=0)]] = {}
    core_tool: ToolId = "core"
    themed: list[ThemedSelection] = []


class SelectionReason(StrEnum):
    CORE = "core"
    THEME = "theme"
    DIP_SAMPLE = "dip-sample"
    MANUAL = "manual"


class LearningTheme(StrEnum):
    ASSESSMENT = "assessment"
    PLANNING = "planning"
    REVIEWS = "reviews"
    RISK = "risk"
    VOICE_OF_THE_CHILD = "voice-of-the-child"
    FAMILY_ENGAGEMENT = "family-engagement"
    MULTI_AGENCY_WORKING = "multi-agency-working"
    MANAGEMENT_OVERSIGHT = "management-oversight"
    SUPERVISION = "supervision"
    RECORDING = "recording"
    LEGAL_WORK = "legal-work"
    DIRECT_WORK = "direct-work"
    PERMANENCE = "permanence"


class Engagement(Value):
    """How the audit engaged people (Gloucestershire section 4)."""

    with_social_worker: bool
    # When not: a controlled reason, never free text about a person.
    not_with_social_worker_because: Literal[
        "worker-absent", "worker-left", "case-closed", "other"] | None = None
    manager_participated: bool
    child_contacted: bool
    parents_or_carers_giving_views: Annotated[int, Field(ge=0, le=20)]
    iro_or_cp_chair_views: bool


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ConcernImmediacy(StrEnum):
    """How soon the deficiencies must be answered (Herefordshire's inadequate
    sub-descriptors: nature and immediacy)."""

    SAME_DAY = "same-day"
    WITHIN_A_WEEK = "within-a-week"
    WITHIN_A_MONTH = "within-a-month"


class ConcernNature(StrEnum):
    RISK_NOT_ASSESSED = "risk-not-assessed"
    NO_PLAN_OR_PLAN_NOT_PROGRESSED = "no-plan-or-plan-not-progressed"
    CHILD_NOT_SEEN = "child-not-seen"
    NO_MANAGEMENT_OVERSIGHT = "no-management-oversight"
    SERVICE_OFFER_NOT_APPROPRIATE = "service-offer-not-appropriate"
    DRIFT_AND_DELAY = "drift-and-delay"
    OTHER = "other"


