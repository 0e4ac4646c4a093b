"""Domain rules enforced on requests, so a person learns of a broken rule at once, by field."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pydantic import ValidationInfo, field_validator

from shared.http.problems import refuse
from shared.kernel.rules import Rule


def enforce(rule: Rule[Any]) -> Any:
    """A pydantic validator on `rule.field` that refuses the request when `rule` does not
    hold, naming that field. Declare the rule's field after the fields it reads, with
    `validate_default=True` if it has a default."""

    def check(cls: type[Any], value: Any, info: ValidationInfo) -> Any:
        subject = SimpleNamespace(**{**info.data, rule.field: value})
        try:
            holds = rule.holds(subject)
        except AttributeError:
            return value  # a field the rule reads failed validation and is reported already
        if not holds:
            raise ValueError(rule.message)
        return value

    return field_validator(rule.field)(check)


def check_at_edge(rule: Rule[Any], subject: Any, loc: tuple[str, ...] | None = None) -> None:
    """For a rule that needs more than the request (the clock, a record): refuse with a
    422 naming the field, as a request validator would."""
    if not rule.holds(subject):
        raise refuse(loc or ("body", rule.field), rule.message)
