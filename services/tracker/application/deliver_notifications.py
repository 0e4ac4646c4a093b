"""One pass of the notifier: send what is waiting, mark each as sent. At least once (a
crash between sending and marking sends that one again), never dropped: a failed send
stays waiting and is tried on a later pass."""

from __future__ import annotations

import logging

from services.tracker.application.ports import NotificationOutbox, Sender

log = logging.getLogger(__name__)


async def deliver_notifications(outbox: NotificationOutbox, sender: Sender,
                                batch: int = 50) -> int:
    """Returns how many messages this pass sent."""
    sent = 0
    for message in await outbox.claim(batch):
        try:
            await sender.send(message)
        except Exception as error:
            log.warning("notification %s (event %s) not sent: %s; tried again later",
                        message.notification_id, message.event_id, type(error).__name__)
            await outbox.failed(message.notification_id, f"{type(error).__name__}: {error}")
            continue
        await outbox.sent(message.notification_id)
        sent += 1
    return sent
