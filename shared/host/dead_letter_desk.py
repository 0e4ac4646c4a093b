"""What an operator does with a service's dead letters: replay one (or every pending one)
through the consumer that set it aside, or discard one with a reason. Each decision is
recorded in the service's own store as an event naming who made it
(shared/kit/dead_letters.py decides; the CommandRunner records).

A replay goes through the consumer's inbox in its own transaction, and what came of it is
recorded in the next: should the process stop between the two, the dead letter is still
pending, and replaying it again finds it `already-applied`, which is harmless."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from functools import partial

from shared.events.operations import MessageDeadLettered
from shared.host.resources import ServiceResources
from shared.kernel.actor import Person, SystemProcess
from shared.kernel.errors import RuleBroken
from shared.kit import dead_letters
from shared.kit.commands import CommandContext
from shared.kit.dead_letters import (
    OPERATIONS_AREA,
    DeadLetterUpdate,
    Discard,
    RecordFailedReplay,
    RecordReplay,
)
from shared.messaging.consumer import EventConsumer, ReplayFailed


class DeadLetterDesk:
    def __init__(self, resources: ServiceResources,
                 consumer_named: Callable[[str], EventConsumer | None]) -> None:
        self._resources = resources
        self._consumer_named = consumer_named

    def _context(self, name: str, actor: Person | SystemProcess,
                 correlation_id: uuid.UUID | None) -> CommandContext:
        return CommandContext(name=name, actor=actor, service_area=OPERATIONS_AREA,
                              correlation_id=correlation_id or uuid.uuid4())

    async def set_aside(self, letter: MessageDeadLettered) -> None:
        """What a consumer calls when it sets a record aside."""
        actor = SystemProcess(name=f"{self._resources.definition.name}-consumers")
        await self._resources.commands.run(
            self._context("SetAsideDeadLetter", actor, None),
            partial(dead_letters.set_aside, letter), DeadLetterUpdate)

    async def replay(self, ident: uuid.UUID, actor: Person,
                     correlation_id: uuid.UUID | None = None) -> DeadLetterUpdate:
        commands = self._resources.commands
        letter = await commands.run(self._context("ReadDeadLetter", actor, correlation_id),
                                    partial(dead_letters.pending_record, ident),
                                    MessageDeadLettered)
        consumer = self._consumer_named(letter.consumer)
        if consumer is None:
            raise RuleBroken(f"consumer {letter.consumer} does not run in this service now; "
                             "discard the dead letter if it no longer applies")
        value = (base64.b64decode(letter.value) if letter.value_encoding == "base64"
                 else letter.value.encode("utf-8"))
        command: RecordReplay | RecordFailedReplay
        try:
            command = RecordReplay(ident, await consumer.replay(value))
        except ReplayFailed as failure:
            command = RecordFailedReplay(ident, failure.reason, failure.error)
        return await commands.run(self._context("ReplayDeadLetter", actor, correlation_id),
                                  partial(dead_letters.record_replay, command),
                                  DeadLetterUpdate)

    async def replay_pending(self, actor: Person, subscription: str | None = None,
                             correlation_id: uuid.UUID | None = None
                             ) -> list[DeadLetterUpdate]:
        """Every pending dead letter (of one subscription), oldest first: within a stream
        the order they were set aside in is the order they happened in."""
        pending = await self._resources.dead_letters.listed("pending", subscription)
        return [await self.replay(row["dead_letter_id"], actor, correlation_id)
                for row in pending]

    async def discard(self, ident: uuid.UUID, reason: str, actor: Person,
                      correlation_id: uuid.UUID | None = None) -> DeadLetterUpdate:
        return await self._resources.commands.run(
            self._context("DiscardDeadLetter", actor, correlation_id),
            partial(dead_letters.discard, Discard(ident, reason)), DeadLetterUpdate)
