"""Exemptions: one stream per person per month. Non-operational kinds (maternity,
sickness, extended leave, leaving, a part-timer's month off) count once recorded; any
other counts only once a director authorises it; a refused one leaves the person to audit
as allocated, and they may ask again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from services.allocation.domain.commands import DecideExemption, RequestExemption, RestPartTimer
from services.allocation.domain.events import ExemptionRefused, ExemptionRequested
from services.allocation.domain.rules import ONLY_A_DIRECTOR_DECIDES_EXEMPTIONS
from shared.events.allocation import AuditorExempted
from shared.events.vocabulary import ExemptionKind
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import Forbidden, NotFound, RuleBroken


@dataclass(frozen=True)
class Exemption:
    requested: ExemptionRequested | None = None
    exempted: AuditorExempted | None = None
    refused: ExemptionRefused | None = None


def evolve(state: Exemption, event: EventContract) -> Exemption:
    if isinstance(event, ExemptionRequested):  # a new request starts afresh
        return Exemption(requested=event)
    if isinstance(event, AuditorExempted):
        return replace(state, exempted=event)
    if isinstance(event, ExemptionRefused):
        return replace(state, refused=event)
    return state


def counted(requested: ExemptionRequested, authorised_by: str | None) -> AuditorExempted:
    return AuditorExempted(cycle_id=requested.cycle_id, month=requested.month,
                           person_id=requested.person_id, kind=requested.kind,
                           non_operational=requested.non_operational,
                           authorised_by=authorised_by)


def request(command: RequestExemption, state: Exemption) -> Sequence[EventContract]:
    if not command.in_pool:
        raise NotFound(f"{command.person_id} is not in this service area's auditor pool in "
                       f"{command.month}")
    if state.exempted is not None:
        raise RuleBroken(f"{command.person_id} is already exempted in {command.month}")
    if state.requested is not None and state.refused is None:
        raise RuleBroken(f"{command.person_id} already has an exemption for {command.month} "
                         "awaiting a director")
    requested = ExemptionRequested(
        exemption_id=command.exemption_id, cycle_id=command.cycle_id, month=command.month,
        person_id=command.person_id, kind=command.kind,
        non_operational=command.kind.non_operational, note=command.note)
    if requested.non_operational:
        return [requested, counted(requested, None)]
    return [requested]


def decide_exemption(command: DecideExemption, state: Exemption) -> Sequence[EventContract]:
    requested = state.requested
    if requested is None:
        raise NotFound("no exemption was requested for that person and month")
    if not ONLY_A_DIRECTOR_DECIDES_EXEMPTIONS.holds(command):
        raise Forbidden(f"{ONLY_A_DIRECTOR_DECIDES_EXEMPTIONS.message}; "
                        f"{command.by} acts as {command.role}")
    if requested.non_operational:
        raise RuleBroken(f"a {requested.kind.value} exemption is non-operational: it counts "
                         "without a director's authorisation")
    if state.exempted is not None or state.refused is not None:
        raise RuleBroken("this exemption has already been decided")
    if command.authorise:
        return [counted(requested, command.by)]
    return [ExemptionRefused(exemption_id=requested.exemption_id, person_id=requested.person_id,
                             month=requested.month, refused_by=command.by)]


def rest_part_timer(command: RestPartTimer, state: Exemption) -> Sequence[EventContract]:
    if state.exempted is not None:
        return []  # already exempted this month, for whatever reason
    requested = ExemptionRequested(
        exemption_id=command.exemption_id, cycle_id=command.cycle_id, month=command.month,
        person_id=command.person_id, kind=ExemptionKind.PART_TIME_MONTH,
        non_operational=True)
    return [requested, counted(requested, None)]


EXEMPTION: Decider[RequestExemption | DecideExemption | RestPartTimer, Exemption] = Decider(
    "exemption", Exemption(), evolve,
    by_command({RequestExemption: request, DecideExemption: decide_exemption,
                RestPartTimer: rest_part_timer}))
