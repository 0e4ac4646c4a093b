"""`python3 run.py chaos`: audits driven through the whole platform while it is broken.

Starts its own embedded PostgreSQL, broker (the bundled one, or Apache Kafka with
`--kafka apache`) and the five services in a temporary folder, supervised as the platform
runner supervises them (a dead service or broker is started again). It then drives
`--audits` audits at `--rate` per second over HTTP, each through the whole flow: a case
registered and allocated, the audit reaching its auditor, submitted with an action (and a
Child of Concern when inadequate), queued for moderation and moderated. Meanwhile it
SIGKILLs a service every `--kill-every` seconds, crashes and restarts PostgreSQL and
SIGKILLs the broker. Every request is retried with its idempotency key until it is
answered, as a careful client would.

When the flows are done it waits for the platform to settle and compares, per event
type, what was sent with what each service's store, inbox and read models hold, and the
monthly report with the figures expected, then checks every store against its hash chains
and signed checkpoints. It prints one line (events expected, missing, duplicated, flows
stuck, recovery times) and exits 1 on any loss, duplicate, stuck flow or broken store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import faulthandler
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import median
from typing import Any, TypeVar

import asyncpg
import httpx

from cli.client import QaClient, ServiceError, ServiceUnreachable
from deploy.demo import audit_on_core_tool
from deploy.platform import checkpoint_keys, keep_broker_running
from deploy.processes import SERVICES, ServiceProcess, service_processes
from shared.infra.apache_kafka import ApacheKafka
from shared.infra.embedded_broker import EmbeddedBroker
from shared.infra.embedded_postgres import EmbeddedPostgres
from shared.infra.ports import free_port, free_port_block
from shared.kernel.clock import SystemClock, london_date
from shared.kernel.identifiers import derived_id

T = TypeVar("T")
AREA = "childrens-social-care"
GRADES = ("outstanding", "good", "requires-improvement", "inadequate")
TEAMS = ("front-door", "assessment", "safeguarding", "children-in-care")
# One auditor per team; a case is allocated to an auditor of another team.
AUDITORS = {team: f"aud-{team}" for team in TEAMS}
MODERATOR = "mod-chaos"
OWNERS_TEAM = "chaos"  # the action's owner: hos-chaos


def _staff_csv(today: str) -> str:
    """The staff directory in the import's form (deploy/demo.py shows every column). The
    moderator is drawn from the auditor pool, so is a trained auditor too, and sits in no
    case's team: nobody moderates their own team's work."""
    rows = [f"{auditor},team-manager,{team},full-time,2025-04-01,,,no,{today}"
            for team, auditor in AUDITORS.items()]
    rows += [f"{MODERATOR},senior-manager,quality-assurance,full-time,2025-04-01,"
             f"2025-09-01,,no,{today}",
             f"hos-{OWNERS_TEAM},head-of-service,safeguarding,full-time,,,,no,{today}"]
    return ("person_id,role,team,working_pattern,auditor_since,moderator_since,manager_id,"
            "external,effective_on\n" + "\n".join(rows) + "\n")


@dataclass(frozen=True)
class Options:
    audits: int = 300
    rate: float = 2.0
    kill_every: tuple[float, float] = (5.0, 10.0)
    postgres_restarts: int = 1
    broker_restarts: int = 1
    kafka: str = "bundled"
    settle: float = 180.0
    flow_timeout: float = 300.0
    checkpoint_interval: float = 5.0
    seed: int | None = None
    keep: bool = False


@dataclass
class Outcome:
    audits: int
    expected: int = 0
    missing: int = 0
    duplicated: int = 0
    stuck: int = 0
    problems: list[str] = field(default_factory=list)
    recoveries: dict[str, list[float]] = field(default_factory=dict)
    republications: int = 0
    verified: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.stuck) and self.verified

    def line(self, options: Options) -> str:
        def back(kind: str, label: str) -> str:
            times = self.recoveries.get(kind, [])
            if not times:
                return f"no {label}"
            if len(times) == 1:
                return f"{label} back in {times[0]:.1f} s"
            return (f"{len(times)} {label}s back in p50 {median(times):.1f} s, "
                    f"max {max(times):.1f} s")

        return (f"chaos: {self.audits} audits at {options.rate:g}/s on {options.kafka} in "
                f"{self.seconds:.0f} s; {self.expected} events expected, {self.missing} "
                f"missing, {self.duplicated} duplicated, {self.stuck} flows stuck; "
                f"{back('service', 'service kill')}, {back('postgres', 'PostgreSQL restart')}, "
                f"{back('broker', 'broker restart')} (relays re-published "
                f"{self.republications} times); verify: "
                f"{'all intact' if self.verified else 'BROKEN'}")


class Platform:
    """PostgreSQL, a broker and the five services in one folder, kept running."""

    def __init__(self, folder: Path, options: Options) -> None:
        self.folder = folder
        self.options = options
        self.postgres = EmbeddedPostgres(folder / "postgres", free_port())
        self.broker: EmbeddedBroker | ApacheKafka = (
            ApacheKafka(folder / "kafka", log_file=folder / "logs" / "kafka.log")
            if options.kafka == "apache" else
            EmbeddedBroker(free_port(), log_file=folder / "logs" / "broker.log"))
        self.services: list[ServiceProcess] = []
        self.lock = threading.Lock()  # held while chaos takes something down on purpose
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None

    def start(self) -> None:
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        dsn = self.postgres.start()
        bootstrap = self.broker.start()
        env = {"DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
               "KAFKA_IDEMPOTENT_PRODUCER": str(self.options.kafka == "apache").lower(),
               "TENANT": "chaos-authority", "CHECKPOINT_INTERVAL":
               str(self.options.checkpoint_interval), "TRACKER_SCAN_INTERVAL": "1"}
        self.services = service_processes(env, free_port_block(len(SERVICES)),
                                          self.folder / "logs",
                                          per_service_env=checkpoint_keys(self.folder))
        for service in self.services:
            service.start()
        for service in self.services:
            service.wait_ready(timeout=180)
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()

    @property
    def dsn(self) -> str:
        return self.postgres.dsn

    @property
    def urls(self) -> dict[str, str]:
        return {service.name: service.url for service in self.services}

    def _supervise(self) -> None:
        # As deploy/platform.py does: start again what died (the chaos thread takes the
        # lock only while it keeps PostgreSQL down on purpose).
        while not self._stop.wait(0.5):
            with self.lock:
                for service in self.services:
                    if service.process is not None and service.process.poll() is not None:
                        service.start()
                keep_broker_running(self.broker)

    def all_ready(self) -> bool:
        return all(self.ready(service) for service in self.services)

    @staticmethod
    def ready(service: ServiceProcess) -> bool:
        """Its database, broker, relay and consumers all up (the service's own word)."""
        try:
            answer = httpx.get(service.url + "/health/ready", timeout=3)
            return answer.status_code == 200 and \
                answer.json().get("instance") == service.instance_id
        except (httpx.HTTPError, ValueError):
            return False

    def stop(self) -> None:
        self._stop.set()
        if self._supervisor is not None:
            self._supervisor.join(5)
        for service in self.services:
            service.stop()
        self.broker.stop()
        self.postgres.stop(quiet=True)


def _until(check: Callable[[], bool], timeout: float, interval: float = 0.25) -> float | None:
    """Seconds until `check()` held, or None if it did not within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(Exception):
            if check():
                return time.monotonic() - started
        time.sleep(interval)
    return None


class Chaos:
    """Kills services, crashes PostgreSQL and kills the broker while the flows run."""

    def __init__(self, platform: Platform, options: Options, load_seconds: float,
                 rng: random.Random) -> None:
        self.platform = platform
        self.options = options
        self.rng = rng
        self.recoveries: dict[str, list[float]] = {"service": [], "postgres": [], "broker": []}
        self.stop = threading.Event()
        # PostgreSQL and broker restarts spread over the load, apart from each other.
        self.outages: list[tuple[float, str]] = sorted(
            [(load_seconds * (index + 1) / (options.postgres_restarts + 1) * 0.9, "postgres")
             for index in range(options.postgres_restarts)]
            + [(load_seconds * (index + 1.5) / (options.broker_restarts + 1) * 0.9, "broker")
               for index in range(options.broker_restarts)])
        self._watchers: list[threading.Thread] = []

    def run(self) -> None:
        started = time.monotonic()
        next_kill = started + self.rng.uniform(*self.options.kill_every)
        while True:
            # The flows may all be answered before every outage was due (an outage's
            # recovery holds back what follows): the rest then happen at once, so a run
            # never reports an outage it did not cause.
            stopping = self.stop.wait(0.2)
            if stopping and not self.outages:
                break
            now = time.monotonic()
            if self.outages and (stopping or now - started >= self.outages[0][0]):
                _, what = self.outages.pop(0)
                self._outage(what)
                # No service kill until it is over, so its recovery is its own.
                self._join_watchers(300)
                next_kill = time.monotonic() + self.rng.uniform(*self.options.kill_every)
            elif not stopping and now >= next_kill:
                self._kill_a_service()
                next_kill = now + self.rng.uniform(*self.options.kill_every)
        self._join_watchers(300)

    def _join_watchers(self, patience: float) -> None:
        """Wait for the recoveries being timed, all together at most `patience` seconds."""
        deadline = time.monotonic() + patience
        for watcher in self._watchers:
            watcher.join(max(deadline - time.monotonic(), 0))

    def _kill_a_service(self) -> None:
        service = self.rng.choice(self.platform.services)
        killed = time.monotonic()
        service.kill()
        self._watch("service", killed, lambda: self.platform.ready(service))

    def _outage(self, what: str) -> None:
        killed = time.monotonic()
        if what == "postgres":
            with self.platform.lock:
                self.platform.postgres.crash()
                time.sleep(2)  # down a while: services must ride it out, not just reconnect
                self.platform.postgres.start()
        else:
            self.platform.broker.kill()  # the supervisor starts it again
        self._watch(what, killed, self.platform.all_ready)

    def _watch(self, kind: str, since: float, back: Callable[[], bool]) -> None:
        """Time from the kill until `back()` holds: the killed part answering ready again
        (a service), or every service ready again (PostgreSQL, the broker)."""
        def wait() -> None:
            time.sleep(1)  # past the moment the death is noticed
            took = _until(back, 300)
            if took is not None:
                self.recoveries[kind].append(time.monotonic() - since)

        watcher = threading.Thread(target=wait, daemon=True)
        watcher.start()
        self._watchers.append(watcher)


@dataclass
class Expected:
    """What the platform acknowledged: each step counts once it was answered."""

    registered: int = 0
    allocated: int = 0
    grades_before: Counter[str] = field(default_factory=Counter)
    grades_after: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    concerns: Counter[str] = field(default_factory=Counter)

    @property
    def submitted(self) -> int:
        return sum(self.grades_before.values())

    @property
    def moderated(self) -> int:
        return sum(self.grades_after.values())


def _retrying(step: Callable[[], T], deadline: float, *, not_yet: tuple[int, ...] = ()) -> T:
    """Call until answered: a service down, restarting or busy is waited for; `not_yet`
    statuses mean what the step needs has not arrived yet (an event still travelling)."""
    pause = 0.2
    last: Exception | None = None
    while True:
        try:
            return step()
        except (ServiceUnreachable, httpx.TransportError) as error:
            # Refused, timed out, or cut off mid-answer by a kill: whether it took effect
            # or not, the same idempotency key makes trying again safe.
            last = error
        except ServiceError as error:
            if error.status < 500 and error.status not in (409, *not_yet):
                raise
            last = error
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer before the flow's deadline; the last: {last}")
        time.sleep(pause)
        pause = min(pause * 1.5, 2.0)


class Flows:
    def __init__(self, urls: dict[str, str], options: Options, run: str) -> None:
        self.options = options
        self.run = run
        self.month = london_date(SystemClock().now()).strftime("%Y-%m")
        self.due = london_date(SystemClock().now()) + timedelta(days=20)
        self.qa = QaClient("chaos-officer", "qa-officer", urls, timeout=15)
        self.expected = Expected()
        self.stuck: list[str] = []
        self._lock = threading.Lock()

    def key(self, *parts: object) -> str:
        return "-".join(["chaos", self.run, *map(str, parts)])

    def prepare(self) -> None:
        """The area's staff (an auditor per team, a moderator, the actions' owner), the
        month's cycle moderated by that moderator, and every audit sampled."""
        deadline = time.monotonic() + 120
        staff = _staff_csv(london_date(SystemClock().now()).isoformat())
        _retrying(lambda: self.qa.post_csv("allocation", "/imports/staff", staff,
                                           self.key("staff"), service_area=AREA), deadline)
        _retrying(lambda: self.qa.post("allocation", "/cycles", {
            "service_area": AREA, "month": self.month, "moderating": [MODERATOR]},
            self.key("cycle")), deadline)
        _retrying(lambda: self.qa.as_("hoq-chaos", "head-of-quality").post(
            "moderation", f"/sampling-policies/{AREA}",
            {"random_share": 1.0, "newly_trained_first_n": 0, "seed": 1},
            self.key("sampling")), deadline)

    def audit(self, index: int) -> None:
        grade = GRADES[index % len(GRADES)]
        team = TEAMS[index % len(TEAMS)]
        auditor = AUDITORS[TEAMS[(index + 1) % len(TEAMS)]]
        case_id = derived_id("chaos-case", self.run, str(index))
        allocation_id = derived_id("chaos-allocation", self.run, str(index))
        audit_id = derived_id("audit", str(allocation_id))
        deadline = time.monotonic() + self.options.flow_timeout
        try:
            _retrying(lambda: self.qa.post("allocation", "/cases", {
                "service_area": AREA, "child_ref": f"CH-{index:05}", "legal_status": "cin",
                "team": team, "case_id": str(case_id)}, self.key("case", index)), deadline)
            self._acknowledged(registered=1)
            _retrying(lambda: self.qa.post("allocation", "/allocations", {
                "service_area": AREA, "month": self.month, "case_id": str(case_id),
                "auditor_id": auditor, "allocation_id": str(allocation_id)},
                self.key("allocate", index)), deadline)
            self._acknowledged(allocated=1)
            category = 1 + (index // len(GRADES)) % 2 if grade == "inadequate" else None
            body = audit_on_core_tool(grade, category, OWNERS_TEAM,
                                      [self.due, self.due], index)
            # One action per audit, so each count below is one event per flow.
            body["actions"] = body["actions"][:1]  # type: ignore[index]
            # 404 until the allocation has travelled to the audit service.
            _retrying(lambda: self.qa.as_(auditor, "auditor").post(
                "audit", f"/audits/{audit_id}/submission", body, self.key("submit", index)),
                deadline, not_yet=(404,))
            self._acknowledged(grade=grade, category=category)
            changed = index % 3 == 0
            moderated = ("good" if grade != "good" else "requires-improvement") \
                if changed else grade
            verdict: dict[str, Any] = {"outcome": "agreed",
                                       "rationale": "Grades well evidenced"}
            if changed:
                verdict = {"outcome": "grade-changed", "moderated_grade": moderated,
                           "rationale": "Evidence does not support the grade"}
            # 404 until the submission has travelled to the moderation queue.
            _retrying(lambda: self.qa.as_(MODERATOR, "moderator").post(
                "moderation", f"/moderations/{audit_id}", verdict, self.key("moderate", index)),
                deadline, not_yet=(404,))
            self._acknowledged(moderated=moderated, changed=changed)
        except Exception as error:
            with self._lock:
                self.stuck.append(f"audit {index}: {type(error).__name__}: {error}")

    def _acknowledged(self, *, registered: int = 0, allocated: int = 0,
                      grade: str | None = None, category: int | None = None,
                      moderated: str | None = None, changed: bool = False) -> None:
        with self._lock:
            expected = self.expected
            expected.registered += registered
            expected.allocated += allocated
            if grade is not None:
                expected.grades_before[grade] += 1
                if category is not None:
                    expected.concerns[str(category)] += 1
            if moderated is not None:
                expected.grades_after[moderated] += 1
                expected.changed += int(changed)


def _store_expectations(e: Expected) -> dict[str, dict[str, int]]:
    """Per service, the events each flow leaves in its store: one of each type per flow
    (one action per audit, every audit sampled), so any count above is a double."""
    concerns = sum(e.concerns.values())
    return {
        "allocation": {"AuditCycleOpened": 1, "StaffMemberRecorded": len(AUDITORS) + 2,
                       "CaseRecorded": e.registered, "CaseAllocated": e.allocated,
                       "AuditReturnRecorded": e.submitted},
        "audit": {"AuditAssigned": e.allocated, "AuditSubmitted": e.submitted,
                  "ActionRaised": e.submitted, "ChildOfConcernRaised": concerns,
                  "GradeRevised": e.changed, "AuditFinalised": e.moderated},
        "moderation": {"SubmissionReceived": e.submitted, "AuditSampled": e.submitted,
                       "AuditModerated": e.moderated, "GradeChanged": e.changed,
                       "ConcernRecorded": concerns},
        "tracker": {"ActionTrackingStarted": e.submitted,
                    "ChildOfConcernTrackingStarted": concerns, "ActionOverdue": 0},
    }


def _inbox_expectations(e: Expected) -> dict[str, dict[str, int]]:
    """Per subscription (`service.subscription`), the published events it took in."""
    concerns = sum(e.concerns.values())
    staff = len(AUDITORS) + 2
    return {
        "allocation.returns": {"AuditSubmitted": e.submitted, "AuditModerated": e.moderated},
        "audit.allocations": {"CaseAllocated": e.allocated},
        "audit.moderations": {"AuditSampled": e.submitted, "AuditModerated": e.moderated,
                              "GradeChanged": e.changed},
        "moderation.allocations": {"CaseAllocated": e.allocated,
                                   "StaffMemberRecorded": staff},
        "moderation.audits": {"AuditSubmitted": e.submitted, "ChildOfConcernRaised": concerns},
        "tracker.audit-outcomes": {"ActionRaised": e.submitted,
                                   "ChildOfConcernRaised": concerns},
        "tracker.staff-directory": {"StaffMemberRecorded": staff},
        "reporting.facts": {"AuditCycleOpened": 1, "CaseAllocated": e.allocated,
                            "AuditSubmitted": e.submitted, "ActionRaised": e.submitted,
                            "ChildOfConcernRaised": concerns, "AuditModerated": e.moderated},
    }


def _expected_report(e: Expected) -> dict[str, Any]:
    return {"allocated": e.allocated, "completed": e.submitted, "late": 0,
            "moderated": e.moderated, "grades_changed": e.changed,
            "grades_before_moderation": {g: e.grades_before[g] for g in GRADES},
            "grades_after_moderation": {g: e.grades_after[g] for g in GRADES},
            "children_of_concern": {c: e.concerns[c] for c in ("1", "2")},
            "actions": {"open": e.submitted, "overdue": 0, "total": e.submitted}}


async def _counts(dsn: str) -> tuple[dict[str, dict[str, tuple[int, int]]],
                                     dict[str, dict[str, int]]]:
    """Per service: (events, distinct streams) per type in the store; per subscription
    (`service.subscription`, the topic prefix left off): inbox rows per type."""
    conn = await asyncpg.connect(dsn)
    try:
        stores: dict[str, dict[str, tuple[int, int]]] = {}
        inboxes: dict[str, dict[str, int]] = {}
        for service in SERVICES:
            rows = await conn.fetch(
                f"""SELECT event_type, count(*) AS n, count(DISTINCT stream_id) AS streams
                      FROM {service}.events GROUP BY event_type""")
            stores[service] = {r["event_type"]: (r["n"], r["streams"]) for r in rows}
            rows = await conn.fetch(f"""SELECT consumer, event_type, count(*) AS n
                                          FROM {service}.inbox GROUP BY 1, 2""")
            for r in rows:
                subscription = ".".join(r["consumer"].split(".")[-2:])
                inboxes.setdefault(subscription, {})[r["event_type"]] = r["n"]
        return stores, inboxes
    finally:
        await conn.close()


def _report(urls: dict[str, str], month: str) -> dict[str, Any]:
    """The monthly report's figures this run checks, by the names `_expected_report` uses."""
    answer = httpx.get(f"{urls['reporting']}/reports/{AREA}/{month}", timeout=10)
    answer.raise_for_status()
    found = answer.json()
    much, well = found["how_much"]["this_month"], found["how_well"]
    grades, actions = well["grades_by_month"][-1], found["actions"]
    return {
        "allocated": much["allocated"], "completed": much["completed"],
        "late": much["late_returns"], "moderated": well["moderation"]["moderated"]["count"],
        "grades_changed": well["moderation"]["grades_changed"],
        "grades_before_moderation": {g: s["count"]
                                     for g, s in grades["before_moderation"].items()},
        "grades_after_moderation": {g: s["count"]
                                    for g, s in grades["after_moderation"].items()},
        "children_of_concern": actions["concerns_raised_this_month"],
        "actions": {"open": actions["now"]["open"],
                    "overdue": actions["now"]["overdue"]["count"],
                    "total": actions["raised_by_this_months_audits"]}}


def _compare(outcome: Outcome, platform: Platform, flows: Flows) -> None:
    expected = flows.expected
    want_report = _expected_report(expected)
    # Settled: the report shows every flow, or the wait runs out and we count what is there.
    _until(lambda: all(_report(platform.urls, flows.month).get(k) == v
                       for k, v in want_report.items()), platform.options.settle, 1.0)
    time.sleep(2)  # anything doubled, arriving late, arrives now
    stores, inboxes = asyncio.run(_counts(platform.dsn))
    for service, types in _store_expectations(expected).items():
        for event_type, want in types.items():
            count, streams = stores[service].get(event_type, (0, 0))
            outcome.expected += want
            _tally(outcome, f"{service} store {event_type}", want, streams, count - streams)
    for subscription, types in _inbox_expectations(expected).items():
        for event_type, want in types.items():
            outcome.expected += want
            _tally(outcome, f"{subscription} inbox {event_type}", want,
                   inboxes.get(subscription, {}).get(event_type, 0), 0)
    report = _report(platform.urls, flows.month)
    for figure, want in want_report.items():
        if report.get(figure) != want:
            outcome.problems.append(f"report {figure}: {report.get(figure)}, expected {want}")
            if isinstance(want, int) and isinstance(report.get(figure), int):
                short = want - int(report[figure])
                outcome.missing += max(short, 0)
                outcome.duplicated += max(-short, 0)
    _read_models(outcome, flows)


def _tally(outcome: Outcome, where: str, want: int, distinct: int, repeats: int) -> None:
    missing, extra = max(want - distinct, 0), max(distinct - want, 0) + repeats
    outcome.missing += missing
    outcome.duplicated += extra
    if missing or extra:
        outcome.problems.append(f"{where}: {distinct} distinct (+{repeats} repeated), "
                                f"expected {want}")


def _read_models(outcome: Outcome, flows: Flows) -> None:
    qa = flows.qa
    expected = flows.expected
    concerns = sum(expected.concerns.values())
    audits = sum(len(qa.as_(auditor, "auditor").get("audit", "/audits", service_area=AREA))
                 for auditor in AUDITORS.values())
    counted = {
        "audit read model (audits)": (audits, expected.allocated),
        "moderation read model (moderated)": (len(qa.get(
            "moderation", "/moderations", service_area=AREA, status="moderated")),
            expected.moderated),
        "tracker read model (actions)": (len(qa.get("tracker", "/actions",
                                                     service_area=AREA)), expected.submitted),
        "tracker read model (children of concern)": (len(qa.get(
            "tracker", "/children-of-concern", service_area=AREA)), concerns),
    }
    for where, (found, want) in counted.items():
        outcome.expected += want
        _tally(outcome, where, want, min(found, want), max(found - want, 0))


def _verify(platform: Platform, outcome: Outcome) -> None:
    intact = True
    for service in platform.services:
        result = httpx.get(service.url + "/verify", timeout=60).json()
        if not result["intact"]:
            intact = False
            outcome.problems.append(f"verify {service.name}: {result}")
    outcome.verified = intact


def _republications(folder: Path) -> int:
    return sum(log.read_text(errors="replace").count("the broker lost data")
               for log in (folder / "logs").glob("*.log"))


def run(options: Options, say: Callable[[str], None] = print) -> Outcome:
    rng = random.Random(options.seed)
    folder = Path(tempfile.mkdtemp(prefix="qa-chaos-"))
    platform = Platform(folder, options)
    outcome = Outcome(options.audits)
    started = time.monotonic()
    try:
        say(f"chaos: starting PostgreSQL, the {options.kafka} broker and five services in "
            f"{folder} ...")
        platform.start()
        flows = Flows(platform.urls, options, uuid.uuid4().hex[:8])
        flows.prepare()
        load_seconds = options.audits / options.rate
        chaos = Chaos(platform, options, load_seconds, rng)
        breaker = threading.Thread(target=chaos.run, daemon=True)
        say(f"chaos: {options.audits} audits at {options.rate:g}/s, a service killed every "
            f"{options.kill_every[0]:g}-{options.kill_every[1]:g} s, PostgreSQL restarted "
            f"{options.postgres_restarts}x, the broker {options.broker_restarts}x ...")
        breaker.start()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for index in _paced(options.audits, options.rate):
                pool.submit(flows.audit, index)
        chaos.stop.set()
        breaker.join(600)
        if breaker.is_alive():
            outcome.problems.append("the chaos thread did not finish within 600 s")
        outcome.recoveries = chaos.recoveries
        outcome.stuck = len(flows.stuck)
        outcome.problems += flows.stuck[:10]
        if _until(platform.all_ready, 300) is None:
            outcome.problems.append("the platform was not ready again within 300 s")
        say("chaos: flows done; waiting for the platform to settle, then comparing ...")
        _compare(outcome, platform, flows)
        _verify(platform, outcome)
        outcome.republications = _republications(folder)
    finally:
        outcome.seconds = time.monotonic() - started
        platform.stop()
        if options.keep or not outcome.ok:
            say(f"chaos: logs and data kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return outcome


def _paced(count: int, rate: float) -> Iterator[int]:
    started = time.monotonic()
    for index in range(count):
        wait = started + index / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield index


def main(argv: list[str] | None = None) -> int:
    # `kill -USR1 <pid>` prints every thread's stack: a run that hangs can be looked into.
    faulthandler.register(signal.SIGUSR1)
    parser = argparse.ArgumentParser(prog="run.py chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audits", type=int, default=300)
    parser.add_argument("--rate", type=float, default=2.0, help="audits started per second")
    parser.add_argument("--kill-every", default="5-10", help="seconds between service kills, "
                        "a range MIN-MAX (default 5-10)")
    parser.add_argument("--postgres-restarts", type=int, default=1)
    parser.add_argument("--broker-restarts", type=int, default=1)
    parser.add_argument("--kafka", choices=("bundled", "apache"), default="bundled")
    parser.add_argument("--settle", type=float, default=180.0,
                        help="seconds to wait for the platform to catch up after the flows")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    args = parser.parse_args(argv)
    low, _, high = args.kill_every.partition("-")
    options = Options(audits=args.audits, rate=args.rate,
                      kill_every=(float(low), float(high or low)),
                      postgres_restarts=args.postgres_restarts,
                      broker_restarts=args.broker_restarts, kafka=args.kafka,
                      settle=args.settle, seed=args.seed, keep=args.keep)
    outcome = run(options)
    for problem in outcome.problems[:30]:
        print(f"  {problem}")
    print(outcome.line(options), flush=True)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
