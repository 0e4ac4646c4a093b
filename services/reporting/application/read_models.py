"""Rebuilding the read models by replay, blue/green: the idle slot is filled from the
event log while the live slot keeps answering; when the new one has caught up, the two
swap in one transaction and the old one is emptied. Events arriving meanwhile are folded
into both, so the new slot misses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel


class SlotStatus(BaseModel):
    slot: Literal["a", "b"]
    version: int
    state: Literal["live", "building", "idle"]
    started_at: datetime | None = None
    finished_at: datetime | None = None
    subjects_total: int = 0
    subjects_done: int = 0
    events_total: int = 0
    events_done: int = 0


class ReadModelsStatus(BaseModel):
    live_version: int
    slots: list[SlotStatus]
    events_logged: int  # events in reporting's own copy, the source of every rebuild


Progress = Callable[[SlotStatus], None]


class ReadModels(Protocol):
    async def status(self) -> ReadModelsStatus: ...

    async def start_rebuild(self) -> SlotStatus:
        """Claim the idle slot and fill it in the background; RuleBroken while another
        rebuild is under way."""
        ...

    async def rebuild(self, progress: Progress | None = None) -> SlotStatus:
        """The same, waiting for the swap; answers the slot now live."""
        ...
