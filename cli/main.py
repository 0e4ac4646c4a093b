"""`qa`: walk the monthly audit cycle from a terminal, through the services' HTTP APIs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from cli.client import SERVICES, QaClient, ServiceError, ServiceUnreachable
from shared.events.common import Grade, LegalStatus

DEFAULT_AREA = "childrens-social-care"

# Exit statuses: 0 done, 1 the service refused, 2 a service did not answer (or another
# error), 3 `verify` found a broken hash chain.
EXIT_REFUSED, EXIT_ERROR, EXIT_BROKEN = 1, 2, 3


class ChainBroken(Exception):
    """`verify` found at least one broken hash chain; the message is the full listing."""


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return "(none)"
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines.append("  ".join("-" * widths[c] for c in columns))
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _pairs(data: dict[str, Any]) -> str:
    width = max(len(k) for k in data)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in data.items())


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
           f"{result['return_deadline']}\n" + _table(
               result["allocations"], ["allocation_id", "child_ref", "legal_status",
                                       "case_team", "auditor_id"])


def my_audits(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("audit", "/audits", service_area=a.area)
    return _table(rows, ["audit_id", "month", "child_ref", "legal_status", "case_team",
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
    return _table(rows, ["audit_id", "month", "auditor_id", "submitted_grade", "status",
                         "moderated_grade"])


def moderate(c: QaClient, a: argparse.Namespace) -> str:
    body: dict[str, Any] = {"outcome": "agreed"} if a.agree else {
        "outcome": "grade-changed", "moderated_grade": a.grade, "rationale": a.rationale or ""}
    result = c.post("moderation", f"/moderations/{a.audit_id}", body, a.key)
    return f"Moderated audit {result['audit_id']}: {result['outcome']} " \
           f"({result['original_grade']} -> {result['moderated_grade']})."


def actions(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("tracker", "/actions", service_area=a.area, status=a.status)
    return _table(rows, ["action_id", "month", "child_ref", "owner_id", "due_date", "status"])


def concerns(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("tracker", "/children-of-concern", service_area=a.area)
    return _table(rows, ["concern_id", "month", "child_ref", "case_team", "category",
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
                     f"{result['streams_checked']} streams")
        lines += [f"    {b['stream_id']} v{b['stream_version']} event {b['event_id']}: "
                  f"{b['reason']}" for b in result["breaks"]]
    if broken:
        raise ChainBroken("\n".join(lines))
    return "\n".join(lines)


def _actor_options(defaults: bool) -> argparse.ArgumentParser:
    """`--as`, `--role` and `--key`, accepted before and after the subcommand.

    The copy on each subcommand has no defaults (SUPPRESS), so it sets a value only when
    given there and never overwrites one given before the subcommand."""
    def default(value: str | None) -> str | None:
        return value if defaults else argparse.SUPPRESS

    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--as", dest="person", default=default("qa-officer-1"),
                         help="person id of whoever is acting (default: qa-officer-1)")
    options.add_argument("--role", default=default("qa-officer"),
                         help="their role (default: qa-officer)")
    options.add_argument("--key", default=default(None),
                         help="idempotency key, to make a retried command safe")
    return options


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qa", description=__doc__, parents=[_actor_options(defaults=True)],
        epilog="--as, --role and --key may go before or after the subcommand. Exit status: "
               "0 done, 1 refused by a service, 2 a service not answering, "
               "3 verify found a broken chain.")
    sub = p.add_subparsers(dest="command", required=True)
    actor_options = _actor_options(defaults=False)

    def cmd(name: str, func: Callable[[QaClient, argparse.Namespace], str],
            help_: str) -> argparse.ArgumentParser:
        q = sub.add_parser(name, help=help_, description=help_, parents=[actor_options])
        q.set_defaults(func=func)
        q.add_argument("--area", default=DEFAULT_AREA, help=f"service area ({DEFAULT_AREA})")
        return q

    q = cmd("open-cycle", open_cycle, "open the monthly cycle")
    q.add_argument("--month", required=True, help="YYYY-MM")
    q.add_argument("--deadline", help="return deadline YYYY-MM-DD")
    q = cmd("register-case", register_case, "add a case to the register")
    q.add_argument("--child-ref", required=True, help="pseudonymous child reference")
    q.add_argument("--legal-status", required=True,
                   choices=[status.value for status in LegalStatus])
    q.add_argument("--team", required=True)
    q = cmd("register-auditor", register_auditor, "add an auditor to the pool")
    q.add_argument("--auditor", required=True)
    q.add_argument("--team", required=True)
    q = cmd("allocate", allocate, "allocate a case to an auditor")
    q.add_argument("--month", required=True)
    q.add_argument("--case", required=True, help="case id")
    q.add_argument("--auditor", required=True)
    q = cmd("cycle", show_cycle, "show a cycle and its allocations")
    q.add_argument("--month", required=True)
    cmd("my-audits", my_audits, "the audits allocated to you (--as)")
    q = cmd("submit-audit", submit_audit, "submit an audit")
    q.add_argument("audit_id")
    grades = [grade.value for grade in Grade]
    q.add_argument("--grade", required=True, choices=grades)
    q.add_argument("--action", required=True, help="the action to take")
    q.add_argument("--owner", required=True, help="who owns the action")
    q.add_argument("--due", required=True, help="due date YYYY-MM-DD")
    q.add_argument("--concern-category", type=int, choices=[1, 2])
    q.add_argument("--concern-reason")
    q = cmd("moderation-queue", moderation_queue, "audits awaiting moderation")
    q.add_argument("--status", choices=["awaiting", "moderated"])
    q = cmd("moderate", moderate, "agree an audit's grade or change it")
    q.add_argument("audit_id")
    group = q.add_mutually_exclusive_group(required=True)
    group.add_argument("--agree", action="store_true")
    group.add_argument("--grade", choices=grades)
    q.add_argument("--rationale")
    q = cmd("actions", actions, "actions on the tracker")
    q.add_argument("--status", choices=["open", "overdue"])
    cmd("concerns", concerns, "Children of Concern on the tracker")
    q = cmd("report", report, "the month's QA figures")
    q.add_argument("--month", required=True)
    q.add_argument("--json", action="store_true")
    cmd("verify", verify, "check every service's hash chains "
        "(exit status 0 all intact, 3 a chain is BROKEN)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    client = QaClient(args.person, args.role)
    try:
        print(args.func(client, args))
    except ChainBroken as broken:
        print(broken)
        return EXIT_BROKEN
    except ServiceError as error:
        detail = error.detail
        if isinstance(detail, list):
            detail = "; ".join(
                f"{'.'.join(str(p) for p in d.get('loc', [])[1:])}: {d.get('msg')}"
                for d in detail
            )
        print(f"refused ({error.status}): {detail}", file=sys.stderr)
        return EXIT_REFUSED
    except ServiceUnreachable as down:
        print(f"error: {down} (is the platform running? python3 run.py up)", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
