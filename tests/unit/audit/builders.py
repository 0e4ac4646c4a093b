"""An audit of November 2026 on the shipped core tool, and what happens to it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from services.audit.adapters.tool_files import load_catalogue
from services.audit.domain.commands import SaveDraft, SubmitAudit
from services.audit.domain.content import Draft, Submission
from services.audit.domain.events import REGISTRY, AuditAssigned
from services.audit.domain.streams import audit_id, audit_stream
from services.audit.domain.tools import AuditTool
from shared.events.allocation import CaseAllocated
from shared.events.common import LegalStatus
from shared.kernel.clock import LONDON
from shared.kit.scenario import Scenario

TOOLS = load_catalogue()


def _core() -> AuditTool:
    tool = TOOLS.latest("core")
    assert tool is not None
    return tool


CORE = _core()
ALLOCATION = uuid.UUID("0b6a3c52-1d1e-4a8e-9f7a-5a2f8f3c9d01")
AUDIT = audit_id(ALLOCATION)
STREAM = audit_stream(AUDIT)
CYCLE, CASE = uuid.UUID(int=7), uuid.UUID(int=8)
IN_TIME = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
AUDITOR = "staff-0042"

ALLOCATED = CaseAllocated(
    allocation_id=ALLOCATION, cycle_id=CYCLE, month="2026-11",
    return_deadline=date(2026, 11, 30), case_id=CASE, child_ref="CHILD-0001",
    legal_status=LegalStatus.CHILD_PROTECTION, case_team="assessment-east",
    auditor_id=AUDITOR, auditor_team="north-1",
)


def assigned(deadline: date = date(2026, 11, 30), tool: str = "core",
             version: int | None = 1, digest: str | None = CORE.digest) -> AuditAssigned:
    return AuditAssigned(
        audit_id=AUDIT, allocation_id=ALLOCATION, cycle_id=CYCLE, month="2026-11",
        return_deadline=deadline, case_id=CASE, child_ref="CHILD-0001",
        legal_status=LegalStatus.CHILD_PROTECTION, case_team="assessment-east",
        auditor_id=AUDITOR, audit_tool=tool, tool_version=version, tool_digest=digest,
    )


def spec(now: datetime = IN_TIME) -> Scenario:
    return Scenario(REGISTRY, now=now)


ENGAGED = {"with_social_worker": True, "manager_participated": True, "child_contacted": False,
           "parents_or_carers_giving_views": 2, "iro_or_cp_chair_views": True}


def body(**changes: Any) -> dict[str, Any]:
    """A complete, valid submission on the core tool, graded requires improvement."""
    grades = {element.id: "good" for element in CORE.elements}
    grades |= {"risk": "requires-improvement", "plans-and-reviews": "requires-improvement"}
    return {
        "answers": {"child-seen-in-timescales": True, "child-seen-alone": "yes",
                    "chronology-up-to-date": False, "last-supervision": "2026-10-30"},
        "element_grades": grades,
        "overall_grade": "requires-improvement",
        "strengths": "Warm, consistent relationship with the child; views recorded.",
        "areas_for_development": "The plan lacks timescales; chronology out of date.",
        "learning_themes": ["planning", "recording"],
        "engagement": ENGAGED,
        "actions": [
            {"description": "Update the chronology", "owner_id": "tm-1",
             "due_date": "2026-12-15", "priority": "medium"},
            {"description": "Add timescales to the plan", "owner_id": "sw-9",
             "due_date": "2026-12-01", "priority": "high"},
        ],
        **changes,
    }


CONCERN = {"category": 1, "reason": "Risk not reassessed after a new incident",
           "nature": ["risk-not-assessed"], "immediacy": "same-day"}


def inadequate(**changes: Any) -> dict[str, Any]:
    grades = body()["element_grades"] | {"risk": "inadequate", "impact": "inadequate"}
    return body(**{"element_grades": grades, "overall_grade": "inadequate",
                   "child_of_concern": CONCERN, **changes})


def submit(content: dict[str, Any], by: str = AUDITOR) -> SubmitAudit:
    return SubmitAudit(AUDIT, by, Submission.model_validate(content))


def draft(content: dict[str, Any], by: str = AUDITOR) -> SaveDraft:
    return SaveDraft(AUDIT, by, Draft.model_validate(content))


def fields(error: Exception) -> list[tuple[str | int, ...]]:
    return [item.loc for item in getattr(error, "errors", ())]
