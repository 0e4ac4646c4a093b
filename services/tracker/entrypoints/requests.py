"""The bodies the tracker's routes accept: refused at the edge, by field, when malformed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.events.common import ChildRef, PersonId, Team
from shared.events.vocabulary import Priority
from shared.http.fields import Text
from shared.kernel.identifiers import Slug


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RaiseActionRequest(Request):
    service_area: Slug
    child_ref: ChildRef
    case_team: Team
    description: Text
    owner_id: PersonId
    due_date: date
    priority: Priority = Priority.MEDIUM


class CompletionRequest(Request):
    evidence: Text
    evidence_link: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class VerificationRequest(Request):
    pass


class ReasonRequest(Request):
    reason: Text


class ExtensionRequest(ReasonRequest):
    due_date: date


class ReassignmentRequest(ReasonRequest):
    owner_id: PersonId


class ResponseRequest(Request):
    response: Text


class ClosureRequest(Request):
    rationale: Text


class TimelineRequest(Request):
    """In the body, not the address: a child's reference is personal data, and addresses
    end up in logs, browser histories and proxies."""

    child_ref: ChildRef
