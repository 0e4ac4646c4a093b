"""The demo month through the five services: the directory and register imported, the
cycle opened and drawn, exemptions decided, the draw allocated, audits submitted and
heard back by allocation, and its figures; then the qa CLI's allocation views."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

from deploy import demo
from tests.e2e.conftest import Platform, wait_for
from tests.e2e.test_audit_journey import MONTH


def qa_cli(platform: Platform, *args: str) -> str:
    env = {**os.environ, **{f"QA_{name.upper()}_URL": url for name, url in platform.urls.items()}}
    result = subprocess.run([sys.executable, "-m", "cli.main", *args], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_demo_month_loads_and_allocation_hears_every_return(
    platform: Platform, area: str
) -> None:
    demo.load(MONTH, progress=False, urls=platform.urls, area=area)
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
