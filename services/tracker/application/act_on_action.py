"""A manager's oversight of an action (verify, reopen, extend, reassign) needs the owner's
line manager from the staff directory; raising and completing need nothing more than the
action's stream (`record.on_action`)."""

from __future__ import annotations

from dataclasses import replace

from services.tracker.application.queries import StaffDirectory
from services.tracker.application.record import on_action
from services.tracker.application.results import ActionUpdate
from services.tracker.domain.actions import ACTION
from services.tracker.domain.commands import (
    ExtendAction,
    ReassignAction,
    ReopenAction,
    VerifyAction,
)
from services.tracker.domain.streams import action_stream
from shared.kit.unit_of_work import UnitOfWork

raise_by_hand = complete = on_action


async def oversee(command: VerifyAction | ReopenAction | ExtendAction | ReassignAction,
                  unit: UnitOfWork, directory: StaffDirectory) -> ActionUpdate:
    action = await unit.state(ACTION, action_stream(command.action_id))
    manager = await directory.manager_of(action.owner_id) if action.owner_id else None
    return await on_action(replace(command, owners_manager=manager), unit)
