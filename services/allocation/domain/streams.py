"""Which stream each thing lives in. Ids derive from non-personal parts only (a case's id
from its case reference is a one-way hash, never the reference itself)."""

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


def case_id_of(tenant: str, case_ref: str) -> uuid.UUID:
    """A case imported by its reference keeps one id across imports."""
    return derived_id("case", tenant, case_ref)


def case_stream(case_id: uuid.UUID) -> str:
    return stream_id("case", case_id)


def person_stream(tenant: str, person_id: str) -> str:
    """One stream per person in the directory (named `auditor-` since the pool began)."""
    return stream_id("auditor", derived_id("auditor", tenant, person_id))


# The name it had before the directory: the same stream.
auditor_stream = person_stream


def exemption_id(tenant: str, person_id: str, month: str) -> uuid.UUID:
    return derived_id("exemption", tenant, person_id, month)


def exemption_stream(exemption: uuid.UUID) -> str:
    """One stream per person per month."""
    return stream_id("exemption", exemption)
