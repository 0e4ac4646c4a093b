"""The case register and the auditor pool: each entry registered once."""

from __future__ import annotations

from collections.abc import Sequence

from services.allocation.domain.commands import RegisterAuditor, RegisterCase
from services.allocation.domain.events import AuditorRegistered, CaseRegistered
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, keep_only
from shared.kernel.errors import RuleBroken

Case = CaseRegistered | None
Auditor = AuditorRegistered | None


def register_case(command: RegisterCase, state: Case) -> Sequence[EventContract]:
    if state is not None:
        raise RuleBroken("this case is already registered")
    return [CaseRegistered(case_id=command.case_id, child_ref=command.child_ref,
                           legal_status=command.legal_status, team=command.team)]


def register_auditor(command: RegisterAuditor, state: Auditor) -> Sequence[EventContract]:
    if state is not None:
        raise RuleBroken(f"auditor {command.auditor_id} is already registered")
    return [AuditorRegistered(auditor_id=command.auditor_id, team=command.team)]


CASE: Decider[RegisterCase, Case] = Decider(
    "case", None, keep_only(CaseRegistered), register_case)
AUDITOR: Decider[RegisterAuditor, Auditor] = Decider(
    "auditor", None, keep_only(AuditorRegistered), register_auditor)
