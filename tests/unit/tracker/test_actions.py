"""Every state transition of an action, through the kit's harness: tracked from an audit or
raised by hand, completed by its owner with evidence, verified by their manager or
reopened, extended and reassigned with a reason; refusals record nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest

from services.tracker.application import act_on_action
from services.tracker.application.start_tracking import when_action_raised
from services.tracker.domain.commands import (
    CompleteAction,
    ExtendAction,
    RaiseAction,
    ReassignAction,
    ReopenAction,
    VerifyAction,
)
from services.tracker.domain.events import ActionDescribed
from services.tracker.domain.streams import action_stream
from shared.events.tracker import (
    ActionCompleted,
    ActionDueDateExtended,
    ActionReassigned,
    ActionReopened,
    ActionTrackingStarted,
    ActionVerified,
)
from shared.events.vocabulary import Priority
from shared.kernel.actor import Person
from shared.kernel.errors import Forbidden, NotFound, RuleBroken
from shared.kit.scenario import Scenario, UseCase
from tests.unit.tracker.support import (
    ACTION,
    DESCRIBED,
    DIRECTOR,
    DUE,
    HOS,
    MANAGER,
    OWNER,
    RAISED,
    TRACKED,
    spec,
)

TODAY = date(2026, 3, 14)
COMPLETED = ActionCompleted(action_id=ACTION, completed_by=OWNER.person_id,
                            completed_on=TODAY, evidence="Plan reviewed with the family",
                            evidence_link="https://records.example/doc/1")


class Directory:
    """The staff directory: who manages whom."""

    def __init__(self, **managers: str) -> None:
        self.managers = {person.replace("_", "-"): m for person, m in managers.items()}

    async def manager_of(self, person_id: str) -> str | None:
        return self.managers.get(person_id)


DIRECTORY = Directory(tm_owner=MANAGER.person_id)


def tracked(*more: Any) -> Scenario:
    return spec().given(action_stream(ACTION), TRACKED, DESCRIBED, *more)


def oversee(command: Any) -> UseCase:
    return partial(act_on_action.oversee, command, directory=DIRECTORY)


def complete(by: Person = OWNER, evidence: str = "Plan reviewed with the family") -> UseCase:
    return partial(act_on_action.complete, CompleteAction(
        ACTION, by, evidence, "https://records.example/doc/1", TODAY))


async def test_an_action_raised_by_an_audit_is_tracked_once_with_its_description() -> None:
    await spec().when(partial(when_action_raised, RAISED)).then(TRACKED, DESCRIBED)
    await tracked().when(partial(when_action_raised, RAISED)).then()


async def test_an_action_raised_by_hand_has_no_audit_and_says_so() -> None:
    action = uuid.uuid4()
    command = RaiseAction(action, "2026-03", "CR-00999", "east-1", "Chase the health visitor",
                          "tm-owner", DUE, Priority.HIGH, HOS)
    result = await spec().when(partial(act_on_action.raise_by_hand, command)).then(
        ActionTrackingStarted(action_id=action, audit_id=None, month="2026-03",
                              child_ref="CR-00999", case_team="east-1", owner_id="tm-owner",
                              due_date=DUE, priority=Priority.HIGH, source="by-hand"),
        ActionDescribed(action_id=action, description="Chase the health visitor"))
    assert result.recorded == ["ActionTrackingStarted", "ActionDescribed"]


async def test_the_owner_completes_their_action_with_evidence() -> None:
    await tracked().when(complete()).then(COMPLETED)


@pytest.mark.parametrize(
    ("scenario", "use_case", "error", "match"),
    [
        (lambda: tracked(), lambda: complete(by=MANAGER), Forbidden, "only the action's owner"),
        (lambda: spec(), lambda: complete(), NotFound, "no such action"),
        (lambda: tracked(), lambda: complete(evidence="  "), RuleBroken, "evidence"),
        (lambda: tracked(COMPLETED), lambda: complete(), RuleBroken, "already completed"),
    ],
)
async def test_a_completion_is_refused_and_records_nothing(
        scenario: Any, use_case: Any, error: type[Exception], match: str) -> None:
    await scenario().when(use_case()).then_fails(error, match)


@pytest.mark.parametrize("verifier", [MANAGER, HOS, DIRECTOR,
                                      Person(person_id="qa-m", role="qa-manager")])
async def test_the_owners_manager_or_senior_quality_staff_verify_a_completion(
        verifier: Person) -> None:
    await tracked(COMPLETED).when(oversee(VerifyAction(ACTION, verifier, None, TODAY))).then(
        ActionVerified(action_id=ACTION, verified_by=verifier.person_id, verified_on=TODAY))


@pytest.mark.parametrize(
    ("history", "verifier", "error", "match"),
    [
        ((), MANAGER, RuleBroken, "only a completed action"),
        ((COMPLETED,), Person(person_id="tm-other", role="team-manager"), Forbidden,
         "line manager"),
        ((COMPLETED,), Person(person_id="tm-owner", role="head-of-service"), Forbidden,
         "someone other than whoever completed it"),
    ],
)
async def test_a_verification_is_refused_and_records_nothing(
        history: tuple[Any, ...], verifier: Person, error: type[Exception], match: str) -> None:
    await (tracked(*history).when(oversee(VerifyAction(ACTION, verifier, None, TODAY)))
           .then_fails(error, match))


@pytest.mark.parametrize("verified", [False, True])
async def test_a_completed_or_verified_action_is_reopened_with_a_reason(verified: bool) -> None:
    history = (COMPLETED, *([ActionVerified(action_id=ACTION, verified_by="sm-boss",
                                            verified_on=TODAY)] if verified else []))
    await tracked(*history).when(oversee(ReopenAction(ACTION, MANAGER, None, "No plan on file"))
                                 ).then(ActionReopened(action_id=ACTION, reopened_by="sm-boss",
                                                       reason="No plan on file"))


async def test_an_open_action_is_not_reopened() -> None:
    await (tracked().when(oversee(ReopenAction(ACTION, MANAGER, None, "why")))
           .then_fails(RuleBroken, "only a completed or verified action"))


async def test_a_reopened_action_is_completed_again() -> None:
    reopened = ActionReopened(action_id=ACTION, reopened_by="sm-boss", reason="No plan")
    await tracked(COMPLETED, reopened).when(complete()).then(COMPLETED)


def extension(to: date, by: Person = MANAGER) -> UseCase:
    return oversee(ExtendAction(ACTION, by, None, to, "Family on holiday", TODAY))


async def test_a_manager_extends_the_due_date_with_a_reason() -> None:
    later = DUE + timedelta(days=14)
    await tracked().when(extension(later)).then(ActionDueDateExtended(
        action_id=ACTION, from_date=DUE, to_date=later, extended_by="sm-boss",
        reason="Family on holiday"))


@pytest.mark.parametrize(
    ("history", "to", "by", "error", "match"),
    [
        ((), DUE, MANAGER, RuleBroken, "later than 2026-03-31"),
        ((), DUE - timedelta(days=3), MANAGER, RuleBroken, "later than"),
        ((), DUE + timedelta(days=900), MANAGER, RuleBroken, "within two years"),
        ((), DUE + timedelta(days=7), OWNER, Forbidden, "line manager"),
        ((), DUE + timedelta(days=7), Person(person_id="tm-owner", role="head-of-service"),
         Forbidden, "their manager does"),
        ((COMPLETED,), DUE + timedelta(days=7), MANAGER, RuleBroken, "completed action"),
    ],
)
async def test_an_extension_is_refused_and_records_nothing(
        history: tuple[Any, ...], to: date, by: Person, error: type[Exception],
        match: str) -> None:
    await tracked(*history).when(extension(to, by)).then_fails(error, match)


async def test_a_manager_reassigns_an_action_with_a_reason() -> None:
    command = ReassignAction(ACTION, MANAGER, None, "tm-new", "Owner on long-term leave")
    await tracked().when(oversee(command)).then(ActionReassigned(
        action_id=ACTION, from_owner_id="tm-owner", to_owner_id="tm-new",
        reassigned_by="sm-boss", reason="Owner on long-term leave"))
    # The new owner completes it, the old one no longer can.
    reassigned = ActionReassigned(action_id=ACTION, from_owner_id="tm-owner",
                                  to_owner_id="tm-new", reassigned_by="sm-boss", reason="x")
    await tracked(reassigned).when(complete()).then_fails(Forbidden, "tm-new")


async def test_reassigning_to_the_same_owner_is_refused() -> None:
    command = ReassignAction(ACTION, MANAGER, None, "tm-owner", "no change")
    await tracked().when(oversee(command)).then_fails(RuleBroken, "already owned by tm-owner")


async def test_the_manager_is_the_current_owners_manager() -> None:
    """After a reassignment, the new owner's manager verifies, not the old one's."""
    reassigned = ActionReassigned(action_id=ACTION, from_owner_id="tm-owner",
                                  to_owner_id="tm-new", reassigned_by="sm-boss", reason="x")
    done = COMPLETED.model_copy(update={"completed_by": "tm-new"})
    directory = Directory(tm_owner="sm-boss", tm_new="sm-new")
    verify = partial(act_on_action.oversee,
                     VerifyAction(ACTION, Person(person_id="sm-new", role="service-manager"),
                                  None, TODAY), directory=directory)
    await tracked(reassigned, done).when(verify).then(
        ActionVerified(action_id=ACTION, verified_by="sm-new", verified_on=TODAY))
    old = partial(act_on_action.oversee, VerifyAction(ACTION, MANAGER, None, TODAY),
                  directory=directory)
    await tracked(reassigned, done).when(old).then_fails(Forbidden)
