from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from shared.kernel.contracts import PersonalData
from shared.kernel.identifiers import PersonId

__all__ = ["ChildRef", "Grade", "LegalStatus", "Month", "PersonId", "Team"]


class Grade(StrEnum):
    """The Ofsted scale the audit tools grade on."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires-improvement"
    INADEQUATE = "inadequate"


class LegalStatus(StrEnum):
    CHILD_IN_NEED = "cin"
    CHILD_PROTECTION = "cp"
    CHILD_IN_CARE = "cic"
    CARE_LEAVER = "care-leaver"
    EARLY_HELP = "early-help"
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
