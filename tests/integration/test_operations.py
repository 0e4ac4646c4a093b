"""Operations over the real PostgreSQL and broker, on the tracker run by the real host:
its /metrics scraped and parsed as Prometheus would (commands, dead letters, inbox
repeats, consumer lag, relay backlog and the tracker's domain clocks), and dead letters
listed, shown, replayed after a fix (an upcaster the deployment lacked) through the inbox,
and discarded with a reason, each decision an event naming who made it."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.tracker.domain.events import REGISTRY, upcast_concern_tracking_v1_to_v2
from shared.events import UPCASTERS
from shared.events.audit import ChildOfConcernRaised, ChildOfConcernRaisedV1
from shared.kernel.clock import LONDON, ManualClock
from shared.kernel.contracts import ContractRegistry
from shared.postgres.provisioning import drop_schema
from shared.settings import KafkaSettings
from tests.integration.tracker_host import AREA, Platform, tracker
from tests.messaging_support import eventually

WEDNESDAY = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)
HOS = {"X-Actor-Id": "hos-east", "X-Actor-Role": "head-of-service"}
OPERATOR = {"X-Actor-Id": "ops-sam", "X-Actor-Role": "platform-operator"}
SUBSCRIPTION = "audit-outcomes"


@pytest.fixture
async def platform(postgres_dsn: str, kafka: KafkaSettings, tmp_path: Path
                   ) -> AsyncIterator[Platform]:
    run = uuid.uuid4().hex[:10]
    yield Platform(postgres_dsn, kafka.model_copy(update={"topic_prefix": f"ops{run}"}),
                   f"ops_{run}", ManualClock(WEDNESDAY), tmp_path / "notifications.jsonl")
    await drop_schema(postgres_dsn, f"ops_{run}")


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: httpx.AsyncClient) -> Samples:
    answer = await client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum over the series of `name` carrying `labels` (0 if none)."""
    wanted = set(labels.items())
    return sum(found for (metric, have), found in samples.items()
               if metric == name and wanted <= have)


def concern(category: int = 1, reason: str = "Risk of significant harm at home"
            ) -> ChildOfConcernRaised:
    return ChildOfConcernRaised(concern_id=uuid.uuid4(), audit_id=uuid.uuid4(),
                                month="2026-03", child_ref="CH-0042", case_team="east-1",
                                category=category, reason=reason)


@pytest.mark.broker("tansu")
async def test_metrics_scraped_and_parsed_say_what_happened(platform: Platform) -> None:
    async with tracker(platform) as client:
        action = {"service_area": AREA, "child_ref": "CH-0042", "case_team": "east-1",
                  "description": "Convene a strategy discussion", "owner_id": "tm-owner",
                  "due_date": WEDNESDAY.date().isoformat()}
        assert (await client.post("/actions", json=action, headers=HOS)).status_code == 201
        refused = await client.post("/actions", json={**action, "due_date": "soon"},
                                    headers=HOS)
        assert refused.status_code == 422
        await platform.publish("audit", f"audit-{uuid.uuid4()}", concern())
        # The same record twice (a redelivery), and one nobody can read.
        twice = platform.sealed(f"audit-{uuid.uuid4()}", concern(category=2))
        await platform.send("audit", "twice", twice)
        await platform.send("audit", "twice", twice)
        await platform.send("audit", "garbage", b"{not json")

        async def settled() -> bool:
            samples = await scrape(client)
            return (value(samples, "qa_dead_letters_total") == 1
                    and value(samples, "qa_inbox_repeats_total") == 1
                    and value(samples, "qa_relay_backlog_events") == 0)
        await eventually(settled)
        # Thursday: the action is past its due date, the Category 1 past its same-day
        # response with none recorded.
        platform.clock.set(WEDNESDAY + timedelta(days=1))

        async def clocks_read() -> bool:
            samples = await scrape(client)
            return (value(samples, "qa_actions_overdue", service_area=AREA) == 1 and value(
                samples, "qa_children_of_concern_category_1_past_response",
                service_area=AREA) == 1)
        await eventually(clocks_read)
        samples = await scrape(client)

    ok = {"service": "tracker", "command": "RaiseAction", "outcome": "ok"}
    assert value(samples, "qa_command_duration_seconds_count", **ok) == 1
    assert value(samples, "qa_command_duration_seconds_sum", **ok) > 0
    assert value(samples, "qa_dead_letters_total", subscription=SUBSCRIPTION,
                 reason="undecodable") == 1
    assert value(samples, "qa_dead_letters_pending", subscription=SUBSCRIPTION) == 1
    assert value(samples, "qa_inbox_repeats_total", subscription=SUBSCRIPTION) == 1
    assert value(samples, "qa_events_applied_total", subscription=SUBSCRIPTION,
                 event_type="ChildOfConcernRaised") == 2
    assert value(samples, "qa_relay_active", service="tracker") == 1
    assert value(samples, "qa_relay_lag_seconds", service="tracker") == 0
    # Every record on the audit topic was applied or set aside: no lag, nothing stale.
    lags = [found for (name, _), found in samples.items() if name == "qa_consumer_lag_events"]
    assert lags
    assert all(lag == 0 for lag in lags)
    assert value(samples, "qa_read_model_staleness_seconds", subscription=SUBSCRIPTION) == 0
    assert value(samples, "qa_event_delivery_delay_seconds_count",
                 subscription=SUBSCRIPTION) == 2


def deployed_without_the_concern_upcaster() -> ContractRegistry:
    """The tracker's contracts as a faulty deployment had them: no upcaster from
    ChildOfConcernRaised v1, so a v1 event from an older audit service cannot be read."""
    registry = ContractRegistry()
    registry.register_all(REGISTRY)
    upcasters = {**UPCASTERS, ("ChildOfConcernTrackingStarted", 1):
                 upcast_concern_tracking_v1_to_v2}
    for (type_name, version), upcast in upcasters.items():
        if (type_name, version) != ("ChildOfConcernRaised", 1):
            registry.upcaster(type_name, version)(upcast)
    return registry


def old_concern() -> ChildOfConcernRaisedV1:
    return ChildOfConcernRaisedV1(concern_id=uuid.uuid4(), audit_id=uuid.uuid4(),
                                  month="2026-03", child_ref="CH-0077", case_team="east-1",
                                  category=2, reason="Service offer not appropriate")


async def listed(client: httpx.AsyncClient, **query: str) -> list[dict[str, Any]]:
    answer = await client.get("/dead-letters", params=query, headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


async def test_dead_letters_listed_shown_replayed_after_a_fix_and_discarded(
        platform: Platform) -> None:
    registry = deployed_without_the_concern_upcaster()
    first, second = old_concern(), old_concern()
    first_record = platform.sealed(f"audit-{first.audit_id}", first)
    foreign = platform.sealed(f"audit-{uuid.uuid4()}", concern()).replace(
        b'"tenant":"test-authority"', b'"tenant":"another-authority"')
    async with tracker(platform, registry) as client:
        await platform.send("audit", "first", first_record)
        await platform.send("audit", "first", first_record)  # redelivered: one dead letter
        await platform.publish("audit", f"audit-{second.audit_id}", second)
        await platform.send("audit", "foreign", foreign)

        async def three_set_aside() -> bool:
            return len(await listed(client, status="pending")) == 3
        await eventually(three_set_aside)
        letters = await listed(client)
        assert {(d["reason"], d["subscription"], d["event_type"]) for d in letters} == {
            ("undecodable", SUBSCRIPTION, "ChildOfConcernRaised"),
            ("foreign-tenant", SUBSCRIPTION, "ChildOfConcernRaised")}
        by_reason = {d["reason"]: d for d in letters}
        assert "no upcaster from ChildOfConcernRaised v1" in by_reason["undecodable"]["error"]
        mine = next(d for d in letters if d["event_id"] == str(
            _event_id(first_record)))
        shown = (await client.get(f"/dead-letters/{mine['dead_letter_id']}",
                                  headers=OPERATOR)).json()
        assert shown["value"].encode() == first_record
        assert shown["value_encoding"] == "utf-8"

        # A replay before the fix fails again, is recorded, and leaves it pending.
        failed = (await client.post(f"/dead-letters/{mine['dead_letter_id']}/replay",
                                    headers=OPERATOR)).json()
        assert failed["status"] == "pending"
        assert failed["outcome"] == "failed"

        # The fix is deployed (the upcaster), and the first record arrives once more
        # (a broker rebuilt its log): it takes effect the normal way.
        registry.upcaster("ChildOfConcernRaised", 1)(UPCASTERS[("ChildOfConcernRaised", 1)])
        await platform.send("audit", "first", first_record)

        async def first_on_the_tracker() -> bool:
            answer = await client.get(f"/children-of-concern/{first.concern_id}",
                                      headers=HOS)
            return answer.status_code == 200
        await eventually(first_on_the_tracker)

        replayed = await client.post("/dead-letters/replay",
                                     json={"subscription": SUBSCRIPTION}, headers=OPERATOR)
        assert replayed.status_code == 200, replayed.text
        outcomes = {d["dead_letter_id"]: (d["status"], d["outcome"]) for d in replayed.json()}
        undecodable = [d["dead_letter_id"] for d in letters if d["reason"] == "undecodable"]
        assert outcomes[mine["dead_letter_id"]] == ("replayed", "already-applied")
        [other] = [ident for ident in undecodable if ident != mine["dead_letter_id"]]
        assert outcomes[other] == ("replayed", "applied")
        assert (await client.get(f"/children-of-concern/{second.concern_id}",
                                 headers=HOS)).status_code == 200
        # Another tenant's event still cannot be applied: it stays pending.
        foreign_id = by_reason["foreign-tenant"]["dead_letter_id"]
        assert outcomes[foreign_id] == ("pending", "failed")

        again = await client.post(f"/dead-letters/{other}/replay", headers=OPERATOR)
        assert again.status_code == 409
        no_reason = await client.post(f"/dead-letters/{foreign_id}/discard", json={},
                                      headers=OPERATOR)
        assert no_reason.status_code == 422
        assert [e["loc"] for e in no_reason.json()["errors"]] == [["body", "reason"]]
        discarded = await client.post(
            f"/dead-letters/{foreign_id}/discard", headers=OPERATOR,
            json={"reason": "misrouted from another authority's topic; told their team"})
        assert discarded.json()["status"] == "discarded"
        unknown = await client.get(f"/dead-letters/{uuid.uuid4()}", headers=OPERATOR)
        assert unknown.status_code == 404

        final = {d["dead_letter_id"]: d for d in await listed(client)}
        assert final[foreign_id]["decided_by"] == "ops-sam (platform-operator)"
        assert final[foreign_id]["discard_reason"].startswith("misrouted")
        assert final[other]["decided_by"] == "ops-sam (platform-operator)"
        assert await listed(client, status="pending") == []
    assert await platform.count("MessageDeadLettered") == 3
    assert await platform.count("DeadLetterReplayed") == 2
    assert await platform.count("DeadLetterReplayFailed") == 2
    assert await platform.count("DeadLetterDiscarded") == 1


def _event_id(record: bytes) -> uuid.UUID:
    return uuid.UUID(json.loads(record)["event_id"])
