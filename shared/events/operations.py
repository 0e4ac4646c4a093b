"""What every service records about its own operation, in its own store and never on its
topic: the dead letters its consumers set aside, and what a person did about each.

A dead letter is a stream (`deadletter-<id>`, the id derived from the consumer and the
record, so the same record set aside twice is one dead letter). Replaying or discarding
one is a command like any other: the envelope names who did it.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field

from shared.kernel.contracts import EventContract, PersonalData
from shared.kernel.identifiers import StreamId

# Why it failed, as `describe` puts it: meant to hold no value, yet a handler's own error
# text could quote one, so it is treated as personal.
ErrorText = Annotated[str, PersonalData(), Field(max_length=2000)]
ConsumerName = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,249}$")]
TopicName = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,249}$")]
EventTypeName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]{0,127}$")]


class MessageDeadLettered(EventContract):
    """A consumer could not apply a record and set it aside, with why. `value` is the
    record as it came (UTF-8 text, or base64 when it was not text): it may hold personal
    data, as the event it carried did."""

    type_name = "MessageDeadLettered"
    dead_letter_id: uuid.UUID
    consumer: ConsumerName
    subscription: ConsumerName
    source_topic: TopicName
    partition: Annotated[int, Field(ge=0)]
    offset: Annotated[int, Field(ge=0)]
    key: Annotated[str | None, PersonalData()] = None
    value: Annotated[str, PersonalData()]
    value_encoding: Literal["utf-8", "base64"]
    reason: Literal["undecodable", "foreign-tenant", "handler-failed"]
    error: ErrorText
    # From the envelope, when it could be read.
    event_id: uuid.UUID | None = None
    event_type: EventTypeName | None = None
    stream_id: StreamId | None = None


class DeadLetterReplayed(EventContract):
    """Handed to its consumer again, through the consumer's inbox: `applied` (it took
    effect now), `already-applied` (it had, the inbox absorbed it) or `passed-over` (the
    consumer no longer acts on its type)."""

    type_name = "DeadLetterReplayed"
    dead_letter_id: uuid.UUID
    outcome: Literal["applied", "already-applied", "passed-over"]


class DeadLetterReplayFailed(EventContract):
    """Tried again and still not applied; it stays set aside."""

    type_name = "DeadLetterReplayFailed"
    dead_letter_id: uuid.UUID
    reason: Literal["undecodable", "foreign-tenant", "handler-failed"]
    error: ErrorText


class DeadLetterDiscarded(EventContract):
    """A person decided it is not to be applied, and said why."""

    type_name = "DeadLetterDiscarded"
    dead_letter_id: uuid.UUID
    reason: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]


CONTRACTS: list[type[EventContract]] = [MessageDeadLettered, DeadLetterReplayed,
                                        DeadLetterReplayFailed, DeadLetterDiscarded]
