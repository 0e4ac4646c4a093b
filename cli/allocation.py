"""The `qa` subcommands of the allocation service: the directory and register imports, the
cycle's opening, draw, allocation and close, exemptions, and the figures."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cli.client import QaClient
from cli.output import BadFile, table


def read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadFile(f"cannot read {path}: {error}") from None


def _imported(what: str, result: dict[str, Any]) -> str:
    return (f"Imported {result['rows']} {what} rows: {result['recorded']} changes recorded, "
            f"{result['unchanged']} rows unchanged.")


def import_staff(c: QaClient, a: argparse.Namespace) -> str:
    return _imported("staff", c.post_csv("allocation", "/imports/staff", read(a.file), a.key,
                                         service_area=a.area))


def import_cases(c: QaClient, a: argparse.Namespace) -> str:
    return _imported("case", c.post_csv("allocation", "/imports/cases", read(a.file), a.key,
                                        service_area=a.area))


def open_cycle(c: QaClient, a: argparse.Namespace) -> str:
    body: dict[str, Any] = {"service_area": a.area, "month": a.month}
    if a.deadline:
        body["return_deadline"] = a.deadline
    if a.rules:
        try:
            body["rules"] = json.loads(read(a.rules))
        except json.JSONDecodeError as error:
            raise BadFile(f"{a.rules} is not JSON: {error}") from None
    if a.seed is not None:
        body["seed"] = a.seed
    if a.moderating:
        body["moderating"] = a.moderating
    result = c.post("allocation", "/cycles", body, a.key)
    lines = [f"Opened the {result['month']} cycle for {result['service_area']} "
             f"(returns due {result['return_deadline']}).",
             f"cycle id: {result['cycle_id']}",
             f"auditors in the pool: {result['auditors_in_pool']}; own-team audits "
             f"{result['own_team_audits']}"]
    if result.get("seed") is not None:
        lines.append(f"drew {len(result['drawn'])} cases with seed {result['seed']}")
        lines += [f"  short: {s['what']} wanted {s['wanted']}, found {s['found']}"
                  for s in result["shortfalls"]]
    return "\n".join(lines)


def run_allocation(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("allocation", f"/cycles/{a.area}/{a.month}/allocation", {}, a.key)
    lines = [f"Allocated {len(result['allocated'])} cases."]
    lines += [f"  {x['child_ref']} ({x['case_team']}) -> {x['auditor_id']} "
              f"({x['auditor_team']}), {x['selection']}" for x in result["allocated"]]
    if result["resting"]:
        lines.append("Part-time month off: " + ", ".join(result["resting"]))
    lines += [f"Not allocated: case {u['case_id']}: {u['reason']}" for u in result["unplaced"]]
    return "\n".join(lines)


def allocate(c: QaClient, a: argparse.Namespace) -> str:
    body = {"service_area": a.area, "month": a.month, "case_id": a.case,
            "auditor_id": a.auditor}
    if a.reason:
        body["reason"] = a.reason
    result = c.post("allocation", "/allocations", body, a.key)
    return f"Allocated child {result['child_ref']} ({result['case_team']}) to " \
           f"{result['auditor_id']} ({result['auditor_team']}) for {result['month']}.\n" \
           f"allocation id: {result['allocation_id']}"


def reallocate(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("allocation", f"/allocations/{a.allocation_id}/reallocation",
                    {"service_area": a.area, "auditor_id": a.auditor, "reason": a.reason},
                    a.key)
    return f"Reallocated {result['allocation_id']} from {result['from_auditor_id']} to " \
           f"{result['auditor_id']} ({result['reason']})."


def _exemption(result: dict[str, Any]) -> str:
    by = f" by {result['authorised_by']}" if result.get("authorised_by") else ""
    kind = "non-operational" if result["non_operational"] else "operational"
    return f"Exemption {result['exemption_id']}: {result['person_id']} in {result['month']}, " \
           f"{result['kind']} ({kind}): {result['status']}{by}."


def exempt(c: QaClient, a: argparse.Namespace) -> str:
    body = {"service_area": a.area, "month": a.month, "person_id": a.person_id,
            "kind": a.kind}
    if a.note:
        body["note"] = a.note
    return _exemption(c.post("allocation", "/exemptions", body, a.key))


def authorise_exemption(c: QaClient, a: argparse.Namespace) -> str:
    return _exemption(c.post("allocation", f"/exemptions/{a.exemption_id}/authorisation",
                             {"service_area": a.area}, a.key))


def refuse_exemption(c: QaClient, a: argparse.Namespace) -> str:
    return _exemption(c.post("allocation", f"/exemptions/{a.exemption_id}/refusal",
                             {"service_area": a.area}, a.key))


def close_cycle(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("allocation", f"/cycles/{a.area}/{a.month}/close", {}, a.key)
    if not result["closed_now"]:
        return f"The {a.month} cycle was already closed; nothing changed."
    return f"Closed the {a.month} cycle: {result['nil_returns_recorded']} nil returns recorded."


def figures(c: QaClient, a: argparse.Namespace) -> str:
    f = c.get("allocation", f"/cycles/{a.area}/{a.month}/figures")
    state = "closed" if f["closed"] else "open"
    rows = [("auditors in the pool", f["auditors_in_pool"]),
            ("non-operational exemptions", f["non_operational_exemptions"]),
            ("operational exemptions", f["operational_exemptions"]),
            ("allocated", f["allocated"]), ("completed", f["completed"]),
            ("late returns", f["late_returns"]), ("nil returns", f["nil_returns"]),
            ("completed to standard", f["completed_to_standard"]),
            ("completion less non-operational", f["completion_rate_net_of_non_operational"]),
            ("overall completion", f["overall_completion_rate"])]
    return f"{a.month} ({state}), {a.area}\n" + "\n".join(
        f"{name:<34}{value}" for name, value in rows)


def pool(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("allocation", "/pool", service_area=a.area, as_at=a.month)
    return table(rows, ["person_id", "role", "team", "working_pattern", "auditor_since",
                        "moderator_since", "leaving_on"])


def exemptions(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("allocation", "/exemptions", service_area=a.area, month=a.month)
    return table(rows, ["exemption_id", "person_id", "kind", "non_operational", "status",
                        "decided_by"])


def cases(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("allocation", "/cases", service_area=a.area)
    return table(rows, ["case_id", "child_ref", "team", "legal_status", "closed_on", "flags"])
