"""HTTP routes for actions: the lists (mine, a team's, an area's), raising one by hand,
and its lifecycle (completion, verification, reopening, extension, reassignment)."""

from __future__ import annotations

import uuid
from functools import partial
from types import SimpleNamespace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from services.tracker.application import act_on_action
from services.tracker.application.queries import ActionFilter, ActionStatus
from services.tracker.application.results import ActionUpdate
from services.tracker.domain.commands import (
    CompleteAction,
    ExtendAction,
    RaiseAction,
    ReassignAction,
    ReopenAction,
    VerifyAction,
)
from services.tracker.domain.rules import DUE_IN_REACH, RAISING_ROLES
from services.tracker.entrypoints.dependencies import DirectoryDep, QueriesDep
from services.tracker.entrypoints.requests import (
    CompletionRequest,
    ExtensionRequest,
    RaiseActionRequest,
    ReasonRequest,
    ReassignmentRequest,
    VerificationRequest,
)
from shared.events.common import Team
from shared.http.conventions import ActorDep, Asking, AskingDep
from shared.http.dependencies import AreasDep, ClockDep, CommandsDep, known_area
from shared.http.problems import problems
from shared.http.validation import check_at_edge
from shared.kernel.clock import london_date, month_of
from shared.kernel.errors import Forbidden, NotFound
from shared.kernel.identifiers import IDENT_PATTERN, SLUG_PATTERN
from shared.kit.unit_of_work import UnitOfWork

router = APIRouter(tags=["actions"])
NO_SUCH_ACTION = "no such action is on the tracker"


@router.get("/actions", responses=problems(404))
async def actions(
    queries: QueriesDep, actor: ActorDep, areas: AreasDep,
    service_area: Annotated[str | None, Query(pattern=SLUG_PATTERN)] = None,
    owner: Annotated[str | None, Query(
        pattern=IDENT_PATTERN, description="`me` for the person asking, or a staff id")] = None,
    team: Annotated[Team | None, Query(description="the case's team")] = None,
    status: ActionStatus | None = None,
) -> list[dict[str, Any]]:
    """Actions on the tracker: mine (`owner=me`), a person's, a team's, a service area's
    (child references: name an actor)."""
    if service_area is not None:
        known_area(areas, service_area)
    owner_id = actor.person_id if owner == "me" else owner
    return await queries.actions(ActionFilter(service_area, owner_id, team, status))


@router.get("/actions/{action_id}", responses=problems(404))
async def action(action_id: uuid.UUID, queries: QueriesDep, actor: ActorDep
                 ) -> dict[str, Any]:
    """One action as it now stands."""
    found = await queries.action(action_id)
    if found is None:
        raise NotFound(NO_SUCH_ACTION)
    return found


@router.post("/actions", status_code=201, responses=problems(403, 409))
async def raise_action(body: RaiseActionRequest, commands: CommandsDep, asked: AskingDep,
                       clock: ClockDep) -> ActionUpdate:
    """Raise an action by hand (not from an audit): quality staff and managers."""
    if asked.actor.role not in RAISING_ROLES:
        raise Forbidden("actions are raised by hand by quality staff and managers ("
                        + ", ".join(sorted(RAISING_ROLES)) + ")")
    now = clock.now()
    check_at_edge(DUE_IN_REACH, SimpleNamespace(due_date=body.due_date, today=london_date(now)))
    command = RaiseAction(
        action_id=uuid.uuid4(), month=month_of(now), child_ref=body.child_ref,
        case_team=body.case_team, description=body.description, owner_id=body.owner_id,
        due_date=body.due_date, priority=body.priority, by=asked.actor)
    context = asked.command("RaiseAction", body.service_area, body)
    return await commands.run(context, partial(act_on_action.raise_by_hand, command),
                              ActionUpdate)


Step = Literal["completion", "verification", "reopening", "extension", "reassignment"]


async def _run(step: Step, action_id: uuid.UUID, body: Any, command: Any,
               queries: QueriesDep, commands: CommandsDep, asked: Asking,
               directory: DirectoryDep) -> ActionUpdate:
    found = await queries.action(action_id)
    if found is None:
        raise NotFound(NO_SUCH_ACTION)
    use_case: Any = (partial(act_on_action.complete, command) if step == "completion"
                     else partial(_oversee, command, directory))
    context = asked.command(f"Action{step.title()}", found["service_area"], body,
                            path={"action_id": action_id})
    result: ActionUpdate = await commands.run(context, use_case, ActionUpdate)
    return result


async def _oversee(command: Any, directory: DirectoryDep, unit: UnitOfWork) -> ActionUpdate:
    return await act_on_action.oversee(command, unit, directory)


Lifecycle = problems(403, 404, 409)


@router.post("/actions/{action_id}/completion", status_code=201, responses=Lifecycle)
async def complete(action_id: uuid.UUID, body: CompletionRequest, queries: QueriesDep,
                   commands: CommandsDep, asked: AskingDep, directory: DirectoryDep,
                   clock: ClockDep) -> ActionUpdate:
    """The owner completes their action, with evidence (text, and optionally a link)."""
    command = CompleteAction(action_id, asked.actor, body.evidence, body.evidence_link,
                             london_date(clock.now()))
    return await _run("completion", action_id, body, command, queries, commands, asked,
                      directory)


@router.post("/actions/{action_id}/verification", status_code=201, responses=Lifecycle)
async def verify(action_id: uuid.UUID, queries: QueriesDep, commands: CommandsDep,
                 asked: AskingDep, directory: DirectoryDep, clock: ClockDep,
                 body: VerificationRequest | None = None) -> ActionUpdate:
    """The owner's line manager (or a head of service, director or quality manager)
    confirms a completion: the action is closed."""
    command = VerifyAction(action_id, asked.actor, None, london_date(clock.now()))
    return await _run("verification", action_id, body or VerificationRequest(), command,
                      queries, commands, asked, directory)


@router.post("/actions/{action_id}/reopening", status_code=201, responses=Lifecycle)
async def reopen(action_id: uuid.UUID, body: ReasonRequest, queries: QueriesDep,
                 commands: CommandsDep, asked: AskingDep, directory: DirectoryDep
                 ) -> ActionUpdate:
    """A completed or verified action is not done after all: open again, with the reason."""
    command = ReopenAction(action_id, asked.actor, None, body.reason)
    return await _run("reopening", action_id, body, command, queries, commands, asked,
                      directory)


@router.post("/actions/{action_id}/extension", status_code=201, responses=Lifecycle)
async def extend(action_id: uuid.UUID, body: ExtensionRequest, queries: QueriesDep,
                 commands: CommandsDep, asked: AskingDep, directory: DirectoryDep,
                 clock: ClockDep) -> ActionUpdate:
    """A later due date, with the reason; the old one stays in the history."""
    today = london_date(clock.now())
    check_at_edge(DUE_IN_REACH, SimpleNamespace(due_date=body.due_date, today=today))
    command = ExtendAction(action_id, asked.actor, None, body.due_date, body.reason, today)
    return await _run("extension", action_id, body, command, queries, commands, asked,
                      directory)


@router.post("/actions/{action_id}/reassignment", status_code=201, responses=Lifecycle)
async def reassign(action_id: uuid.UUID, body: ReassignmentRequest, queries: QueriesDep,
                   commands: CommandsDep, asked: AskingDep, directory: DirectoryDep
                   ) -> ActionUpdate:
    """A new owner, with the reason; the previous owner stays in the history."""
    command = ReassignAction(action_id, asked.actor, None, body.owner_id, body.reason)
    return await _run("reassignment", action_id, body, command, queries, commands, asked,
                      directory)
