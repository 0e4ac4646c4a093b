"""One audit's journey through the five services, over HTTP and the broker.

On Apache Kafka, as production runs; the journey also on the bundled tansu broker, the
newcomer's path (`run.py up`): one platform start per broker (see the `platform` fixture).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import yaml  # type: ignore[import-untyped]

from cli.client import QaClient, ServiceError
from shared.kernel.clock import SystemClock, london_date
from tests.e2e.conftest import Platform, poll, wait_for
from tests.unit.audit.builders import CONCERN, body, inadequate

MONTH_TODAY = london_date(SystemClock().now())
MONTH = MONTH_TODAY.strftime("%Y-%m")


def report(platform: Platform, area: str) -> dict[str, Any]:
    response = httpx.get(f"{platform.urls['reporting']}/reports/{area}/{MONTH}", timeout=5)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def headline(found: dict[str, Any]) -> dict[str, Any]:
    """The figures a QA lead looks at first, from the monthly report's JSON."""
    much = found["how_much"]["this_month"]
    grades = found["how_well"]["grades_by_month"][-1]
    moderation, tracker = found["how_well"]["moderation"], found["actions"]["now"]
    return {
        "pool": much["auditors_in_pool"], "allocated": much["allocated"],
        "completed": much["completed"], "nil": much["nil_returns"],
        "late": much["late_returns"], "to_standard": much["completed_to_standard"],
        "net": much["completion_net_of_non_operational"]["text"],
        "overall": much["completion_overall"]["text"],
        "after": {g: s["text"] for g, s in grades["after_moderation"].items()},
        "before": {g: s["text"] for g, s in grades["before_moderation"].items()},
        "moderated": moderation["moderated"]["count"],
        "grades_changed": moderation["grades_changed"],
        "open": tracker["open"], "overdue": tracker["overdue"]["text"],
        "actions_raised": found["actions"]["raised_by_this_months_audits"],
        "concerns": found["actions"]["concerns"]["by_category"],
    }


def audits_of(client: QaClient, area: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = client.get("audit", "/audits", service_area=area)
    return result


def set_up_case(qa: QaClient, area: str, *, case_team: str = "safeguarding",
                auditor: str = "tm-alex", auditor_team: str = "assessment") -> str:
    """Register a case and an auditor (in another team) and allocate; returns allocation id."""
    case = qa.post("allocation", "/cases", {"service_area": area, "child_ref": "CH-9001",
                                            "legal_status": "cp", "team": case_team})
    qa.post("allocation", "/auditors",
            {"service_area": area, "auditor_id": auditor, "team": auditor_team})
    allocation = qa.post("allocation", "/allocations", {
        "service_area": area, "month": MONTH, "case_id": case["case_id"], "auditor_id": auditor})
    return str(allocation["allocation_id"])


def test_one_audit_end_to_end_over_http(platform: Platform, area: str) -> None:
    qa = platform.client("qa-officer-1", "qa-officer")
    qa.post("allocation", "/cycles", {"service_area": area, "month": MONTH})

    case = qa.post("allocation", "/cases", {"service_area": area, "child_ref": "CH-0001",
                                            "legal_status": "cp", "team": "safeguarding"})
    qa.post("allocation", "/auditors",
            {"service_area": area, "auditor_id": "tm-same", "team": "safeguarding"})
    qa.post("allocation", "/auditors",
            {"service_area": area, "auditor_id": "tm-other", "team": "assessment"})

    # Never an auditor from the case's own team.
    with pytest.raises(ServiceError) as refused:
        qa.post("allocation", "/allocations", {"service_area": area, "month": MONTH,
                                               "case_id": case["case_id"],
                                               "auditor_id": "tm-same"})
    assert refused.value.status == 409
    assert "own team" in str(refused.value.detail)
    qa.post("allocation", "/allocations", {"service_area": area, "month": MONTH,
                                           "case_id": case["case_id"],
                                           "auditor_id": "tm-other"})

    # The audit reaches its auditor, and only them.
    auditor = platform.client("tm-other", "auditor")
    audits = poll(lambda: audits_of(auditor, area))
    assert [a["child_ref"] for a in audits] == ["CH-0001"]
    assert audits_of(platform.client("tm-same", "auditor"), area) == []
    audit_id = audits[0]["audit_id"]

    due = MONTH_TODAY + timedelta(days=2)
    submission = inadequate(
        actions=[{"description": "Convene a strategy discussion", "owner_id": "hos-safe",
                  "due_date": due.isoformat(), "priority": "high"}])
    # The auditor saves a draft and resumes it: the service keeps it merged.
    auditor.post("audit", f"/audits/{audit_id}/draft",
                 {"element_grades": {"risk": "inadequate"}, "overall_grade": "inadequate"})
    resumed = auditor.get("audit", f"/audits/{audit_id}")
    assert resumed["status"] == "in-progress"
    assert resumed["draft"] == {"element_grades": {"risk": "inadequate"},
                                "overall_grade": "inadequate"}
    # Bad input: 422 naming the field, and nothing recorded.
    with pytest.raises(ServiceError) as invalid:
        auditor.post("audit", f"/audits/{audit_id}/submission",
                      {**submission, "overall_grade": "adequate-ish"})
    assert invalid.value.status == 422
    assert any(d["loc"][-1] == "overall_grade" for d in invalid.value.errors)
    # What only the tool can tell (a mandatory answer, an element's grade): every field named.
    with pytest.raises(ServiceError) as incomplete:
        auditor.post("audit", f"/audits/{audit_id}/submission",
                     {**submission, "answers": {}, "element_grades": {}})
    assert incomplete.value.status == 422
    assert ["body", "element_grades", "impact"] in [d["loc"] for d in incomplete.value.errors]
    assert ["body", "answers", "chronology-up-to-date"] in [
        d["loc"] for d in incomplete.value.errors]
    # Someone else cannot submit it.
    with pytest.raises(ServiceError) as forbidden:
        platform.client("tm-same", "auditor").post(
            "audit", f"/audits/{audit_id}/submission", submission)
    assert forbidden.value.status == 403

    first = auditor.post("audit", f"/audits/{audit_id}/submission", submission, "submit-once")
    again = auditor.post("audit", f"/audits/{audit_id}/submission", submission, "submit-once")
    assert again == first, "a retried command answers as the first time did"

    # Moderation: an inadequate audit is always sampled. No moderator is in this area's
    # pool (allocation publishes no staff records here), so it waits, saying why; only the
    # assigned moderator or the Head of Quality may decide it, never its auditor.
    queued = poll(lambda: qa.get("moderation", "/moderations", service_area=area))
    assert queued[0]["sample_reasons"][0] == "inadequate"
    assert queued[0]["waiting_reasons"] == [
        "no one in this service area's pool is trained as a moderator"]
    with pytest.raises(ServiceError) as own:
        platform.client("tm-other", "head-of-quality").post(
            "moderation", f"/moderations/{audit_id}", {"outcome": "agreed"})
    assert own.value.status == 403
    with pytest.raises(ServiceError) as not_assigned:
        platform.client("mod-1", "moderator").post(
            "moderation", f"/moderations/{audit_id}", {"outcome": "agreed"})
    assert not_assigned.value.status == 403
    moderated = platform.client("hoq-1", "head-of-quality").post(
        "moderation", f"/moderations/{audit_id}",
        {"outcome": "grade-changed", "moderated_grade": "requires-improvement",
         "rationale": "Risk was escalated the same day; inadequate is too harsh"})
    assert moderated["moderated_grade"] == "requires-improvement"
    assert moderated["concern_review_requested"] is True
    # Moderated, the audit is final: its summary for the child's record is ready.
    summary = poll(lambda: qa.get("audit", f"/audits/{audit_id}/record-summary"))
    assert (summary["final_grade"], summary["moderated_by"]) == ("requires-improvement",
                                                                  "hoq-1")

    # Tracking: the action is open; three days on it is overdue, exactly once.
    poll(lambda: qa.get("tracker", "/actions", service_area=area))
    assert [a["status"] for a in qa.get("tracker", "/actions", service_area=area)] == ["open"]
    concerns = qa.get("tracker", "/children-of-concern", service_area=area)
    assert [c["category"] for c in concerns] == [1]
    platform.move_clock(days=3)
    try:
        poll(lambda: qa.get("tracker", "/actions", service_area=area, status="overdue"))
        final = wait_for(lambda: headline(report(platform, area)),
                         lambda r: r["overdue"] == "1/1 (100%)" and r["moderated"] == 1)

        assert (final["allocated"], final["completed"]) == (1, 1)
        assert final["before"]["inadequate"] == "1/1 (100%)"
        assert final["after"]["inadequate"] == "0/1 (0%)"
        assert final["after"]["requires-improvement"] == "1/1 (100%)"
        assert final["grades_changed"] == 1
        assert final["concerns"] == {"1": 1, "2": 0}
        assert (final["open"], final["overdue"]) == (1, "1/1 (100%)")

        # The ActionOverdue event is recorded once, whatever the scans since.
        overdue_events = poll(lambda: _tracker_events(platform, "ActionOverdue"))
        assert overdue_events == 1

        # Exactly once, also across a tracker restart: SIGKILL it and start it again with
        # the clock still moved on, and let it run several overdue scans (every 0.5 s here).
        tracker = platform.services["tracker"]
        tracker.kill()
        assert tracker.process is not None
        assert tracker.process.returncode == -9
        tracker.start()
        tracker.wait_ready(timeout=90)
        time.sleep(3)
        assert _tracker_events(platform, "ActionOverdue") == 1
        assert [a["status"] for a in qa.get("tracker", "/actions", service_area=area)] == [
            "overdue"]
    finally:
        platform.move_clock(days=0)

    for service in platform.urls:
        assert httpx.get(platform.urls[service] + "/verify", timeout=10).json()["intact"]


def _tracker_events(platform: Platform, event_type: str) -> int:
    evidence = httpx.get(platform.urls["tracker"] + "/verify", timeout=10).json()
    assert evidence["intact"]
    async def count() -> int:
        conn = await asyncpg.connect(platform.env["DATABASE_URL"])
        try:
            schema = platform.services["tracker"].env["DB_SCHEMA"]
            return int(await conn.fetchval(
                f"SELECT count(*) FROM {schema}.events WHERE event_type = $1", event_type))
        finally:
            await conn.close()

    return asyncio.run(count())


def qa_cli(platform: Platform, *args: str) -> str:
    env = {**os.environ, **{f"QA_{name.upper()}_URL": url for name, url in platform.urls.items()}}
    result = subprocess.run([sys.executable, "-m", "cli.main", *args], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


# The CLI speaks HTTP only: one broker tells as much as two (the journey covers tansu).
@pytest.mark.broker("apache")
def test_the_flow_through_the_qa_cli(platform: Platform, area: str, tmp_path: Path) -> None:
    qa_cli(platform, "open-cycle", "--area", area, "--month", MONTH)
    case = qa_cli(platform, "register-case", "--area", area, "--child-ref", "CH-0100",
                  "--legal-status", "cic", "--team", "children-in-care")
    case_id = case.split()[2]
    qa_cli(platform, "register-auditor", "--area", area, "--auditor", "sm-jo",
           "--team", "front-door")
    out = qa_cli(platform, "allocate", "--area", area, "--month", MONTH, "--case", case_id,
                 "--auditor", "sm-jo")
    assert "Allocated child CH-0100" in out

    listing = wait_for(lambda: qa_cli(platform, "--as", "sm-jo", "--role", "auditor",
                                      "my-audits", "--area", area),
                       lambda out: "CH-0100" in out)
    audit_id = listing.splitlines()[2].split()[0]
    template = qa_cli(platform, "--as", "sm-jo", "--role", "auditor", "audit-template",
                      audit_id)
    assert "voice-of-the-child:" in template
    filled = tmp_path / "audit.yaml"
    filled.write_text(yaml.safe_dump({"audit_id": audit_id, **body(
        overall_grade="good",
        element_grades={element: "good" for element in yaml.safe_load(template)[
            "element_grades"]},
        actions=[{"description": "Update the care plan", "owner_id": "tm-cic",
                  "due_date": (MONTH_TODAY + timedelta(days=20)).isoformat(),
                  "priority": "medium"}])}))
    out = qa_cli(platform, "--as", "sm-jo", "--role", "auditor", "submit-audit", audit_id,
                 "--file", str(filled))
    assert f"Submitted audit {audit_id} (submission 1, core v1): good" in out
    poll(lambda: audit_id in qa_cli(platform, "moderation-queue", "--area", area))
    shown = qa_cli(platform, "show-moderation", audit_id)
    # The default policy moderates every audit (sm-jo is also newly trained here).
    assert re.search(r"sampled for: [a-z, -]*random", shown), shown
    out = qa_cli(platform, "--as", "hoq-1", "--role", "head-of-quality", "moderate",
                 audit_id, "--agree")
    assert "agreed (good -> good)" in out
    note = wait_for(lambda: qa_cli(platform, "record-summary", audit_id),
                    lambda out: "Case file audit" in out)
    assert "by sm-jo, moderated by hoq-1: overall grade Good." in note
    calibration = qa_cli(platform, "calibration", "--area", area, "--month", MONTH)
    assert "100%" in calibration
    text = wait_for(lambda: qa_cli(platform, "report", "--area", area, "--month", MONTH),
                    lambda out: re.search(r"Moderated\s+1/1 \(100%\)\n", out) is not None)
    assert re.search(r"Allocated\s+1\n", text)
    assert re.search(r"Good\s+1/1 \(100%\)  \(1/1 \(100%\)\)\n", text)
    checkpoints = qa_cli(platform, "checkpoint")
    assert "allocation  checkpoint #" in checkpoints
    verify = qa_cli(platform, "verify")
    assert verify.count(" intact: ") == 5
    # Reporting keeps read models only: an empty store has nothing to checkpoint.
    assert verify.count("checked against checkpoint #") == 4
    assert "reporting   intact: 0 events in 0 streams; no checkpoint signed yet" in verify


# Fail-over of a killed service is production's concern, so on the production broker; the
# same at the foundation's level runs on both (test_consumer_killed_mid_batch_...).
@pytest.mark.broker("apache")
def test_a_consumer_killed_mid_flow_loses_and_doubles_nothing(
    platform: Platform, area: str
) -> None:
    qa = platform.client("qa-officer-1", "qa-officer")
    qa.post("allocation", "/cycles", {"service_area": area, "month": MONTH})
    qa.post("allocation", "/auditors",
            {"service_area": area, "auditor_id": "ap-kim", "team": "assessment"})
    cases = [qa.post("allocation", "/cases", {"service_area": area, "child_ref": f"CH-2{i:03}",
                                              "legal_status": "cin", "team": "front-door"})
             for i in range(12)]
    audit = platform.services["audit"]
    for index, case in enumerate(cases):
        qa.post("allocation", "/allocations", {"service_area": area, "month": MONTH,
                                               "case_id": case["case_id"],
                                               "auditor_id": "ap-kim"})
        if index == 3:
            audit.kill()  # SIGKILL while allocations are still flowing to it
            assigned_at_kill = _audit_assignments(platform, area)
            assert assigned_at_kill < 12, "the kill must land mid-flow"
    assert audit.process is not None
    assert audit.process.returncode == -9
    # Dead means dead: nothing more was assigned while the allocations kept coming.
    assert _audit_assignments(platform, area) == assigned_at_kill
    audit.start()
    audit.wait_ready(timeout=90)

    auditor = platform.client("ap-kim", "auditor")
    audits = wait_for(lambda: audits_of(auditor, area), lambda a: len(a) == 12, timeout=90)
    assert len({a["audit_id"] for a in audits}) == 12
    for index, item in enumerate(audits[:5]):
        grade = "good" if index % 2 else "requires-improvement"
        auditor.post("audit", f"/audits/{item['audit_id']}/submission", body(
            overall_grade=grade,
            element_grades={**body()["element_grades"], "risk": grade},
            actions=[{"description": "Review plan", "owner_id": "tm-fd", "priority": "low",
                      "due_date": (MONTH_TODAY + timedelta(days=30)).isoformat()}]))
    # An audit's action is an event of its own stream, so it may reach the report a
    # moment after the audit's submission: wait for both.
    final = wait_for(lambda: headline(report(platform, area)),
                     lambda r: r["completed"] == 5 and r["allocated"] == 12
                     and r["actions_raised"] >= 5)
    assert final["actions_raised"] == 5
    # Nothing lost, nothing doubled: exactly one AuditAssigned per allocation, each its own
    # audit.
    assert _audit_assignments(platform, area) == 12
    assert _audit_assignments(platform, area, distinct=True) == 12


def _audit_assignments(platform: Platform, area: str, *, distinct: bool = False) -> int:
    """AuditAssigned events in the audit service's store for this test's service area."""
    async def count() -> int:
        conn = await asyncpg.connect(platform.env["DATABASE_URL"])
        try:
            schema = platform.services["audit"].env["DB_SCHEMA"]
            what = "DISTINCT stream_id" if distinct else "*"
            return int(await conn.fetchval(
                f"SELECT count({what}) FROM {schema}.events WHERE event_type = 'AuditAssigned'"
                " AND envelope::jsonb ->> 'service_area' = $1", area))
        finally:
            await conn.close()

    return asyncio.run(count())


def test_returned_for_rework_then_resubmitted_comes_back_to_the_same_moderator(
    platform: Platform, area: str
) -> None:
    qa = platform.client("qa-officer-1", "qa-officer")
    qa.post("allocation", "/cycles", {"service_area": area, "month": MONTH})
    set_up_case(qa, area, auditor="tm-rework")
    auditor = platform.client("tm-rework", "auditor")
    audit_id = poll(lambda: audits_of(auditor, area))[0]["audit_id"]
    due = (MONTH_TODAY + timedelta(days=10)).isoformat()
    actions = [{"description": "Review the plan", "owner_id": "hos-safe", "due_date": due,
                "priority": "high"}]
    auditor.post("audit", f"/audits/{audit_id}/submission",
                 inadequate(actions=actions, child_of_concern={**CONCERN, "category": 2}))
    first = poll(lambda: qa.get("moderation", f"/moderations/{audit_id}"))
    # The assigned moderator where the pool has one; the Head of Quality otherwise.
    decider = (platform.client(first["moderator_id"], "moderator") if first["moderator_id"]
               else platform.client("hoq-1", "head-of-quality"))
    returned = decider.post("moderation", f"/moderations/{audit_id}", {
        "outcome": "below-standard", "reasons": "Findings not evidenced from the record"})
    assert returned["returned_for_rework"] is True

    # The audit reopens for its auditor, who resubmits.
    def resubmitted() -> bool:
        auditor.post("audit", f"/audits/{audit_id}/submission", body(actions=actions))
        return True

    poll(resubmitted, timeout=20)
    again = wait_for(lambda: qa.get("moderation", f"/moderations/{audit_id}"),
                     lambda shown: shown["submission"] == 2, timeout=30)
    # Back to whoever returned it: the assigned moderator, or the Head of Quality.
    assert (again["status"], again["moderator_id"]) == (
        "awaiting", first["moderator_id"] or "hoq-1")
    agreed = decider.post("moderation", f"/moderations/{audit_id}", {"outcome": "agreed"})
    assert (agreed["submission"], agreed["moderated_grade"]) == (2, "requires-improvement")
