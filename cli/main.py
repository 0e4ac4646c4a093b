"""`qa`: walk the monthly audit cycle from a terminal, through the services' HTTP APIs.

Exit status: 0 done; 1 a service refused (the reason and each field at fault are
printed); 2 a service is not answering, or failed; 3 `verify` found a broken hash chain or
a store that contradicts its signed checkpoint.
Piped into a reader that stops early (`qa actions | head`), it stops quietly with 0.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import date

from cli import commands
from cli.client import QaClient, ServiceError, ServiceUnreachable
from cli.output import explain
from shared.events.common import Grade, LegalStatus

DEFAULT_AREA = "childrens-social-care"
EXIT_REFUSED, EXIT_ERROR, EXIT_BROKEN = 1, 2, 3


def month(text: str) -> str:
    if not re.fullmatch(r"20\d{2}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month: use YYYY-MM, e.g. 2026-11")
    return text


def day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2026-12-15") from None


def an_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an id: ids look like 3f2b8c1e-...-9a01 (copy it from the "
            "listing that showed it)") from None


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
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="--as, --role and --key may go before or after the subcommand.")
    sub = p.add_subparsers(dest="command", required=True)
    actor_options = _actor_options(defaults=False)

    def cmd(name: str, func: Callable[[QaClient, argparse.Namespace], str],
            help_: str) -> argparse.ArgumentParser:
        q = sub.add_parser(name, help=help_, description=help_, parents=[actor_options])
        q.set_defaults(func=func)
        q.add_argument("--area", default=DEFAULT_AREA, help=f"service area ({DEFAULT_AREA})")
        return q

    grades = [grade.value for grade in Grade]
    q = cmd("open-cycle", commands.open_cycle, "open the monthly cycle")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--deadline", type=day, help="return deadline YYYY-MM-DD")
    q = cmd("register-case", commands.register_case, "add a case to the register")
    q.add_argument("--child-ref", required=True, help="pseudonymous child reference")
    q.add_argument("--legal-status", required=True,
                   choices=[status.value for status in LegalStatus])
    q.add_argument("--team", required=True)
    q = cmd("register-auditor", commands.register_auditor, "add an auditor to the pool")
    q.add_argument("--auditor", required=True)
    q.add_argument("--team", required=True)
    q = cmd("allocate", commands.allocate, "allocate a case to an auditor")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--case", required=True, type=an_id, help="case id")
    q.add_argument("--auditor", required=True)
    q = cmd("cycle", commands.show_cycle, "show a cycle and its allocations")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    cmd("my-audits", commands.my_audits, "the audits allocated to you (--as)")
    q = cmd("submit-audit", commands.submit_audit, "submit an audit")
    q.add_argument("audit_id", type=an_id)
    q.add_argument("--grade", required=True, choices=grades)
    q.add_argument("--action", required=True, help="the action to take")
    q.add_argument("--owner", required=True, help="who owns the action")
    q.add_argument("--due", required=True, type=day, help="due date YYYY-MM-DD")
    q.add_argument("--concern-category", type=int, choices=[1, 2])
    q.add_argument("--concern-reason")
    q = cmd("moderation-queue", commands.moderation_queue, "audits awaiting moderation")
    q.add_argument("--status", choices=["awaiting", "moderated"])
    q = cmd("moderate", commands.moderate, "agree an audit's grade or change it")
    q.add_argument("audit_id", type=an_id)
    group = q.add_mutually_exclusive_group(required=True)
    group.add_argument("--agree", action="store_true")
    group.add_argument("--grade", choices=grades)
    q.add_argument("--rationale")
    q = cmd("actions", commands.actions, "actions on the tracker")
    q.add_argument("--status", choices=["open", "overdue"])
    cmd("concerns", commands.concerns, "Children of Concern on the tracker")
    q = cmd("report", commands.report, "the month's QA figures")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--json", action="store_true")
    cmd("verify", commands.verify, "check every service's hash chains and its store against "
        "its latest signed checkpoint (exit status 0 all intact, 3 something is BROKEN)")
    cmd("checkpoint", commands.checkpoint, "have every service sign a checkpoint of its "
        "store now")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    client = QaClient(args.person, args.role)
    try:
        try:
            print(args.func(client, args), flush=True)
        except commands.ChainBroken as broken:
            print(broken, flush=True)
            return EXIT_BROKEN
    except BrokenPipeError:
        # The reader stopped early (`| head`): what it wanted it has, so stop quietly,
        # and keep Python from complaining about the pipe on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ServiceError as error:
        print(explain(error), file=sys.stderr)
        return EXIT_ERROR if error.status >= 500 else EXIT_REFUSED
    except ServiceUnreachable as down:
        print(f"error: {down} (is the platform running? python3 run.py up)", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
