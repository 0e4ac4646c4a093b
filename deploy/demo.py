"""A small demo month, loaded through the public APIs like any user would.

Every command carries a fixed idempotency key, so loading twice records nothing new.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

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


SAMPLING_SEED = 20190131


def demo_month() -> str:
    return london_date(SystemClock().now()).strftime("%Y-%m")


def load(month: str | None = None, progress: bool = True,
         urls: dict[str, str] | None = None) -> str:
    month = month or demo_month()
    qa = QaClient("qa-officer-1", "qa-officer", urls or service_urls())
    say = print if progress else (lambda *_: None)

    def key(*parts: object) -> str:
        return "demo-v1-" + "-".join(str(p) for p in (month, *parts))

    say(f"  opening the {month} cycle for {AREA}")
    qa.post("allocation", "/cycles", {"service_area": AREA, "month": month}, key("cycle"))
    # Every inadequate audit, every Category 1 Child of Concern, each newly trained
    # auditor's first three, and half the rest at random (a fixed seed: the same draw).
    qa.as_("hoq-1", "head-of-quality").post(
        "moderation", f"/sampling-policies/{AREA}",
        {"random_share": 0.5, "newly_trained_first_n": 3, "seed": SAMPLING_SEED},
        key("sampling-policy"))
    for auditor, team in AUDITORS:
        qa.post("allocation", "/auditors",
                {"service_area": AREA, "auditor_id": auditor, "team": team}, key("aud", auditor))
    case_ids = []
    for child_ref, status, team in CASES:
        case_id = derived_id("demo-case", month, child_ref)
        qa.post("allocation", "/cases", {"service_area": AREA, "child_ref": child_ref,
                                         "legal_status": status, "team": team,
                                         "case_id": str(case_id)}, key("case", child_ref))
        case_ids.append(case_id)
    say(f"  registered {len(AUDITORS)} auditors and {len(CASES)} cases; allocating")
    allocations = {}
    for case_index, auditor_index, _, _ in OUTCOMES:
        allocation_id = derived_id("demo-allocation", month, str(case_index))
        qa.post("allocation", "/allocations", {
            "service_area": AREA, "month": month, "case_id": str(case_ids[case_index]),
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
        body: dict[str, object] = {
            "overall_grade": grade,
            "action": {"description": "Update the chronology and review the plan with the family",
                       "owner_id": f"hos-{CASES[case_index][2]}",
                       # Some already past (a few overdue actions to show), never before
                       # the audit's month began.
                       "due_date": max(today + timedelta(days=14 if case_index % 2 else -3),
                                       today.replace(day=1)).isoformat()},
        }
        if category:
            body["child_of_concern"] = {"category": category,
                                        "reason": "Risk not reassessed after new incident"}
        qa.as_(auditor, "auditor").post("audit", f"/audits/{audit_id}/submission", body,
                                        key("submit", case_index))
        submitted.append((audit_id, auditor, grade))
    say("  moderators reviewing the sample")
    _moderate_the_sample(qa, [audit_id for audit_id, _, _ in submitted], key)
    return month


def _wait_for_audit(auditor: QaClient, audit_id: str, timeout: float = 60) -> None:
    _wait(lambda: any(a["audit_id"] == audit_id for a in auditor.get("audit", "/audits")),
          timeout, f"audit {audit_id} to reach its auditor")


def _moderate_the_sample(qa: QaClient, audits: list[str], key: Callable[..., str]) -> None:
    """The first three sampled audits: agreed, a grade changed, returned below standard;
    each by the moderator the pool assigned it, or, while no pool is known, the Head of
    Quality."""
    sampled = [shown for shown in (_in_moderation(qa, audit_id) for audit_id in audits)
               if shown["status"] != "not-sampled"]
    for shown, body in zip(sampled, _outcomes(sampled), strict=False):
        moderator = shown["moderator_id"]
        who = qa.as_(moderator, "moderator") if moderator else qa.as_("hoq-1", "head-of-quality")
        who.post("moderation", f"/moderations/{shown['audit_id']}", body,
                 key("moderate", shown["audit_id"]))


def _outcomes(sampled: list[dict[str, Any]]) -> list[dict[str, Any]]:
    change: dict[str, Any] = {"outcome": "grades-changed", "changes": {}}
    if len(sampled) > 1:
        line = sampled[1]["grades"][0]  # the first element by id (or overall)
        better = [g for g in line["can_change_to"] if g != "inadequate"]
        change["changes"][line["element"]] = {
            "grade": better[-1], "rationale": "Plan lacked timescales; risk not updated"}
    return [{"outcome": "agreed", "rationale": "Sound analysis; grades well evidenced"},
            change,
            {"outcome": "below-standard", "reasons": "Findings not evidenced from the "
             "record; the child's voice not sought"}]


def _in_moderation(qa: QaClient, audit_id: str, timeout: float = 60) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []

    def arrived() -> bool:
        seen.append(qa.get("moderation", f"/moderations/{audit_id}"))
        return True

    _wait(arrived, timeout, f"audit {audit_id} to reach moderation")
    return seen[-1]


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
