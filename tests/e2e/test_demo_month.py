"""The demo month through the five services, as `run.py up` loads it: the directory and
register imported, the cycle opened and drawn, exemptions decided, the draw allocated,
realistic audits submitted on the core tool and heard back by allocation, the sample
moderated, the tracker's actions and Children of Concern worked; then the qa CLI's views."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from deploy import demo
from tests.e2e.browser import chromium
from tests.e2e.conftest import Platform, next_area, wait_for
from tests.e2e.test_audit_journey import MONTH, headline


def qa_cli(platform: Platform, *args: str) -> str:
    env = {**os.environ, **{f"QA_{name.upper()}_URL": url for name, url in platform.urls.items()}}
    result = subprocess.run([sys.executable, "-m", "cli.main", *args], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_area(platform: Platform) -> str:
    """The demo month, loaded once: its staff directory is the deployment's, so a second
    area would find its people already recorded (one person, one directory record)."""
    area = next_area()
    demo.load(MONTH, progress=False, urls=platform.urls, area=area)
    return area


def test_the_demo_month_loads_and_allocation_hears_every_return(
    platform: Platform, demo_area: str
) -> None:
    area = demo_area
    qa = platform.client("qa-officer-1", "qa-officer")
    cycle: dict[str, Any] = qa.get("allocation", f"/cycles/{area}/{MONTH}")
    allocated = len(cycle["allocations"])
    # 12 trained auditors; sm-cal moderates, tm-hal and ap-jon are exempted: 9 may audit,
    # one case each, so of the 10 cases drawn one cannot be placed, and says why.
    assert (cycle["seed"], len(cycle["drawn"]), allocated) == (demo.SEED, 10, 9)
    (left,) = cycle["unplaced"]
    assert re.fullmatch(r"each of the [1-9] auditor\(s\) who may audit it already holds 1 "
                        r"audit\(s\) this month", left["reason"])
    assert all(a["auditor_team"] != a["case_team"] for a in cycle["allocations"])
    figures = wait_for(lambda: qa.get("allocation", f"/cycles/{area}/{MONTH}/figures"),
                       lambda f: f["completed"] == allocated - demo.NIL_RETURNS)
    assert (figures["auditors_in_pool"], figures["non_operational_exemptions"],
            figures["operational_exemptions"]) == (11, 1, 1)  # sm-cal moderates this month
    completed = allocated - demo.NIL_RETURNS
    assert figures["completion_rate_net_of_non_operational"].startswith(f"{completed}/10 ")
    assert figures["overall_completion_rate"].startswith(f"{completed}/11 ")

    out = qa_cli(platform, "figures", "--area", area, "--month", MONTH)
    assert f"completion less non-operational   {completed}/10" in out
    out = qa_cli(platform, "exemptions", "--area", area, "--month", MONTH)
    assert "maternity" in out
    assert "workload" in out
    out = qa_cli(platform, "pool", "--area", area, "--month", MONTH)
    assert len(out.splitlines()) == 2 + 12
    # A non-director cannot authorise; the refusal is plain.
    ids = [e["exemption_id"] for e in qa.get("allocation", "/exemptions", service_area=area,
                                             month=MONTH) if e["kind"] == "workload"]
    env = {**os.environ, **{f"QA_{n.upper()}_URL": u for n, u in platform.urls.items()}}
    refused = subprocess.run(
        [sys.executable, "-m", "cli.main", "--role", "head-of-service", "authorise-exemption",
         ids[0], "--area", area], env=env, capture_output=True, text=True, timeout=60,
        check=False)
    assert refused.returncode == 1
    assert "only a director" in refused.stderr


def test_the_demo_months_audits_moderation_and_tracker(platform: Platform,
                                                       demo_area: str) -> None:
    area = demo_area
    qa = platform.client("qa-officer-1", "qa-officer")
    report = wait_for(lambda: qa.get("reporting", f"/reports/{area}/{MONTH}"),
                      lambda r: headline(r)["completed"] == 7 and headline(r)["moderated"] >= 2)
    # Two of the demo's audits are inadequate, each with a Category 1 Child of Concern,
    # and inadequate audits are always in the moderation sample.
    assert report["actions"]["concerns_raised_this_month"] == {"1": 2, "2": 0}
    assert headline(report)["before"]["inadequate"] == "2/7 (29%)"
    agreed = [m for m in qa.get("moderation", "/moderations", service_area=area,
                                status="moderated")
              if m.get("outcome") == "agreed"]
    assert agreed, "the first sampled audit is agreed"
    summary = wait_for(lambda: qa.get("audit", f"/audits/{agreed[0]['audit_id']}"
                                               "/record-summary"), lambda found: found)
    assert len(summary["actions"]) == 2
    assert len(summary["element_grades"]) == 9
    concerns = qa.get("tracker", "/children-of-concern", service_area=area,
                      include_closed=True)
    assert sorted(c["category"] for c in concerns) == [1, 1]
    assert sum(c["closed_on"] is not None for c in concerns) == 1  # signed off by a director


def test_the_monthly_report_reproduces_the_demo_months_figures(
        platform: Platform, demo_area: str) -> None:
    """Worked by hand from deploy/demo.py: 12 trained auditors of whom sm-cal moderates
    this month (a pool of 11); tm-hal on maternity leave (non-operational) and ap-jon's
    authorised workload exemption; 9 cases allocated, the first 7 returned with the grades
    good, requires improvement, outstanding, good, inadequate, inadequate, requires
    improvement; the cycle is still open, so no nil returns yet. Completion net of
    non-operational exemptions is 7 of (11 - 1) = 7/10 (70%); overall 7/11 (64%).
    Three sampled audits are moderated: one agreed, one with a grade changed, one returned
    below standard (so 6 of the 7 stand completed to standard)."""
    area = demo_area
    qa = platform.client("qa-officer-1", "qa-officer")
    report = wait_for(lambda: qa.get("reporting", f"/reports/{area}/{MONTH}"),
                      lambda r: headline(r)["moderated"] == 3, timeout=90)
    figures = headline(report)
    assert (figures["pool"], figures["allocated"], figures["completed"], figures["nil"]) == (
        11, 9, 7, 0)
    assert figures["net"] == "7/10 (70%)"
    assert figures["overall"] == "7/11 (64%)"
    assert figures["to_standard"] == 6
    assert report["how_much"]["exemptions_by_kind"]["maternity"] == 1
    assert report["how_much"]["exemptions_by_kind"]["workload"] == 1
    assert figures["before"] == {"outstanding": "1/7 (14%)", "good": "2/7 (29%)",
                                 "requires-improvement": "2/7 (29%)",
                                 "inadequate": "2/7 (29%)"}
    moderation = report["how_well"]["moderation"]
    assert (moderation["agreed"], moderation["grades_changed"],
            moderation["below_standard"]) == (1, 1, 1)
    # Every audit of the demo is on the core tool: nine elements in the practice profile.
    assert len(report["how_well"]["practice_profile"]) == 9

    # The page a QA lead takes to the improvement board, as a browser shows it.
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{platform.urls['reporting']}/reports/{area}/{MONTH}.html")
        headings = page.locator("h2").all_inner_texts()
        assert [h.split(".")[0] for h in headings] == ["1", "2", "3", "4", "5"]
        assert "How much audit activity" in headings[0]
        assert "What is the impact" in headings[4]
        rows = {row.locator("th").inner_text(): row.locator("td").all_inner_texts()
                for row in page.locator("table").first.locator("tbody tr").all()}
        assert rows["Completion net of non-operational exemptions"] == ["7/10 (70%)"]
        assert rows["Completion overall"] == ["7/11 (64%)"]
        assert page.locator("figure svg").count() >= 3  # charts drawn on the server
    # The same figures from the qa CLI, as someone at a shell sees them.
    out = qa_cli(platform, "report", "--area", area, "--month", MONTH)
    assert re.search(r"Completion net of non-operational\s+7/10 \(70%\)", out)
    assert re.search(r"Completion overall\s+7/11 \(64%\)", out)


def test_a_rebuild_from_the_shell_gives_the_same_report(platform: Platform,
                                                        demo_area: str) -> None:
    area = demo_area
    qa = platform.client("qa-officer-1", "qa-officer")
    # Settled first: the demo's last tracker events have arrived (two concerns, one closed).
    before = wait_for(lambda: qa.get("reporting", f"/reports/{area}/{MONTH}"),
                      lambda r: r["actions"]["concerns"]["on_tracker"] == 1
                      and headline(r)["moderated"] == 3)
    live = qa.get("reporting", "/read-models")["live_version"]
    env = {**os.environ, **{f"QA_{n.upper()}_URL": u for n, u in platform.urls.items()}}
    done = subprocess.run([sys.executable, "-m", "cli.main", "rebuild"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert f"Read models version {live + 1} are live." in done.stdout
    assert re.search(r"\[#{40}\] (\d+)/\1 events", done.stderr), done.stderr  # the bar, full
    assert qa.get("reporting", f"/reports/{area}/{MONTH}") == before


def test_the_partnership_feed_reaches_a_csv_with_small_numbers_withheld(
        platform: Platform, demo_area: str, tmp_path: Path) -> None:
    """The demo month's figures (worked out above) as the partnership sees them: 11 in
    the pool, 9 allocated, 7 completed, 70% and 64%; every grade count is 3 or fewer (7
    audits over four grades, each at most 2 before moderation and a change moving one),
    so each is withheld or 0."""
    area = demo_area
    qa = platform.client("qa-officer-1", "qa-officer")
    wait_for(lambda: qa.get("reporting", f"/reports/{area}/{MONTH}"),
             lambda r: headline(r)["moderated"] == 3)
    first = qa.post("reporting", f"/partnership-feed/{MONTH}", {})
    assert area in first["published"]
    again = qa_cli(platform, "publish-feed", "--month", MONTH)
    assert re.search(rf"unchanged: .*{area}", again)  # nothing changed: not published twice

    out = tmp_path / "feed.csv"
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": platform.env["KAFKA_BOOTSTRAP_SERVERS"],
           "KAFKA_TOPIC_PREFIX": platform.env["KAFKA_TOPIC_PREFIX"]}

    def rows() -> dict[str, dict[str, str]]:
        subprocess.run([sys.executable, "-m", "deploy.partnership_feed_csv", "--out", str(out),
                        "--idle", "2"], env=env, check=True, capture_output=True, timeout=60)
        with out.open(newline="") as written:
            return {r["service_area"]: r for r in csv.DictReader(written)}

    row = wait_for(rows, lambda found: area in found)[area]
    assert (row["month"], row["auditors_in_pool"], row["allocated"], row["completed"]) == (
        MONTH, "11", "9", "7")
    assert (row["completion_net_of_non_operational_percent"],
            row["completion_overall_percent"]) == ("70", "64")
    grades = [row[f"grade_{g}"] for g in ("outstanding", "good", "requires-improvement",
                                           "inadequate")]
    assert set(grades) <= {"", "0"}
    assert "" in grades
    assert row["suppressed_below"] == "5"
    assert not {"child_ref", "case_id", "auditor_id"} & set(row)


def test_an_evidence_pack_for_a_child_from_the_shell(platform: Platform, demo_area: str,
                                                     tmp_path: Path) -> None:
    area = demo_area
    qa = platform.client("qa-officer-1", "qa-officer")
    moderated = wait_for(lambda: qa.get("moderation", "/moderations", service_area=area,
                                        status="moderated"),
                         lambda found: any(m.get("outcome") == "agreed" for m in found))
    agreed = next(m for m in moderated if m.get("outcome") == "agreed")
    child = wait_for(lambda: qa.get("audit", f"/audits/{agreed['audit_id']}/record-summary"),
                     lambda found: found)["child_ref"]

    pack = json.loads(wait_for(
        lambda: qa_cli(platform, "evidence-pack", "--child-ref", child),
        lambda out: "AuditModerated" in out))

    kinds = [e["event_type"] for e in pack["entries"]]
    assert kinds[0] == "CaseAllocated"
    assert kinds.index("AuditSubmitted") < kinds.index("AuditModerated")
    moderation = pack["entries"][kinds.index("AuditModerated")]
    assert moderation["details"]["outcome"] == "agreed"
    assert moderation["recorded_by"].startswith(str(agreed["moderator_id"] or "hoq-1"))
    assert all(e["details"].get("child_ref") in (None, child) for e in pack["entries"])
    assert pack["verification"]["intact"] is True
    page = tmp_path / "pack.html"
    qa_cli(platform, "evidence-pack", "--child-ref", child, "--html", str(page))
    assert "Hash-chain verification: intact" in page.read_text()
