"""The notification feed: which tracker events reach whom, and what they say.

Addressed by role and relationship, resolved against the staff directory when recorded
(`adapters/notifications.py`): the owner, the owner's line manager, the Head of Service of
the case's team, the director. A message names the action or concern by id, with dates
and categories, never the child's reference or anything written about the child: mail
leaves the case-management system, and the reader looks the rest up on the tracker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from services.tracker.domain.events import ChildOfConcernResponseDue
from shared.events import tracker as wire
from shared.kernel.contracts import EventContract


@dataclass(frozen=True)
class To:
    kind: Literal["person", "manager-of", "head-of-service-for", "role"]
    value: str


@dataclass(frozen=True)
class About:
    """What the read model knows of the action or concern an event is about."""

    owner_id: str | None
    case_team: str
    category: int | None = None


@dataclass(frozen=True)
class Notice:
    to: tuple[To, ...]
    subject: str
    body: str


def person(person_id: str) -> To:
    return To("person", person_id)


def owner_and_manager(about: About) -> tuple[To, ...]:
    return (person(about.owner_id), To("manager-of", about.owner_id)) if about.owner_id else ()


def head_of_service(about: About) -> To:
    return To("head-of-service-for", about.case_team)


DIRECTOR = To("role", "director")
LIST = "See it with `qa actions` or GET /actions on the tracker."
CONCERNS = "See it with `qa concerns` or GET /children-of-concern on the tracker."
Compose = Callable[[Any, About], list[Notice]]

COMPOSE: dict[type[EventContract], Compose] = {
    wire.ActionTrackingStarted: lambda e, a: [Notice(
        (person(e.owner_id),), f"New action {e.action_id}, due {e.due_date}",
        f"An action ({e.priority} priority) is yours, due {e.due_date}. {LIST}")],
    wire.ActionOverdue: lambda e, a: [Notice(
        (person(e.owner_id), To("manager-of", e.owner_id)),
        f"Action {e.action_id} is overdue", f"Action {e.action_id}, owned by {e.owner_id}, "
        f"was due {e.due_date} and is not complete. {LIST}")],
    wire.ActionEscalated: lambda e, a: [Notice(
        (DIRECTOR if e.to_role == "director" else head_of_service(a), *owner_and_manager(a)),
        f"Action {e.action_id} escalated to the {e.to_role.replace('-', ' ')}",
        f"Action {e.action_id} is {e.days_overdue} working days overdue (escalation level "
        f"{e.level}). {LIST}")],
    wire.ActionCompleted: lambda e, a: [Notice(
        (To("manager-of", e.completed_by),), f"Action {e.action_id} completed: please verify",
        f"{e.completed_by} completed action {e.action_id} on {e.completed_on} with evidence."
        f" Verify it or reopen it. {LIST}")],
    wire.ActionVerified: lambda e, a: [Notice(
        owner_and_manager(a)[:1], f"Action {e.action_id} verified",
        f"{e.verified_by} verified action {e.action_id} on {e.verified_on}. {LIST}")],
    wire.ActionReopened: lambda e, a: [Notice(
        owner_and_manager(a)[:1], f"Action {e.action_id} reopened",
        f"{e.reopened_by} reopened action {e.action_id}; the reason is on the tracker. {LIST}")],
    wire.ActionDueDateExtended: lambda e, a: [Notice(
        owner_and_manager(a)[:1], f"Action {e.action_id} now due {e.to_date}",
        f"{e.extended_by} moved action {e.action_id} from {e.from_date} to {e.to_date}. {LIST}")],
    wire.ActionReassigned: lambda e, a: [Notice(
        (person(e.to_owner_id), person(e.from_owner_id)), f"Action {e.action_id} reassigned",
        f"{e.reassigned_by} moved action {e.action_id} from {e.from_owner_id} to "
        f"{e.to_owner_id}. {LIST}")],
    ChildOfConcernResponseDue: lambda e, a: [Notice(
        (head_of_service(a),), f"Category 1 Child of Concern {e.concern_id}: respond today",
        f"A Category 1 Child of Concern (immediate risk of significant harm) needs your "
        f"response by the end of {e.due_on}; without one it goes to the director. {CONCERNS}")],
    wire.ChildOfConcernEscalated: lambda e, a: [Notice(
        (DIRECTOR, head_of_service(a)), f"Category 1 {e.concern_id}: no same-day response",
        f"No Head of Service response was recorded for Category 1 Child of Concern "
        f"{e.concern_id} by the end of its working day: it is escalated to the director. "
        f"{CONCERNS}")],
    wire.ChildOfConcernResponseRecorded: lambda e, a: [Notice(
        (DIRECTOR,), f"Child of Concern {e.concern_id}: response recorded",
        f"{e.responded_by} ({e.role}) responded on {e.responded_on}"
        f"{'' if e.within_same_working_day else ', after the same working day'}. {CONCERNS}")]
    if a.category == 1 else [],
    wire.ChildOfConcernUnderReview: lambda e, a: [Notice(
        (head_of_service(a), To("role", "head-of-quality")),
        f"Child of Concern {e.concern_id} is up for review",
        f"The audit that raised it was moderated away from Inadequate: decide whether the "
        f"child stays on the tracker. {CONCERNS}")],
    wire.ChildOfConcernCategoryApplied: lambda e, a: [Notice(
        (head_of_service(a),), f"Child of Concern {e.concern_id} is now Category "
        f"{e.to_category}", f"Its category was revised from {e.from_category} to "
        f"{e.to_category}. {CONCERNS}")],
    wire.ChildOfConcernClosed: lambda e, a: [Notice(
        (head_of_service(a),), f"Child of Concern {e.concern_id} closed",
        f"Signed off by {e.signed_off_by} ({e.role}) on {e.closed_on}. {CONCERNS}")],
}


def notices(event: EventContract, about: About) -> list[Notice]:
    compose = COMPOSE.get(type(event))
    return [] if compose is None else [n for n in compose(event, about) if n.to]
