"""Shared givens for the tracker's unit tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.tracker.adapters.calendar import UkBankHolidays
from services.tracker.domain.events import REGISTRY, ActionDescribed
from services.tracker.domain.timescales import Escalation
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.events.tracker import ActionTrackingStarted
from shared.kernel.actor import Person
from shared.kit.scenario import Scenario

ENGLAND = UkBankHolidays("england-and-wales")
SCOTLAND = UkBankHolidays("scotland")
ESCALATION = Escalation((14, 28), ENGLAND)
DUE = date(2026, 3, 31)
ACTION, AUDIT, CONCERN = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
OWNER = Person(person_id="tm-owner", role="team-manager")
MANAGER = Person(person_id="sm-boss", role="service-manager")
HOS = Person(person_id="hos-safe", role="head-of-service")
DIRECTOR = Person(person_id="dir-ops", role="director")
RAISED = ActionRaised(action_id=ACTION, audit_id=AUDIT, month="2026-03", child_ref="CR-00123",
                      case_team="east-1", description="Review the plan",
                      owner_id=OWNER.person_id, due_date=DUE)
TRACKED = ActionTrackingStarted(action_id=ACTION, audit_id=AUDIT, month="2026-03",
                                child_ref="CR-00123", case_team="east-1",
                                owner_id=OWNER.person_id, due_date=DUE)
DESCRIBED = ActionDescribed(action_id=ACTION, description="Review the plan")


def concern_raised(category: int = 1) -> ChildOfConcernRaised:
    return ChildOfConcernRaised(concern_id=CONCERN, audit_id=AUDIT, month="2026-03",
                                child_ref="CR-00123", case_team="east-1",
                                category=category,
                                reason="Risk not reassessed")


def spec(now: datetime | None = None) -> Scenario:
    return Scenario(REGISTRY, now=now or datetime(2026, 3, 14, 9, 30, tzinfo=UTC))
