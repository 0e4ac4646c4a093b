"""The one place the tracker service is wired together."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.tracker.adapters.calendar import Division, UkBankHolidays
from services.tracker.adapters.directory import DIRECTORY, PostgresStaffDirectory
from services.tracker.adapters.gauges import GAUGES
from services.tracker.adapters.notifications import NOTIFY, PostgresNotificationOutbox
from services.tracker.adapters.queries import PostgresTrackerQueries
from services.tracker.adapters.read_models import PROJECTION
from services.tracker.adapters.senders import FileSender, SmtpSender, SmtpSettings
from services.tracker.adapters.timeline import TIMELINE
from services.tracker.application.ports import NotificationOutbox, Sender
from services.tracker.application.queries import StaffDirectory, TrackerQueries
from services.tracker.domain.events import REGISTRY
from services.tracker.domain.timescales import Escalation
from services.tracker.entrypoints import actions_http, concerns_http
from services.tracker.entrypoints.jobs import notifier, timetable
from services.tracker.entrypoints.subscriptions import subscriptions
from shared.events import tracker as published
from shared.host.definition import ServiceDefinition
from shared.kernel.clock import WorkingCalendar


class TrackerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    # Seconds between timetable scans; an action is flagged within this long of its day
    # passing, a Category 1 escalated within this long of its day ending.
    scan_interval: float = Field(default=1.0, gt=0)
    # Whose bank holidays count as non-working days.
    holiday_division: Division = "england-and-wales"
    # Working days overdue at which an action escalates: the first to the Head of Service,
    # the others to the director.
    escalation_days: Annotated[tuple[int, ...], NoDecode] = (14, 28)
    notify_interval: float = Field(default=2.0, gt=0)
    # Without SMTP, notifications are appended here as JSON lines (or logged if unset).
    notify_file: str | None = None
    notify_domain: str = "localhost"
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "qa-tracker@localhost"
    smtp_starttls: bool = False

    @field_validator("escalation_days", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(int(day) for day in value.split(",") if day.strip())
        return value

    def sender(self) -> Sender:
        if self.smtp_host is None:
            return FileSender(self.notify_file)
        return SmtpSender(SmtpSettings(
            host=self.smtp_host, port=self.smtp_port, user=self.smtp_user,
            password=self.smtp_password, sender=self.smtp_from, starttls=self.smtp_starttls,
            domain=self.notify_domain))


def definition(settings: TrackerSettings | None = None) -> ServiceDefinition:
    settings = settings or TrackerSettings()
    calendar = UkBankHolidays(settings.holiday_division)
    escalation = Escalation(settings.escalation_days, calendar)
    return ServiceDefinition(
        "tracker", REGISTRY, published.CONTRACTS, "services.tracker.adapters.migrations",
        description="Tracks the actions and Children of Concern that audits raise (and "
        "actions raised by hand) to completion and sign-off: overdue once, escalated on "
        "a working-day timetable, a Category 1's same-day response, figures as at any "
        "date, and notifications.",
        routers=[actions_http.router, concerns_http.router],
        projections=[PROJECTION, TIMELINE, NOTIFY],
        subscriptions=subscriptions(calendar, DIRECTORY),
        queries={TrackerQueries: PostgresTrackerQueries,
                 StaffDirectory: PostgresStaffDirectory,
                 NotificationOutbox: PostgresNotificationOutbox,
                 WorkingCalendar: lambda pool: calendar},
        jobs=[timetable(settings.scan_interval, escalation),
              notifier(settings.notify_interval, settings.sender())],
        gauges=GAUGES)
