"""The case register: one stream per case, holding the whole record each time it
changes (imports and registrations both). Legal status, team, worker and flags can
change; the status at allocation travels on CaseAllocated."""

from __future__ import annotations

from collections.abc import Sequence

from services.allocation.domain.commands import RecordCase
from services.allocation.domain.events import CaseChange, CaseRecorded, CaseRegistered
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider
from shared.kernel.errors import RuleBroken

Case = CaseRecorded | None


def evolve(state: Case, event: EventContract) -> Case:
    if isinstance(event, CaseRecorded):
        return event
    if isinstance(event, CaseRegistered):  # registered before the register kept more
        return CaseRecorded(case_id=event.case_id, changes=["registered"],
                            child_ref=event.child_ref, team=event.team,
                            legal_status=event.legal_status)
    return state


def changes_between(old: CaseRecorded, new: CaseRecorded) -> list[CaseChange]:
    found: list[CaseChange] = []
    if old.legal_status != new.legal_status:
        found.append("status-changed")
    if old.team != new.team:
        found.append("moved-team")
    if (old.social_worker_id, old.manager_id) != (new.social_worker_id, new.manager_id):
        found.append("worker-changed")
    if sorted(old.flags) != sorted(new.flags):
        found.append("flags-changed")
    if old.closed_on is None and new.closed_on is not None:
        found.append("closed")
    elif old.closed_on is not None and new.closed_on is None:
        found.append("reopened")
    elif old.closed_on != new.closed_on or old.opened_on != new.opened_on:
        found.append("dates-changed")
    return found


def record(command: RecordCase, state: Case) -> Sequence[EventContract]:
    wanted = CaseRecorded(changes=["registered"], **command.facts())
    if state is None:
        return [wanted]
    if command.only_if_new:
        raise RuleBroken("this case is already registered")
    if state.child_ref != wanted.child_ref:
        raise RuleBroken("a case keeps its child reference; register the other child's "
                         "case under its own case reference")
    if state.case_ref is not None and state.case_ref != wanted.case_ref:
        raise RuleBroken("a case keeps its case reference")
    changes = changes_between(state, wanted)
    return [wanted.model_copy(update={"changes": changes})] if changes else []


CASE: Decider[RecordCase, Case] = Decider("case", None, evolve, record)
