"""The monthly report's figures from plain records, worked out by hand.

March 2019, one service area, in the shape of Gloucestershire's report:
- the pool is 75 auditors; 5 non-operational exemptions (3 maternity, 2 sickness) and
  3 others (workload); 60 cases allocated, 58 returned (2 late), 2 nil returns.
  Completion net of non-operational: 58/(75-5) = 58/70 = 82.9% -> "58/70 (83%)";
  overall 58/75 = 77.3% -> "58/75 (77%)".
- grades: the auditors gave 6 outstanding, 30 good, 16 requires improvement, 6 inadequate;
  moderation looked at 10, agreed 8, changed 2 (a good to requires improvement, an
  outstanding to good) and returned none: after moderation 5 / 30 / 17 / 6.
- the tracker at the end of 31 March: 4 actions; one raised 1 Feb due 20 Feb and still
  open (overdue since February), one due 10 March open (overdue), one due 15 April open
  (within timescale), one completed on 5 March. At the end of February: the first was
  open and overdue, the completed one open and due 10 March (within): 2 open, 1 overdue.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.reporting.domain.records import (
    ActionRecord,
    ActionStep,
    AllocationRecord,
    AuditRecord,
    ConcernRecord,
    ConcernStep,
    CycleRecord,
    Exemption,
    Moderation,
    Stage,
)
from services.reporting.domain.report import Records, monthly_report
from shared.events.common import Grade, LegalStatus
from shared.events.vocabulary import Engagement, ExemptionKind, LearningTheme

AREA, MONTH = "north", "2019-03"
GRADED = ([Grade.OUTSTANDING] * 6 + [Grade.GOOD] * 30 + [Grade.REQUIRES_IMPROVEMENT] * 16
          + [Grade.INADEQUATE] * 6)


def cycle() -> CycleRecord:
    kinds = [ExemptionKind.MATERNITY] * 3 + [ExemptionKind.SICKNESS] * 2
    exemptions = {f"p{n}": Exemption(kind=k, non_operational=True) for n, k in enumerate(kinds)}
    exemptions |= {f"w{n}": Exemption(kind=ExemptionKind.WORKLOAD, non_operational=False)
                   for n in range(3)}
    return CycleRecord(subject="cycle:1", service_area=AREA, month=MONTH, opened=True,
                       auditors_in_pool=75, exemptions=exemptions)


def audits() -> list[AuditRecord]:
    found = []
    for n, grade in enumerate(GRADED):
        moderations = []
        if n in (0, 6):  # the first outstanding and the first good: changed
            moderated = Grade.GOOD if n == 0 else Grade.REQUIRES_IMPROVEMENT
            moderations = [Moderation(submission=1, outcome="grades-changed",
                                      original_grade=grade, moderated_grade=moderated,
                                      on=date(2019, 3, 25))]
        elif n in (1, 7, 8, 9, 36, 37, 52, 53):  # eight more, agreed
            moderations = [Moderation(submission=1, outcome="agreed", original_grade=grade,
                                      moderated_grade=grade, on=date(2019, 3, 25))]
        found.append(AuditRecord(
            subject=f"audit:{n}", service_area=AREA, month=MONTH, audit_id=uuid.uuid4(),
            allocation_id=uuid.UUID(int=n), case_id=uuid.uuid4(), submissions=1,
            late=n < 2, submitted_grade=grade, moderations=moderations,
            legal_status=LegalStatus.CHILD_PROTECTION if n % 2 else LegalStatus.CHILD_IN_NEED,
            learning_themes=[LearningTheme.PLANNING] if n < 12 else [],
            engagement=Engagement(with_social_worker=n < 29, manager_participated=n < 58,
                                  child_contacted=False, parents_or_carers_giving_views=0,
                                  iro_or_cp_chair_views=False)))
    return found


def allocations() -> list[AllocationRecord]:
    return [AllocationRecord(subject=f"allocation:{n}", service_area=AREA, month=MONTH,
                             allocation_id=uuid.UUID(int=n), allocated=True,
                             nil_return=n >= 58) for n in range(60)]


def action(n: int, *steps: tuple[date, Stage, date]) -> ActionRecord:
    return ActionRecord(subject=f"action:{n}", service_area=AREA, month=MONTH,
                        action_id=uuid.uuid4(), audit_id=uuid.uuid4(), case_team="east",
                        steps=[ActionStep(on=on, stage=stage, due_date=due)
                               for on, stage, due in steps])


ACTIONS = [
    action(1, (date(2019, 2, 1), "open", date(2019, 2, 20))),
    action(2, (date(2019, 3, 2), "open", date(2019, 3, 10))),
    action(3, (date(2019, 3, 20), "open", date(2019, 4, 15))),
    action(4, (date(2019, 2, 25), "open", date(2019, 3, 10)),
           (date(2019, 3, 5), "completed", date(2019, 3, 10))),
]
CONCERN = ConcernRecord(
    subject="concern:1", service_area=AREA, month=MONTH, concern_id=uuid.uuid4(),
    raised_on=date(2019, 3, 12), raised_category=1,
    steps=[ConcernStep(on=date(2019, 3, 12), category=1, awaiting="head-of-service-response"),
           ConcernStep(on=date(2019, 3, 12), category=1, awaiting="director-sign-off")])


def report() -> dict[str, Any]:
    records = Records(cycles=[cycle()], allocations=allocations(), audits=audits(),
                      actions=ACTIONS, concerns=[CONCERN])
    return monthly_report(records, service_area=AREA, areas=[AREA], month=MONTH,
                          day=date(2019, 3, 31)).model_dump(mode="json")


def test_how_much_audit_activity_with_both_completion_rates() -> None:
    much = report()["how_much"]
    this = much["this_month"]
    assert (this["auditors_in_pool"], this["non_operational_exemptions"],
            this["operational_exemptions"]) == (75, 5, 3)
    assert (this["allocated"], this["completed"], this["nil_returns"],
            this["late_returns"], this["completed_to_standard"]) == (60, 58, 2, 2, 58)
    assert this["completion_net_of_non_operational"]["text"] == "58/70 (83%)"
    assert this["completion_overall"]["text"] == "58/75 (77%)"
    assert much["exemptions_by_kind"]["maternity"] == 3
    assert much["exemptions_by_kind"]["sickness"] == 2
    assert much["exemptions_by_kind"]["workload"] == 3
    # February had no cycle: nothing to compare with.
    assert much["completion_change"]["verdict"] == "not comparable"
    assert [m["period"] for m in much["by_month"]][::11] == ["2018-04", "2019-03"]
    assert much["by_quarter"][-1]["period"] == "Q4 2018-19 (Jan-Mar)"


def test_how_well_after_and_before_moderation() -> None:
    well = report()["how_well"]
    march = well["grades_by_month"][-1]
    assert {g: s["text"] for g, s in march["after_moderation"].items()} == {
        "outstanding": "5/58 (9%)", "good": "30/58 (52%)",
        "requires-improvement": "17/58 (29%)", "inadequate": "6/58 (10%)"}
    assert {g: s["count"] for g, s in march["before_moderation"].items()} == {
        "outstanding": 6, "good": 30, "requires-improvement": 16, "inadequate": 6}
    moderation = well["moderation"]
    assert moderation["moderated"]["text"] == "10/58 (17%)"
    assert (moderation["agreed"], moderation["grades_changed"],
            moderation["below_standard"], moderation["overall_lowered"]) == (8, 2, 0, 2)
    assert moderation["agreement"]["text"] == "8/10 (80%)"
    # The 29 odd-numbered audits are child protection, the 29 even ones child in need.
    assert [(d["group"], d["audits"]) for d in well["by_legal_status"]] == [
        ("cin", 29), ("cp", 29)]


def test_the_tracker_as_at_the_report_day_and_the_previous_month_end() -> None:
    actions = report()["actions"]
    now, then = actions["now"], actions["previous_month_end"]
    assert (now["open"], now["overdue"]["text"], now["within_timescale"]["text"]) == (
        3, "2/3 (67%)", "1/3 (33%)")
    assert now["awaiting_verification"] == 1
    assert (then["day"], then["open"], then["overdue"]["text"]) == ("2019-02-28", 2,
                                                                      "1/2 (50%)")
    assert actions["open_change"] == 1
    assert actions["overdue_by_team"] == {"east": 2}
    concerns = actions["concerns"]
    assert concerns["by_category"] == {"1": 1, "2": 0}
    assert concerns["awaiting"]["director-sign-off"] == 1
    assert concerns["since"] == {"2019-03": 1}
    assert actions["concerns_previous_month_end"]["on_tracker"] == 0


def test_engagement_and_recurring_themes() -> None:
    found = report()
    engaged = found["engagement"]["this_month"]
    assert engaged["with_social_worker"]["text"] == "29/58 (50%)"
    assert engaged["manager_participated"]["text"] == "58/58 (100%)"
    (theme,) = found["impact"]["themes"]
    # Raised in March only: not (yet) recurring, which needs 3 of the last 6 months.
    assert (theme["theme"], theme["this_month"], theme["recurring"]) == ("planning", 12, False)
