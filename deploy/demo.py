"""A small demo month, loaded through the public APIs like any user would.

Every command carries a fixed idempotency key, so loading twice records nothing new.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from cli.client import QaClient, ServiceError, service_urls
from shared.kernel.clock import SystemClock, london_date
from shared.kernel.identifiers import derived_id

AREA = "childrens-social-care"
TEAMS = ["front-door", "assessment", "safeguarding", "children-in-care", "care-leavers",
         "disabilities"]
# The staff directory: (person, role, team, part-time, auditor, moderator, manager)
STAFF = [
    ("dir-ops", "director", "directorate", False, False, False, None),
    ("hos-safe", "head-of-service", "safeguarding", False, True, False, "dir-ops"),
    ("hos-cic", "head-of-service", "children-in-care", False, True, False, "dir-ops"),
    ("qa-officer-1", "qa-officer", "quality-assurance", False, False, False, None),
    ("tm-ali", "team-manager", "front-door", False, True, False, "hos-safe"),
    ("tm-bea", "team-manager", "assessment", False, True, False, "hos-safe"),
    ("tm-eve", "team-manager", "assessment", True, True, False, "hos-safe"),
    ("sm-cal", "senior-manager", "safeguarding", False, True, True, "hos-safe"),
    ("sm-fay", "senior-manager", "front-door", False, True, False, "hos-safe"),
    ("tm-gus", "team-manager", "children-in-care", False, True, False, "hos-cic"),
    ("tm-hal", "team-manager", "care-leavers", False, True, False, "hos-cic"),
    ("ap-dev", "advanced-practitioner", "children-in-care", False, True, True, "tm-gus"),
    ("ap-ivy", "advanced-practitioner", "disabilities", False, True, False, "hos-cic"),
    ("ap-jon", "advanced-practitioner", "safeguarding", False, True, False, "sm-cal"),
    ("mod-ext-1", "external-moderator", "external", False, False, True, None),
]
STATUS_OF_TEAM = {"front-door": "cin", "assessment": "cin", "safeguarding": "cp",
                  "children-in-care": "cic", "care-leavers": "care-leaver",
                  "disabilities": "cin"}
FLAGS = ["neglect", "domestic-abuse", "step-up", "under-two", ""]
RULES = {"core_audits": 8, "core_filter": {"state": "any", "closed_within_months": 6},
         "legal_status_quotas": {"cp": 2, "cic": 2},
         "themed": [{"kind": "theme", "theme": "domestic-abuse", "count": 2,
                     "filter": {"flags_all": ["domestic-abuse"]},
                     "audit_tool": "core"}]}  # a theme may use its own tool; the demo keeps to core
SEED = 20190131
# Two inadequate audits, each a Category 1 Child of Concern for the tracker to show.
GRADES = ["good", "requires-improvement", "outstanding", "good", "inadequate", "inadequate",
          "requires-improvement", "good"]
NIL_RETURNS = 2  # the last allocations are not returned: nil returns at the close


def staff_csv(today: str) -> str:
    lines = ["person_id,role,team,working_pattern,auditor_since,moderator_since,manager_id,"
             "external,effective_on"]
    for person, role, team, part_time, auditor, moderator, manager in STAFF:
        lines.append(",".join([
            person, role, team, "part-time" if part_time else "full-time",
            "2025-04-01" if auditor else "", "2025-09-01" if moderator else "",
            manager or "", "yes" if role == "external-moderator" else "no", today]))
    return "\n".join(lines) + "\n"


def cases_csv(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    lines = ["case_ref,child_ref,team,legal_status,social_worker_id,manager_id,opened_on,"
             "closed_on,flags"]
    for index in range(40):
        team = TEAMS[index % len(TEAMS)]
        closed = (f"{year - 1 if number <= 2 else year}-{(number - 3) % 12 + 1:02d}-15"
                  if index % 5 == 4 else "")
        manager = {"front-door": "tm-ali", "assessment": "tm-bea", "safeguarding": "sm-cal",
                   "children-in-care": "tm-gus", "care-leavers": "tm-hal",
                   "disabilities": "ap-ivy"}[team]
        flags = ";".join(sorted({f for f in (FLAGS[index % 5], FLAGS[index % 3]) if f}))
        lines.append(f"DEMO-{index:05d},CH-{index + 1:04d},{team},{STATUS_OF_TEAM[team]},"
                     f"sw-{index % 9},{manager},2025-0{1 + index % 9}-01,{closed},{flags}")
    return "\n".join(lines) + "\n"


SAMPLING_SEED = 20190131


def demo_month() -> str:
    return london_date(SystemClock().now()).strftime("%Y-%m")


def load(month: str | None = None, progress: bool = True,
         urls: dict[str, str] | None = None, area: str = AREA) -> str:
    month = month or demo_month()
    qa = QaClient("qa-officer-1", "qa-officer", urls or service_urls())
    say = print if progress else (lambda *_: None)
    today = london_date(SystemClock().now())

    def key(*parts: object) -> str:
        return "demo-v2-" + "-".join(str(p) for p in (area, month, *parts))

    say(f"  importing the staff directory ({len(STAFF)}) and case register (40) of {area}")
    qa.post_csv("allocation", "/imports/staff", staff_csv(today.isoformat()), key("staff"),
                service_area=area)
    qa.post_csv("allocation", "/imports/cases", cases_csv(month), key("cases"),
                service_area=area)
    say(f"  opening the {month} cycle and drawing its cases (seed {SEED})")
    qa.post("allocation", "/cycles", {"service_area": area, "month": month, "rules": RULES,
                                      "seed": SEED, "moderating": ["sm-cal"]},
            key("cycle"))
    # Every inadequate audit, every Category 1 Child of Concern, each newly trained
    # auditor's first three, and half the rest at random (a fixed seed: the same draw).
    qa.as_("hoq-1", "head-of-quality").post(
        "moderation", f"/sampling-policies/{area}",
        {"random_share": 0.5, "newly_trained_first_n": 3, "seed": SAMPLING_SEED},
        key("sampling-policy"))
    say("  exemptions: tm-hal on maternity leave; ap-jon's workload, authorised by dir-ops")
    qa.post("allocation", "/exemptions", {"service_area": area, "month": month,
                                          "person_id": "tm-hal", "kind": "maternity"},
            key("exempt", "tm-hal"))
    asked = qa.post("allocation", "/exemptions", {
        "service_area": area, "month": month, "person_id": "ap-jon", "kind": "workload",
        "note": "Leading the Ofsted monitoring visit preparation"}, key("exempt", "ap-jon"))
    qa.as_("dir-ops", "director").post(
        "allocation", f"/exemptions/{asked['exemption_id']}/authorisation",
        {"service_area": area}, key("authorise", "ap-jon"))
    run = qa.post("allocation", f"/cycles/{area}/{month}/allocation", {}, key("run"))
    allocated = run["allocated"]
    say(f"  allocated {len(allocated)} cases; {len(run['unplaced'])} could not be placed")
    say("  auditors submitting their audits")
    submitted: list[tuple[str, str, str]] = []
    raised: list[tuple[str, str | None, str]] = []  # action, concern, owners' team
    for index, allocation in enumerate(allocated[:max(0, len(allocated) - NIL_RETURNS)]):
        auditor, grade = allocation["auditor_id"], GRADES[index % len(GRADES)]
        audit_id = str(derived_id("audit", str(allocation["allocation_id"])))
        _wait_for_audit(qa.as_(auditor, "auditor"), audit_id)
        # Some actions already past due (a few overdue to show), never before the audit's
        # month began.
        due = [max(today + timedelta(days=days), today.replace(day=1))
               for days in ((14, 28) if index % 2 else (-3, 21))]
        team = "cic" if "care" in allocation["case_team"] else "safe"
        body = audit_on_core_tool(grade, 1 if grade == "inadequate" else None, team, due,
                                  index)
        result = qa.as_(auditor, "auditor").post("audit", f"/audits/{audit_id}/submission",
                                                 body, key("submit", index))
        submitted.append((audit_id, auditor, grade))
        raised.append((result["action_ids"][0], result.get("concern_id"), team))
    say("  moderators reviewing the sample")
    _moderate_the_sample(qa, [audit_id for audit_id, _, _ in submitted], key)
    say("  the tracker: actions completed, verified and extended; Children of Concern")
    _track(qa, raised, key, area)
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


def _track(qa: QaClient, raised: list[tuple[str, str | None, str]],
           key: Callable[..., str], area: str) -> None:
    """Owners complete some actions and a director verifies them; one is extended; those
    due in the past turn overdue on the tracker's own. The Heads of Service respond to
    each Category 1 the same day; a director signs one off."""
    _wait(lambda: len(qa.get("tracker", "/actions", service_area=area)) >= len(raised),
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
    _wait(lambda: len(qa.get("tracker", "/children-of-concern", service_area=area))
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
