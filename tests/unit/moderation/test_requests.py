from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.moderation.entrypoints.http import ModerateRequest
from shared.events.common import Grade


def fields_named(error: ValidationError) -> set[str]:
    return {str(part) for detail in error.errors() for part in detail["loc"]}


def test_an_agreement_needs_only_the_outcome() -> None:
    body = ModerateRequest.model_validate({"outcome": "agreed"})
    assert body.moderated_grade is None
    assert body.rationale == ""


def test_an_agreement_may_carry_a_rationale() -> None:
    body = ModerateRequest.model_validate({"outcome": "agreed", "rationale": "sound"})
    assert body.rationale == "sound"


def test_a_grade_change_with_grade_and_rationale_is_accepted() -> None:
    body = ModerateRequest.model_validate(
        {"outcome": "grade-changed", "moderated_grade": "inadequate", "rationale": "no visits"}
    )
    assert body.moderated_grade is Grade.INADEQUATE


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
    assert field in str(refused.value)
