"""The `qa` subcommands for the tracker: actions (mine, a team's, a person's; raise,
complete, verify, reopen, extend, reassign), Children of Concern (list, respond, close),
a child's timeline and the tracker's figures as at any date."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from cli.client import QaClient
from cli.output import table

Command = Callable[[QaClient, argparse.Namespace], str]
Register = Callable[[str, Command, str], argparse.ArgumentParser]
ACTION_COLUMNS = ["action_id", "child_ref", "case_team", "owner_id", "due_date", "priority",
                  "status", "description"]


def actions(c: QaClient, a: argparse.Namespace) -> str:
    owner = "me" if a.mine else a.owner
    rows = c.get("tracker", "/actions", service_area=a.area, owner=owner, team=a.team,
                 status=a.status)
    return table(rows, ACTION_COLUMNS)


def _done(result: dict[str, Any], what: str) -> str:
    recorded = ", ".join(result["recorded"]) or "nothing new"
    return f"{what} {result.get('action_id') or result.get('concern_id')}: {recorded}."


def raise_action(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("tracker", "/actions", {
        "service_area": a.area, "child_ref": a.child_ref, "case_team": a.team,
        "description": a.description, "owner_id": a.owner, "due_date": a.due,
        "priority": a.priority}, a.key)
    return _done(result, "Raised action") + f"\naction id: {result['action_id']}"


def complete_action(c: QaClient, a: argparse.Namespace) -> str:
    body = {"evidence": a.evidence, **({"evidence_link": a.link} if a.link else {})}
    return _done(c.post("tracker", f"/actions/{a.action_id}/completion", body, a.key),
                 "Completed action")


def verify_action(c: QaClient, a: argparse.Namespace) -> str:
    return _done(c.post("tracker", f"/actions/{a.action_id}/verification", {}, a.key),
                 "Verified action")


def reopen_action(c: QaClient, a: argparse.Namespace) -> str:
    return _done(c.post("tracker", f"/actions/{a.action_id}/reopening",
                        {"reason": a.reason}, a.key), "Reopened action")


def extend_action(c: QaClient, a: argparse.Namespace) -> str:
    return _done(c.post("tracker", f"/actions/{a.action_id}/extension",
                        {"due_date": a.due, "reason": a.reason}, a.key), "Extended action")


def reassign_action(c: QaClient, a: argparse.Namespace) -> str:
    return _done(c.post("tracker", f"/actions/{a.action_id}/reassignment",
                        {"owner_id": a.owner, "reason": a.reason}, a.key), "Reassigned action")


def concerns(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("tracker", "/children-of-concern", service_area=a.area,
                 include_closed="true" if a.include_closed else None)
    return table(rows, ["concern_id", "category", "child_ref", "case_team", "days_on_tracker",
                        "on_tracker_since", "next_decision", "next_decision_due"])


def respond_concern(c: QaClient, a: argparse.Namespace) -> str:
    return _done(c.post("tracker", f"/children-of-concern/{a.concern_id}/responses",
                        {"response": a.response}, a.key), "Child of Concern")


def close_concern(c: QaClient, a: argparse.Namespace) -> str:
    return _done(c.post("tracker", f"/children-of-concern/{a.concern_id}/closure",
                        {"rationale": a.rationale}, a.key), "Closed Child of Concern")


def child_timeline(c: QaClient, a: argparse.Namespace) -> str:
    # A query sent as a POST: the child's reference travels in the body, not the address.
    rows = c.post("tracker", "/children/timeline", {"child_ref": a.child_ref})
    return table([{**row, "occurred_at": row["occurred_at"][:16]} for row in rows],
                 ["occurred_at", "subject", "subject_id", "event_type", "actor"])


def tracker_figures(c: QaClient, a: argparse.Namespace) -> str:
    result = c.get("tracker", "/figures", service_area=a.area, as_at=a.as_at)
    if a.json:
        return json.dumps(result, indent=2)
    now, change = result["actions"], result["actions_change"]

    def pct(value: int | None) -> str:
        return "n/a" if value is None else f"{value}%"

    def delta(value: int | None, unit: str = "") -> str:
        return "n/a" if value is None else f"{value:+d}{unit}"

    concerns = result["children_of_concern"]
    lines = [
        f"Tracker figures for {result['service_area']} as at {result['as_at']} "
        f"(change since {result['previous_month_end']})",
        f"  Actions open               {now['open']:>5}  ({delta(change['open'])})",
        f"    within timescale         {now['within_timescale']:>5}  "
        f"{pct(now['within_timescale_percent'])} "
        f"({delta(change['within_timescale_percent'], ' pts')})",
        f"    overdue                  {now['overdue']:>5}  {pct(now['overdue_percent'])} "
        f"({delta(change['overdue_percent'], ' pts')})",
        f"  Completed, to verify       {now['awaiting_verification']:>5}",
        f"  Verified (closed)          {now['verified']:>5}",
        f"  Children of Concern        {concerns['on_tracker']:>5}  "
        f"(Category 1: {concerns['by_category']['1']}, "
        f"Category 2: {concerns['by_category']['2']})",
        "    since: " + (", ".join(f"{n} since {m}" for m, n in
                                   concerns["by_month_raised"].items()) or "none"),
        "    awaiting: " + ", ".join(f"{k} {v}" for k, v in concerns["awaiting"].items()),
    ]
    return "\n".join(lines)


def register(cmd: Register, an_id: Callable[[str], str], day: Callable[[str], str]) -> None:
    q = cmd("actions", actions, "actions on the tracker: mine, a person's, a team's, an area's")
    who = q.add_mutually_exclusive_group()
    who.add_argument("--mine", action="store_true", help="the actions you (--as) own")
    who.add_argument("--owner", help="a person's actions")
    q.add_argument("--team", help="the actions of a case team")
    q.add_argument("--status", choices=["open", "overdue", "completed", "verified"])
    q = cmd("raise-action", raise_action, "raise an action by hand (no audit)")
    q.add_argument("--child-ref", required=True, help="pseudonymous child reference")
    q.add_argument("--team", required=True, help="the case's team")
    q.add_argument("--description", required=True)
    q.add_argument("--owner", required=True)
    q.add_argument("--due", required=True, type=day, help="due date YYYY-MM-DD")
    q.add_argument("--priority", choices=["high", "medium", "low"], default="medium")
    q = cmd("complete-action", complete_action, "complete your action, with evidence")
    q.add_argument("action_id", type=an_id)
    q.add_argument("--evidence", required=True, help="what was done")
    q.add_argument("--link", help="where the evidence is (a document link)")
    q = cmd("verify-action", verify_action, "verify a completed action (the owner's manager)")
    q.add_argument("action_id", type=an_id)
    q = cmd("reopen-action", reopen_action, "reopen a completed or verified action")
    q.add_argument("action_id", type=an_id)
    q.add_argument("--reason", required=True)
    q = cmd("extend-action", extend_action, "move an action's due date later, with a reason")
    q.add_argument("action_id", type=an_id)
    q.add_argument("--due", required=True, type=day, help="new due date YYYY-MM-DD")
    q.add_argument("--reason", required=True)
    q = cmd("reassign-action", reassign_action, "give an action to another owner")
    q.add_argument("action_id", type=an_id)
    q.add_argument("--owner", required=True, help="the new owner")
    q.add_argument("--reason", required=True)
    q = cmd("concerns", concerns, "Children of Concern: category, age, the decision awaited")
    q.add_argument("--include-closed", action="store_true")
    q = cmd("respond-concern", respond_concern, "record a response to a Child of Concern")
    q.add_argument("concern_id", type=an_id)
    q.add_argument("--response", required=True)
    q = cmd("close-concern", close_concern, "sign a Child of Concern off the tracker")
    q.add_argument("concern_id", type=an_id)
    q.add_argument("--rationale", required=True)
    q = cmd("child-timeline", child_timeline, "everything tracked about one child")
    q.add_argument("--child-ref", required=True)
    q = cmd("tracker-figures", tracker_figures, "the whole tracker's figures as at a date")
    q.add_argument("--as-at", type=day, help="YYYY-MM-DD (default today)")
    q.add_argument("--json", action="store_true")
