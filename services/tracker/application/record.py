"""The one path of the tracker's commands: run the decider on the thing's own stream and
answer with the events recorded."""

from __future__ import annotations

from services.tracker.application.results import ActionUpdate, ConcernUpdate, names
from services.tracker.domain.actions import ACTION
from services.tracker.domain.commands import (
    CheckAction,
    CheckConcern,
    CloseConcern,
    CompleteAction,
    ExtendAction,
    RaiseAction,
    ReassignAction,
    RecordResponse,
    ReopenAction,
    VerifyAction,
)
from services.tracker.domain.concerns import CONCERN
from services.tracker.domain.streams import action_stream, concern_stream
from shared.kit.unit_of_work import UnitOfWork

OnAction = (RaiseAction | CheckAction | CompleteAction | VerifyAction | ReopenAction
            | ExtendAction | ReassignAction)
OnConcern = RecordResponse | CheckConcern | CloseConcern


async def on_action(command: OnAction, unit: UnitOfWork) -> ActionUpdate:
    events = await unit.execute(ACTION, action_stream(command.action_id), command)
    return ActionUpdate(action_id=command.action_id, recorded=names(events))


async def on_concern(command: OnConcern, unit: UnitOfWork) -> ConcernUpdate:
    events = await unit.execute(CONCERN, concern_stream(command.concern_id), command)
    return ConcernUpdate(concern_id=command.concern_id, recorded=names(events))
