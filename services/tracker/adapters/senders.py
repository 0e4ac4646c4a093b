"""Senders of the tracker's notifications: to a file of JSON lines (or the log) by
default, or by SMTP where settings name a mail server."""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from services.tracker.application.ports import Message

log = logging.getLogger(__name__)


def addressee(message: Message) -> str:
    """A person's staff id, or a role's mailbox where the directory named nobody."""
    return message.to_person or f"role:{message.to_role}"


class FileSender:
    """Appends each message as one JSON line to `path`; without a path, logs it."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None

    async def send(self, message: Message) -> None:
        line = json.dumps({
            "notification_id": message.notification_id, "event_id": str(message.event_id),
            "to": addressee(message), "subject": message.subject, "body": message.body,
            "sent_at": datetime.now(tz=UTC).isoformat()})
        if self.path is None:
            log.info("notification to %s: %s", addressee(message), message.subject)
            return
        await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        assert self.path is not None
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "qa-tracker@localhost"
    starttls: bool = False
    # A person's address is <staff id>@<domain>; a role's mailbox <role>@<domain>.
    domain: str = "localhost"
    timeout: float = 10.0


class SmtpSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def address(self, message: Message) -> str:
        local = message.to_person or message.to_role
        return f"{local}@{self.settings.domain}"

    async def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"] = self.settings.sender
        mail["To"] = self.address(message)
        mail["Subject"] = message.subject
        mail["X-QA-Event-Id"] = str(message.event_id)
        mail.set_content(message.body)
        await asyncio.to_thread(self._send, mail)

    def _send(self, mail: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password or "")
            smtp.send_message(mail)
