"""The `qa` subcommands for reporting: the monthly QA report (text, JSON or the HTML page,
now or as it stood at an earlier instant) and the read models' state and rebuild."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from cli.client import SERVICES, QaClient

Command = Callable[[QaClient, argparse.Namespace], str]
Register = Callable[[str, Command, str], argparse.ArgumentParser]
BAR = 40


def instant(text: str) -> str:
    """An ISO 8601 instant with its offset (2025-03-15T12:00:00+00:00, or ...Z)."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs an offset, e.g. +00:00 or Z")
    return parsed.isoformat()


def report(c: QaClient, a: argparse.Namespace) -> str:
    path = f"/reports/{a.area}/{a.month}"
    if a.json:
        return json.dumps(c.get("reporting", path, as_at=a.as_at), indent=2)
    if a.html:
        page = c.get_text("reporting", f"{path}.html", as_at=a.as_at)
        Path(a.html).write_text(page, encoding="utf-8")
        return f"Wrote the {a.month} report of {a.area} to {a.html}."
    if a.pdf:
        Path(a.pdf).write_bytes(c.get_bytes("reporting", f"{path}.pdf", as_at=a.as_at))
        return f"Wrote the {a.month} report of {a.area} to {a.pdf}."
    return c.get_text("reporting", f"{path}.txt", as_at=a.as_at)


def _status(found: dict[str, Any]) -> str:
    lines = [f"live version {found['live_version']}; {found['events_logged']} events logged"]
    lines += [f"  slot {s['slot']}: version {s['version']}, {s['state']}, "
              f"{s['events_done']}/{s['events_total']} events" for s in found["slots"]]
    return "\n".join(lines)


def read_models(c: QaClient, a: argparse.Namespace) -> str:
    return _status(c.get("reporting", "/read-models"))


def _bar(done: int, total: int) -> str:
    filled = BAR if total <= 0 else BAR * done // total
    return f"[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} events"


def rebuild(c: QaClient, a: argparse.Namespace) -> str:
    """Start a rebuild and draw its progress (on stderr) until the new version is live."""
    started = c.post("reporting", "/read-models/rebuild", {}, a.key)
    version = started["version"]
    while True:
        found = c.get("reporting", "/read-models")
        slot = next(s for s in found["slots"] if s["version"] == version)
        print(f"\r{_bar(slot['events_done'], slot['events_total'])}", end="",
              file=sys.stderr, flush=True)
        if slot["state"] != "building":
            print(file=sys.stderr)
            break
        time.sleep(a.every)
    if found["live_version"] != version:
        raise SystemExit(f"the rebuild into version {version} did not finish; version "
                         f"{found['live_version']} still answers (see the service's log)")
    return f"Read models version {version} are live.\n" + _status(found)


def publish_feed(c: QaClient, a: argparse.Namespace) -> str:
    done = c.post("reporting", f"/partnership-feed/{a.month}", {}, a.key)
    return "\n".join([f"Partnership feed for {a.month}:",
                      f"  published: {', '.join(done['published']) or 'none'}",
                      f"  unchanged: {', '.join(done['unchanged']) or 'none'}",
                      f"  nothing known: {', '.join(done['nothing_known']) or 'none'}"])


def evidence_pack(c: QaClient, a: argparse.Namespace) -> str:
    """The pack from reporting's event log, with every service's own answer to whether its
    store (where the events were decided) is intact: hash chains and signed checkpoints."""
    if a.child_ref:
        path = f"/evidence/children/{a.child_ref}"
    elif a.team and a.month:
        path = f"/evidence/teams/{a.area}/{a.month}/{a.team}"
    else:
        raise SystemExit("give --child-ref, or --team with --month")
    verification = {service: c.get(service, "/verify") for service in SERVICES}
    intact = all(v["intact"] for v in verification.values())
    if a.html:
        page = c.get_text("reporting", f"{path}.html")
        checked = "".join(f"<li>{service}: {'intact' if v['intact'] else 'BROKEN'} "
                          f"({v['events_checked']} events in {v['streams_checked']} "
                          "streams)</li>" for service, v in verification.items())
        section = (f"<h2>Hash-chain verification: {'intact' if intact else 'BROKEN'}</h2>"
                   f"<ul>{checked}</ul>")
        Path(a.html).write_text(page.replace("</body>", section + "</body>"),
                                encoding="utf-8")
        return f"Wrote the evidence pack to {a.html} (stores {'intact' if intact else 'BROKEN'})."
    found = c.get("reporting", path)
    return json.dumps({**found, "verification": {"intact": intact, "services": verification}},
                      indent=2)


def register(cmd: Register, month: Callable[[str], str]) -> None:
    q = cmd("report", report, "the month's QA report (--area may be 'partnership')")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--as-at", type=instant, help="as it stood at this instant (ISO 8601)")
    form = q.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true")
    form.add_argument("--html", metavar="FILE", help="write the printable HTML page here")
    form.add_argument("--pdf", metavar="FILE", help="write the report as PDF here")
    cmd("read-models", read_models, "which version of reporting's read models answers")
    q = cmd("rebuild", rebuild, "rebuild reporting's read models from its copy of the "
            "events, with a progress bar; the old ones answer until the new are ready")
    q.add_argument("--every", type=float, default=0.5, help=argparse.SUPPRESS)
    q = cmd("evidence-pack", evidence_pack, "an inspection evidence pack (JSON, or --html "
            "FILE): everything recorded about a child or a team's month, in order, with "
            "every store's hash-chain verification")
    q.add_argument("--child-ref", help="the child's pseudonymous reference")
    q.add_argument("--team", help="a case team (with --month)")
    q.add_argument("--month", type=month, help="YYYY-MM (with --team)")
    q.add_argument("--html", metavar="FILE", help="write the printable page here")
    q = cmd("publish-feed", publish_feed, "publish the month's partnership feed (each "
            "served area's figures, small numbers withheld) where they changed")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
