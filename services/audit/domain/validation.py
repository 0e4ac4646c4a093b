"""A submission or a draft checked against the tool its audit is pinned to. Every problem
is collected, each at its field, so a person fixes them all in one go (HTTP 422)."""

from __future__ import annotations

from datetime import date

from services.audit.domain.content import Answer, Draft, Submission
from services.audit.domain.rules import ACTION_DUE_IN_REACH, ActionDue
from services.audit.domain.tools import AuditTool, Element, Question, rank
from shared.events.common import Grade
from shared.kernel.errors import FieldError


def check_submission(tool: AuditTool, submission: Submission, *, month: str, today: date,
                     concern_already_raised: bool) -> list[FieldError]:
    errors = _answers(tool, submission.answers) + _grades(tool, submission.element_grades)
    for question in tool.questions:
        if question.mandatory and question.id not in submission.answers:
            errors.append(FieldError(("answers", question.id),
                                     f"mandatory: {question.text}"))
    for element in tool.elements:
        if element.id not in submission.element_grades:
            errors.append(FieldError(("element_grades", element.id),
                                     f"a grade for {element.title} is required"))
    errors += _on_scale(tool, ("overall_grade",), submission.overall_grade)
    errors += _within_caps(tool, submission)
    errors += _concern(submission, concern_already_raised)
    engagement = submission.engagement
    if not engagement.with_social_worker and engagement.not_with_social_worker_because is None:
        errors.append(FieldError(("engagement", "not_with_social_worker_because"),
                                 "say why the audit was not done with the social worker"))
    if engagement.with_social_worker and engagement.not_with_social_worker_because:
        errors.append(FieldError(("engagement", "not_with_social_worker_because"),
                                 "only when the audit was not done with the social worker"))
    for index, action in enumerate(submission.actions):
        if not ACTION_DUE_IN_REACH.holds(ActionDue(action.due_date, month, today)):
            errors.append(FieldError(("actions", index, "due_date"),
                                     ACTION_DUE_IN_REACH.message))
    return errors


def check_draft(tool: AuditTool, draft: Draft) -> list[FieldError]:
    """A draft may leave anything out; what it does say must fit the tool."""
    answers = {k: v for k, v in (draft.answers or {}).items() if v is not None}
    grades = {k: v for k, v in (draft.element_grades or {}).items() if v is not None}
    errors = _answers(tool, answers) + _grades(tool, grades)
    if draft.overall_grade is not None:
        errors += _on_scale(tool, ("overall_grade",), draft.overall_grade)
    return errors


def caps(tool: AuditTool, element_grades: dict[str, Grade]
         ) -> list[tuple[Element, Grade, Grade]]:
    """Each limiting element whose grade caps the overall grade: (element, grade, cap)."""
    found = []
    for element in tool.elements:
        grade = element_grades.get(element.id)
        cap = element.effective_caps.get(grade) if grade is not None else None
        if grade is not None and cap is not None:
            found.append((element, grade, cap))
    return found


def limits_applied(tool: AuditTool, element_grades: dict[str, Grade],
                   overall: Grade) -> list[str]:
    """The limiting elements whose cap is the overall grade: the limit that decided it."""
    return [element.id for element, _, cap in caps(tool, element_grades)
            if rank(cap) == rank(overall)]


def _within_caps(tool: AuditTool, submission: Submission) -> list[FieldError]:
    return [FieldError(("overall_grade",), (
                f"{element.title} is a limiting element: graded {grade.value} there, the "
                f"overall grade can be no better than {cap.value}"))
            for element, grade, cap in caps(tool, submission.element_grades)
            if rank(submission.overall_grade) > rank(cap)]


def _concern(submission: Submission, already_raised: bool) -> list[FieldError]:
    inadequate = submission.overall_grade is Grade.INADEQUATE
    given = submission.child_of_concern is not None
    if inadequate and not given and not already_raised:
        return [FieldError(("child_of_concern",), "an Inadequate overall grade needs the "
                           "Child of Concern decision: category 1 or 2, reason, nature and "
                           "immediacy")]
    if given and not inadequate:
        return [FieldError(("child_of_concern",), "a Child of Concern is decided only on an "
                           "audit graded inadequate overall")]
    if given and already_raised:
        return [FieldError(("child_of_concern",), "this audit's Child of Concern was raised "
                           "already; its category is revised on the tracker, not here")]
    return []


def _answers(tool: AuditTool, answers: dict[str, Answer]) -> list[FieldError]:
    errors = []
    for question_id, answer in answers.items():
        question = tool.question(question_id)
        if question is None:
            errors.append(FieldError(("answers", question_id),
                                     f"{tool.ref} has no question {question_id!r}"))
        elif (problem := _answer_problem(question, answer)) is not None:
            errors.append(FieldError(("answers", question_id), problem))
    return errors


def _answer_problem(question: Question, answer: Answer) -> str | None:
    if question.kind == "yes-no":
        return None if isinstance(answer, bool) else "answer true (yes) or false (no)"
    if isinstance(answer, bool):
        return f"a {question.kind} question is not answered yes or no"
    if question.kind == "choice" and answer not in question.choices:
        return f"one of: {', '.join(question.choices)}"
    if question.kind == "date":
        try:
            date.fromisoformat(answer)
        except ValueError:
            return "a date as YYYY-MM-DD"
    if question.kind == "free-text" and not answer.strip():
        return "text must not be blank"
    return None


def _grades(tool: AuditTool, grades: dict[str, Grade]) -> list[FieldError]:
    errors = []
    for element_id, grade in grades.items():
        if tool.element(element_id) is None:
            errors.append(FieldError(("element_grades", element_id),
                                     f"{tool.ref} has no element {element_id!r}"))
        else:
            errors += _on_scale(tool, ("element_grades", element_id), grade)
    return errors


def _on_scale(tool: AuditTool, loc: tuple[str, ...], grade: Grade) -> list[FieldError]:
    if grade in tool.grades:
        return []
    return [FieldError(loc, f"{tool.ref} grades on the {tool.scale.value} scale: "
                       f"{', '.join(g.value for g in tool.grades)}")]
