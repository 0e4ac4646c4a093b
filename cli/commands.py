"""What each `qa` subcommand asks of the services and how it answers a person."""

from __future__ import annotations

import argparse
import json

from cli.client import SERVICES, QaClient
from cli.output import table


class ChainBroken(Exception):
    """`verify` found at least one broken hash chain; the message is the full listing."""


def register_case(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("allocation", "/cases", {"service_area": a.area, "child_ref": a.child_ref,
                                             "legal_status": a.legal_status, "team": a.team},
                    a.key)
    return f"Registered case {result['case_id']} (child {result['child_ref']}, " \
           f"{result['legal_status']}, team {result['team']})."


def register_auditor(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("allocation", "/auditors",
                    {"service_area": a.area, "auditor_id": a.auditor, "team": a.team}, a.key)
    return f"Registered auditor {result['auditor_id']} in team {result['team']}."


def show_cycle(c: QaClient, a: argparse.Namespace) -> str:
    result = c.get("allocation", f"/cycles/{a.area}/{a.month}")
    return f"{result['month']} cycle, {result['service_area']}, returns due " \
           f"{result['return_deadline']}\n" + table(
               result["allocations"], ["allocation_id", "child_ref", "legal_status",
                                       "case_team", "auditor_id"])


def my_audits(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("audit", "/audits", service_area=a.area)
    return table(rows, ["audit_id", "month", "child_ref", "legal_status", "case_team",
                         "audit_tool", "status", "overall_grade"])




def report(c: QaClient, a: argparse.Namespace) -> str:
    if a.json:
        return json.dumps(c.get("reporting", f"/reports/{a.area}/{a.month}"), indent=2)
    return c.get_text("reporting", f"/reports/{a.area}/{a.month}.txt")


def verify(c: QaClient, a: argparse.Namespace) -> str:
    lines, broken = [], False
    for service in SERVICES:
        result = c.get(service, "/verify")
        state = "intact" if result["intact"] else "BROKEN"
        broken |= not result["intact"]
        lines.append(f"{service:<11} {state}: {result['events_checked']} events in "
                     f"{result['streams_checked']} streams")
        lines += [f"    {b['stream_id']} v{b['stream_version']} event {b['event_id']}: "
                  f"{b['reason']}" for b in result["breaks"]]
    if broken:
        raise ChainBroken("\n".join(lines))
    return "\n".join(lines)
