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

from cli import allocation, audits, commands, dead_letters, moderation, reporting, tracker
from cli.client import QaClient, ServiceError, ServiceUnreachable
from cli.output import BadFile, explain
from shared.events.common import LegalStatus
from shared.events.vocabulary import ExemptionKind

DEFAULT_AREA = "childrens-social-care"
REALLOCATION_REASONS = ("sickness", "leave", "conflict-of-interest", "left", "workload",
                        "other")
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


def seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**63:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a seed: use a whole number from 0 to 2^63 - 1, e.g. 20260301")
    return int(text)


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

    q = cmd("import-staff", allocation.import_staff,
            "import a staff directory CSV extract (all rows or none)")
    q.add_argument("file", help="CSV file; columns in the README")
    q = cmd("import-cases", allocation.import_cases,
            "import a case register CSV extract (all rows or none)")
    q.add_argument("file", help="CSV file; columns in the README")
    q = cmd("open-cycle", allocation.open_cycle,
            "open the monthly cycle (with --rules, draw its cases)")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--deadline", type=day, help="return deadline YYYY-MM-DD")
    q.add_argument("--rules", help="JSON file of selection rules (see the README)")
    q.add_argument("--seed", type=seed, help="the draw's seed (chosen when omitted)")
    q.add_argument("--moderating", nargs="+", metavar="PERSON",
                   help="moderators moderating this month (excused from core audits)")
    q = cmd("run-allocation", allocation.run_allocation,
            "allocate the month's drawn cases to eligible auditors")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q = cmd("register-case", commands.register_case, "add a case to the register")
    q.add_argument("--child-ref", required=True, help="pseudonymous child reference")
    q.add_argument("--legal-status", required=True,
                   choices=[status.value for status in LegalStatus])
    q.add_argument("--team", required=True)
    q = cmd("register-auditor", commands.register_auditor, "add an auditor to the pool")
    q.add_argument("--auditor", required=True)
    q.add_argument("--team", required=True)
    q = cmd("allocate", allocation.allocate, "allocate a case to an auditor by hand")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--case", required=True, type=an_id, help="case id")
    q.add_argument("--auditor", required=True)
    q.add_argument("--reason", help="why (needed for a case outside the month's draw)")
    q = cmd("reallocate", allocation.reallocate, "move an allocation to another auditor")
    q.add_argument("allocation_id", type=an_id)
    q.add_argument("--auditor", required=True)
    q.add_argument("--reason", required=True, choices=list(REALLOCATION_REASONS))
    q = cmd("exempt", allocation.exempt, "exempt someone in the pool from a month's audit")
    q.add_argument("person_id")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q.add_argument("--kind", required=True, choices=[kind.value for kind in ExemptionKind])
    q.add_argument("--note", help="a note for the director (kept as personal data)")
    q = cmd("authorise-exemption", allocation.authorise_exemption,
            "a director authorises an operational exemption (--role director)")
    q.add_argument("exemption_id", type=an_id)
    q = cmd("refuse-exemption", allocation.refuse_exemption,
            "a director refuses an operational exemption (--role director)")
    q.add_argument("exemption_id", type=an_id)
    q = cmd("exemptions", allocation.exemptions, "a month's exemptions")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q = cmd("close-cycle", allocation.close_cycle,
            "close a cycle past its deadline: unreturned audits become nil returns")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q = cmd("figures", allocation.figures, "a cycle's completion figures")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    q = cmd("pool", allocation.pool, "the auditor pool as it stood in a month")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    cmd("cases", allocation.cases, "the case register")
    q = cmd("cycle", commands.show_cycle, "show a cycle and its allocations")
    q.add_argument("--month", required=True, type=month, help="YYYY-MM")
    cmd("my-audits", commands.my_audits, "the audits allocated to you (--as)")
    q = cmd("start-audit", audits.start_audit, "start an audit allocated to you (--as)")
    q.add_argument("audit_id", type=an_id)
    q = cmd("audit-template", audits.audit_template,
            "write a file to fill in for an audit's tool (with any draft filled in): "
            "qa audit-template AUDIT > audit.yaml")
    q.add_argument("audit_id", type=an_id)
    q = cmd("save-draft", audits.save_draft, "save part of an audit from a filled-in file")
    q.add_argument("file", help="a YAML or JSON file (from qa audit-template)")
    q.add_argument("--audit", dest="audit_id", type=an_id,
                   help="the audit (default: the file's audit_id)")
    q = cmd("submit-audit", audits.submit_audit,
            "submit an audit from a filled-in file, or the draft saved so far")
    q.add_argument("audit_id", type=an_id)
    q.add_argument("--file", help="a YAML or JSON file (from qa audit-template); without "
                   "it, the draft saved so far is submitted")
    q = cmd("show-audit", audits.show_audit, "an audit: status, grades, draft, actions")
    q.add_argument("audit_id", type=an_id)
    q = cmd("record-summary", audits.record_summary,
            "a final audit's summary for the child's record")
    q.add_argument("audit_id", type=an_id)
    form = q.add_mutually_exclusive_group()
    form.add_argument("--html", action="store_true", help="the printable HTML page")
    form.add_argument("--json", action="store_true")
    moderation.add_commands(cmd, an_id, month)
    tracker.register(cmd, an_id, day)
    reporting.register(cmd, month)
    cmd("verify", commands.verify, "check every service's hash chains and its store against "
        "its latest signed checkpoint (exit status 0 all intact, 3 something is BROKEN)")
    cmd("checkpoint", commands.checkpoint, "have every service sign a checkpoint of its "
        "store now")
    dead_letters.register(cmd, an_id)
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
    except BadFile as bad:
        print(f"error: {bad}", file=sys.stderr)
        return EXIT_REFUSED
    except ServiceError as error:
        print(explain(error), file=sys.stderr)
        return EXIT_ERROR if error.status >= 500 else EXIT_REFUSED
    except ServiceUnreachable as down:
        print(f"error: {down} (is the platform running? python3 run.py up)", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
