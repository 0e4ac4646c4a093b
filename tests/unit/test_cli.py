"""The `qa` tool's argument parsing and error messages; no service is needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli import main as qa
from cli.client import SERVICES, QaClient, ServiceUnreachable
from shared.infra.ports import free_port, wait_for_port

OPEN = ["open-cycle", "--month", "2026-12"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--as", "tm-ali", "--role", "auditor", "--key", "k1", *OPEN],
        [*OPEN, "--as", "tm-ali", "--role", "auditor", "--key", "k1"],
        ["--as", "tm-ali", *OPEN, "--role", "auditor", "--key", "k1"],
    ],
)
def test_actor_and_key_are_accepted_before_or_after_the_subcommand(argv: list[str]) -> None:
    args = qa.parser().parse_args(argv)

    assert (args.person, args.role, args.key) == ("tm-ali", "auditor", "k1")
    assert (args.command, args.month) == ("open-cycle", "2026-12")


def test_defaults_apply_when_neither_place_names_them() -> None:
    args = qa.parser().parse_args(OPEN)

    assert (args.person, args.role, args.key) == ("qa-officer-1", "qa-officer", None)


def test_after_the_subcommand_wins_when_given_in_both_places() -> None:
    args = qa.parser().parse_args(["--key", "before", *OPEN, "--key", "after"])

    assert args.key == "after"


def _nothing_listening() -> dict[str, str]:
    return {name: f"http://127.0.0.1:{free_port()}" for name in SERVICES}


def test_a_service_not_answering_is_named_with_its_url() -> None:
    urls = _nothing_listening()
    client = QaClient("qa-officer-1", "qa-officer", urls, timeout=2.0)

    with pytest.raises(ServiceUnreachable) as down:
        client.get("audit", "/audits")

    assert (down.value.service, down.value.url) == ("audit", urls["audit"])


def test_the_cli_says_which_service_is_not_answering(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = _nothing_listening()
    for name, url in urls.items():
        monkeypatch.setenv(f"QA_{name.upper()}_URL", url)

    status = qa.main(["moderation-queue"])

    assert status == 2
    assert capsys.readouterr().err == (
        f"error: the moderation service is not answering at {urls['moderation']} "
        "(is the platform running? python3 run.py up)\n"
    )


def test_verify_lists_a_broken_chain_and_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_get(self: QaClient, service: str, path: str, **params: Any) -> Any:
        assert path == "/verify"
        anchored = {"anchored": True, "key_id": "k1", "checkpoints": 2, "latest": 2,
                    "latest_taken_at": "2026-11-23T10:00:00Z", "covers_events": 3, "breaks": []}
        if service == "audit":
            return {"intact": False, "events_checked": 3, "streams_checked": 1, "breaks": [],
                    "checkpoints": {**anchored, "breaks": [
                        {"stream_id": "audit-1", "checkpoint": 2,
                         "reason": "stream audit-1 ends at version 2; checkpoint #2 signed "
                                   "version 3: events deleted"}]}}
        if service != "tracker":
            return {"intact": True, "events_checked": 3, "streams_checked": 1, "breaks": [],
                    "checkpoints": anchored}
        return {"intact": False, "events_checked": 5, "streams_checked": 2, "breaks": [
            {"stream_id": "action-1", "stream_version": 2, "event_id": "e-9",
             "reason": "hash does not match"}], "checkpoints": {"anchored": False}}

    monkeypatch.setattr(QaClient, "get", fake_get)

    status = qa.main(["verify"])

    out = capsys.readouterr().out.splitlines()
    assert status == 3
    assert "tracker     BROKEN: 5 events in 2 streams; no checkpoints (no key)" in out
    assert "    action-1 v2 event e-9: hash does not match" in out
    assert ("    stream audit-1 ends at version 2; checkpoint #2 signed version 3: events "
            "deleted") in out
    assert ("allocation  intact: 3 events in 1 streams; checked against checkpoint #2 of "
            "2026-11-23T10:00:00Z (3 events, key k1)") in out
    assert sum(" intact: " in line for line in out) == 3


def serving(status: int, body: Any) -> Callable[..., None]:
    """QaClient with every request answered by `status` and `body` (an httpx mock)."""
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body,
                              headers={"content-type": "application/problem+json"})

    original = QaClient.__init__

    def client(self: QaClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.transport = httpx.MockTransport(answer)

    return client


def test_a_refusal_is_told_in_words_naming_each_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(QaClient, "__init__", serving(422, {
        "type": "urn:qa-platform:problem:invalid-request", "title": "t", "status": 422,
        "detail": "refused: see action.due_date",
        "errors": [{"loc": ["body", "action", "due_date"], "type": "value_error",
                    "msg": "an action is due on or after the first day of its audit's month"},
                   {"loc": ["header", "x-actor-id"], "type": "missing",
                    "msg": "Field required"}]}))

    status = qa.main(["open-cycle", "--month", "2026-12"])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "refused by the allocation service: refused: see action.due_date",
        "  action.due_date: an action is due on or after the first day of its audit's month",
        "  the x-actor-id header: Field required",
    ]


def test_a_server_fault_is_a_failure_not_a_refusal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(QaClient, "__init__", serving(500, {
        "type": "urn:qa-platform:problem:server-error", "title": "t", "status": 500,
        "detail": "the service failed while answering; nothing was recorded"}))

    status = qa.main(["actions"])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: the tracker service failed (500) and recorded nothing")
    assert "refused" not in err


def test_a_listing_shows_no_python_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(QaClient, "__init__", serving(200, [
        {"audit_id": "a-1", "month": "2026-11", "status": "assigned", "overall_grade": None,
         "child_ref": "CH-1", "legal_status": "cp", "case_team": "front-door"}]))

    assert qa.main(["my-audits"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert out.splitlines()[2].split()[-1] == "-"


@pytest.mark.parametrize(("argv", "says"), [
    (["open-cycle", "--month", "2026-13"], "is not a month: use YYYY-MM"),
    (["submit-audit", "not-an-id", "--file", "audit.yaml"], "is not an id"),
    (["open-cycle", "--month", "2026-12", "--deadline", "tomorrow"],
     "is not a date: use YYYY-MM-DD"),
])
def test_a_mistyped_argument_is_told_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        qa.main(argv)

    assert exited.value.code == 2  # argparse's usage error
    assert says in capsys.readouterr().err


def test_a_reader_that_stops_early_ends_qa_quietly_with_0(tmp_path: Path) -> None:
    """`qa ... | head -1` with more output than the pipe holds: no 'Broken pipe', 0."""
    rows = [{"action_id": f"a-{i}", "month": "2026-11", "child_ref": "CH-1",
             "owner_id": "tm-1", "due_date": "2026-12-01", "status": "open"}
            for i in range(5000)]
    server = tmp_path / "serve.py"
    server.write_text(SERVE.format(body=json.dumps(rows)))
    port = free_port()
    process = subprocess.Popen([sys.executable, str(server), str(port)])
    try:
        wait_for_port("127.0.0.1", port, timeout=10)
        result = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {sys.executable} -m cli.main actions | head -1"],
            env={**os.environ, "QA_TRACKER_URL": f"http://127.0.0.1:{port}"},
            capture_output=True, text=True, timeout=60, check=False)
    finally:
        process.kill()
        process.wait()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.split() == ["action_id", "child_ref", "case_team", "owner_id",
                                     "due_date", "priority", "status", "description"]


SERVE = """
import http.server, sys
BODY = {body!r}.encode()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""
