"""The moderation service's business rules, each written once (see shared/kernel/rules.py):
checked by the domain, and by the request models so a person hears at once, by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from shared.kernel.rules import Rule


class Changed(Protocol):
    @property
    def rationale(self) -> str: ...


class Outcome(Protocol):
    @property
    def outcome(self) -> str: ...

    @property
    def changes(self) -> Mapping[str, Changed]: ...

    @property
    def reasons(self) -> str: ...


class Revision(Protocol):
    @property
    def rationale(self) -> str: ...


CHANGES_NAME_A_GRADE: Rule[Outcome] = Rule(
    field="changes",
    message="grades-changed names at least one changed grade: an element's, or overall",
    holds=lambda m: m.outcome != "grades-changed" or bool(m.changes),
)
CHANGES_ONLY_WHEN_CHANGING: Rule[Outcome] = Rule(
    field="changes",
    message="grades change only with the outcome grades-changed",
    holds=lambda m: m.outcome == "grades-changed" or not m.changes,
)
EACH_CHANGE_HAS_A_RATIONALE: Rule[Outcome] = Rule(
    field="changes",
    message="each changed grade needs a rationale",
    holds=lambda m: all(change.rationale.strip() for change in m.changes.values()),
)
BELOW_STANDARD_SAYS_WHY: Rule[Outcome] = Rule(
    field="reasons",
    message="an audit below the required standard is returned with the reasons",
    holds=lambda m: m.outcome != "below-standard" or bool(m.reasons.strip()),
)
REASONS_ONLY_WHEN_BELOW_STANDARD: Rule[Outcome] = Rule(
    field="reasons",
    message="reasons are given only when returning an audit below the required standard",
    holds=lambda m: m.outcome == "below-standard" or not m.reasons.strip(),
)
OUTCOME_RULES = (CHANGES_NAME_A_GRADE, CHANGES_ONLY_WHEN_CHANGING, EACH_CHANGE_HAS_A_RATIONALE,
                 BELOW_STANDARD_SAYS_WHY, REASONS_ONLY_WHEN_BELOW_STANDARD)

REVISION_HAS_A_RATIONALE: Rule[Revision] = Rule(
    field="rationale",
    message="a category revision needs a rationale",
    holds=lambda r: bool(r.rationale.strip()),
)
