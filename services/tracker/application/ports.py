"""How the tracker reaches people: notifications waiting to go, and a sender."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One notification to one addressee: a person by id, or a role's mailbox when the
    directory could not name the person."""

    notification_id: int
    event_id: uuid.UUID
    to_person: str | None
    to_role: str | None
    subject: str
    body: str


class Sender(Protocol):
    async def send(self, message: Message) -> None:
        """Deliver or raise; a raised message is tried again later."""
        ...


class NotificationOutbox(Protocol):
    """Notifications recorded with the events that caused them, waiting to be sent."""

    async def claim(self, limit: int) -> list[Message]:
        """Up to `limit` unsent messages no other sender holds (held for a minute)."""
        ...

    async def sent(self, notification_id: int) -> None: ...

    async def failed(self, notification_id: int, error: str) -> None: ...
