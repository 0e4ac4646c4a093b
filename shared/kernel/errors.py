"""Errors the domain and the application kit raise; only the HTTP adapter turns them into
status codes (`shared/http/problems.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class RuleBroken(Exception):
    """A command broke a business rule: nothing is recorded (HTTP 409)."""


class Forbidden(Exception):
    """The rules do not let this person do this (HTTP 403), e.g. moderating one's own audit."""


class NotFound(Exception):
    """The command names something that does not exist (HTTP 404)."""


class ConcurrencyError(Exception):
    """The stream moved on since the caller read it: read again, decide again."""


@dataclass(frozen=True)
class FieldError:
    """One field at fault: `loc` is where it is inside the command's body
    (("element_grades", "risk")), `msg` what is expected."""

    loc: tuple[str | int, ...]
    msg: str


class FieldsRefused(Exception):
    """A command's fields break rules only the domain can check, because they need the
    record (e.g. the audit tool an audit is pinned to): nothing is recorded (HTTP 422,
    naming each field, as request validation would)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(".".join(str(part) for part in error.loc) + f": {error.msg}"
                                   for error in self.errors))
