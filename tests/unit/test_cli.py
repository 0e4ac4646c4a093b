"""The `qa` tool's argument parsing and error messages; no service is needed."""

from __future__ import annotations

from typing import Any

import pytest

from cli import main as qa
from cli.client import SERVICES, QaClient, ServiceUnreachable
from shared.infra.ports import free_port

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
        if service != "tracker":
            return {"intact": True, "events_checked": 3, "streams_checked": 1, "breaks": []}
        return {"intact": False, "events_checked": 5, "streams_checked": 2, "breaks": [
            {"stream_id": "action-1", "stream_version": 2, "event_id": "e-9",
             "reason": "hash does not match"}]}

    monkeypatch.setattr(QaClient, "get", fake_get)

    status = qa.main(["verify"])

    out = capsys.readouterr().out.splitlines()
    assert status == 3
    assert "tracker     BROKEN: 5 events in 2 streams" in out
    assert "    action-1 v2 event e-9: hash does not match" in out
    assert sum("intact" in line for line in out) == 4
