"""What an auditor writes into an audit: the full submission, and the partial draft saved
on the way to it. The same models are the HTTP request bodies, so their shape is refused
at the edge by field; what needs the audit's tool is checked in `validation.py`."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from shared.events.common import Grade, PersonId
from shared.events.vocabulary import (
    ConcernImmediacy,
    ConcernNature,
    Engagement,
    LearningTheme,
    Priority,
)
from shared.kernel.identifiers import Slug

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_text(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("control characters are not accepted in text")
    if not text.strip():
        raise ValueError("text must not be blank")
    return text


# Something a person wrote about a child's case: never blank, no control characters.
Writing = Annotated[str, StringConstraints(min_length=1, max_length=4000),
                    AfterValidator(_plain_text)]
ShortWriting = Annotated[str, StringConstraints(min_length=1, max_length=2000),
                         AfterValidator(_plain_text)]
# yes-no: true/false; choice: one of the choices; free-text: text; date: YYYY-MM-DD.
Answer = bool | Annotated[str, StringConstraints(max_length=4000)]


class Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedAction(Content):
    description: ShortWriting
    owner_id: PersonId = Field(description="the person who owns it (a stable staff id)")
    due_date: date
    priority: Priority


class ConcernDecision(Content):
    """The Child of Concern decision an Inadequate overall grade requires."""

    category: Literal[1, 2] = Field(
        description="1: immediate risk of significant harm (same-day Head of Service "
        "response); 2: the service offer or risk assessment is not appropriate")
    reason: ShortWriting
    nature: Annotated[list[ConcernNature], Field(min_length=1, max_length=7)]
    immediacy: ConcernImmediacy

    @field_validator("immediacy")
    @classmethod
    def _category_1_is_same_day(cls, immediacy: ConcernImmediacy,
                                info: ValidationInfo) -> ConcernImmediacy:
        if info.data.get("category") == 1 and immediacy is not ConcernImmediacy.SAME_DAY:
            raise ValueError("a Category 1 child is at immediate risk: the response is "
                             "same-day")
        return immediacy


def _unique(themes: list[LearningTheme]) -> list[LearningTheme]:
    if len(set(themes)) != len(themes):
        raise ValueError("each learning theme once")
    return themes


Themes = Annotated[list[LearningTheme], Field(max_length=20), AfterValidator(_unique)]


class Submission(Content):
    """An audit as submitted: every mandatory answer, a grade per element and overall,
    the findings, learning themes, engagement, the actions and, when the overall grade is
    Inadequate, the Child of Concern decision."""

    answers: dict[Slug, Answer] = {}
    element_grades: dict[Slug, Grade] = {}
    overall_grade: Grade
    strengths: Writing
    areas_for_development: Writing
    learning_themes: Themes = []
    engagement: Engagement
    actions: Annotated[list[PlannedAction], Field(max_length=30)] = []
    child_of_concern: ConcernDecision | None = None


class Partial(Content):
    """Says only what was set: stored and read back, "left out" stays apart from "null"."""

    @model_serializer(mode="wrap")
    def _only_what_was_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {name: value for name, value in dumped.items() if name in self.model_fields_set}


class DraftEngagement(Partial):
    with_social_worker: bool | None = None
    not_with_social_worker_because: Literal[
        "worker-absent", "worker-left", "case-closed", "other"] | None = None
    manager_participated: bool | None = None
    child_contacted: bool | None = None
    parents_or_carers_giving_views: Annotated[int, Field(ge=0, le=20)] | None = None
    iro_or_cp_chair_views: bool | None = None


class DraftAction(Content):
    description: ShortWriting | None = None
    owner_id: PersonId | None = None
    due_date: date | None = None
    priority: Priority | None = None


class DraftConcern(Content):
    category: Literal[1, 2] | None = None
    reason: ShortWriting | None = None
    nature: Annotated[list[ConcernNature], Field(max_length=7)] | None = None
    immediacy: ConcernImmediacy | None = None


class Draft(Partial):
    """Part of an audit, saved to resume later. Only the fields sent change: answers,
    element grades and engagement merge key by key (null removes one); any other field
    sent replaces what was saved (null clears it)."""

    answers: dict[Slug, Answer | None] | None = None
    element_grades: dict[Slug, Grade | None] | None = None
    overall_grade: Grade | None = None
    strengths: Writing | None = None
    areas_for_development: Writing | None = None
    learning_themes: Themes | None = None
    engagement: DraftEngagement | None = None
    actions: Annotated[list[DraftAction], Field(max_length=30)] | None = None
    child_of_concern: DraftConcern | None = None


_KEYED = ("answers", "element_grades")


def merge(base: Draft, patch: Draft) -> Draft:
    """`patch` saved over `base` (see Draft)."""
    merged: dict[str, Any] = base.model_dump(exclude_none=True)
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        if name in _KEYED and value is not None:
            merged[name] = {k: v for k, v in {**merged.get(name, {}), **value}.items()
                            if v is not None}
        elif name == "engagement" and value is not None:
            merged[name] = {**merged.get(name, {}), **value.model_dump()}
        else:
            merged[name] = value.model_dump() if isinstance(value, BaseModel) else (
                [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
                if isinstance(value, list) else value)
    return Draft.model_validate({k: v for k, v in merged.items() if v is not None})


def as_draft(submission: Submission) -> Draft:
    """A submission as the draft its rework starts from."""
    return Draft.model_validate(submission.model_dump(exclude_none=True))
