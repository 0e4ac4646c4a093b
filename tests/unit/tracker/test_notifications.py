"""The notification feed: which events reach whom, a pass of the notifier, and the two
senders: JSON lines to a file, and SMTP against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.tracker.adapters.senders import FileSender, SmtpSender, SmtpSettings
from services.tracker.application.deliver_notifications import deliver_notifications
from services.tracker.application.notifications import About, To, notices
from services.tracker.application.ports import Message
from services.tracker.domain.events import ChildOfConcernResponseDue
from shared.events.tracker import ActionEscalated, ActionOverdue, ChildOfConcernEscalated
from shared.infra.ports import free_port

ACTION, CONCERN = uuid.uuid4(), uuid.uuid4()
ABOUT = About(owner_id="tm-owner", case_team="east-1", category=1)


def addressed(event: Any) -> list[To]:
    return [to for notice in notices(event, ABOUT) for to in notice.to]


def test_an_overdue_action_reaches_its_owner_and_their_manager() -> None:
    event = ActionOverdue(action_id=ACTION, audit_id=None, month="2026-03",
                          owner_id="tm-owner", due_date=date(2026, 3, 31),
                          detected_on=date(2026, 4, 1))
    assert addressed(event) == [To("person", "tm-owner"), To("manager-of", "tm-owner")]
    text = " ".join(n.subject + n.body for n in notices(event, ABOUT))
    assert "CR-" not in text  # never the child's reference


def test_escalations_go_to_the_head_of_service_then_the_director() -> None:
    first = ActionEscalated(action_id=ACTION, level=1, to_role="head-of-service",
                            days_overdue=14, detected_on=date(2026, 4, 22))
    second = first.model_copy(update={"level": 2, "to_role": "director", "days_overdue": 28})
    assert addressed(first)[0] == To("head-of-service-for", "east-1")
    assert addressed(second)[0] == To("role", "director")


def test_a_category_1_reaches_the_head_of_service_and_its_escalation_the_director() -> None:
    due = ChildOfConcernResponseDue(concern_id=CONCERN, since="2026-03-04T10:00:00Z",
                                    due_on=date(2026, 3, 4))
    [notice] = notices(due, ABOUT)
    assert notice.to == (To("head-of-service-for", "east-1"),)
    assert "by the end of 2026-03-04" in notice.body
    escalated = ChildOfConcernEscalated(concern_id=CONCERN, to_role="director",
                                        reason="no-same-day-response",
                                        detected_on=date(2026, 3, 5))
    assert addressed(escalated)[0] == To("role", "director")


def message(number: int = 1) -> Message:
    return Message(notification_id=number, event_id=uuid.uuid4(), to_person="hos-safe",
                   to_role=None, subject="Category 1: respond today", body="Respond by 17:00")


async def test_the_file_sender_writes_one_json_line_per_message(tmp_path: Path) -> None:
    path = tmp_path / "notifications.jsonl"
    sender = FileSender(str(path))
    await sender.send(message(1))
    await sender.send(message(2))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(m["notification_id"], m["to"]) for m in lines] == [(1, "hos-safe"),
                                                               (2, "hos-safe")]


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_the_smtp_sender_delivers_to_a_real_smtp_server(
        smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, sender="qa@council.example",
                                     domain="council.example"))
    sent = message()
    await sender.send(sent)
    await sender.send(Message(2, uuid.uuid4(), None, "director", "Escalated", "No response"))
    [(to, content), (role_to, _)] = inbox.received
    mail = message_from_bytes(content)
    assert to == ["hos-safe@council.example"]
    assert role_to == ["director@council.example"]
    assert (mail["Subject"], mail["From"]) == ("Category 1: respond today", "qa@council.example")
    assert mail["X-QA-Event-Id"] == str(sent.event_id)


async def test_an_unreachable_mail_server_leaves_the_message_waiting() -> None:
    class Outbox:
        def __init__(self) -> None:
            self.waiting = [message(1)]
            self.marked: list[str] = []

        async def claim(self, limit: int) -> list[Message]:
            return list(self.waiting)

        async def sent(self, notification_id: int) -> None:
            self.marked.append("sent")

        async def failed(self, notification_id: int, error: str) -> None:
            self.marked.append("failed")

    outbox = Outbox()
    nobody = SmtpSender(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2))
    assert await deliver_notifications(outbox, nobody) == 0
    assert outbox.marked == ["failed"]
    assert await asyncio.wait_for(deliver_notifications(outbox, FileSender(None)), 5) == 1
    assert outbox.marked == ["failed", "sent"]
