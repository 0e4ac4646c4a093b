"""Which stream each tracked thing lives in: the id the audit service (or the tracker, for
an action raised by hand) gave it."""

from __future__ import annotations

import uuid

from shared.kernel.identifiers import stream_id


def action_stream(action_id: uuid.UUID) -> str:
    return stream_id("action", action_id)


def concern_stream(concern_id: uuid.UUID) -> str:
    return stream_id("concern", concern_id)


def audit_concerns_stream(audit_id: uuid.UUID) -> str:
    return stream_id("audit-concerns", audit_id)
