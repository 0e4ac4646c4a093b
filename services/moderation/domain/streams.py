"""Which stream each thing lives in. Ids derive from non-personal parts only."""

from __future__ import annotations

import uuid

from shared.kernel.identifiers import stream_id


def moderation_stream(audit_id: uuid.UUID) -> str:
    return stream_id("moderation", audit_id)
