"""The whole tracker's figures as at any date, folded from each action's and each
child's history with the deciders' own `evolve`, so "as at" means exactly what the
tracker knew by the end of that London day (an action completed on the 20th is open as
at the 15th; an extension counts from the day it was granted).

- Actions open: not completed by that day (a completion awaiting verification is counted
  apart); within timescale: open and the day is on or before the due date as it then
  stood; overdue: open and past it. Percentages of the open actions, whole numbers
  rounded half up (as the monthly report does), and the change since the end of the
  previous month (Gloucestershire: "432 ... 142 (33%) within timescale ... 290 (67%)
  overdue, December 63%").
- Children of Concern on the tracker by category (as revised by then), by the month they
  were raised, and by the decision they await.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from services.tracker.domain.actions import ACTION
from services.tracker.domain.concerns import CONCERN, Concern
from shared.kernel.clock import month_of
from shared.kernel.contracts import EventContract


@dataclass(frozen=True)
class Dated:
    """One event of a tracked thing, with the London day it was recorded."""

    subject_id: uuid.UUID
    on: date
    event: EventContract


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage rounded half up; None when there is nothing to divide."""
    return None if whole == 0 else (200 * part + whole) // (2 * whole)


def previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _histories(events: Iterable[Dated], as_at: date) -> dict[uuid.UUID, list[EventContract]]:
    histories: dict[uuid.UUID, list[EventContract]] = {}
    for dated in events:
        if dated.on <= as_at:
            histories.setdefault(dated.subject_id, []).append(dated.event)
    return histories


def action_figures(events: Sequence[Dated], as_at: date) -> dict[str, Any]:
    counts = {"open": 0, "within_timescale": 0, "overdue": 0, "awaiting_verification": 0,
              "verified": 0}
    for history in _histories(events, as_at).values():
        action = ACTION.fold(history)
        if action.started is None:
            continue
        if action.stage == "open":
            counts["open"] += 1
            counts["within_timescale" if as_at <= action.due_date else "overdue"] += 1
        else:
            counts["awaiting_verification" if action.stage == "completed" else "verified"] += 1
    return {**counts,
            "within_timescale_percent": percent(counts["within_timescale"], counts["open"]),
            "overdue_percent": percent(counts["overdue"], counts["open"])}


def _raised_month(concern: Concern) -> str:
    started = concern.started
    assert started is not None
    return month_of(started.raised_at) if started.raised_at is not None else started.month


def concern_figures(events: Sequence[Dated], as_at: date) -> dict[str, Any]:
    by_category = {"1": 0, "2": 0}
    by_month: dict[str, int] = {}
    awaiting: dict[str, int] = {"head-of-service-response": 0, "review": 0,
                                "director-sign-off": 0, "head-of-service-sign-off": 0}
    escalated = 0
    for history in _histories(events, as_at).values():
        concern = CONCERN.fold(history)
        decision = concern.next_decision
        if decision is None:
            continue
        by_category[str(concern.category)] += 1
        month = _raised_month(concern)
        by_month[month] = by_month.get(month, 0) + 1
        awaiting[decision] += 1
        escalated += concern.escalated and concern.response_due is not None
    return {"on_tracker": sum(by_category.values()), "by_category": by_category,
            "by_month_raised": dict(sorted(by_month.items())), "awaiting": awaiting,
            "escalated_to_director": escalated}


def change(now: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, int | None]:
    """Counts as differences, percentages as percentage points."""
    return {key: (None if now[key] is None or before[key] is None else now[key] - before[key])
            for key in now if not isinstance(now[key], dict)}


def figures(actions: Sequence[Dated], concerns: Sequence[Dated], as_at: date
            ) -> dict[str, Any]:
    before = previous_month_end(as_at)
    now_actions, then_actions = action_figures(actions, as_at), action_figures(actions, before)
    now_concerns = concern_figures(concerns, as_at)
    then_concerns = concern_figures(concerns, before)
    return {
        "as_at": as_at.isoformat(), "previous_month_end": before.isoformat(),
        "actions": now_actions, "actions_at_previous_month_end": then_actions,
        "actions_change": change(now_actions, then_actions),
        "children_of_concern": now_concerns,
        "children_of_concern_change": change(now_concerns, then_concerns),
    }

