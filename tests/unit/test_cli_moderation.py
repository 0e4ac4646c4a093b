"""The `qa` moderation commands: what each sends and how it answers, over an httpx mock."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from cli import main as qa
from cli.client import QaClient

AUDIT = str(uuid.uuid4())


def answering(monkeypatch: pytest.MonkeyPatch, body: Any,
              status: int = 200) -> list[httpx.Request]:
    """Every request answered with `body`; returns the requests sent, to look at."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status, json=body)

    original: Callable[..., None] = QaClient.__init__

    def client(self: QaClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.transport = httpx.MockTransport(answer)

    monkeypatch.setattr(QaClient, "__init__", client)
    return sent


MODERATED = {"audit_id": AUDIT, "outcome": "grades-changed", "submission": 1,
             "moderator_id": "mod-a", "original_grade": "good",
             "moderated_grade": "requires-improvement",
             "changes": [{"element": "risk", "from_grade": "good",
                          "to_grade": "requires-improvement"},
                         {"element": "overall", "from_grade": "good",
                          "to_grade": "requires-improvement"}],
             "returned_for_rework": False, "child_of_concern_decided": False,
             "concern_review_requested": False}


def test_moderate_sends_each_change_with_its_rationale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = answering(monkeypatch, MODERATED)
    status = qa.main(["--as", "mod-a", "--role", "moderator", "moderate", AUDIT,
                      "--change", "risk=requires-improvement:Risk not reassessed",
                      "--change", "overall=requires-improvement:Capped by risk: see notes"])
    assert status == 0
    assert sent[0].url.path == f"/moderations/{AUDIT}"
    assert sent[0].headers["x-actor-id"] == "mod-a"
    assert json.loads(sent[0].content) == {"outcome": "grades-changed", "changes": {
        "risk": {"grade": "requires-improvement", "rationale": "Risk not reassessed"},
        "overall": {"grade": "requires-improvement", "rationale": "Capped by risk: see notes"}}}
    out = capsys.readouterr().out
    assert "grades-changed (good -> requires-improvement)" in out
    assert "  risk: good -> requires-improvement" in out


@pytest.mark.parametrize(("argv", "body"), [
    (["--agree"], {"outcome": "agreed"}),
    (["--agree", "--rationale", "Sound"], {"outcome": "agreed", "rationale": "Sound"}),
    (["--below-standard", "--reasons", "No risk analysis"],
     {"outcome": "below-standard", "reasons": "No risk analysis"}),
    (["--grade", "inadequate", "--rationale", "Child not seen", "--concern-category", "1",
      "--concern-reason", "Not seen for 12 weeks"],
     {"outcome": "grades-changed",
      "changes": {"overall": {"grade": "inadequate", "rationale": "Child not seen"}},
      "child_of_concern": {"category": 1, "reason": "Not seen for 12 weeks"}}),
])
def test_moderate_sends_the_outcome_asked_for(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], body: dict[str, Any]
) -> None:
    sent = answering(monkeypatch, {**MODERATED, "changes": []})
    assert qa.main(["moderate", AUDIT, *argv]) == 0
    assert json.loads(sent[0].content) == body


@pytest.mark.parametrize("bad", ["risk", "risk=brilliant:why", "risk=good", "risk=good: "])
def test_a_malformed_change_is_told_before_anything_is_sent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    sent = answering(monkeypatch, {})
    with pytest.raises(SystemExit):
        qa.main(["moderate", AUDIT, "--change", bad])
    assert sent == []
    assert "ELEMENT=GRADE:RATIONALE" in capsys.readouterr().err


def test_a_refused_moderation_names_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answering(monkeypatch, {"type": "x", "title": "t", "status": 422, "detail": "refused",
                            "errors": [{"loc": ["body", "changes", "risk", "grade"],
                                        "msg": "not on this audit's scale (ofsted-2014)",
                                        "type": "value_error"}]}, status=422)
    assert qa.main(["moderate", AUDIT, "--change", "risk=adequate:old habits"]) == 1
    assert "changes.risk.grade: not on this audit's scale" in capsys.readouterr().err


def test_the_queue_asks_for_mine_and_shows_why_sampled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = answering(monkeypatch, [{
        "audit_id": AUDIT, "month": "2026-11", "auditor_id": "aud-1", "submitted_grade": "good",
        "status": "awaiting", "assigned_to": "mod-a", "sample_reasons": ["inadequate", "random"],
        "moderated_grade": None}])
    assert qa.main(["--as", "mod-a", "moderation-queue", "--mine"]) == 0
    assert sent[0].url.params["mine"] == "true"
    assert "inadequate,random" in capsys.readouterr().out


def test_show_moderation_puts_the_auditors_grades_beside_what_may_change(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answering(monkeypatch, {
        "audit_id": AUDIT, "service_area": "childrens-social-care", "month": "2026-11",
        "status": "awaiting", "submission": 1, "auditor_id": "aud-1", "child_ref": "CH-1",
        "legal_status": "cp", "case_team": "safeguarding", "audit_tool": "core",
        "scale": "ofsted-2014", "sample_reasons": ["random"], "seed": 5,
        "moderator_id": "ext-1", "external_moderator": True, "waiting_reasons": [],
        "outcome": None, "returned_reasons": None,
        "grades": [{"element": "risk", "auditor_grade": "good", "moderated_grade": None,
                    "rationale": None, "can_change_to": ["outstanding", "inadequate"]}]})
    assert qa.main(["show-moderation", AUDIT]) == 0
    out = capsys.readouterr().out
    assert "moderator: ext-1 (external)" in out
    assert "risk     good           -                outstanding, inadequate" in out


def test_calibration_shows_kappa_with_its_interval_or_says_it_is_undefined(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def group(key: str, kappa: dict[str, Any]) -> dict[str, Any]:
        return {"key": key, "decisions": 4, "agreed": 2, "grades_changed": 1, "returned": 1,
                "share_agreed": 0.5, "share_grades_changed": 0.25, "share_returned": 0.25,
                "grades_compared": 6, "changed_up": 0, "changed_down": 1,
                "kappa": {"overall": kappa}}
    defined = {"pairs": 6, "kappa": 0.65, "standard_error": 0.18, "ci_95": [0.3, 1.0],
               "undefined_because": None}
    undefined = {"pairs": 2, "kappa": None, "standard_error": None, "ci_95": None,
                 "undefined_because": "one category"}
    sent = answering(monkeypatch, {"service_area": "x", "month": None, "by": "moderator",
                                   "all": group("all", defined),
                                   "groups": [group("mod-a", undefined)]})
    assert qa.main(["calibration", "--by", "moderator", "--month", "2026-11"]) == 0
    assert sent[0].url.params["by"] == "moderator"
    out = capsys.readouterr().out
    assert "0.65 (0.30 to 1.00), n=6" in out
    assert "undefined (one category)" in out
    assert "50%" in out


def test_reassign_policy_and_revision_send_what_was_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = answering(monkeypatch, {"audit_id": AUDIT, "from_moderator_id": "mod-a",
                                   "moderator_id": "ext-1"})
    assert qa.main(["reassign-moderation", AUDIT, "--to", "ext-1", "--reason", "Leave"]) == 0
    assert json.loads(sent[-1].content) == {"moderator_id": "ext-1", "reason": "Leave"}
    assert "moved from mod-a to ext-1" in capsys.readouterr().out

    sent = answering(monkeypatch, {"service_area": "childrens-social-care", "version": 2,
                                   "random_share": 0.25, "newly_trained_first_n": 3,
                                   "seed": 9})
    assert qa.main(["set-sampling-policy", "--share", "0.25", "--seed", "9"]) == 0
    assert json.loads(sent[-1].content) == {"random_share": 0.25,
                                            "newly_trained_first_n": 3, "seed": 9}
    assert "25% of the rest at random (seed 9)" in capsys.readouterr().out

    concern = str(uuid.uuid4())
    sent = answering(monkeypatch, {"concern_id": concern, "audit_id": AUDIT,
                                   "from_category": 1, "to_category": 2,
                                   "revised_by": "hoq-1"})
    assert qa.main(["--as", "hoq-1", "--role", "head-of-quality", "revise-concern-category",
                    concern, "--category", "2", "--rationale", "Annex H"]) == 0
    assert json.loads(sent[-1].content) == {"category": 2, "rationale": "Annex H"}
    assert "Category 1 revised to Category 2 by hoq-1" in capsys.readouterr().out
