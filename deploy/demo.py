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
            (4, 3, "inadequate", 1), (5, 1, "inadequate", 1),
            (6, 5, None, None), (7, 2, None, None)]


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
    raised: list[tuple[str, str | None, str]] = []  # action id, concern id, case team
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
        result = qa.as_(auditor, "auditor").post("audit", f"/audits/{audit_id}/submission",
                                                 body, key("submit", case_index))
        submitted.append((audit_id, auditor, grade))
        raised.append((result["action_id"], result.get("concern_id"), CASES[case_index][2]))
    say("  moderators reviewing a sample")
    moderator = qa.as_("mod-ext-1", "moderator")
    for audit_id, _, grade in submitted[:3]:
        _wait_for_queue(moderator, audit_id)
        body = {"outcome": "agreed"}
        if grade == "good" and audit_id == submitted[0][0]:
            body = {"outcome": "grade-changed", "moderated_grade": "requires-improvement",
                    "rationale": "Plan lacked timescales; risk analysis not updated"}
        moderator.post("moderation", f"/moderations/{audit_id}", body, key("mod", audit_id))
    say("  the tracker: actions completed, verified and extended; Children of Concern")
    _track(qa, raised, key)
    return month


def _track(qa: QaClient, raised: list[tuple[str, str | None, str]],
           key: Callable[..., str]) -> None:
    """Owners complete some actions and a director verifies them; one is extended; those
    due in the past turn overdue on the tracker's own. The Heads of Service respond to
    each Category 1 the same day; a director signs one off."""
    _wait(lambda: len(qa.get("tracker", "/actions", service_area=AREA)) >= len(raised),
          60, "the actions to reach the tracker")
    director = qa.as_("dir-ops", "director")
    for number, (action_id, _, team) in enumerate(raised[:2]):
        owner = qa.as_(f"hos-{team}", "head-of-service")
        owner.post("tracker", f"/actions/{action_id}/completion", {
            "evidence": "Chronology updated; plan reviewed with the family",
            "evidence_link": f"https://records.example/plan/{number}"}, key("done", action_id))
        director.post("tracker", f"/actions/{action_id}/verification", {},
                      key("verified", action_id))
    extended = raised[2][0]
    due = qa.get("tracker", f"/actions/{extended}")["due_date"]
    director.post("tracker", f"/actions/{extended}/extension", {
        "due_date": (date.fromisoformat(due) + timedelta(days=21)).isoformat(),
        "reason": "Family moved out of area; new team to be allocated"}, key("extend", extended))
    concerns = [(concern, team) for _, concern, team in raised if concern is not None]
    _wait(lambda: len(qa.get("tracker", "/children-of-concern", service_area=AREA))
          >= len(concerns), 60, "the Children of Concern to reach the tracker")
    for concern, team in concerns:
        qa.as_(f"hos-{team}", "head-of-service").post(
            "tracker", f"/children-of-concern/{concern}/responses",
            {"response": "Strategy discussion convened today; child seen"},
            key("respond", concern))
    last = concerns[-1][0]
    director.post("tracker", f"/children-of-concern/{last}/closure",
                  {"rationale": "Protection plan in place and reviewed; risk now managed"},
                  key("close", last))


def _wait_for_audit(auditor: QaClient, audit_id: str, timeout: float = 60) -> None:
    _wait(lambda: any(a["audit_id"] == audit_id for a in auditor.get("audit", "/audits")),
          timeout, f"audit {audit_id} to reach its auditor")


def _wait_for_queue(moderator: QaClient, audit_id: str, timeout: float = 60) -> None:
    _wait(lambda: any(m["audit_id"] == audit_id
                      for m in moderator.get("moderation", "/moderations", service_area=AREA)),
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
