"""Which stream each thing lives in. Ids derive from non-personal parts only."""

from __future__ import annotations

import uuid

from shared.kernel.identifiers import derived_id, stream_id


def moderation_stream(audit_id: uuid.UUID) -> str:
    """One audit's moderation: received, sampled or not, assigned, decided, returned."""
    return stream_id("moderation", audit_id)


def pool_stream(service_area: str) -> str:
    """A service area's moderator pool: its staff records and open workloads."""
    return stream_id("moderationpool", derived_id("moderation-pool", service_area))


def policy_stream(service_area: str) -> str:
    return stream_id("samplingpolicy", derived_id("sampling-policy", service_area))


def case_stream(allocation_id: uuid.UUID) -> str:
    return stream_id("moderationcase", allocation_id)


def concern_stream(concern_id: uuid.UUID) -> str:
    return stream_id("concern", concern_id)
