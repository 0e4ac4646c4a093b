"""The summary of a final audit for the child's record: what an integrator posts into the
case-management system (Mosaic, Liquidlogic, PARIS) with a chronology note saying an
audit took place (Cheshire East 2011, 11.6)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from services.audit.domain.tools import AuditTool
from shared.events.common import Grade
from shared.events.vocabulary import Engagement
from shared.kernel.clock import london_date


class GradedElement(BaseModel):
    element: str
    title: str
    grade: Grade


class RecordedAction(BaseModel):
    description: str
    owner_id: str
    due_date: date
    priority: str


class RecordedConcern(BaseModel):
    category: int
    decided_by: str
    raised_on: date


class RecordSummary(BaseModel):
    audit_id: uuid.UUID
    child_ref: str
    legal_status: str
    case_team: str
    service_area: str
    month: str
    tool: str
    audit_tool: str
    tool_version: int
    final_grade: Grade
    element_grades: list[GradedElement]
    limited_by: list[str]
    strengths: str
    areas_for_development: str
    learning_themes: list[str]
    engagement: Engagement
    actions: list[RecordedAction]
    children_of_concern: list[RecordedConcern]
    audited_by: str
    submitted_on: date
    submission: int
    moderated_by: str | None
    moderated_on: date | None
    moderation_outcome: str | None
    finalised_on: date
    chronology_note: str


def summary(view: dict[str, Any], tool: AuditTool | None) -> RecordSummary:
    """From the audit's read-model view (final and completed to standard)."""
    findings = view["findings"]
    grade = Grade(view["overall_grade"])
    titles = {e.id: e.title for e in tool.elements} if tool is not None else {}
    moderated_by = view["moderator_id"] if view["moderated"] else None
    tool_name = f"{tool.title} (v{tool.version})" if tool is not None \
        else f"{view['audit_tool']} v{view['tool_version']}"
    note = (f"Case file audit ({tool_name}) completed on {_day(view['submitted_at'])} by "
            f"{view['submitted_by']}" + (f", moderated by {moderated_by}" if moderated_by
                                         else "") + f": overall grade {_words(grade)}.")
    return RecordSummary(
        audit_id=view["audit_id"], child_ref=view["child_ref"],
        legal_status=view["legal_status"], case_team=view["case_team"],
        service_area=view["service_area"], month=view["month"], tool=tool_name,
        audit_tool=view["audit_tool"], tool_version=view["tool_version"], final_grade=grade,
        element_grades=[GradedElement(element=k, title=titles.get(k, k), grade=Grade(v))
                        for k, v in view["element_grades"].items()],
        limited_by=view["limited_by"], strengths=findings["strengths"],
        areas_for_development=findings["areas_for_development"],
        learning_themes=findings["learning_themes"], engagement=findings["engagement"],
        actions=[RecordedAction(**{k: a[k] for k in RecordedAction.model_fields})
                 for a in view["actions"]],
        children_of_concern=[RecordedConcern(category=c["category"],
                                             decided_by=c["decided_by"],
                                             raised_on=_day(c["raised_at"]))
                             for c in view["concerns"]],
        audited_by=view["submitted_by"], submitted_on=_day(view["submitted_at"]),
        submission=view["submission"], moderated_by=moderated_by,
        moderated_on=_day(view["moderated_at"]) if moderated_by else None,
        moderation_outcome=view["moderation_outcome"] if moderated_by else None,
        finalised_on=_day(view["finalised_at"]), chronology_note=note)


def _words(grade: Grade) -> str:
    return grade.value.replace("-", " ").capitalize()


def _day(instant: str) -> date:
    """The London calendar day of an instant the read model gave as ISO 8601."""
    return london_date(datetime.fromisoformat(instant))
