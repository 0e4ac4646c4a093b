"""Which stream each thing lives in. Ids derive from non-personal parts only."""

from __future__ import annotations

import uuid

from shared.kernel.identifiers import derived_id, stream_id


def cycle_id(tenant: str, service_area: str, month: str) -> uuid.UUID:
    return derived_id("cycle", tenant, service_area, month)


def cycle_stream(cycle: uuid.UUID) -> str:
    return stream_id("cycle", cycle)


def allocation_stream(cycle: uuid.UUID, case_id: uuid.UUID) -> str:
    """One stream per case per cycle."""
    return stream_id("allocation", derived_id("allocation", str(cycle), str(case_id)))


def case_stream(case_id: uuid.UUID) -> str:
    return stream_id("case", case_id)


def auditor_stream(tenant: str, auditor_id: str) -> str:
    return stream_id("auditor", derived_id("auditor", tenant, auditor_id))
