"""Which stream each thing lives in, and the ids an audit derives. Ids derive from
non-personal parts only."""

from __future__ import annotations

import uuid

from shared.kernel.identifiers import derived_id, stream_id


def audit_id(allocation_id: uuid.UUID) -> uuid.UUID:
    # Derived, not random: a redelivered or replayed allocation lands on the same stream,
    # so it can never open a second audit of the same case.
    return derived_id("audit", str(allocation_id))


def audit_stream(audit: uuid.UUID) -> str:
    return stream_id("audit", audit)


def cycle_stream(cycle_id: uuid.UUID) -> str:
    """The audit service's index of one cycle's audits."""
    return stream_id("auditcycle", cycle_id)


# A submission's actions and concern take ids from the audit, the submission's number and
# their place in it: a retried or replayed decision names the same things.
def action_id(audit: uuid.UUID, submission: int, index: int) -> uuid.UUID:
    return derived_id("audit-action", str(audit), str(submission), str(index))


def concern_id(audit: uuid.UUID, submission: int) -> uuid.UUID:
    return derived_id("audit-concern", str(audit), str(submission))


def moderator_concern_id(audit: uuid.UUID, decision_event: uuid.UUID) -> uuid.UUID:
    return derived_id("audit-concern", str(audit), "moderator", str(decision_event))
