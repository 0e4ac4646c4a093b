"""The moderation request models: what is refused at the edge, naming the field."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from services.moderation.entrypoints.http import ModerateRequest
from services.moderation.entrypoints.oversight_http import CategoryRequest, PolicyRequest
from shared.events.common import Grade


def fields_named(error: ValidationError) -> set[str]:
    return {str(part) for detail in error.errors() for part in detail["loc"]}


def test_an_agreement_needs_only_the_outcome() -> None:
    body = ModerateRequest.model_validate({"outcome": "agreed"})
    assert (body.changes, body.reasons, body.rationale) == ({}, "", "")


def test_grade_changes_name_elements_and_overall_each_with_a_rationale() -> None:
    body = ModerateRequest.model_validate({"outcome": "grades-changed", "changes": {
        "risk": {"grade": "inadequate", "rationale": "no visits"},
        "overall": {"grade": "requires-improvement", "rationale": "drift"}}})
    command = body.command(body_id(), "mod-a", "moderator")
    assert {e: c.grade for e, c in command.changes.items()} == {
        "risk": Grade.INADEQUATE, "overall": Grade.REQUIRES_IMPROVEMENT}


def test_the_earlier_shape_still_changes_the_overall_grade() -> None:
    body = ModerateRequest.model_validate(
        {"outcome": "grade-changed", "moderated_grade": "inadequate", "rationale": "no visits"})
    command = body.command(body_id(), "mod-a", "moderator")
    assert command.outcome == "grades-changed"
    assert command.changes["overall"].grade is Grade.INADEQUATE
    assert command.changes["overall"].rationale == "no visits"


def test_below_standard_carries_the_reasons() -> None:
    body = ModerateRequest.model_validate({"outcome": "below-standard",
                                           "reasons": "No analysis of risk"})
    assert body.command(body_id(), "mod-a", "moderator").reasons == "No analysis of risk"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "grade-changed", "rationale": "no visits"}, "moderated_grade"),
        ({"outcome": "grade-changed", "moderated_grade": None, "rationale": "x"},
         "moderated_grade"),
        ({"outcome": "grade-changed", "moderated_grade": "good"}, "rationale"),
        ({"outcome": "grade-changed", "moderated_grade": "good", "rationale": " "}, "rationale"),
        ({"outcome": "agreed", "moderated_grade": "good"}, "moderated_grade"),
        ({"outcome": "agreed", "rationale": "x" * 4001}, "rationale"),
        ({"outcome": "grade-changed", "moderated_grade": "brilliant", "rationale": "x"},
         "moderated_grade"),
        ({"outcome": "grades-changed"}, "changes"),
        ({"outcome": "grades-changed", "changes": {"risk": {"grade": "brilliant",
                                                           "rationale": "x"}}}, "grade"),
        ({"outcome": "grades-changed", "changes": {"risk": {"grade": "good"}}}, "rationale"),
        ({"outcome": "grades-changed", "changes": {"risk": {"grade": "good",
                                                           "rationale": "  "}}}, "rationale"),
        ({"outcome": "grades-changed", "changes": {"Risk!": {"grade": "good",
                                                            "rationale": "x"}}}, "changes"),
        ({"outcome": "agreed", "changes": {"risk": {"grade": "good", "rationale": "x"}}},
         "changes"),
        ({"outcome": "below-standard"}, "reasons"),
        ({"outcome": "below-standard", "reasons": "  "}, "reasons"),
        ({"outcome": "agreed", "reasons": "x"}, "reasons"),
        ({"outcome": "grades-changed", "changes": {"overall": {
            "grade": "inadequate", "rationale": "x"}}, "child_of_concern": {"category": 3,
                                                                           "reason": "x"}},
         "category"),
        ({"outcome": "overruled"}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "agreed", "grade": "good"}, "grade"),
    ],
)
def test_an_invalid_request_is_refused_naming_the_field(
    payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        ModerateRequest.model_validate(payload)
    assert field in fields_named(refused.value)


@pytest.mark.parametrize(("payload", "field"), [
    ({"random_share": 1.5}, "random_share"),
    ({"random_share": -0.1}, "random_share"),
    ({"random_share": 0.2, "newly_trained_first_n": -1}, "newly_trained_first_n"),
    ({"random_share": 0.2, "seed": -5}, "seed"),
    ({}, "random_share"),
])
def test_a_sampling_policy_out_of_range_is_refused(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PolicyRequest.model_validate(payload)
    assert field in fields_named(refused.value)


@pytest.mark.parametrize(("payload", "field"), [
    ({"category": 2}, "rationale"),
    ({"category": 2, "rationale": " "}, "rationale"),
    ({"category": 3, "rationale": "x"}, "category"),
])
def test_a_category_revision_needs_a_category_and_a_rationale(
    payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        CategoryRequest.model_validate(payload)
    assert field in fields_named(refused.value)


def body_id() -> uuid.UUID:
    return uuid.uuid4()
