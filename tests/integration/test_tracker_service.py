"""The tracker over the real PostgreSQL and broker, run by the real host: an action's
lifecycle and its refusals, overdue exactly once across a restart between the due date and
the scan, two trackers at once, and a Category 1 escalated then signed off."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.events.allocation import StaffMemberRecorded
from shared.events.audit import ChildOfConcernRaised
from shared.kernel.clock import LONDON, ManualClock
from shared.postgres.provisioning import drop_schema
from shared.settings import KafkaSettings
from tests.integration.tracker_host import AREA, Platform, tracker
from tests.messaging_support import eventually

# Wednesday 4 March 2026, 10:00 in London.
WEDNESDAY = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)
DUE_TODAY = WEDNESDAY.date()
HOS = {"X-Actor-Id": "hos-east", "X-Actor-Role": "head-of-service"}
DIRECTOR = {"X-Actor-Id": "dir-ops", "X-Actor-Role": "director"}
OWNER = {"X-Actor-Id": "tm-owner", "X-Actor-Role": "team-manager"}


@pytest.fixture
async def platform(postgres_dsn: str, kafka: KafkaSettings, tmp_path: Path
                   ) -> AsyncIterator[Platform]:
    run = uuid.uuid4().hex[:10]
    yield Platform(postgres_dsn, kafka.model_copy(update={"topic_prefix": f"trk{run}"}),
                   f"trk_{run}", ManualClock(WEDNESDAY), tmp_path / "notifications.jsonl")
    await drop_schema(postgres_dsn, f"trk_{run}")


def an_action(due: date = DUE_TODAY, owner: str = "tm-owner") -> dict[str, Any]:
    return {"service_area": AREA, "child_ref": "CH-0042", "case_team": "east-1",
            "description": "Convene a strategy discussion", "owner_id": owner,
            "due_date": due.isoformat()}


async def raise_action(client: httpx.AsyncClient, **changes: Any) -> str:
    response = await client.post("/actions", json=an_action(**changes), headers=HOS)
    assert response.status_code == 201, response.text
    return str(response.json()["action_id"])


def counted(platform: Platform, event_type: str, expected: int) -> Any:
    async def check() -> bool:
        return await platform.count(event_type) == expected
    return check


async def test_overdue_once_across_a_restart_between_the_due_date_and_the_scan(
        platform: Platform) -> None:
    async with tracker(platform) as first:
        action = await raise_action(first)  # due today
        await asyncio.sleep(0.5)  # scans run: due today is not overdue
        assert await platform.count("ActionOverdue") == 0
    # The tracker is down when the day passes; it starts again the next morning.
    platform.clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=LONDON))
    async with tracker(platform) as second:
        await eventually(counted(platform, "ActionOverdue", 1))
        mine = (await second.get("/actions", params={"owner": "tm-owner"})).json()
        assert [(a["action_id"], a["status"]) for a in mine] == [(action, "overdue")]
    async with tracker(platform):
        await asyncio.sleep(1.0)  # ten more scans after another restart
    assert await platform.count("ActionOverdue") == 1
    assert await platform.count("ActionEscalated") == 0


async def test_two_trackers_at_once_record_each_overdue_and_escalation_once(
        platform: Platform) -> None:
    async with tracker(platform) as one, tracker(platform) as two:
        for number in range(6):
            await raise_action(one if number % 2 else two, owner=f"tm-{number}")
        # Both trackers scan the same store: past the due date and both escalation points.
        platform.clock.set(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON))
        await eventually(counted(platform, "ActionEscalated", 12))
        await asyncio.sleep(1.0)
    assert await platform.count("ActionOverdue") == 6
    assert await platform.count("ActionEscalated") == 12


async def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


async def test_an_action_lifecycle_and_bad_input_that_changes_nothing(
        platform: Platform) -> None:
    async with tracker(platform) as client:
        await platform.publish("allocation", f"staff-{uuid.uuid4()}", StaffMemberRecorded(
            person_id="tm-owner", change="joined", effective_on=date(2026, 1, 5),
            role="team-manager", team="east-1", working_pattern="full-time",
            manager_id="sm-boss"))
        action = await raise_action(client, due=date(2026, 3, 20))
        before = await platform.events()
        refused = await problem(await client.post(
            f"/actions/{action}/completion", json={"evidence": "done"},
            headers={"X-Actor-Id": "tm-other", "X-Actor-Role": "team-manager"}), 403)
        assert "only the action's owner (tm-owner)" in refused["detail"]
        unknown = await problem(await client.post(
            f"/actions/{uuid.uuid4()}/completion", json={"evidence": "done"}, headers=OWNER),
            404)
        assert unknown["detail"] == "no such action is on the tracker"
        no_reason = await problem(await client.post(
            f"/actions/{action}/extension", json={"due_date": "2026-04-30"}, headers=HOS), 422)
        assert [e["loc"] for e in no_reason["errors"]] == [["body", "reason"]]
        assert await platform.events() == before

        ok = await client.post(f"/actions/{action}/completion", headers=OWNER, json={
            "evidence": "Strategy discussion held 6 March", "evidence_link": "doc://1"})
        assert ok.json()["recorded"] == ["ActionCompleted"]
        # The owner's line manager, as the staff directory says, verifies.
        await eventually(lambda: _verified(client, action), timeout=30)
        figures = (await client.get("/figures", params={"service_area": AREA})).json()
        assert figures["actions"]["verified"] == 1
        early = (await client.get("/figures", params={"service_area": AREA,
                                                      "as_at": "2026-03-03"})).json()
        assert early["actions"]["open"] == 0


async def _verified(client: httpx.AsyncClient, action: str) -> bool:
    answer = await client.post(f"/actions/{action}/verification", json={},
                               headers={"X-Actor-Id": "sm-boss",
                                        "X-Actor-Role": "service-manager"})
    return answer.status_code == 201


def staff(person: str, role: str, team: str) -> StaffMemberRecorded:
    return StaffMemberRecorded(person_id=person, change="joined", effective_on=date(2025, 1, 6),
                               role=role, team=team,
                               working_pattern="full-time")


async def test_a_category_1_escalated_then_signed_off(platform: Platform) -> None:
    concern = uuid.uuid4()
    async with tracker(platform) as client:
        for person, role, team in (("hos-east", "head-of-service", "east-1"),
                                   ("dir-ops", "director", "directorate")):
            await platform.publish("allocation", f"staff-{uuid.uuid4()}",
                                   staff(person, role, team))
        await platform.publish("audit", f"audit-{uuid.uuid4()}", ChildOfConcernRaised(
            concern_id=concern, audit_id=uuid.uuid4(), month="2026-03", child_ref="CH-0042",
            case_team="east-1", category=1, reason="Immediate risk not addressed"))

        async def listed() -> list[dict[str, Any]]:
            answer = await client.get("/children-of-concern", params={"service_area": AREA})
            result: list[dict[str, Any]] = answer.json()
            return result

        await eventually(lambda: _has(listed(), 1), timeout=60)
        [row] = await listed()
        assert (row["next_decision"], row["next_decision_due"]) == (
            "head-of-service-response", "2026-03-04")
        assert row["on_tracker_since"] == "2026-03"
        # No response by the end of Wednesday: on Thursday it goes to the director, once.
        platform.clock.set(datetime(2026, 3, 5, 8, 0, tzinfo=LONDON))
        await eventually(counted(platform, "ChildOfConcernEscalated", 1))
        before = await platform.events()
        refused = await problem(await client.post(
            f"/children-of-concern/{concern}/closure", json={"rationale": "Needs met"},
            headers=HOS), 403)
        assert "director only" in refused["detail"]
        assert await platform.events() == before
        closed = await client.post(f"/children-of-concern/{concern}/closure", headers=DIRECTOR,
                                   json={"rationale": "Plan in place; risk managed"})
        assert closed.json()["recorded"] == ["ChildOfConcernClosed"]
        assert await listed() == []
        timeline = (await client.post("/children/timeline",
                                      json={"child_ref": "CH-0042"})).json()
        assert [e["event_type"] for e in timeline] == [
            "ChildOfConcernTrackingStarted", "ChildOfConcernResponseDue",
            "ChildOfConcernEscalated", "ChildOfConcernClosed"]
        await eventually(lambda: _notified(platform.notify_file, "dir-ops", "no same-day"))
        assert _notified_now(platform.notify_file, "hos-east", "respond today")
    assert await platform.count("ChildOfConcernEscalated") == 1


async def _has(listing: Any, count: int) -> bool:
    return len(await listing) == count


async def _notified(path: Path, person: str, text: str) -> bool:
    return _notified_now(path, person, text)


def _notified_now(path: Path, person: str, text: str) -> bool:
    if not path.exists():
        return False
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return any(m["to"] == person and text in m["subject"] for m in lines)
