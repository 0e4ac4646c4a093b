"""Exemptions (non-operational at once, operational once a director authorises), and the
staff directory and case register as records that change."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

import pytest

from services.allocation.application import directory_imports, exemptions
from services.allocation.domain.commands import RecordCase, RecordStaff
from services.allocation.domain.events import (
    REGISTRY,
    AuditorRegistered,
    CaseRecorded,
    CaseRegistered,
    ExemptionRefused,
    ExemptionRequested,
)
from services.allocation.domain.streams import (
    case_stream,
    exemption_id,
    exemption_stream,
    person_stream,
)
from shared.events.allocation import AuditorExempted, StaffMemberRecorded
from shared.events.common import LegalStatus
from shared.events.vocabulary import ExemptionKind, StaffRole, WorkingPattern
from shared.kernel.actor import Person
from shared.kernel.errors import Forbidden, NotFound, RuleBroken
from shared.kit.scenario import Scenario
from tests.unit.allocation.support import (
    AREA,
    CYCLE,
    MONTH,
    NOW,
    TENANT,
    ListDirectory,
    person,
    spec,
)

__all__ = ["spec"]
EXEMPTION = exemption_id(TENANT, "tm-1", MONTH)
POOL = ListDirectory(people=[person("tm-1")])


def requested(kind: ExemptionKind) -> ExemptionRequested:
    return ExemptionRequested(exemption_id=EXEMPTION, cycle_id=CYCLE, month=MONTH,
                              person_id="tm-1", kind=kind, non_operational=kind.non_operational)


def counted(kind: ExemptionKind, by: str | None = None) -> AuditorExempted:
    return AuditorExempted(cycle_id=CYCLE, month=MONTH, person_id="tm-1", kind=kind,
                           non_operational=kind.non_operational, authorised_by=by)


def as_(person_id: str, role: str) -> Scenario:
    return Scenario(REGISTRY, now=NOW, tenant=TENANT, service_area=AREA,
                    actor=Person(person_id=person_id, role=role))


@pytest.mark.parametrize("kind", [ExemptionKind.MATERNITY, ExemptionKind.SICKNESS,
                                  ExemptionKind.EXTENDED_LEAVE, ExemptionKind.LEAVING,
                                  ExemptionKind.PART_TIME_MONTH])
async def test_a_non_operational_exemption_counts_at_once(spec: Scenario,
                                                          kind: ExemptionKind) -> None:
    answer = await spec.when(partial(exemptions.request, "tm-1", MONTH, kind, None, POOL)
                             ).then(requested(kind), counted(kind))
    assert answer.status == "counted"


async def test_an_operational_exemption_counts_once_a_director_authorises_it() -> None:
    asked = requested(ExemptionKind.WORKLOAD)
    answer = await (as_("qa-officer-1", "qa-officer")
                    .when(partial(exemptions.request, "tm-1", MONTH, ExemptionKind.WORKLOAD,
                                  "Covering two teams", POOL))
                    .then(asked.model_copy(update={"note": "Covering two teams"})))
    assert answer.status == "awaiting a director"
    await (as_("tm-boss", "head-of-service").given(exemption_stream(EXEMPTION), asked)
           .when(partial(exemptions.decide, EXEMPTION, True))
           .then_fails(Forbidden, "only a director"))
    director = as_("dir-ops", "director").given(exemption_stream(EXEMPTION), asked)
    await director.when(partial(exemptions.decide, EXEMPTION, True)).then(
        counted(ExemptionKind.WORKLOAD, by="dir-ops"))


async def test_a_refused_exemption_does_not_count_and_may_be_asked_again() -> None:
    asked = requested(ExemptionKind.TRAINING)
    director = as_("dir-ops", "director").given(exemption_stream(EXEMPTION), asked)
    refusal = ExemptionRefused(exemption_id=EXEMPTION, person_id="tm-1", month=MONTH,
                               refused_by="dir-ops")
    await director.when(partial(exemptions.decide, EXEMPTION, False)).then(refusal)
    director.given(exemption_stream(EXEMPTION), refusal)
    await director.when(partial(exemptions.decide, EXEMPTION, True)).then_fails(
        RuleBroken, "already been decided")
    await director.when(partial(exemptions.request, "tm-1", MONTH, ExemptionKind.SICKNESS,
                                None, POOL)).then(requested(ExemptionKind.SICKNESS),
                                                  counted(ExemptionKind.SICKNESS))


async def test_no_exemption_for_someone_outside_the_pool_nor_twice(spec: Scenario) -> None:
    await spec.when(partial(exemptions.request, "stranger", MONTH, ExemptionKind.SICKNESS,
                            None, POOL)).then_fails(NotFound, "stranger is not in")
    spec.given(exemption_stream(EXEMPTION), requested(ExemptionKind.MATERNITY),
               counted(ExemptionKind.MATERNITY))
    await spec.when(partial(exemptions.request, "tm-1", MONTH, ExemptionKind.WORKLOAD, None,
                            POOL)).then_fails(RuleBroken, "already exempted")
    await spec.when(partial(exemptions.decide, uuid.uuid4(), True)).then_fails(
        NotFound, "no exemption")


# --- the directory ---------------------------------------------------------------------

JOINED = date(2026, 1, 5)


def staff(**more: Any) -> RecordStaff:
    facts: dict[str, Any] = {"person_id": "tm-1", "role": StaffRole.TEAM_MANAGER,
                             "team": "west-2", "effective_on": JOINED,
                             "auditor_since": date(2025, 1, 1)}
    return RecordStaff(**{**facts, **more})


def recorded(change: str, **more: object) -> StaffMemberRecorded:
    facts: dict[str, object] = {"person_id": "tm-1", "role": StaffRole.TEAM_MANAGER,
                                "team": "west-2", "effective_on": JOINED,
                                "working_pattern": WorkingPattern.FULL_TIME,
                                "auditor_since": date(2025, 1, 1)}
    return StaffMemberRecorded(change=change, **{**facts, **more})


async def test_each_change_to_a_person_is_its_own_record_in_a_fixed_order(
    spec: Scenario,
) -> None:
    stream = person_stream(TENANT, "tm-1")
    await spec.when(partial(directory_imports.record_staff, [staff()])).then(
        recorded("joined"))
    spec.given(stream, recorded("joined"))
    await spec.when(partial(directory_imports.record_staff, [staff()])).then()  # unchanged
    moved = staff(team="east-1", working_pattern=WorkingPattern.PART_TIME,
                  effective_on=date(2026, 2, 1))
    await spec.when(partial(directory_imports.record_staff, [moved])).then(
        recorded("moved-team", team="east-1", effective_on=date(2026, 2, 1)),
        recorded("working-pattern-changed", team="east-1", effective_on=date(2026, 2, 1),
                 working_pattern=WorkingPattern.PART_TIME))
    # The run recorded them (the harness commits): now they leave, nothing else changing.
    await spec.when(partial(directory_imports.record_staff, [
        replace(moved, left_on=date(2026, 4, 30))])).then(
        recorded("left", team="east-1", working_pattern=WorkingPattern.PART_TIME,
                 effective_on=date(2026, 4, 30)))


async def test_an_auditor_registered_before_the_directory_reads_as_a_trained_auditor(
    spec: Scenario,
) -> None:
    spec.given(person_stream(TENANT, "tm-1"), AuditorRegistered(auditor_id="tm-1", team="x"))
    again = staff(only_if_new=True)
    await spec.when(partial(directory_imports.register_auditor, again)).then_fails(
        RuleBroken, "already in the staff directory")
    await spec.when(partial(directory_imports.record_staff, [staff(team="x")])).then(
        recorded("trained-as-auditor", team="x"))


async def test_a_case_record_changes_say_what_changed(spec: Scenario) -> None:
    case_id = uuid.uuid4()
    first = RecordCase(case_id, "CH-0001", "east-1", LegalStatus.CHILD_IN_NEED, "C-100")
    registered = CaseRecorded(case_id=case_id, changes=["registered"], case_ref="C-100",
                              child_ref="CH-0001", team="east-1",
                              legal_status=LegalStatus.CHILD_IN_NEED)
    await spec.when(partial(directory_imports.record_cases, [first])).then(registered)
    spec.given(case_stream(case_id), registered)
    later = RecordCase(case_id, "CH-0001", "east-1", LegalStatus.CHILD_PROTECTION, "C-100",
                       flags=("neglect",), closed_on=date(2026, 2, 1))
    await spec.when(partial(directory_imports.record_cases, [later])).then(
        registered.model_copy(update={
            "changes": ["status-changed", "flags-changed", "closed"],
            "legal_status": LegalStatus.CHILD_PROTECTION, "flags": ["neglect"],
            "closed_on": date(2026, 2, 1)}))
    await spec.when(partial(directory_imports.record_cases, [RecordCase(
        case_id, "CH-0002", "east-1", LegalStatus.CHILD_IN_NEED, "C-100")])).then_fails(
        RuleBroken, "keeps its child reference")


async def test_a_case_registered_before_the_full_register_is_registered_once(
    spec: Scenario,
) -> None:
    case_id = uuid.uuid4()
    spec.given(case_stream(case_id), CaseRegistered(
        case_id=case_id, child_ref="CH-0001", legal_status=LegalStatus.CHILD_IN_CARE,
        team="south-4"))
    await spec.when(partial(directory_imports.register_case, RecordCase(
        case_id, "CH-0001", "south-4", LegalStatus.CHILD_IN_CARE, only_if_new=True))
    ).then_fails(RuleBroken, "already registered")
