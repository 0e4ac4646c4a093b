"""The case register and the auditor pool: each entry registered once."""

from __future__ import annotations

from collections.abc import Sequence

from services.allocation.domain.commands import RegisterAuditor, RegisterCase
from shared.contracts import EventContract
from shared.domain import NotFound, RuleBroken
from shared.events.allocation import AuditorRegistered, CaseRegistered


def register_case(history: Sequence[EventContract], command: RegisterCase) -> list[EventContract]:
    if history:
        raise RuleBroken("this case is already registered")
    return [
        CaseRegistered(
            case_id=command.case_id, child_ref=command.child_ref,
            legal_status=command.legal_status, team=command.team,
        )
    ]


def register_auditor(
    history: Sequence[EventContract], command: RegisterAuditor
) -> list[EventContract]:
    if history:
        raise RuleBroken(f"auditor {command.auditor_id} is already registered")
    return [AuditorRegistered(auditor_id=command.auditor_id, team=command.team)]


def registered_case(history: Sequence[EventContract]) -> CaseRegistered:
    for event in history:
        if isinstance(event, CaseRegistered):
            return event
    raise NotFound("no such case is registered")


def registered_auditor(history: Sequence[EventContract]) -> AuditorRegistered:
    for event in history:
        if isinstance(event, AuditorRegistered):
            return event
    raise NotFound("no such auditor is registered")
