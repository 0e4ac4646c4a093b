"""What each `qa` subcommand asks of the services and how it answers a person."""

from __future__ import annotations

import argparse
from typing import Any

from cli.client import SERVICES, QaClient
from cli.output import table


class ChainBroken(Exception):
    """`verify` found at least one broken hash chain or a contradicted checkpoint; the
    message is the full listing."""


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




def verify(c: QaClient, a: argparse.Namespace) -> str:
    lines, broken = [], False
    for service in SERVICES:
        result = c.get(service, "/verify")
        state = "intact" if result["intact"] else "BROKEN"
        broken |= not result["intact"]
        lines.append(f"{service:<11} {state}: {result['events_checked']} events in "
                     f"{result['streams_checked']} streams; {_anchoring(result)}")
        lines += [f"    {b['stream_id']} v{b['stream_version']} event {b['event_id']}: "
                  f"{b['reason']}" for b in result["breaks"]]
        lines += [f"    {b['reason']}" for b in result.get("checkpoints", {}).get("breaks", [])]
    if broken:
        raise ChainBroken("\n".join(lines))
    return "\n".join(lines)


def _anchoring(result: dict[str, Any]) -> str:
    anchors = result.get("checkpoints") or {}
    if not anchors.get("anchored"):
        return "no checkpoints (no key)"
    if anchors.get("latest") is None:
        return "no checkpoint signed yet"
    return (f"checked against checkpoint #{anchors['latest']} of {anchors['latest_taken_at']} "
            f"({anchors['covers_events']} events, key {anchors['key_id']})")


def checkpoint(c: QaClient, a: argparse.Namespace) -> str:
    lines = []
    for service in SERVICES:
        result = c.post(service, "/checkpoints", {})
        if result["sequence"] is None:
            lines.append(f"{service:<11} nothing to checkpoint yet")
        else:
            lines.append(f"{service:<11} checkpoint #{result['sequence']}: {result['events']} "
                         f"events in {result['streams']} streams, signed {result['taken_at']}")
    return "\n".join(lines)
