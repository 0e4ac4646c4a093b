"""What the moderation service publishes: which audits were sampled and why, each
outcome (agreed, grades changed, or below standard and returned), each grade change,
the Child of Concern decisions a moderation makes, and category revisions."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from shared.events.common import Grade, Month, PersonId
from shared.events.vocabulary import ConcernImmediacy, ConcernNature
from shared.kernel.contracts import EventContract, PersonalData
from shared.kernel.identifiers import Slug

Rationale = Annotated[str, PersonalData(), Field(min_length=1, max_length=4000)]


SampleReason = Literal["random", "inadequate", "category-1", "newly-trained", "manual"]


class AuditSampledV1(EventContract):
    type_name = "AuditSampled"
    schema_version = 1
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    reasons: list[SampleReason]


class AuditSampled(EventContract):
    """The audit is in the month's moderation sample, for these reasons. v2: the random
    draw can be repeated by anyone: `seed` (derived from the sampling policy's seed and
    the audit id) gives draw = seed / 2**53, sampled at random when draw < random_share,
    under version `policy_version` of the service area's sampling policy (None: sampled
    before seeds were recorded)."""

    type_name = "AuditSampled"
    schema_version = 2
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    reasons: list[SampleReason]
    seed: Annotated[int, Field(ge=0, lt=2**53)] | None = None
    random_share: Annotated[float, Field(ge=0, le=1)] | None = None
    policy_version: Annotated[int, Field(ge=0)] | None = None


def upcast_audit_sampled_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "seed": None, "random_share": None, "policy_version": None}


class AuditModeratedV1(EventContract):
    type_name = "AuditModerated"
    schema_version = 1
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    outcome: Literal["agreed", "grade-changed"]
    original_grade: Grade
    moderated_grade: Grade
    # Marked personal after the fact: a marker classifies, it changes no stored payload.
    rationale: Annotated[str, PersonalData(), Field(max_length=4000)] = ""


class AuditModerated(EventContract):
    """The moderation's outcome. v2: grades may change per element as well as overall,
    and an audit below the required standard is returned for rework (it is not
    "completed to standard" until resubmitted and accepted)."""

    type_name = "AuditModerated"
    schema_version = 2
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    outcome: Literal["agreed", "grades-changed", "below-standard"]
    original_grade: Grade
    moderated_grade: Grade
    changed_elements: list[Slug] = []  # "overall" when the overall grade changed
    rationale: Annotated[str, PersonalData(), Field(max_length=4000)] = ""
    submission: Annotated[int, Field(ge=1)] = 1


def upcast_audit_moderated_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    changed = payload["outcome"] == "grade-changed"
    return {**payload, "outcome": "grades-changed" if changed else "agreed",
            "changed_elements": ["overall"] if changed else [], "submission": 1}


class GradeChangedV1(EventContract):
    type_name = "GradeChanged"
    schema_version = 1
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    from_grade: Grade
    to_grade: Grade
    rationale: Rationale


class GradeChanged(EventContract):
    """One grade changed at moderation, with its rationale. v2: which element ("overall"
    for the overall grade); the audit service and reporting both apply it."""

    type_name = "GradeChanged"
    schema_version = 2
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    element: Slug = "overall"
    from_grade: Grade
    to_grade: Grade
    rationale: Rationale


def upcast_grade_changed_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "element": "overall"}


class AuditReturnedForRework(EventContract):
    """Below the required standard: the audit reopens for its auditor with these reasons,
    and its resubmission comes back to the same moderator."""

    type_name = "AuditReturnedForRework"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    reasons: Rationale


class ChildOfConcernDecided(EventContract):
    """An audit moderated down to Inadequate: the moderator's Child of Concern decision.
    The audit service records the concern (ChildOfConcernRaised, decided by the moderator)."""

    type_name = "ChildOfConcernDecided"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    category: Literal[1, 2]
    reason: Rationale
    nature: list[ConcernNature] = []
    immediacy: ConcernImmediacy | None = None


class ConcernReviewRequested(EventContract):
    """An audit moderated away from Inadequate: its Children of Concern go up for review
    on the tracker rather than being closed silently."""

    type_name = "ConcernReviewRequested"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    from_grade: Grade
    to_grade: Grade


class ChildOfConcernCategoryRevised(EventContract):
    """A category challenged and revised (e.g. Category 1 to 2 by the Head of Quality
    against Ofsted's guidance), with the rationale; the tracker applies it."""

    type_name = "ChildOfConcernCategoryRevised"
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    from_category: Literal[1, 2]
    to_category: Literal[1, 2]
    rationale: Rationale
    revised_by: PersonId
    revised_by_role: Literal["moderator", "head-of-quality"]


CONTRACTS: list[type[EventContract]] = [
    AuditSampledV1, AuditSampled, AuditModeratedV1, AuditModerated, GradeChangedV1, GradeChanged,
    AuditReturnedForRework, ChildOfConcernDecided, ConcernReviewRequested,
    ChildOfConcernCategoryRevised,
]
UPCASTERS = {("AuditSampled", 1): upcast_audit_sampled_v1_to_v2,
             ("AuditModerated", 1): upcast_audit_moderated_v1_to_v2,
             ("GradeChanged", 1): upcast_grade_changed_v1_to_v2}
