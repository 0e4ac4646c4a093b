"""Which stream each thing lives in. Ids derive from non-personal parts only."""

from __future__ import annotations

import uuid

from shared.kernel.identifiers import derived_id, stream_id


def audit_id(allocation_id: uuid.UUID) -> uuid.UUID:
    # Derived, not random: a redelivered or replayed allocation lands on the same stream,
    # so it can never open a second audit of the same case.
    return derived_id("audit", str(allocation_id))


def audit_stream(audit: uuid.UUID) -> str:
    return stream_id("audit", audit)
