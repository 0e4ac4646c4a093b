"""The tracker's internal events: they stay in its store."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime

from shared.events import service_registry
from shared.events.common import ChildRef, Month, Team
from shared.kernel.contracts import EventContract


class ChildOfConcernTrackingStartedV1(EventContract):
    type_name = "ChildOfConcernTrackingStarted"
    schema_version = 1
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]


class ChildOfConcernTrackingStarted(ChildOfConcernTrackingStartedV1):
    """v2 adds when the audit raised the concern, so "how long on the tracker" counts
    from then, not from whenever the tracker got round to it (lag, replays)."""

    schema_version = 2
    raised_at: AwareDatetime | None = None  # None: recorded by v1, raised time not kept


def upcast_concern_tracking_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "raised_at": None}


INTERNAL: list[type[EventContract]] = [ChildOfConcernTrackingStartedV1,
                                       ChildOfConcernTrackingStarted]
REGISTRY = service_registry(
    *INTERNAL, upcasters={("ChildOfConcernTrackingStarted", 1): upcast_concern_tracking_v1_to_v2})
