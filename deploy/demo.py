"""A small demo month, loaded through the public APIs like any user would.

Every command carries a fixed idempotency key, so loading twice records nothing new.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from cli.client import QaClient, ServiceError, service_urls
from shared.kernel.clock import SystemClock, london_date
from shared.kernel.identifiers import derived_id

AREA = "childrens-social-care"
TEAMS = ["front-door", "assessment", "safeguarding", "children-in-care"]
AUDITORS = [("tm-ali", "front-door"), ("tm-bea", "assessment"), ("sm-cal", "safeguarding"),
            ("ap-dev", "children-in-care"), ("tm-eve", "assessment"), ("sm-fay", "front-door")]
CASES = [("CH-0001", "cp", "safeguarding"), ("CH-0002", "cin", "assessment"),
         ("CH-0003", "cic", "children-in-care"), ("CH-0004", "care-leaver", "children-in-care"),
         ("CH-0005", "cp", "safeguarding"), ("CH-0006", "cin", "front-door"),
         ("CH-0007", "cic", "children-in-care"), ("CH-0008", "cp", "assessment")]
# (case index, auditor index, grade or None for a nil return, concern category)
OUTCOMES = [(0, 0, "good", None), (1, 2, "requires-improvement", None),
            (2, 1, "outstanding", None), (3, 4, "good", None),
            (4, 3, "inadequate", 1), (5, 1, "good", None),
            (6, 5, None, None), (7, 2, None, None)]


def demo_month() -> str:
    return london_date(SystemClock().now()).strftime("%Y-%m")


def load(month: str | None = None, progress: bool = True,
         urls: dict[str, str] | None = None, area: str = AREA) -> str:
    month = month or demo_month()
    qa = QaClient("qa-officer-1", "qa-officer", urls or service_urls())
    say = print if progress else (lambda *_: None)

    def key(*parts: object) -> str:
        return "demo-v1-" + "-".join(str(p) for p in (month, *parts))

    say(f"  opening the {month} cycle for {area}")
    qa.post("allocation", "/cycles", {"service_area": area, "month": month}, key("cycle"))
    for auditor, team in AUDITORS:
        qa.post("allocation", "/auditors",
                {"service_area": area, "auditor_id": auditor, "team": team}, key("aud", auditor))
    case_ids = []
    for child_ref, status, team in CASES:
        case_id = derived_id("demo-case", month, child_ref)
        qa.post("allocation", "/cases", {"service_area": area, "child_ref": child_ref,
                                         "legal_status": status, "team": team,
                                         "case_id": str(case_id)}, key("case", child_ref))
        case_ids.append(case_id)
    say(f"  registered {len(AUDITORS)} auditors and {len(CASES)} cases; allocating")
    allocations = {}
    for case_index, auditor_index, _, _ in OUTCOMES:
        allocation_id = derived_id("demo-allocation", month, str(case_index))
        qa.post("allocation", "/allocations", {
            "service_area": area, "month": month, "case_id": str(case_ids[case_index]),
            "auditor_id": AUDITORS[auditor_index][0], "allocation_id": str(allocation_id)},
            key("alloc", case_index))
        allocations[case_index] = allocation_id
    say("  auditors submitting their audits")
    today = london_date(SystemClock().now())
    submitted: list[tuple[str, str, str]] = []
    for case_index, auditor_index, grade, category in OUTCOMES:
        if grade is None:
            continue  # a nil return: the auditor did not submit
        auditor = AUDITORS[auditor_index][0]
        audit_id = str(derived_id("audit", str(allocations[case_index])))
        _wait_for_audit(qa.as_(auditor, "auditor"), audit_id)
        # Some actions already past due (a few overdue to show), never before the audit's
        # month began.
        due = [max(today + timedelta(days=days), today.replace(day=1))
               for days in ((14, 28) if case_index % 2 else (-3, 21))]
        body = audit_on_core_tool(grade, category, CASES[case_index][2], due, case_index)
        qa.as_(auditor, "auditor").post("audit", f"/audits/{audit_id}/submission", body,
                                        key("submit", case_index))
        submitted.append((audit_id, auditor, grade))
    say("  moderators reviewing a sample")
    moderator = qa.as_("mod-ext-1", "moderator")
    for audit_id, _, grade in submitted[:3]:
        _wait_for_queue(moderator, audit_id, area)
        body = {"outcome": "agreed"}
        if grade == "good" and audit_id == submitted[0][0]:
            body = {"outcome": "grade-changed", "moderated_grade": "requires-improvement",
                    "rationale": "Plan lacked timescales; risk analysis not updated"}
        moderator.post("moderation", f"/moderations/{audit_id}", body, key("mod", audit_id))
    return month


ELEMENTS = ["risk", "assessment", "plans-and-reviews", "voice-of-the-child",
            "family-engagement", "partner-collaboration", "management-oversight",
            "case-records", "impact"]
# What the auditor found, by overall grade: (strengths, areas for development, themes).
FINDINGS = {
    "outstanding": ("Direct work with the child is creative and consistent; the plan is "
                    "reviewed on time and the child's life has visibly improved.",
                    "Keep the chronology as current as the case notes.", ["direct-work"]),
    "good": ("The child is seen regularly and alone; their views shape the plan. Partners "
             "attend core groups.", "Record management decisions with their rationale.",
             ["management-oversight", "recording"]),
    "requires-improvement": ("Warm relationship between the worker and the family.",
                             "The assessment describes but does not analyse; the plan has "
                             "no timescales.", ["assessment", "planning"]),
    "inadequate": ("The worker knows the child well.",
                   "A new incident was not followed by a risk assessment or strategy "
                   "discussion; no management oversight for three months.",
                   ["risk", "management-oversight", "supervision"]),
}


def audit_on_core_tool(grade: str, category: int | None, team: str, due: list[date],
                       seed: int) -> dict[str, object]:
    """A realistic submission on the core tool (Bradford's nine elements)."""
    weaker = {"outstanding": "good", "good": "requires-improvement",
              "requires-improvement": "requires-improvement",
              "inadequate": "inadequate"}[grade]
    grades = {element: grade if index % 3 else weaker
              for index, element in enumerate(ELEMENTS)}
    # Risk and impact are limiting elements: the overall grade is no better than they are.
    grades["risk"] = grades["impact"] = grade
    strengths, areas, themes = FINDINGS[grade]
    body: dict[str, object] = {
        "answers": {"child-seen-in-timescales": grade != "inadequate",
                    "child-seen-alone": "yes" if seed % 3 else "not appropriate (age or "
                    "understanding)", "chronology-up-to-date": grade in {"good", "outstanding"},
                    "last-supervision": due[0].replace(day=1).isoformat()},
        "element_grades": grades, "overall_grade": grade, "strengths": strengths,
        "areas_for_development": areas, "learning_themes": themes,
        "engagement": {"with_social_worker": seed != 3,
                       "not_with_social_worker_because": "worker-absent" if seed == 3
                       else None,
                       "manager_participated": seed % 2 == 0, "child_contacted": seed % 3 == 0,
                       "parents_or_carers_giving_views": seed % 3,
                       "iro_or_cp_chair_views": seed % 2 == 1},
        "actions": [
            {"description": "Update the chronology and review the plan with the family",
             "owner_id": f"hos-{team}", "due_date": due[0].isoformat(),
             "priority": "high" if grade == "inadequate" else "medium"},
            {"description": "Team manager to record supervision decisions on the file",
             "owner_id": f"tm-{team}", "due_date": due[1].isoformat(), "priority": "low"},
        ],
    }
    if category:
        body["child_of_concern"] = {
            "category": category, "reason": "Risk not reassessed after new incident",
            "nature": ["risk-not-assessed", "no-management-oversight"],
            "immediacy": "same-day" if category == 1 else "within-a-week"}
    return body


def _wait_for_audit(auditor: QaClient, audit_id: str, timeout: float = 60) -> None:
    _wait(lambda: any(a["audit_id"] == audit_id for a in auditor.get("audit", "/audits")),
          timeout, f"audit {audit_id} to reach its auditor")


def _wait_for_queue(moderator: QaClient, audit_id: str, area: str,
                    timeout: float = 60) -> None:
    _wait(lambda: any(m["audit_id"] == audit_id
                      for m in moderator.get("moderation", "/moderations", service_area=area)),
          timeout, f"audit {audit_id} to reach the moderation queue")


def _wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except ServiceError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.2)
