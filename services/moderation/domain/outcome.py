"""Recording a moderation's outcome: who may, and what each outcome records.

Only the audit's assigned moderator records it (or the Head of Quality, who may also take
an audit no moderator could be found for); never its auditor. Changed grades must be on
the audit's scale, for elements the audit graded (or "overall"), each with a rationale.
Events come in the order a consumer can settle on: each GradeChanged (by element id,
overall last), then the Child of
Concern consequences, then AuditModerated, which closes the decision.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.moderation.domain.commands import HEAD_OF_QUALITY, OVERALL, ModerateAudit
from services.moderation.domain.rules import OUTCOME_RULES
from services.moderation.domain.scale import scale_of
from services.moderation.domain.state import Moderation, Submitted
from shared.events.common import Grade
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    ChildOfConcernDecided,
    ConcernReviewRequested,
    GradeChanged,
)
from shared.kernel.contracts import EventContract
from shared.kernel.errors import FieldError, FieldsRefused, Forbidden, NotFound, RuleBroken


class OwnAudit(Forbidden):
    """An auditor tried to moderate their own audit: a matter of authority (HTTP 403),
    not a conflict with the audit's state."""


class NotYours(Forbidden):
    """The audit is assigned to another moderator (or to none yet)."""


def authorise(command: ModerateAudit, state: Moderation) -> Submitted:
    submitted = state.submitted
    if submitted is None:
        raise NotFound("no such audit has reached moderation")
    if command.moderator_id == submitted.auditor_id:
        raise OwnAudit("an auditor never moderates their own audit")
    if not state.in_sample:
        raise RuleBroken("this audit is not in the moderation sample")
    decided = state.decided
    if decided is not None:
        if decided.outcome == "below-standard":
            raise RuleBroken(f"{decided.moderator_id} returned this audit for rework; its "
                             "resubmission comes back to moderation")
        raise RuleBroken(f"this audit was already moderated by {decided.moderator_id}")
    if command.role == HEAD_OF_QUALITY or state.moderator == command.moderator_id:
        return submitted
    if state.moderator is None:
        raise NotYours("this audit is not assigned to a moderator yet (the Head of Quality "
                       "may moderate it, or the QA team assign it)")
    raise NotYours(f"this audit is assigned to {state.moderator}, not to you")


def refused_changes(command: ModerateAudit, submitted: Submitted) -> list[FieldError]:
    """Each changed grade's fault, by field: only the audit's record can tell them."""
    name, scale = scale_of(submitted.audit_tool,
                           [submitted.overall_grade, *submitted.element_grades.values()])
    graded = {**submitted.element_grades, OVERALL: submitted.overall_grade}
    errors: list[FieldError] = []
    for element, change in command.changes.items():
        if element not in graded:
            known = ", ".join([*sorted(submitted.element_grades), OVERALL])
            errors.append(FieldError(("changes", element), "not graded on this audit; it "
                                     f"grades: {known}"))
        elif change.grade not in scale:
            errors.append(FieldError(("changes", element, "grade"), "not on this audit's "
                                     f"scale ({name}): one of "
                                     + ", ".join(g.value for g in scale)))
        elif change.grade == graded[element]:
            errors.append(FieldError(("changes", element, "grade"), "the auditor graded it "
                                     f"{change.grade.value} already: leave it out"))
    new_overall = command.changes.get(OVERALL)
    to_inadequate = new_overall is not None and new_overall.grade is Grade.INADEQUATE \
        and submitted.overall_grade is not Grade.INADEQUATE
    if to_inadequate and command.child_of_concern is None:
        errors.append(FieldError(("child_of_concern",), "an audit changed to inadequate "
                                 "needs the moderator's Child of Concern decision"))
    if not to_inadequate and command.child_of_concern is not None:
        errors.append(FieldError(("child_of_concern",), "decided only when changing the "
                                 "overall grade to inadequate"))
    return errors


def decide_outcome(command: ModerateAudit, state: Moderation) -> list[EventContract]:
    submitted = authorise(command, state)
    for rule in OUTCOME_RULES:
        rule.check(command)
    errors = refused_changes(command, submitted)
    if errors:
        raise FieldsRefused(errors)
    common = {"audit_id": submitted.audit_id, "month": submitted.month,
              "moderator_id": command.moderator_id}
    overall = command.changes.get(OVERALL)
    closing = AuditModerated(
        **common, outcome=command.outcome, original_grade=submitted.overall_grade,
        moderated_grade=overall.grade if overall else submitted.overall_grade,
        changed_elements=ordered(command.changes, submitted), rationale=command.rationale,
        submission=submitted.submission)
    if command.outcome == "below-standard":
        return [AuditReturnedForRework(**common, reasons=command.reasons), closing]
    events: list[EventContract] = []
    graded = {**submitted.element_grades, OVERALL: submitted.overall_grade}
    for element in ordered(command.changes, submitted):
        change = command.changes[element]
        events.append(GradeChanged(**common, element=element, from_grade=graded[element],
                                   to_grade=change.grade, rationale=change.rationale))
    concern = command.child_of_concern
    if overall is not None and concern is not None:
        events.append(ChildOfConcernDecided(
            **common, category=concern.category, reason=concern.reason,
            nature=list(concern.nature), immediacy=concern.immediacy))
    elif overall is not None and submitted.overall_grade is Grade.INADEQUATE:
        events.append(ConcernReviewRequested(**common, from_grade=submitted.overall_grade,
                                             to_grade=overall.grade))
    return [*events, closing]


def ordered(changes: Mapping[str, object], submitted: Submitted) -> list[str]:
    """Changed elements by id, the overall grade last: the same order however the audit's
    grades reached here (canonical JSON sorts an event's keys, so the tool's own order of
    elements does not survive the wire)."""
    return [e for e in [*sorted(submitted.element_grades), OVERALL] if e in changes]
