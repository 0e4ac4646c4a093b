"""Properties of the request models, over generated requests: what is well formed is
accepted and survives a round trip; what breaks a field's form or a rule is refused,
naming that field. The expectations are written from the rules' wording (the issue and
the domain rules), not from the validators' code."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from services.allocation.entrypoints.directory_http import RegisterCaseRequest
from services.allocation.entrypoints.http import AllocateCaseRequest, OpenCycleRequest
from services.audit.domain.content import Submission
from services.moderation.entrypoints.http import ModerateRequest
from shared.events.common import CHILD_REF_PATTERN, TEAM_PATTERN, Grade, LegalStatus
from shared.kernel.identifiers import IDENT_PATTERN, SLUG_PATTERN

# Deterministic in CI: the same examples every run, no example database carried over.
PROPERTY = settings(derandomize=True, database=None, max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Tab, line feed and carriage return belong in text; every other C0 character and DEL
# does not (the issue: "a string with a control character in a free-text field").
CONTROL = [chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]

slugs = st.from_regex(SLUG_PATTERN, fullmatch=True)
teams = st.from_regex(TEAM_PATTERN, fullmatch=True)
people = st.from_regex(IDENT_PATTERN, fullmatch=True)
child_refs = st.from_regex(CHILD_REF_PATTERN, fullmatch=True)
months = st.builds(lambda year, month: f"{year:04d}-{month:02d}",
                   st.integers(2000, 2099), st.integers(1, 12))
# Any character a person may type, tab and line breaks included, and not only ASCII.
typed = st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters=CONTROL)
texts = st.text(typed, min_size=1, max_size=300).filter(lambda text: text.strip() != "")
grades = st.sampled_from(Grade)


def refused_fields(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[Any, ...]]:
    try:
        model.model_validate(data)
    except ValidationError as refused:
        return [tuple(error["loc"]) for error in refused.errors()]
    raise AssertionError(f"{model.__name__} accepted {data!r}")


def round_trips(model: type[BaseModel], data: dict[str, Any]) -> None:
    request = model.model_validate(data)
    again = model.model_validate(request.model_dump(mode="json"))
    assert again == request
    # Nothing sent is dropped or altered on the way in.
    dumped = request.model_dump(mode="json")
    assert {key: dumped[key] for key in data} == data


def last_day(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def first_day(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


# --- well-formed requests are accepted and round-trip --------------------------------


@st.composite
def cycle_openings(draw: st.DrawFn) -> dict[str, Any]:
    month = draw(months)
    data: dict[str, Any] = {"service_area": draw(slugs), "month": month}
    if draw(st.booleans()):
        # The whole allowed window: its month's first day to 92 days after its last.
        latest = last_day(month) + timedelta(days=92)
        deadline = draw(st.dates(first_day(month), latest))
        data["return_deadline"] = deadline.isoformat()
    return data


@PROPERTY
@given(cycle_openings())
def test_any_well_formed_cycle_opening_is_accepted(data: dict[str, Any]) -> None:
    round_trips(OpenCycleRequest, data)


@PROPERTY
@given(st.fixed_dictionaries(
    {"service_area": slugs, "child_ref": child_refs,
     "legal_status": st.sampled_from([status.value for status in LegalStatus]),
     "team": teams},
    optional={"case_id": st.uuids().map(str)}))
def test_any_well_formed_case_registration_is_accepted(data: dict[str, Any]) -> None:
    round_trips(RegisterCaseRequest, data)


@PROPERTY
@given(st.fixed_dictionaries(
    {"service_area": slugs, "month": months, "case_id": st.uuids().map(str),
     "auditor_id": people},
    optional={"allocation_id": st.uuids().map(str)}))
def test_any_well_formed_allocation_is_accepted(data: dict[str, Any]) -> None:
    round_trips(AllocateCaseRequest, data)


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, Any]:
    """The shape of a submission (what the tool asks is checked against the audit's
    pinned tool in the domain: tests/unit/audit)."""
    grade = draw(grades)
    data: dict[str, Any] = {
        "element_grades": {"risk": grade.value}, "overall_grade": grade.value,
        "strengths": draw(texts), "areas_for_development": draw(texts),
        "engagement": {"with_social_worker": True, "not_with_social_worker_because": None,
                       "manager_participated": draw(st.booleans()),
                       "child_contacted": draw(st.booleans()),
                       "parents_or_carers_giving_views": draw(st.integers(0, 20)),
                       "iro_or_cp_chair_views": draw(st.booleans())},
        "actions": [{"description": draw(texts), "owner_id": draw(people),
                     "due_date": draw(st.dates()).isoformat(), "priority": "medium"}],
    }
    if grade is Grade.INADEQUATE and draw(st.booleans()):
        data["child_of_concern"] = {"category": 2, "reason": draw(texts),
                                    "nature": ["drift-and-delay"],
                                    "immediacy": "within-a-week"}
    return data


@PROPERTY
@given(submissions())
def test_any_well_formed_submission_is_accepted(data: dict[str, Any]) -> None:
    round_trips(Submission, data)


@st.composite
def moderations(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        data: dict[str, Any] = {"outcome": "agreed"}
        if draw(st.booleans()):
            data["rationale"] = draw(st.text(typed, max_size=300))
        return data
    element = draw(st.sampled_from(["overall", "risk", "impact"]))
    return {"outcome": "grades-changed",
            "changes": {element: {"grade": draw(grades).value, "rationale": draw(texts)}}}


@PROPERTY
@given(moderations())
def test_any_well_formed_moderation_is_accepted(data: dict[str, Any]) -> None:
    round_trips(ModerateRequest, data)


# --- control characters in free text are refused, naming the field -------------------


@st.composite
def with_a_control_character(draw: st.DrawFn) -> str:
    text = draw(texts)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(CONTROL)) + text[at:]


@PROPERTY
@given(submissions(), with_a_control_character(),
       st.sampled_from(["action", "strengths", "concern"]))
def test_a_control_character_in_submission_text_is_refused_naming_it(
        data: dict[str, Any], text: str, where: str) -> None:
    if where == "action":
        data["actions"][0]["description"] = text
        field: tuple[Any, ...] = ("actions", 0, "description")
    elif where == "strengths":
        data["strengths"] = text
        field = ("strengths",)
    else:
        data["overall_grade"] = Grade.INADEQUATE.value
        data["child_of_concern"] = {"category": 2, "reason": text,
                                    "nature": ["drift-and-delay"],
                                    "immediacy": "within-a-week"}
        field = ("child_of_concern", "reason")
    assert refused_fields(Submission, data) == [field]


@PROPERTY
@given(moderations(), with_a_control_character())
def test_a_control_character_in_a_rationale_is_refused_naming_it(
        data: dict[str, Any], text: str) -> None:
    data["rationale"] = text
    assert refused_fields(ModerateRequest, data) == [("rationale",)]


@PROPERTY
@given(st.text(typed, min_size=1, max_size=50), st.sampled_from(["\t", "\n", "\r\n"]))
def test_tabs_and_line_breaks_are_text(words: str, layout: str) -> None:
    text = f"x{layout}{words}"
    round_trips(ModerateRequest, {"outcome": "agreed", "rationale": text})


# --- months outside 2000-01..2099-12 are refused, naming `month` ---------------------


def outside_the_range(text: str) -> bool:
    year, _, number = text.partition("-")
    return not (year.isdigit() and number.isdigit() and len(year) == 4 and len(number) == 2
                and 2000 <= int(year) <= 2099 and 1 <= int(number) <= 12)


impossible_months = st.one_of(
    st.builds(lambda year, month: f"{year:04d}-{month:02d}",
              st.integers(0, 9999), st.integers(0, 99)),
    st.text(max_size=12),
).filter(outside_the_range)


@PROPERTY
@given(cycle_openings(), impossible_months)
def test_a_cycle_for_a_month_outside_the_century_is_refused(data: dict[str, Any],
                                                            month: str) -> None:
    data["month"] = month
    data.pop("return_deadline", None)
    assert refused_fields(OpenCycleRequest, data) == [("month",)]


@PROPERTY
@given(slugs, impossible_months, st.uuids(), people)
def test_an_allocation_for_a_month_outside_the_century_is_refused(
        area: str, month: str, case: uuid.UUID, auditor: str) -> None:
    data = {"service_area": area, "month": month, "case_id": str(case),
            "auditor_id": auditor}
    assert refused_fields(AllocateCaseRequest, data) == [("month",)]


# --- a return deadline outside [first day of month, last day + 92 days] ---------------


@PROPERTY
@given(months, st.dates())
def test_a_return_deadline_is_accepted_exactly_inside_its_window(month: str,
                                                                 deadline: date) -> None:
    data = {"service_area": "north", "month": month, "return_deadline": deadline.isoformat()}
    inside = first_day(month) <= deadline <= last_day(month) + timedelta(days=92)
    if inside:
        round_trips(OpenCycleRequest, data)
    else:
        assert refused_fields(OpenCycleRequest, data) == [("return_deadline",)]


@PROPERTY
@given(months, st.sampled_from([-1, 0, 92, 93]))
def test_the_deadline_window_edges(month: str, offset: int) -> None:
    # The edges themselves: the day before the month begins and 93 days after it ends are
    # out; the first day and the 92nd day after the last are in.
    deadline = (first_day(month) + timedelta(days=offset) if offset <= 0
                else last_day(month) + timedelta(days=offset))
    data = {"service_area": "north", "month": month, "return_deadline": deadline.isoformat()}
    if offset in {0, 92}:
        round_trips(OpenCycleRequest, data)
    else:
        assert refused_fields(OpenCycleRequest, data) == [("return_deadline",)]


# --- the rules, over every combination ---------------------------------------------


@PROPERTY
@given(st.sampled_from(["agreed", "grades-changed"]), st.none() | grades,
       st.sampled_from(["", " ", "\n\t", "grades were generous"]), st.booleans())
def test_a_grade_change_names_a_grade_and_a_rationale(
        outcome: str, grade: Grade | None, rationale: str, send_changes: bool) -> None:
    """A change names its new grade and says why; agreeing changes nothing."""
    data: dict[str, Any] = {"outcome": outcome}
    change: dict[str, Any] = {"rationale": rationale}
    if grade is not None:
        change["grade"] = grade.value
    if send_changes:
        data["changes"] = {"overall": change}
    refusals: set[tuple[str, ...]] = set()
    # A change itself names a grade and a rationale, whatever the outcome.
    if send_changes and grade is None:
        refusals.add(("changes", "overall", "grade"))
    if send_changes and not rationale.strip():
        refusals.add(("changes", "overall", "rationale"))
    if not refusals and outcome == "agreed" and send_changes:
        refusals.add(("changes",))  # agreeing keeps the submitted grades
    if outcome == "grades-changed" and not send_changes:
        refusals.add(("changes",))
    if refusals:
        assert set(refused_fields(ModerateRequest, data)) == refusals
    else:
        round_trips(ModerateRequest, data)
