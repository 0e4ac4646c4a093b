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
from typing import Any

import asyncpg
import httpx
import pytest

from cli.client import QaClient, ServiceError
from shared.kernel.clock import SystemClock, london_date
from tests.e2e.conftest import Platform, poll, wait_for

MONTH_TODAY = london_date(SystemClock().now())
MONTH = MONTH_TODAY.strftime("%Y-%m")


def report(platform: Platform, area: str) -> dict[str, Any]:
    response = httpx.get(f"{platform.urls['reporting']}/reports/{area}/{MONTH}", timeout=5)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


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
    submission = {
        "overall_grade": "inadequate",
        "action": {"description": "Convene a strategy discussion", "owner_id": "hos-safe",
                   "due_date": due.isoformat()},
        "child_of_concern": {"category": 1, "reason": "Immediate risk not addressed"},
    }
    # Bad input: 422 naming the field, and nothing recorded.
    with pytest.raises(ServiceError) as invalid:
        auditor.post("audit", f"/audits/{audit_id}/submission",
                      {**submission, "overall_grade": "adequate-ish"})
    assert invalid.value.status == 422
    assert any(d["loc"][-1] == "overall_grade" for d in invalid.value.errors)
    # Someone else cannot submit it.
    with pytest.raises(ServiceError) as forbidden:
        platform.client("tm-same", "auditor").post(
            "audit", f"/audits/{audit_id}/submission", submission)
    assert forbidden.value.status == 403

    first = auditor.post("audit", f"/audits/{audit_id}/submission", submission, "submit-once")
    again = auditor.post("audit", f"/audits/{audit_id}/submission", submission, "submit-once")
    assert again == first, "a retried command answers as the first time did"

    # Moderation: the auditor may not moderate their own audit; another moderator changes it.
    poll(lambda: qa.get("moderation", "/moderations", service_area=area))
    with pytest.raises(ServiceError) as own:
        platform.client("tm-other", "moderator").post(
            "moderation", f"/moderations/{audit_id}", {"outcome": "agreed"})
    assert own.value.status == 403
    moderated = platform.client("mod-1", "moderator").post(
        "moderation", f"/moderations/{audit_id}",
        {"outcome": "grade-changed", "moderated_grade": "requires-improvement",
         "rationale": "Risk was escalated the same day; inadequate is too harsh"})
    assert moderated["moderated_grade"] == "requires-improvement"

    # Tracking: the action is open; three days on it is overdue, exactly once.
    poll(lambda: qa.get("tracker", "/actions", service_area=area))
    assert [a["status"] for a in qa.get("tracker", "/actions", service_area=area)] == ["open"]
    concerns = qa.get("tracker", "/children-of-concern", service_area=area)
    assert [c["category"] for c in concerns] == [1]
    platform.move_clock(days=3)
    try:
        poll(lambda: qa.get("tracker", "/actions", service_area=area, status="overdue"))
        final = wait_for(lambda: report(platform, area),
                         lambda r: r["actions"]["overdue"] == 1 and r["moderated"] == 1)

        assert final["allocated"] == 1
        assert final["completed"] == 1
        assert final["grades_before_moderation"]["inadequate"] == 1
        assert final["grades_after_moderation"]["inadequate"] == 0
        assert final["grades_after_moderation"]["requires-improvement"] == 1
        assert final["grades_changed"] == 1
        assert final["children_of_concern"] == {"1": 1, "2": 0}
        assert final["actions"] == {"open": 0, "overdue": 1, "total": 1}

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
def test_the_flow_through_the_qa_cli(platform: Platform, area: str) -> None:
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
    out = qa_cli(platform, "--as", "sm-jo", "--role", "auditor", "submit-audit", audit_id,
                 "--grade", "good", "--action", "Update the care plan", "--owner", "tm-cic",
                 "--due", (MONTH_TODAY + timedelta(days=20)).isoformat())
    assert f"Submitted audit {audit_id}: good" in out
    poll(lambda: audit_id in qa_cli(platform, "moderation-queue", "--area", area))
    out = qa_cli(platform, "--as", "mod-2", "--role", "moderator", "moderate", audit_id,
                 "--agree")
    assert "agreed (good -> good)" in out
    text = wait_for(lambda: qa_cli(platform, "report", "--area", area, "--month", MONTH),
                    lambda out: re.search(r"Moderated\s+1\n", out) is not None)
    assert "Allocated" in text
    assert "1/1 (100%)" in text
    verify = qa_cli(platform, "verify")
    assert verify.count("intact") == 5


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
        auditor.post("audit", f"/audits/{item['audit_id']}/submission", {
            "overall_grade": "good" if index % 2 else "requires-improvement",
            "action": {"description": "Review plan", "owner_id": "tm-fd",
                       "due_date": (MONTH_TODAY + timedelta(days=30)).isoformat()}})
    # An audit's action is an event of its own stream, so it may reach the report a
    # moment after the audit's submission: wait for both.
    final = wait_for(lambda: report(platform, area),
                     lambda r: r["completed"] == 5 and r["allocated"] == 12
                     and r["actions"]["total"] >= 5)
    assert final["completion"] == "5/12 (42%)"
    assert final["actions"]["total"] == 5
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
