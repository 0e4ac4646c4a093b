"""The monthly QA report, computed from read-model records (pure): Gloucestershire's
five questions, each figure a count with its share and, month on month, a change only
where the 95% intervals say so (domain/intervals.py).

1. How much did we do? The pool, exemptions by kind, allocated, completed, nil and late
   returns, completion net of non-operational exemptions (completed / (pool -
   non-operational): "58/70 (83%)") and overall (completed / pool), completed to
   standard; by month over the year and by quarter (Fig 1).
2. How well are we doing? Grades after moderation by month, counts and shares, with the
   auditors' own grades beside them (Figs 2-3); by legal status as the audit saw it
   (Fig 4); the practice profile by element (Fig 5); moderation outcomes and agreement.
3. What action have we taken? The whole tracker as at the report day: actions open,
   within timescale, overdue, and the change since the previous month end; Children of
   Concern by category, since when, and the decision awaited.
4. How well are we engaging social workers and managers? The month's audits with the
   social worker, with the manager, children contacted, parents' and carers' views, IRO
   or CP chair views.
5. What is the impact? Cases audited again and how their grade moved; learning themes
   that keep recurring, with counts.

Every audit completed in a month counts in its grades, including one returned below
standard (Gloucestershire counts it: "the audit that was not uploaded ... was included").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from services.reporting.domain.intervals import Change, Share
from services.reporting.domain.months import previous_month_end, quarter, shift, window
from services.reporting.domain.records import (
    ActionRecord,
    AllocationRecord,
    AuditRecord,
    ConcernRecord,
    CycleRecord,
    StaffRecord,
)
from shared.events.common import REPORTING_SCALE, Grade
from shared.events.vocabulary import ExemptionKind
from shared.kernel.clock import first_day_of, last_day_of

GRADES = [grade.value for grade in REPORTING_SCALE]
# Bradford's nine elements, in the tool's order; other tools' elements follow by name.
ELEMENT_ORDER = ["risk", "assessment", "plans-and-reviews", "voice-of-the-child",
                 "family-engagement", "partner-collaboration", "management-oversight",
                 "case-records", "impact"]
RECURRING_MONTHS = 3  # a theme raised in at least 3 of the last 6 months recurs


class Figures(BaseModel):
    model_config = ConfigDict(frozen=True)


@dataclass(frozen=True)
class Records:
    """What the read models hold for the areas a report covers."""

    cycles: Sequence[CycleRecord] = ()
    allocations: Sequence[AllocationRecord] = ()
    audits: Sequence[AuditRecord] = ()
    actions: Sequence[ActionRecord] = ()
    concerns: Sequence[ConcernRecord] = ()
    staff: Sequence[StaffRecord] = ()

    def knows(self, month: str) -> bool:
        """Anything at all of that month: its cycle opened, or an allocation seen."""
        return any(r.month == month for r in (*self.cycles, *self.allocations, *self.audits))


# --- 1. How much did we do? ---------------------------------------------------------------

class Activity(Figures):
    period: str
    auditors_in_pool: int | None
    moderators_in_pool: int | None = None
    non_operational_exemptions: int
    operational_exemptions: int
    allocated: int
    completed: int
    nil_returns: int
    late_returns: int
    completed_to_standard: int
    completion_net_of_non_operational: Share
    completion_overall: Share


class HowMuch(Figures):
    this_month: Activity
    exemptions_by_kind: dict[str, int]
    by_month: list[Activity]
    by_quarter: list[Activity]
    completion_change: Change  # net of non-operational, against last month


def _activity(period: str, cycles: Sequence[CycleRecord],
              allocations: Sequence[AllocationRecord], audits: Sequence[AuditRecord],
              moderators: int | None = None) -> Activity:
    pools = [c.auditors_in_pool for c in cycles if c.opened]
    pool = sum(p for p in pools if p is not None) if pools and None not in pools else None
    exemptions = [e for c in cycles for e in c.exemptions.values()]
    non_operational = sum(e.non_operational for e in exemptions)
    submitted = {a.allocation_id or a.audit_id: a for a in audits if a.submitted}
    allocated = {a.allocation_id for a in allocations if a.allocated} | {
        a.allocation_id for a in submitted.values() if a.allocation_id is not None}
    completed = len(submitted)
    nil = sum(a.nil_return and a.allocation_id not in submitted for a in allocations)
    net = None if pool is None else pool - non_operational
    return Activity(
        period=period, auditors_in_pool=pool, moderators_in_pool=moderators,
        non_operational_exemptions=non_operational,
        operational_exemptions=len(exemptions) - non_operational,
        allocated=len(allocated), completed=completed, nil_returns=nil,
        late_returns=sum(a.late for a in submitted.values()),
        completed_to_standard=sum(a.to_standard for a in submitted.values()),
        completion_net_of_non_operational=Share.of_(completed, net or 0),
        completion_overall=Share.of_(completed, pool or 0))


def _moderators_in_pool(staff: Sequence[StaffRecord], month: str) -> int | None:
    if not staff:
        return None
    end, start = last_day_of(month), first_day_of(month)
    return sum(1 for s in staff if s.moderator_since is not None and s.moderator_since <= end
               and (s.left_on is None or s.left_on >= start))


def how_much(records: Records, month: str) -> HowMuch:
    months = window(month)

    def of(period: str, wanted: set[str], moderators: int | None = None) -> Activity:
        return _activity(period, [c for c in records.cycles if c.month in wanted],
                         [a for a in records.allocations if a.month in wanted],
                         [a for a in records.audits if a.month in wanted], moderators)

    by_month = [of(m, {m}, _moderators_in_pool(records.staff, m)) for m in months]
    quarters: dict[str, set[str]] = {}
    for m in months:
        quarters.setdefault(quarter(m), set()).add(m)
    kinds = Counter(e.kind.value for c in records.cycles if c.month == month
                    for e in c.exemptions.values())
    before = of(shift(month, -1), {shift(month, -1)})
    return HowMuch(
        this_month=by_month[-1],
        exemptions_by_kind={kind.value: kinds.get(kind.value, 0) for kind in ExemptionKind},
        by_month=by_month,
        by_quarter=[of(label, wanted) for label, wanted in quarters.items()],
        completion_change=Change.between(by_month[-1].completion_net_of_non_operational,
                                         before.completion_net_of_non_operational))


# --- 2. How well are we doing? -------------------------------------------------------------

class GradeDistribution(Figures):
    group: str
    audits: int
    grades: dict[str, Share]  # every grade on the reporting scale, in its order


class GradesByMonth(Figures):
    month: str
    completed: int
    after_moderation: dict[str, Share]
    before_moderation: dict[str, Share]


class ModerationMonth(Figures):
    month: str
    completed: int
    moderated: int
    agreed: Share  # of the audits moderated, those whose first moderation agreed
    grades_changed: Share
    below_standard: Share


class ModerationFigures(Figures):
    sampled: int
    moderated: Share  # of the month's completed audits
    agreed: int
    grades_changed: int
    below_standard: int
    resubmitted: int  # returned, then submitted again
    overall_raised: int
    overall_lowered: int
    element_grades_changed: int
    agreement: Share  # overall grade unchanged at the first moderation, of those moderated
    agreement_change: Change
    by_month: list[ModerationMonth]


class HowWell(Figures):
    grades_by_month: list[GradesByMonth]
    inadequate_change: Change
    good_or_better_change: Change
    by_legal_status: list[GradeDistribution]
    by_team: list[GradeDistribution]
    practice_profile: list[GradeDistribution]  # one per element
    moderation: ModerationFigures


def _grade(value: Grade | None) -> str | None:
    return None if value is None else value.for_reporting.value


def _distribution(group: str, grades: Iterable[str | None]) -> GradeDistribution:
    counted = Counter(g for g in grades if g is not None)
    total = sum(counted.values())
    return GradeDistribution(group=group, audits=total,
                             grades={g: Share.of_(counted.get(g, 0), total) for g in GRADES})


def _completed(records: Records, month: str) -> list[AuditRecord]:
    return [a for a in records.audits if a.month == month and a.submitted]


def _first_moderation(audit: AuditRecord) -> str | None:
    return audit.moderations[0].outcome if audit.moderations else None


def _moderation_month(month: str, audits: Sequence[AuditRecord]) -> ModerationMonth:
    moderated = [a for a in audits if a.moderations]
    outcomes = Counter(_first_moderation(a) for a in moderated)
    n = len(moderated)
    return ModerationMonth(month=month, completed=len(audits), moderated=n,
                           agreed=Share.of_(outcomes["agreed"], n),
                           grades_changed=Share.of_(outcomes["grades-changed"], n),
                           below_standard=Share.of_(outcomes["below-standard"], n))


def _agreement(audits: Sequence[AuditRecord]) -> Share:
    moderated = [a.moderations[0] for a in audits if a.moderations]
    same = sum(m.original_grade.for_reporting == m.moderated_grade.for_reporting
               for m in moderated)
    return Share.of_(same, len(moderated))


def how_well(records: Records, month: str) -> HowWell:
    months = window(month)
    by_month = []
    for m in months:
        audits = _completed(records, m)
        after = _distribution(m, (_grade(a.final_grade) for a in audits))
        before = _distribution(m, (_grade(a.submitted_grade) for a in audits))
        by_month.append(GradesByMonth(month=m, completed=len(audits),
                                      after_moderation=after.grades,
                                      before_moderation=before.grades))
    now, last = by_month[-1], _distribution("", (_grade(a.final_grade) for a in _completed(
        records, shift(month, -1))))
    audits = _completed(records, month)

    def good_or_better(grades: dict[str, Share], total: int) -> Share:
        return Share.of_(grades["outstanding"].count + grades["good"].count, total)

    elements = sorted({e for a in audits for e in a.final_elements},
                      key=lambda e: (ELEMENT_ORDER.index(e) if e in ELEMENT_ORDER else 99, e))
    statuses = sorted({a.legal_status.value for a in audits if a.legal_status})
    teams = sorted({a.case_team for a in audits if a.case_team})
    moderated = [a for a in audits if a.moderations]
    firsts = Counter(_first_moderation(a) for a in moderated)
    overall_moves = [(GRADES.index(_grade(m.original_grade) or ""),
                      GRADES.index(_grade(m.moderated_grade) or ""))
                     for a in moderated for m in a.moderations]
    previous = _completed(records, shift(month, -1))
    return HowWell(
        grades_by_month=by_month,
        inadequate_change=Change.between(now.after_moderation["inadequate"],
                                         last.grades["inadequate"]),
        good_or_better_change=Change.between(
            good_or_better(now.after_moderation, now.completed),
            good_or_better(last.grades, last.audits)),
        by_legal_status=[_distribution(s, (_grade(a.final_grade) for a in audits
                                           if a.legal_status and a.legal_status.value == s))
                         for s in statuses],
        by_team=[_distribution(t, (_grade(a.final_grade) for a in audits
                                   if a.case_team == t)) for t in teams],
        practice_profile=[_distribution(e, (_grade(a.final_elements.get(e)) for a in audits))
                          for e in elements],
        moderation=ModerationFigures(
            sampled=sum(a.sampled for a in audits),
            moderated=Share.of_(len(moderated), len(audits)),
            agreed=firsts["agreed"], grades_changed=firsts["grades-changed"],
            below_standard=firsts["below-standard"],
            resubmitted=sum(a.submissions > 1 for a in audits),
            # A better grade has a lower index on the scale.
            overall_raised=sum(after < before for before, after in overall_moves),
            overall_lowered=sum(after > before for before, after in overall_moves),
            element_grades_changed=sum(len(m.element_changes) for a in moderated
                                       for m in a.moderations),
            agreement=_agreement(audits),
            agreement_change=Change.between(_agreement(audits), _agreement(previous)),
            by_month=[_moderation_month(m, _completed(records, m)) for m in months]))


# --- 3. What action have we taken? ---------------------------------------------------------

class TrackerDay(Figures):
    day: date
    open: int
    within_timescale: Share
    overdue: Share
    awaiting_verification: int
    verified: int


class ConcernDay(Figures):
    day: date
    on_tracker: int
    by_category: dict[str, int]
    since: dict[str, int]  # month raised -> children still on the tracker
    awaiting: dict[str, int]


class Actions(Figures):
    now: TrackerDay
    previous_month_end: TrackerDay
    open_change: int
    overdue_change: Change
    raised_by_this_months_audits: int
    overdue_by_team: dict[str, int]
    concerns: ConcernDay
    concerns_previous_month_end: ConcernDay
    concerns_raised_this_month: dict[str, int]  # by category as raised


def _tracker_day(actions: Sequence[ActionRecord], day: date) -> TrackerDay:
    stood = [(a, step) for a in actions if (step := a.as_at(day)) is not None]
    open_ = [step for _, step in stood if step.stage == "open"]
    overdue = sum(day > step.due_date for step in open_)
    return TrackerDay(
        day=day, open=len(open_), within_timescale=Share.of_(len(open_) - overdue, len(open_)),
        overdue=Share.of_(overdue, len(open_)),
        awaiting_verification=sum(step.stage == "completed" for _, step in stood),
        verified=sum(step.stage == "verified" for _, step in stood))


def _concern_day(concerns: Sequence[ConcernRecord], day: date) -> ConcernDay:
    on = [(c, step) for c in concerns if (step := c.as_at(day)) is not None
          and step.awaiting is not None]
    since = Counter(c.raised_on.strftime("%Y-%m") for c, _ in on if c.raised_on)
    awaiting = Counter(step.awaiting for _, step in on)
    return ConcernDay(
        day=day, on_tracker=len(on),
        by_category={str(k): sum(step.category == k for _, step in on) for k in (1, 2)},
        since=dict(sorted(since.items())),
        awaiting={d: awaiting.get(d, 0) for d in ("head-of-service-response", "review",
                                                  "director-sign-off",
                                                  "head-of-service-sign-off")})


def actions_taken(records: Records, month: str, day: date) -> Actions:
    before = previous_month_end(day)
    now, then = _tracker_day(records.actions, day), _tracker_day(records.actions, before)
    overdue_teams = Counter(a.case_team or "unknown" for a in records.actions
                            if (s := a.as_at(day)) and s.stage == "open" and day > s.due_date)
    raised = Counter(str(c.raised_category) for c in records.concerns
                     if c.month == month and c.raised_category)
    return Actions(
        now=now, previous_month_end=then, open_change=now.open - then.open,
        overdue_change=Change.between(now.overdue, then.overdue),
        raised_by_this_months_audits=sum(a.audit_id is not None and a.month == month
                                         for a in records.actions),
        overdue_by_team=dict(sorted(overdue_teams.items())),
        concerns=_concern_day(records.concerns, day),
        concerns_previous_month_end=_concern_day(records.concerns, before),
        concerns_raised_this_month={k: raised.get(k, 0) for k in ("1", "2")})


# --- 4. Engagement -------------------------------------------------------------------------

class EngagementFigures(Figures):
    audits: int  # completed audits that recorded engagement
    with_social_worker: Share
    manager_participated: Share
    child_contacted: Share
    parents_or_carers_views: Share  # audits where at least one gave views
    parents_or_carers_giving_views: int  # how many people, all audits together
    iro_or_cp_chair_views: Share


class Engaging(Figures):
    this_month: EngagementFigures
    previous_month: EngagementFigures
    changes: dict[str, Change]


def _engagement(audits: Sequence[AuditRecord]) -> EngagementFigures:
    recorded = [a.engagement for a in audits if a.engagement is not None]
    n = len(recorded)
    return EngagementFigures(
        audits=n,
        with_social_worker=Share.of_(sum(e.with_social_worker for e in recorded), n),
        manager_participated=Share.of_(sum(e.manager_participated for e in recorded), n),
        child_contacted=Share.of_(sum(e.child_contacted for e in recorded), n),
        parents_or_carers_views=Share.of_(
            sum(e.parents_or_carers_giving_views > 0 for e in recorded), n),
        parents_or_carers_giving_views=sum(e.parents_or_carers_giving_views for e in recorded),
        iro_or_cp_chair_views=Share.of_(sum(e.iro_or_cp_chair_views for e in recorded), n))


ENGAGEMENT_SHARES = ("with_social_worker", "manager_participated", "child_contacted",
                     "parents_or_carers_views", "iro_or_cp_chair_views")


def engaging(records: Records, month: str) -> Engaging:
    now = _engagement(_completed(records, month))
    before = _engagement(_completed(records, shift(month, -1)))
    return Engaging(this_month=now, previous_month=before, changes={
        name: Change.between(getattr(now, name), getattr(before, name))
        for name in ENGAGEMENT_SHARES})


# --- 5. Impact -----------------------------------------------------------------------------

class Trajectory(Figures):
    from_grade: str
    to_grade: str
    cases: int


class Theme(Figures):
    theme: str
    this_month: int
    last_3_months: int
    last_12_months: int
    months_raised_of_last_6: int
    recurring: bool


class Impact(Figures):
    re_audited: int  # cases audited this month that had been audited before
    improved: int
    same: int
    declined: int
    trajectories: list[Trajectory]
    themes: list[Theme]


def impact(records: Records, month: str) -> Impact:
    by_case: dict[str, list[AuditRecord]] = {}
    for audit in records.audits:
        if audit.submitted and audit.case_id and audit.month and audit.month <= month:
            by_case.setdefault(str(audit.case_id), []).append(audit)
    moves: Counter[tuple[str, str]] = Counter()
    for audits in by_case.values():
        audits.sort(key=lambda a: (a.month or "", a.submitted_on or date.min))
        latest = audits[-1]
        if latest.month != month or len(audits) < 2:
            continue
        before, after = _grade(audits[-2].final_grade), _grade(latest.final_grade)
        if before and after:
            moves[(before, after)] += 1
    improved = sum(n for (b, a), n in moves.items() if GRADES.index(a) < GRADES.index(b))
    declined = sum(n for (b, a), n in moves.items() if GRADES.index(a) > GRADES.index(b))
    months = window(month)
    per_month = {m: Counter(t.value for a in _completed(records, m) for t in a.learning_themes)
                 for m in months}
    themes = sorted({t for counts in per_month.values() for t in counts})
    rows = []
    for theme in themes:
        raised_in = sum(per_month[m][theme] > 0 for m in months[-6:])
        rows.append(Theme(
            theme=theme, this_month=per_month[month][theme],
            last_3_months=sum(per_month[m][theme] for m in months[-3:]),
            last_12_months=sum(per_month[m][theme] for m in months),
            months_raised_of_last_6=raised_in, recurring=raised_in >= RECURRING_MONTHS))
    rows.sort(key=lambda t: (-t.this_month, -t.last_12_months, t.theme))
    return Impact(
        re_audited=sum(moves.values()), improved=improved, declined=declined,
        same=sum(moves.values()) - improved - declined,
        trajectories=[Trajectory(from_grade=b, to_grade=a, cases=n)
                      for (b, a), n in sorted(moves.items())],
        themes=rows)


# --- The report ----------------------------------------------------------------------------

class MonthlyReport(Figures):
    service_area: str  # an area, or "partnership" for every area of the deployment
    areas: list[str]
    month: str
    report_day: date  # the tracker stands as at the end of this day
    as_at: datetime | None  # None: as reporting knows it now; else what was recorded by then
    months: list[str]
    how_much: HowMuch
    how_well: HowWell
    actions: Actions
    engagement: Engaging
    impact: Impact


def monthly_report(records: Records, *, service_area: str, areas: Sequence[str], month: str,
                   day: date, as_at: datetime | None = None) -> MonthlyReport:
    return MonthlyReport(
        service_area=service_area, areas=sorted(areas), month=month, report_day=day,
        as_at=as_at, months=window(month), how_much=how_much(records, month),
        how_well=how_well(records, month), actions=actions_taken(records, month, day),
        engagement=engaging(records, month), impact=impact(records, month))
