"""Logging set-up. Log lines name events and commands by id, type and stream id, with the
correlation and causation ids of the work in hand (shared/telemetry/context.py), never a
payload. As a second line of defence every line, plain or JSON, is scrubbed before it is
written: the personal values of the event or request being handled (fields marked
PersonalData), the secrets the process was configured with, and any password inside a
connection address are replaced by `[withheld]`."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from opentelemetry import trace

from shared.telemetry.context import log_fields, withheld_values

WITHHELD = "[withheld]"
# user:password@ in a URL (a DSN, a broker address with credentials).
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I)
_SECRETS: set[str] = set()


def withhold_secrets(values: Iterable[str | None]) -> None:
    """Register configured secrets (passwords, tokens): never written to a log."""
    _SECRETS.update(value for value in values if value and len(value) >= 4)


_SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN", re.I)


def secrets_in(environment: Mapping[str, str]) -> list[str]:
    """The values of the variables that name a password, secret or token (a service's
    database or broker password, its SMTP password, a sign-in client secret)."""
    return [value for name, value in environment.items() if _SECRET_NAME.search(name)]


def scrub(text: str) -> str:
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('scheme')}{WITHHELD}@", text)
    # Longest first, so a value containing another is withheld whole.
    for value in sorted(withheld_values() | _SECRETS, key=len, reverse=True):
        if value in text:
            text = text.replace(value, WITHHELD)
    return text


class Scrubbed(logging.Filter):
    """Renders each record's message and traceback once, scrubbed, before any formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name, value in log_fields().items():
            setattr(record, f"qa_{name}", value)
        record.qa_fields = log_fields()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "qa_fields", {}),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        if record.exc_info or record.exc_text:
            entry["error"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False)


class Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        correlation = getattr(record, "qa_fields", {}).get("correlation_id")
        return f"{line} [correlation {correlation}]" if correlation else line


def configure_logging(level: str = "INFO", *, json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Scrubbed())
    handler.setFormatter(JsonLines() if json_lines
                         else Plain("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
