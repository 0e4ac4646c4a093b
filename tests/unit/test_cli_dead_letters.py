"""`qa dead-letters` over an httpx mock of the five services: a listing across them, an
id found in whichever service has it, and a discard refused without a reason."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from cli import main as qa
from cli.client import DEFAULT_PORTS, QaClient

LETTER = str(uuid.uuid4())
TRACKER_PORT = DEFAULT_PORTS["tracker"]
ROW = {"dead_letter_id": LETTER, "subscription": "audit-outcomes", "reason": "undecodable",
       "event_type": "ChildOfConcernRaised", "status": "pending",
       "set_aside_at": "2026-03-04T10:00:00Z",
       "error": "UnknownSchemaVersion: no upcaster from ChildOfConcernRaised v1"}


def services(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """The tracker holds one dead letter; the other services none."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        tracker = request.url.port == TRACKER_PORT
        path = request.url.path
        if path == "/dead-letters":
            return httpx.Response(200, json=[ROW] if tracker else [])
        if not tracker:
            return httpx.Response(404, json={"detail": "no dead letter with that id"})
        if request.method == "GET":
            return httpx.Response(200, json={**ROW, "value": "{}", "key": None,
                                             "value_encoding": "utf-8"})
        return httpx.Response(200, json={"dead_letter_id": LETTER, "status": "replayed",
                                         "outcome": "applied", "error": None})

    original: Callable[..., None] = QaClient.__init__

    def client(self: QaClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.transport = httpx.MockTransport(answer)

    monkeypatch.setattr(QaClient, "__init__", client)
    for name in DEFAULT_PORTS:
        monkeypatch.delenv(f"QA_{name.upper()}_URL", raising=False)
    return sent


def test_the_listing_asks_every_service_and_names_the_one_holding_each(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sent = services(monkeypatch)
    assert qa.main(["dead-letters", "--status", "pending"]) == 0
    assert len(sent) == 5
    assert all(request.url.params["status"] == "pending" for request in sent)
    [header, _, row] = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["service", "dead_letter_id", "subscription", "reason"]
    assert row.split()[:4] == ["tracker", LETTER, "audit-outcomes", "undecodable"]


def test_a_replay_by_id_finds_the_service_and_names_who_asked(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sent = services(monkeypatch)
    assert qa.main(["--as", "ops-sam", "--role", "platform-operator",
                    "dead-letters", "replay", LETTER]) == 0
    replay = sent[-1]
    assert (replay.method, replay.url.port) == ("POST", TRACKER_PORT)
    assert replay.url.path == f"/dead-letters/{LETTER}/replay"
    assert replay.headers["x-actor-id"] == "ops-sam"
    assert "replayed" in capsys.readouterr().out


def test_a_discard_says_why_or_is_refused_before_anything_is_sent(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sent = services(monkeypatch)
    assert qa.main(["dead-letters", "discard", LETTER, "--service", "tracker"]) == 1
    assert "needs --reason" in capsys.readouterr().err
    assert sent == []
    assert qa.main(["dead-letters", "discard", LETTER, "--service", "tracker",
                    "--reason", "misrouted"]) == 0
    assert json.loads(sent[-1].content) == {"reason": "misrouted"}
