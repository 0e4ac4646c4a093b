"""The `qa` tracker commands: what each asks of the tracker and how it answers, over an
httpx mock (no service needed)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from cli import main as qa
from cli.client import QaClient

ID = str(uuid.uuid4())
DONE = {"action_id": ID, "recorded": ["ActionCompleted"]}
FIGURES = {
    "service_area": "childrens-social-care", "as_at": "2020-01-31",
    "previous_month_end": "2019-12-31",
    "actions": {"open": 432, "within_timescale": 142, "overdue": 290,
                "awaiting_verification": 5, "verified": 40, "within_timescale_percent": 33,
                "overdue_percent": 67},
    "actions_change": {"open": 12, "within_timescale": -8, "overdue": 20,
                       "awaiting_verification": 1, "verified": 3,
                       "within_timescale_percent": -4, "overdue_percent": 4},
    "children_of_concern": {"on_tracker": 3, "by_category": {"1": 1, "2": 2},
                            "by_month_raised": {"2019-08": 1, "2019-11": 2},
                            "awaiting": {"head-of-service-response": 0, "review": 0,
                                         "director-sign-off": 1,
                                         "head-of-service-sign-off": 2},
                            "escalated_to_director": 0},
}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], list[httpx.Request]]:
    """Answers every request with `body`; returns the requests the command sent."""
    def serve(body: Any) -> list[httpx.Request]:
        sent: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return httpx.Response(200, json=body)

        original = QaClient.__init__

        def client(self: QaClient, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self.transport = httpx.MockTransport(answer)

        monkeypatch.setattr(QaClient, "__init__", client)
        return sent

    return serve


@pytest.mark.parametrize(
    ("argv", "path", "body"),
    [
        (["complete-action", ID, "--evidence", "Plan reviewed", "--link", "doc://1"],
         f"/actions/{ID}/completion", {"evidence": "Plan reviewed", "evidence_link": "doc://1"}),
        (["verify-action", ID], f"/actions/{ID}/verification", {}),
        (["reopen-action", ID, "--reason", "No plan on file"], f"/actions/{ID}/reopening",
         {"reason": "No plan on file"}),
        (["extend-action", ID, "--due", "2026-12-31", "--reason", "Family away"],
         f"/actions/{ID}/extension", {"due_date": "2026-12-31", "reason": "Family away"}),
        (["reassign-action", ID, "--owner", "tm-new", "--reason", "Leave"],
         f"/actions/{ID}/reassignment", {"owner_id": "tm-new", "reason": "Leave"}),
        (["respond-concern", ID, "--response", "Strategy meeting today"],
         f"/children-of-concern/{ID}/responses", {"response": "Strategy meeting today"}),
        (["close-concern", ID, "--rationale", "Needs met"],
         f"/children-of-concern/{ID}/closure", {"rationale": "Needs met"}),
        (["raise-action", "--child-ref", "CH-0042", "--team", "east-1", "--description",
          "Chase the GP", "--owner", "tm-ali", "--due", "2026-12-31"], "/actions",
         {"service_area": "childrens-social-care", "child_ref": "CH-0042",
          "case_team": "east-1", "description": "Chase the GP", "owner_id": "tm-ali",
          "due_date": "2026-12-31", "priority": "medium"}),
    ],
)
def test_each_command_posts_its_body_with_an_idempotency_key(
        asked: Callable[[Any], list[httpx.Request]], capsys: pytest.CaptureFixture[str],
        argv: list[str], path: str, body: dict[str, Any]) -> None:
    sent = asked(DONE)
    assert qa.main(["--as", "sm-boss", "--role", "service-manager", *argv]) == 0
    [request] = sent
    assert (request.method, request.url.path, json.loads(request.content)) == (
        "POST", path, body)
    assert request.headers["X-Actor-Id"] == "sm-boss"
    assert request.headers["Idempotency-Key"]
    assert "ActionCompleted" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "query"),
    [
        (["actions", "--mine"], {"owner": "me"}),
        (["actions", "--team", "east-1", "--status", "overdue"],
         {"team": "east-1", "status": "overdue"}),
        (["actions", "--owner", "tm-ali"], {"owner": "tm-ali"}),
    ],
)
def test_the_action_lists(asked: Callable[[Any], list[httpx.Request]], argv: list[str],
                          query: dict[str, str]) -> None:
    sent = asked([])
    assert qa.main(argv) == 0
    params = dict(sent[0].url.params)
    assert params == {"service_area": "childrens-social-care", **query}


def test_the_childs_timeline_sends_the_reference_in_the_body_never_the_address(
        asked: Callable[[Any], list[httpx.Request]], capsys: pytest.CaptureFixture[str]) -> None:
    sent = asked([{"occurred_at": "2026-03-04T10:00:00+00:00", "subject": "concern",
                   "subject_id": ID, "event_type": "ChildOfConcernTrackingStarted",
                   "actor": "system:tracker"}])
    assert qa.main(["child-timeline", "--child-ref", "CH-0042"]) == 0
    assert "CH-0042" not in str(sent[0].url)
    assert json.loads(sent[0].content) == {"child_ref": "CH-0042"}
    assert "ChildOfConcernTrackingStarted" in capsys.readouterr().out


def test_the_figures_read_like_the_leadership_report(
        asked: Callable[[Any], list[httpx.Request]], capsys: pytest.CaptureFixture[str]) -> None:
    sent = asked(FIGURES)
    assert qa.main(["tracker-figures", "--as-at", "2020-01-31"]) == 0
    assert dict(sent[0].url.params)["as_at"] == "2020-01-31"
    out = capsys.readouterr().out
    assert "Actions open                 432  (+12)" in out
    assert "within timescale           142  33% (-4 pts)" in out
    assert "overdue                    290  67% (+4 pts)" in out
    assert "1 since 2019-08, 2 since 2019-11" in out


def test_the_concerns_list(asked: Callable[[Any], list[httpx.Request]],
                           capsys: pytest.CaptureFixture[str]) -> None:
    asked([{"concern_id": ID, "category": 1, "child_ref": "CH-0042", "case_team": "east-1",
            "days_on_tracker": 3, "on_tracker_since": "2026-03",
            "next_decision": "head-of-service-response", "next_decision_due": "2026-03-04"}])
    assert qa.main(["concerns"]) == 0
    assert "head-of-service-response  2026-03-04" in capsys.readouterr().out
