"""Every transition of a Child of Concern through the kit's harness: tracked from an audit
(or a moderation decision), a Category 1's same-working-day response or its escalation to
the director, category revisions applied and kept, review rather than silent closure,
and sign-off by the right role. (Longer than most modules: one file for every transition
of one decider, so a reader finds them together.)"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest

from services.tracker.application import decide_on_concern
from services.tracker.application.start_tracking import (
    when_category_revised,
    when_child_of_concern_raised,
    when_review_requested,
)
from services.tracker.domain.commands import CheckConcern, CloseConcern, RecordResponse
from services.tracker.domain.concerns import CONCERN as CONCERN_DECIDER
from services.tracker.domain.events import (
    AuditConcernLinked,
    AuditConcernsReviewRequested,
    ChildOfConcernResponseDue,
    ChildOfConcernRevisionHeld,
    ChildOfConcernTrackingStarted,
)
from services.tracker.domain.streams import audit_concerns_stream, concern_stream
from shared.events.moderation import ChildOfConcernCategoryRevised, ConcernReviewRequested
from shared.events.tracker import (
    ChildOfConcernCategoryApplied,
    ChildOfConcernClosed,
    ChildOfConcernEscalated,
    ChildOfConcernResponseRecorded,
    ChildOfConcernUnderReview,
)
from shared.kernel.actor import Person
from shared.kernel.clock import LONDON
from shared.kernel.envelope import Envelope
from shared.kernel.errors import Forbidden, NotFound, RuleBroken
from shared.kit.scenario import Scenario, UseCase
from shared.kit.unit_of_work import UnitOfWork
from tests.unit.tracker.support import (
    AUDIT,
    CONCERN,
    DIRECTOR,
    ENGLAND,
    HOS,
    concern_raised,
    spec,
)

# Wednesday 4 March 2026, 10:00 in London.
RAISED_AT = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)
HEAD_OF_QUALITY = Person(person_id="hoq-1", role="head-of-quality")


def started(category: int = 1, at: datetime = RAISED_AT) -> ChildOfConcernTrackingStarted:
    return ChildOfConcernTrackingStarted(
        concern_id=CONCERN, audit_id=AUDIT, month="2026-03", child_ref="CR-00123",
        case_team="east-1", category=category,
        raised_at=at, reason="Risk not reassessed")


def response_due(on: date, since: datetime = RAISED_AT) -> ChildOfConcernResponseDue:
    return ChildOfConcernResponseDue(concern_id=CONCERN, since=since, due_on=on)


def at(now: datetime) -> Scenario:
    return spec(now)


def raised_by_audit(category: int = 1) -> UseCase:
    return partial(when_child_of_concern_raised, concern_raised(category), calendar=ENGLAND)


def link(raised_at: datetime = RAISED_AT, concern: uuid.UUID = CONCERN) -> AuditConcernLinked:
    return AuditConcernLinked(audit_id=AUDIT, concern_id=concern, raised_at=raised_at)


@pytest.mark.parametrize(
    ("raised_at", "due_on"),
    [
        (RAISED_AT, date(2026, 3, 4)),                                       # a Wednesday
        (datetime(2026, 3, 4, 23, 30, tzinfo=LONDON), date(2026, 3, 4)),     # late that day
        (datetime(2026, 3, 7, 11, 0, tzinfo=LONDON), date(2026, 3, 9)),      # Saturday
        (datetime(2026, 4, 3, 9, 0, tzinfo=LONDON), date(2026, 4, 7)),       # Good Friday
        (datetime(2026, 12, 24, 18, 0, tzinfo=LONDON), date(2026, 12, 24)),  # Christmas Eve
        (datetime(2026, 12, 25, 9, 0, tzinfo=LONDON), date(2026, 12, 29)),   # Christmas Day
        # 23:30 UTC on Monday 30 March (BST) is already Tuesday 31 in London.
        (datetime(2026, 3, 30, 23, 30, tzinfo=UTC), date(2026, 3, 31)),
    ],
)
async def test_a_category_1_is_due_a_response_by_the_end_of_its_working_day(
        raised_at: datetime, due_on: date) -> None:
    await at(raised_at).when(raised_by_audit()).then(
        started(1, raised_at), response_due(due_on, raised_at), link(raised_at))


async def test_a_category_2_has_no_same_day_clock_and_redelivery_changes_nothing() -> None:
    await at(RAISED_AT).when(raised_by_audit(2)).then(started(2), link())
    await (at(RAISED_AT).given(concern_stream(CONCERN), started(2))
           .given(audit_concerns_stream(AUDIT), link()).when(raised_by_audit(2)).then())


def checking(today: date) -> UseCase:
    async def run(unit: UnitOfWork) -> None:
        await unit.execute(CONCERN_DECIDER, concern_stream(CONCERN), CheckConcern(CONCERN, today))

    return run


def escalated(today: date) -> ChildOfConcernEscalated:
    return ChildOfConcernEscalated(concern_id=CONCERN, to_role="director",
                                   reason="no-same-day-response", detected_on=today)


def responded(by: Person, on: date, within: bool = True) -> ChildOfConcernResponseRecorded:
    return ChildOfConcernResponseRecorded(
        concern_id=CONCERN, responded_by=by.person_id, role=by.role,
        response="Strategy discussion convened", responded_on=on,
        within_same_working_day=within)


async def test_no_response_by_the_end_of_the_day_escalates_to_the_director_once() -> None:
    history = (started(1), response_due(date(2026, 3, 4)))
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history)
           .when(checking(date(2026, 3, 4))).then())
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history)
           .when(checking(date(2026, 3, 5))).then(escalated(date(2026, 3, 5))))
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history, escalated(date(2026, 3, 5)))
           .when(checking(date(2026, 3, 9))).then())


@pytest.mark.parametrize(("by", "escalates"), [(HOS, False), (DIRECTOR, False),
                                               (HEAD_OF_QUALITY, True)])
async def test_a_same_day_response_by_a_head_of_service_or_director_stops_the_clock(
        by: Person, escalates: bool) -> None:
    history = (started(1), response_due(date(2026, 3, 4)), responded(by, date(2026, 3, 4)))
    expected = [escalated(date(2026, 3, 5))] if escalates else []
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history)
           .when(checking(date(2026, 3, 5))).then(*expected))


def respond(by: Person, now: datetime) -> UseCase:
    return partial(decide_on_concern.respond, RecordResponse(
        CONCERN, by, "Strategy discussion convened", now, ENGLAND))


async def test_a_response_says_whether_it_came_the_same_working_day() -> None:
    history = (started(1), response_due(date(2026, 3, 4)))
    same_day = datetime(2026, 3, 4, 17, 55, tzinfo=LONDON)
    await (at(same_day).given(concern_stream(CONCERN), *history)
           .when(respond(HOS, same_day)).then(responded(HOS, date(2026, 3, 4))))
    next_day = datetime(2026, 3, 5, 8, 0, tzinfo=LONDON)
    await (at(next_day).given(concern_stream(CONCERN), *history, escalated(next_day.date()))
           .when(respond(HOS, next_day)).then(responded(HOS, date(2026, 3, 5), False)))


def closed(by: Person) -> ChildOfConcernClosed:
    return ChildOfConcernClosed(concern_id=CONCERN, signed_off_by=by.person_id,
                                role=by.role,
                                rationale="Needs met", closed_on=date(2026, 3, 20))


@pytest.mark.parametrize(
    ("history", "by", "error", "match"),
    [
        ((), HOS, NotFound, "no such Child of Concern"),
        ((started(1),), Person(person_id="tm-1", role="team-manager"), Forbidden,
         "head of service"),
        ((started(1), closed(DIRECTOR)), HOS, RuleBroken, "closed on 2026-03-20"),
    ],
)
async def test_a_response_is_refused_and_records_nothing(
        history: tuple[object, ...], by: Person, error: type[Exception], match: str) -> None:
    scenario = at(RAISED_AT)
    if history:
        scenario.given(concern_stream(CONCERN), *history)  # type: ignore[arg-type]
    await scenario.when(respond(by, RAISED_AT)).then_fails(error, match)


def close(by: Person) -> UseCase:
    return partial(decide_on_concern.close,
                   CloseConcern(CONCERN, by, "Needs met", date(2026, 3, 20)))


@pytest.mark.parametrize(("category", "by"), [(1, DIRECTOR), (2, HOS), (2, DIRECTOR)])
async def test_signed_off_by_the_role_its_category_needs(category: int, by: Person) -> None:
    await (at(RAISED_AT).given(concern_stream(CONCERN), started(category))
           .when(close(by)).then(closed(by)))


@pytest.mark.parametrize(
    ("category", "by", "error", "match"),
    [
        (1, HOS, Forbidden, "director only"),
        (1, HEAD_OF_QUALITY, Forbidden, "director only"),
        (2, Person(person_id="qa-1", role="qa-officer"), Forbidden, "head of service"),
    ],
)
async def test_a_sign_off_without_the_role_is_refused(
        category: int, by: Person, error: type[Exception], match: str) -> None:
    await (at(RAISED_AT).given(concern_stream(CONCERN), started(category))
           .when(close(by)).then_fails(error, match))


async def test_a_concern_is_closed_once() -> None:
    await (at(RAISED_AT).given(concern_stream(CONCERN), started(1), closed(DIRECTOR))
           .when(close(DIRECTOR)).then_fails(RuleBroken, "closed"))


def revision(to: int, frm: int) -> ChildOfConcernCategoryRevised:
    return ChildOfConcernCategoryRevised(
        concern_id=CONCERN, audit_id=AUDIT, month="2026-03",
        from_category=frm, to_category=to,
        rationale="Ofsted guidance: not immediate risk", revised_by="hoq-1",
        revised_by_role="head-of-quality")


def revised(to: int, frm: int) -> UseCase:
    return partial(when_category_revised, revision(to, frm), calendar=ENGLAND)


def applied(to: int, frm: int) -> ChildOfConcernCategoryApplied:
    return ChildOfConcernCategoryApplied(concern_id=CONCERN, from_category=frm,
                                         to_category=to)


async def test_a_revision_to_category_2_is_applied_and_stops_the_same_day_clock() -> None:
    history = (started(1), response_due(date(2026, 3, 4)))
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history)
           .when(revised(2, 1)).then(applied(2, 1)))
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history, applied(2, 1))
           .when(checking(date(2026, 3, 5))).then())
    await (at(RAISED_AT).given(concern_stream(CONCERN), *history, applied(2, 1))
           .when(revised(2, 1)).then())  # the same revision again: nothing new


async def test_a_revision_to_category_1_starts_a_same_day_clock_from_the_revision() -> None:
    friday_evening = datetime(2026, 3, 6, 19, 0, tzinfo=LONDON)
    await (at(friday_evening).given(concern_stream(CONCERN), started(2))
           .when(revised(1, 2)).then(applied(1, 2), response_due(date(2026, 3, 6),
                                                                 friday_evening)))


async def test_a_revision_that_overtakes_its_concern_is_held_then_applied() -> None:
    scenario = at(RAISED_AT)
    await scenario.when(revised(2, 1)).then(ChildOfConcernRevisionHeld(
        concern_id=CONCERN, from_category=1, to_category=2, revised_at=RAISED_AT))
    await scenario.when(raised_by_audit(1)).then(started(1), applied(2, 1), link())


def recorded_elsewhere_at(at_: datetime, reaction: UseCase) -> UseCase:
    """A reaction to another service's event recorded there at `at_`."""
    async def run(unit: UnitOfWork) -> None:
        unit.cause = Envelope(
            event_id=uuid.uuid4(), event_type="Elsewhere", schema_version=1,
            tenant="t", service_area="childrens-social-care",
            stream_id=f"elsewhere-{AUDIT}", stream_version=1, occurred_at=at_,
            actor={"kind": "system", "name": "elsewhere"},
            correlation_id=uuid.uuid4(), causation_id=uuid.uuid4(), payload={})
        await reaction(unit)

    return run


def review_request(at_: datetime) -> UseCase:
    event = ConcernReviewRequested(audit_id=AUDIT, month="2026-03", moderator_id="mod-1",
                                   from_grade="inadequate",
                                   to_grade="requires-improvement")
    return recorded_elsewhere_at(at_, partial(when_review_requested, event))


def review_requested(at_: datetime) -> AuditConcernsReviewRequested:
    return AuditConcernsReviewRequested(audit_id=AUDIT, requested_at=at_,
                                        from_grade="inadequate",
                                        to_grade="requires-improvement")


UNDER_REVIEW = ChildOfConcernUnderReview(concern_id=CONCERN, audit_id=AUDIT)


async def test_moderated_away_from_inadequate_puts_the_concern_up_for_review() -> None:
    later = RAISED_AT + timedelta(days=3)
    scenario = (at(later).given(concern_stream(CONCERN), started(2))
                .given(audit_concerns_stream(AUDIT), link()))
    await scenario.when(review_request(later)).then(review_requested(later), UNDER_REVIEW)
    state = CONCERN_DECIDER.fold([started(2), UNDER_REVIEW])
    assert state.next_decision == "review"
    assert CONCERN_DECIDER.fold([started(2), UNDER_REVIEW, responded(
        HEAD_OF_QUALITY, date(2026, 3, 9))]).next_decision == "head-of-service-sign-off"


async def test_a_review_request_that_overtakes_its_concern_still_reaches_it() -> None:
    later = RAISED_AT + timedelta(days=3)
    scenario = at(later + timedelta(hours=1))
    await scenario.when(review_request(later)).then(review_requested(later))
    # Raised by the audit before the review was asked for, but arriving after it.
    await (scenario.when(recorded_elsewhere_at(RAISED_AT, raised_by_audit(2)))
           .then(started(2), link(), UNDER_REVIEW))


async def test_a_concern_raised_after_the_review_request_is_not_reviewed() -> None:
    earlier = RAISED_AT - timedelta(days=1)
    await (at(RAISED_AT).given(audit_concerns_stream(AUDIT), review_requested(earlier))
           .when(raised_by_audit(2)).then(started(2), link()))


def test_the_decision_a_child_waits_for() -> None:
    fold = CONCERN_DECIDER.fold
    due = response_due(date(2026, 3, 4))
    assert fold([started(1), due]).next_decision == "head-of-service-response"
    assert fold([started(1), due, responded(HOS, date(2026, 3, 4))]).next_decision == (
        "director-sign-off")
    assert fold([started(2)]).next_decision == "head-of-service-sign-off"
    assert fold([started(1), due, closed(DIRECTOR)]).next_decision is None
