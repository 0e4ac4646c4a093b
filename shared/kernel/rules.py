"""Business rules as named objects, written once and checked in two places: by the
domain before it decides, and by request validation so a person is told at once and
by field.

A rule reads its subject structurally (a `Protocol`), so the same rule applies to the
command the domain receives and to the request the HTTP adapter parses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.kernel.errors import RuleBroken

T = TypeVar("T", contravariant=True)


@dataclass(frozen=True)
class Rule(Generic[T]):
    """`field` names what a person must change when the rule does not hold."""

    field: str
    message: str
    holds: Callable[[T], bool]

    def check(self, subject: T) -> None:
        if not self.holds(subject):
            raise RuleBroken(self.message)
