"""What reporting publishes: the partnership feed, a month's aggregate figures for one
service area, for the safeguarding partnership and other downstream consumers.

No personal data: no names, staff ids, case or child references, only counts and whole
percentages. A count from 1 to `suppressed_below - 1` is withheld (null), and so is any
percentage whose count or whole is withheld, so no small group can be told apart. Zero is
shown: it names nobody.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.events.common import Month
from shared.kernel.contracts import EventContract

Count = Annotated[int, Field(ge=0)] | None  # None: withheld as a small number
Percent = Annotated[int, Field(ge=0, le=100)] | None  # None: withheld, or nothing to divide


class PartnershipFigures(EventContract):
    """A service area's monthly QA figures as they stood when published (the envelope's
    service_area and occurred_at); a later one for the same area and month supersedes it."""

    type_name = "PartnershipFigures"
    month: Month
    suppressed_below: Annotated[int, Field(ge=1)]
    auditors_in_pool: Count
    allocated: Count
    completed: Count
    completion_net_of_non_operational_percent: Percent
    completion_overall_percent: Percent
    completed_to_standard: Count
    # On the reporting scale (outstanding, good, requires-improvement, inadequate).
    grades_after_moderation: dict[str, Count]
    actions_open: Count
    actions_overdue: Count
    actions_overdue_percent: Percent
    children_of_concern_category_1: Count
    children_of_concern_category_2: Count


CONTRACTS: list[type[EventContract]] = [PartnershipFigures]
