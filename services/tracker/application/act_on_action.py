"""A person's command on one action: raising it by hand, completing it, or a manager's
oversight (verify, reopen, extend, reassign), which needs the owner's line manager from
the staff directory."""

from __future__ import annotations

from dataclasses import replace

from services.tracker.application.queries import StaffDirectory
from services.tracker.application.results import ActionUpdate, names
from services.tracker.domain.actions import ACTION
from services.tracker.domain.commands import (
    CompleteAction,
    ExtendAction,
    RaiseAction,
    ReassignAction,
    ReopenAction,
    VerifyAction,
)
from services.tracker.domain.streams import action_stream
from shared.kit.unit_of_work import UnitOfWork


async def raise_by_hand(command: RaiseAction, unit: UnitOfWork) -> ActionUpdate:
    events = await unit.execute(ACTION, action_stream(command.action_id), command)
    return ActionUpdate(action_id=command.action_id, recorded=names(events))


async def complete(command: CompleteAction, unit: UnitOfWork) -> ActionUpdate:
    events = await unit.execute(ACTION, action_stream(command.action_id), command)
    return ActionUpdate(action_id=command.action_id, recorded=names(events))


async def oversee(command: VerifyAction | ReopenAction | ExtendAction | ReassignAction,
                  unit: UnitOfWork,
                  directory: StaffDirectory) -> ActionUpdate:
    stream = action_stream(command.action_id)
    action = await unit.state(ACTION, stream)
    manager = await directory.manager_of(action.owner_id) if action.owner_id else None
    events = await unit.execute(ACTION, stream, replace(command, owners_manager=manager))
    return ActionUpdate(action_id=command.action_id, recorded=names(events))
