"""Log lines as an operator reads them: JSON with the correlation ids of the work in hand,
and never a personal value (a field marked PersonalData of the event or request being
handled), a configured secret, or a password inside a connection address."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest

from shared.events.audit import ChildOfConcernRaised
from shared.kernel.contracts import personal_values
from shared.logging import JsonLines, Scrubbed, secrets_in, withhold_secrets
from shared.telemetry.context import logged_with


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(Scrubbed())
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("qa.test-logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield written
    logger.removeHandler(handler)


def concern() -> ChildOfConcernRaised:
    return ChildOfConcernRaised(
        concern_id=uuid.uuid4(), audit_id=uuid.uuid4(), month="2026-03",
        child_ref="CH-0042", case_team="east-1", category=1,
        reason="Mother's partner, Darren Smith, has returned to the home")


def test_a_line_carries_the_work_in_hand_and_none_of_its_personal_values(
        lines: io.StringIO) -> None:
    event, correlation = concern(), uuid.uuid4()
    assert {"CH-0042", event.reason} <= set(personal_values(event))
    with logged_with(personal_values(event), event_type="ChildOfConcernRaised",
                     correlation_id=correlation):
        # Code that slips and logs a payload value (here in an error's text).
        logging.getLogger("qa.test-logging").warning(
            "could not apply to %s: %s", event.child_ref, event.reason)
    logging.getLogger("qa.test-logging").info("later, CH-0042 again")
    first, second = (json.loads(line) for line in lines.getvalue().splitlines())
    assert first["correlation_id"] == str(correlation)
    assert first["event_type"] == "ChildOfConcernRaised"
    assert first["message"] == "could not apply to [withheld]: [withheld]"
    assert "Darren" not in lines.getvalue().split("\n")[0]
    # Outside the work, nothing is withheld or added: the context ended with it.
    assert "correlation_id" not in second
    assert second["message"] == "later, CH-0042 again"


def test_secrets_and_passwords_in_addresses_never_reach_a_line(lines: io.StringIO) -> None:
    withhold_secrets(secrets_in({"TRACKER_SMTP_PASSWORD": "hunter2-smtp",
                                 "DATABASE_URL": "postgresql://qa@db/qa",
                                 "KAFKA_SASL_PASSWORD": "sasl-secret-9"}))
    log = logging.getLogger("qa.test-logging")
    log.error("smtp login hunter2-smtp refused; broker sasl-secret-9")
    log.error("cannot reach postgresql://qa_app:s3cret-pw@db.internal:5432/qa")
    try:
        raise RuntimeError("token sasl-secret-9 rejected")
    except RuntimeError:
        log.exception("failed")
    text = lines.getvalue()
    for secret in ("hunter2-smtp", "sasl-secret-9", "s3cret-pw"):
        assert secret not in text
    assert "postgresql://qa_app:[withheld]@db.internal:5432/qa" in text
    assert "RuntimeError" in json.loads(text.splitlines()[-1])["error"]
