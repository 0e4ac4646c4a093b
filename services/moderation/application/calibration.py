"""Calibration statistics for a service area (and month), grouped as asked: the answer
behind "fewer grades changed after moderation" (see domain/calibration.py for kappa)."""

from __future__ import annotations

from pydantic import BaseModel

from services.moderation.application.queries import ModerationQueries
from services.moderation.domain.calibration import By, Group, Kappa, calibrate, group


class KappaAnswer(BaseModel):
    """Linearly weighted Cohen's kappa with its 95% confidence interval; undefined (with
    the reason) rather than a number when it cannot be computed."""

    pairs: int
    kappa: float | None
    standard_error: float | None
    ci_95: tuple[float, float] | None
    undefined_because: str | None


class GroupAnswer(BaseModel):
    key: str
    decisions: int
    agreed: int
    grades_changed: int
    returned: int
    share_agreed: float | None
    share_grades_changed: float | None
    share_returned: float | None
    grades_compared: int
    changed_up: int
    changed_down: int
    kappa: dict[str, KappaAnswer]


class CalibrationAnswer(BaseModel):
    service_area: str
    month: str | None
    by: By
    all: GroupAnswer
    groups: list[GroupAnswer]


def _kappa(k: Kappa) -> KappaAnswer:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    interval = (round(k.low, 4), round(k.high, 4)) \
        if k.low is not None and k.high is not None else None
    return KappaAnswer(pairs=k.pairs, kappa=r(k.value), standard_error=r(k.standard_error),
                       ci_95=interval, undefined_because=k.undefined_because)


def _answer(g: Group) -> GroupAnswer:
    return GroupAnswer(
        key=g.key, decisions=g.decisions, agreed=g.agreed, grades_changed=g.grades_changed,
        returned=g.returned, share_agreed=g.share(g.agreed),
        share_grades_changed=g.share(g.grades_changed), share_returned=g.share(g.returned),
        grades_compared=g.grades_compared, changed_up=g.changed_up,
        changed_down=g.changed_down, kappa={e: _kappa(k) for e, k in g.kappa.items()})


async def handle(service_area: str, month: str | None, by: By,
                 queries: ModerationQueries) -> CalibrationAnswer:
    decisions = await queries.decisions(service_area, month)
    return CalibrationAnswer(
        service_area=service_area, month=month, by=by, all=_answer(group("all", decisions)),
        groups=[_answer(g) for g in calibrate(decisions, by)] if by != "all" else [])
