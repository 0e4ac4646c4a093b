"""The `qa` audit commands over a mocked audit service (httpx.MockTransport): what each
asks, and how it answers a person."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]

from cli import main as qa
from cli.client import QaClient
from tests.unit.audit.builders import CORE, body

AUDIT = "3f2b8c1e-1d1e-4a8e-9f7a-5a2f8f3c9d01"
VIEW = {"audit_id": AUDIT, "child_ref": "CH-0042", "legal_status": "cp",
        "case_team": "safeguarding", "month": "2026-11", "auditor_id": "tm-ali",
        "audit_tool": "core", "tool_version": 1, "status": "in-progress", "submission": 0,
        "overall_grade": None, "element_grades": {}, "actions": [], "concerns": [],
        "draft": {"answers": {"child-seen-alone": "yes"}, "element_grades": {"risk": "good"},
                  "engagement": {"with_social_worker": True}}}
SUBMITTED = {"audit_id": AUDIT, "submission": 1, "audit_tool": "core", "tool_version": 1,
             "overall_grade": "inadequate", "limited_by": ["risk"], "late": False,
             "action_ids": ["a-1", "a-2"], "concern_id": "c-1"}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Every request the CLI sends; the audit service answers from ANSWERS."""
    requests: list[httpx.Request] = []
    answers: dict[tuple[str, str], Any] = {
        ("GET", f"/audits/{AUDIT}"): VIEW,
        ("GET", "/tools/core/versions/1"): CORE.model_dump(mode="json"),
        ("POST", f"/audits/{AUDIT}/start"): {"audit_id": AUDIT, "audit_tool": "core",
                                             "tool_version": 1, "status": "in-progress"},
        ("POST", f"/audits/{AUDIT}/draft"): {"audit_id": AUDIT, "changed": ["answers"],
                                             "draft": {}},
        ("POST", f"/audits/{AUDIT}/submission"): SUBMITTED,
    }

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        found = answers.get((request.method, request.url.path))
        return httpx.Response(200 if found is not None else 404,
                              json=found if found is not None else {"detail": "no"})

    original: Callable[..., None] = QaClient.__init__

    def client(self: QaClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.transport = httpx.MockTransport(answer)

    monkeypatch.setattr(QaClient, "__init__", client)
    return requests


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = qa.main(["--as", "tm-ali", "--role", "auditor", *argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_start_audit(sent: list[httpx.Request], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "start-audit", AUDIT) == (0, f"Started audit {AUDIT} on core v1.\n")
    assert sent[0].headers["X-Actor-Id"] == "tm-ali"


def test_the_template_is_the_tool_with_the_draft_filled_in_and_parses_as_yaml(
        sent: list[httpx.Request], capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "audit-template", AUDIT)
    assert status == 0
    assert "# Has the child been seen within the timescales" in out
    assert "[limiting: inadequate caps the overall grade at inadequate; requires-" in out
    parsed = yaml.safe_load(out)
    assert parsed["audit_id"] == AUDIT
    assert parsed["answers"] == {"child-seen-in-timescales": None, "child-seen-alone": "yes",
                                 "chronology-up-to-date": None, "last-supervision": None,
                                 "worker-reflection": None}
    assert parsed["element_grades"]["risk"] == "good"
    assert list(parsed["element_grades"]) == [e.id for e in CORE.elements]
    assert parsed["engagement"]["with_social_worker"] is True
    assert parsed["actions"] == []


def test_save_draft_sends_what_is_filled_in(sent: list[httpx.Request], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "audit.yaml"
    file.write_text(f"audit_id: {AUDIT}\nanswers:\n  child-seen-in-timescales: yes\n"
                    "  last-supervision: 2026-10-30\n  chronology-up-to-date:\n"
                    "overall_grade:\n")
    assert run(capsys, "save-draft", str(file)) == (
        0, f"Saved a draft of audit {AUDIT}: answers changed.\n")
    assert json.loads(sent[0].content) == {
        "answers": {"child-seen-in-timescales": True, "last-supervision": "2026-10-30"}}


def test_submit_audit_from_a_file(sent: list[httpx.Request], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "audit.yaml"
    file.write_text(yaml.safe_dump({"audit_id": AUDIT, **body()}))
    status, out = run(capsys, "submit-audit", AUDIT, "--file", str(file))
    assert status == 0
    assert out.splitlines() == [
        f"Submitted audit {AUDIT} (submission 1, core v1): inadequate, limited by risk.",
        "action id: a-1", "action id: a-2", "Child of Concern raised: c-1"]
    assert json.loads(sent[0].content) == json.loads(json.dumps(body()))


def test_submit_audit_without_a_file_submits_the_saved_draft(
        sent: list[httpx.Request], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "submit-audit", AUDIT)[0] == 0
    assert json.loads(sent[-1].content) == VIEW["draft"]


def test_a_file_for_another_audit_or_unreadable_is_refused_in_words(
        sent: list[httpx.Request], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("audit_id: 00000000-0000-0000-0000-000000000000\noverall_grade: good\n")
    assert run(capsys, "submit-audit", AUDIT, "--file", str(other)) == (
        1, f"error: {other} is for another audit (its audit_id)\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("answers: [\n")
    status, out = run(capsys, "save-draft", str(broken))
    assert status == 1
    assert out.startswith(f"error: {broken} is not readable YAML or JSON")
    assert sent == []


def test_show_audit(sent: list[httpx.Request], capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "show-audit", AUDIT)
    assert status == 0
    assert out.splitlines() == [
        f"Audit {AUDIT}: child CH-0042 (cp, safeguarding), 2026-11, auditor tm-ali",
        "tool core v1; status in-progress",
        "draft saved so far: answers (1), element_grades (1), engagement (1)"]


def test_record_summary_not_yet_final_is_refused(
        sent: list[httpx.Request], capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "record-summary", AUDIT)
    assert status == 1
    assert out.startswith("refused by the audit service")
