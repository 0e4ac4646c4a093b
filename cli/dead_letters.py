"""`qa dead-letters`: the records the services' consumers set aside, and what to do with
each after a fix: list (every service, or one), show one with its record, replay one or
all through the consumer's inbox, or discard one with a reason. Each replay and discard is
recorded by the service as an event naming who did it (--as, --role)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from cli.client import SERVICES, QaClient, ServiceError
from cli.output import BadFile, table

Command = Callable[[QaClient, argparse.Namespace], str]
Register = Callable[[str, Command, str], argparse.ArgumentParser]
COLUMNS = ["service", "dead_letter_id", "subscription", "reason", "event_type", "status",
           "set_aside_at", "error"]
UPDATE_COLUMNS = ["service", "dead_letter_id", "status", "outcome", "error"]


def register(cmd: Register, an_id: Callable[[str], str]) -> None:
    q = cmd("dead-letters", dead_letters,
            "dead letters: list (default), show ID, replay ID or --all, discard ID --reason")
    q.add_argument("action", nargs="?", default="list",
                   choices=["list", "show", "replay", "discard"])
    q.add_argument("dead_letter_id", nargs="?", type=an_id, help="the dead letter's id")
    q.add_argument("--service", choices=SERVICES,
                   help="one service (default: every one; for an id, the one that has it)")
    q.add_argument("--subscription", help="list or replay one subscription's only")
    q.add_argument("--status", choices=["pending", "replayed", "discarded"],
                   help="list only these")
    q.add_argument("--all", action="store_true", help="replay every pending dead letter")
    q.add_argument("--reason", help="why it is discarded (required to discard)")


def dead_letters(c: QaClient, a: argparse.Namespace) -> str:
    services = [a.service] if a.service else list(SERVICES)
    if a.action == "list":
        rows = [{"service": service, **row} for service in services
                for row in c.get(service, "/dead-letters", status=a.status,
                                 subscription=a.subscription)]
        for row in rows:
            row["error"] = str(row["error"])[:80]
        return table(rows, COLUMNS)
    if a.action == "replay" and a.all:
        if a.dead_letter_id:
            raise BadFile("replay either one id or --all, not both")
        updates = [{"service": service, **update} for service in services
                   for update in c.post(service, "/dead-letters/replay",
                                        {"subscription": a.subscription}, a.key)]
        return table(updates, UPDATE_COLUMNS)
    if not a.dead_letter_id:
        raise BadFile(f"{a.action} needs a dead letter's id (from qa dead-letters)")
    service = a.service or _holder(c, a.dead_letter_id)
    path = f"/dead-letters/{a.dead_letter_id}"
    if a.action == "show":
        return json.dumps({"service": service, **c.get(service, path)}, indent=2)
    if a.action == "replay":
        return table([{"service": service, **c.post(service, f"{path}/replay", {}, a.key)}],
                     UPDATE_COLUMNS)
    if not a.reason:
        raise BadFile("discarding needs --reason: say why it is not to be applied")
    return table([{"service": service,
                   **c.post(service, f"{path}/discard", {"reason": a.reason}, a.key)}],
                 UPDATE_COLUMNS)


def _holder(c: QaClient, ident: str) -> str:
    """The service that has this dead letter (ids are unique across them)."""
    for service in SERVICES:
        try:
            found: dict[str, Any] = c.get(service, f"/dead-letters/{ident}")
        except ServiceError as error:
            if error.status == 404:
                continue
            raise
        if found:
            return service
    raise BadFile(f"no service has a dead letter {ident}")
