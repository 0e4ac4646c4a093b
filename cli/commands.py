"""What each `qa` subcommand asks of the services and how it answers a person."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cli.client import SERVICES, QaClient
from cli.output import table


class ChainBroken(Exception):
    """`verify` found at least one broken hash chain or a contradicted checkpoint; the
    message is the full listing."""


def open_cycle(c: QaClient, a: argparse.Namespace) -> str:
    body = {"service_area": a.area, "month": a.month}
    if a.deadline:
        body["return_deadline"] = a.deadline
    result = c.post("allocation", "/cycles", body, a.key)
    return f"Opened the {result['month']} cycle for {result['service_area']} " \
           f"(returns due {result['return_deadline']}).\ncycle id: {result['cycle_id']}"


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


def allocate(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("allocation", "/allocations", {"service_area": a.area, "month": a.month,
                                                   "case_id": a.case, "auditor_id": a.auditor},
                    a.key)
    return f"Allocated child {result['child_ref']} ({result['case_team']}) to " \
           f"{result['auditor_id']} ({result['auditor_team']}) for {result['month']}.\n" \
           f"allocation id: {result['allocation_id']}"


def show_cycle(c: QaClient, a: argparse.Namespace) -> str:
    result = c.get("allocation", f"/cycles/{a.area}/{a.month}")
    return f"{result['month']} cycle, {result['service_area']}, returns due " \
           f"{result['return_deadline']}\n" + table(
               result["allocations"], ["allocation_id", "child_ref", "legal_status",
                                       "case_team", "auditor_id"])


def my_audits(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("audit", "/audits", service_area=a.area)
    return table(rows, ["audit_id", "month", "child_ref", "legal_status", "case_team",
                         "status", "overall_grade"])


def submit_audit(c: QaClient, a: argparse.Namespace) -> str:
    body: dict[str, Any] = {
        "overall_grade": a.grade,
        "action": {"description": a.action, "owner_id": a.owner, "due_date": a.due},
    }
    if a.concern_category:
        body["child_of_concern"] = {"category": a.concern_category,
                                    "reason": a.concern_reason or "see audit"}
    result = c.post("audit", f"/audits/{a.audit_id}/submission", body, a.key)
    lines = [f"Submitted audit {result['audit_id']}: {result['overall_grade']}"
             + (" (late)" if result.get("late") else "") + ".",
             f"action id: {result['action_id']}"]
    if result.get("concern_id"):
        lines.append(f"Child of Concern raised: {result['concern_id']}")
    return "\n".join(lines)


def moderation_queue(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("moderation", "/moderations", service_area=a.area, status=a.status)
    return table(rows, ["audit_id", "month", "auditor_id", "submitted_grade", "status",
                         "moderated_grade"])


def moderate(c: QaClient, a: argparse.Namespace) -> str:
    body: dict[str, Any] = {"outcome": "agreed"} if a.agree else {
        "outcome": "grade-changed", "moderated_grade": a.grade, "rationale": a.rationale or ""}
    result = c.post("moderation", f"/moderations/{a.audit_id}", body, a.key)
    return f"Moderated audit {result['audit_id']}: {result['outcome']} " \
           f"({result['original_grade']} -> {result['moderated_grade']})."


def actions(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("tracker", "/actions", service_area=a.area, status=a.status)
    return table(rows, ["action_id", "month", "child_ref", "owner_id", "due_date", "status"])


def concerns(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("tracker", "/children-of-concern", service_area=a.area)
    return table(rows, ["concern_id", "month", "child_ref", "case_team", "category",
                         "days_on_tracker"])


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
