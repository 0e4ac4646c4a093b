from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from shared.kernel.contracts import PersonalData
from shared.kernel.identifiers import PersonId

__all__ = ["REPORTING_SCALE", "ChildRef", "Grade", "LegalStatus", "Month", "PersonId", "Team"]


class Grade(StrEnum):
    """The Ofsted scales the audit tools grade on: Outstanding / Good / Requires
    Improvement / Inadequate, and the pre-2014 scale's Adequate (older tools, e.g.
    Herefordshire 2013), which reports count as Requires Improvement."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires-improvement"
    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"

    @property
    def for_reporting(self) -> Grade:
        """The grade on the reporting scale (Adequate maps to Requires Improvement)."""
        return Grade.REQUIRES_IMPROVEMENT if self is Grade.ADEQUATE else self


# The scale reports show, in order; every grade maps onto it (Grade.for_reporting).
REPORTING_SCALE = (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT,
                   Grade.INADEQUATE)


class LegalStatus(StrEnum):
    """A case's status as the audit saw it (reports group by it, Gloucestershire Fig 4)."""

    CHILD_IN_NEED = "cin"
    CHILD_PROTECTION = "cp"
    CHILD_IN_CARE = "cic"
    CARE_LEAVER = "care-leaver"
    EARLY_HELP = "early-help"
    YOUTH_JUSTICE_COURT_ORDER = "yj-court-order"
    YOUTH_JUSTICE_OUT_OF_COURT = "yj-out-of-court"
    FOSTERING_ASSESSMENT = "fostering-assessment"
    FOSTERING_APPROVED_CARER = "fostering-approved-carer"
    OTHER = "other"


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
CHILD_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{2,40}$"
TEAM_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

Month = Annotated[str, Field(pattern=MONTH_PATTERN)]
# A pseudonymous child reference issued by the case-management extract, never a name,
# case number or date of birth. Pseudonymous is still personal data: it is marked, so
# the partnership feed and retention rules can find it.
ChildRef = Annotated[str, Field(pattern=CHILD_REF_PATTERN), PersonalData()]
Team = Annotated[str, Field(pattern=TEAM_PATTERN)]
