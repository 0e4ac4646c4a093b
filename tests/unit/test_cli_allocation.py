"""The `qa` allocation commands: what each sends (method, path, body) and how it answers,
over an httpx mock; bad arguments and files are told in words before anything is sent."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli import main as qa
from cli.client import QaClient

ID = str(uuid.uuid4())


def serving(body: Any, sent: list[httpx.Request]) -> Callable[..., None]:
    """QaClient with every request recorded in `sent` and answered 200 with `body`."""
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=body)

    original = QaClient.__init__

    def client(self: QaClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.transport = httpx.MockTransport(answer)

    return client


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str],
        body: Any) -> tuple[httpx.Request, str]:
    sent: list[httpx.Request] = []
    monkeypatch.setattr(QaClient, "__init__", serving(body, sent))
    assert qa.main(argv) == 0
    (request,) = sent
    return request, capsys.readouterr().out


def json_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


EXEMPTION = {"exemption_id": ID, "person_id": "tm-1", "month": "2026-12",
             "kind": "workload", "non_operational": False, "status": "awaiting a director",
             "authorised_by": None}
ALLOCATED = {"allocation_id": ID, "child_ref": "CH-1", "case_team": "east",
             "auditor_id": "tm-1", "auditor_team": "west", "month": "2026-12",
             "selection": "core"}


def test_import_staff_sends_the_file_as_csv(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extract = tmp_path / "staff.csv"
    extract.write_text("person_id,role,team\ntm-1,team-manager,east\n")
    request, out = run(monkeypatch, capsys, ["import-staff", str(extract)],
                       {"rows": 1, "recorded": 1, "unchanged": 0})
    assert (request.method, request.url.path) == ("POST", "/imports/staff")
    assert request.url.params["service_area"] == "childrens-social-care"
    assert request.headers["content-type"] == "text/csv"
    assert request.content == extract.read_bytes()
    assert out == "Imported 1 staff rows: 1 changes recorded, 0 rows unchanged.\n"


def test_import_cases_names_a_file_it_cannot_read(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    assert qa.main(["import-cases", str(tmp_path / "missing.csv")]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot read {tmp_path}/missing.csv")


def test_open_cycle_sends_rules_seed_and_moderators(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"core_audits": 3}')
    request, out = run(monkeypatch, capsys, [
        "open-cycle", "--month", "2026-12", "--rules", str(rules), "--seed", "42",
        "--moderating", "mod-1", "mod-2"], {
        "cycle_id": ID, "service_area": "childrens-social-care", "month": "2026-12",
        "return_deadline": "2026-12-31", "auditors_in_pool": 9, "own_team_audits": "forbidden",
        "seed": 42, "drawn": [{}, {}], "shortfalls": [
            {"what": "core audits", "wanted": 3, "found": 2}]})
    assert json_of(request) == {"service_area": "childrens-social-care", "month": "2026-12",
                                "rules": {"core_audits": 3}, "seed": 42,
                                "moderating": ["mod-1", "mod-2"]}
    assert "drew 2 cases with seed 42" in out
    assert "short: core audits wanted 3, found 2" in out


def test_open_cycle_refuses_rules_that_are_not_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text("core_audits: 3")
    assert qa.main(["open-cycle", "--month", "2026-12", "--rules", str(rules)]) == 1
    assert "is not JSON" in capsys.readouterr().err


def test_run_allocation_lists_each_placement_and_each_case_it_could_not_place(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request, out = run(monkeypatch, capsys, ["run-allocation", "--month", "2026-12"], {
        "allocated": [ALLOCATED], "resting": ["pt-1"],
        "unplaced": [{"case_id": ID, "reason": "none of the 2 auditor(s) may audit it"}]})
    assert request.url.path == "/cycles/childrens-social-care/2026-12/allocation"
    assert out.splitlines() == [
        "Allocated 1 cases.", "  CH-1 (east) -> tm-1 (west), core",
        "Part-time month off: pt-1",
        f"Not allocated: case {ID}: none of the 2 auditor(s) may audit it"]


def test_allocate_by_hand_sends_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request, out = run(monkeypatch, capsys, [
        "allocate", "--month", "2026-12", "--case", ID, "--auditor", "tm-1",
        "--reason", "Raised at the Front Door"], ALLOCATED)
    assert json_of(request)["reason"] == "Raised at the Front Door"
    assert out.startswith("Allocated child CH-1 (east) to tm-1 (west)")


def test_reallocate_sends_the_auditor_and_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request, out = run(monkeypatch, capsys, [
        "reallocate", ID, "--auditor", "tm-2", "--reason", "sickness"], {
        "allocation_id": ID, "from_auditor_id": "tm-1", "auditor_id": "tm-2",
        "reason": "sickness"})
    assert request.url.path == f"/allocations/{ID}/reallocation"
    assert json_of(request) == {"service_area": "childrens-social-care", "auditor_id": "tm-2",
                                "reason": "sickness"}
    assert out == f"Reallocated {ID} from tm-1 to tm-2 (sickness).\n"


def test_exempt_and_a_directors_decisions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request, out = run(monkeypatch, capsys, [
        "exempt", "tm-1", "--month", "2026-12", "--kind", "workload"], EXEMPTION)
    assert json_of(request)["kind"] == "workload"
    assert "workload (operational): awaiting a director" in out
    authorised = {**EXEMPTION, "status": "counted", "authorised_by": "dir-1"}
    request, out = run(monkeypatch, capsys, [
        "--as", "dir-1", "--role", "director", "authorise-exemption", ID], authorised)
    assert request.url.path == f"/exemptions/{ID}/authorisation"
    assert request.headers["x-actor-role"] == "director"
    assert out.endswith("counted by dir-1.\n")
    request, _ = run(monkeypatch, capsys, ["--role", "director", "refuse-exemption", ID],
                     {**EXEMPTION, "status": "refused"})
    assert request.url.path == f"/exemptions/{ID}/refusal"


def test_close_cycle_says_whether_it_closed_now(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = {"cycle_id": ID, "month": "2026-12", "nil_returns_recorded": 7,
              "closed_now": True}
    request, out = run(monkeypatch, capsys, ["close-cycle", "--month", "2026-12"], answer)
    assert request.url.path == "/cycles/childrens-social-care/2026-12/close"
    assert out == "Closed the 2026-12 cycle: 7 nil returns recorded.\n"
    _, out = run(monkeypatch, capsys, ["close-cycle", "--month", "2026-12"],
                 {**answer, "closed_now": False, "nil_returns_recorded": 0})
    assert "already closed; nothing changed" in out


def test_figures_show_both_rates(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(monkeypatch, capsys, ["figures", "--month", "2019-01"], {
        "closed": True, "auditors_in_pool": 82, "non_operational_exemptions": 12,
        "operational_exemptions": 5, "allocated": 65, "completed": 58, "late_returns": 3,
        "nil_returns": 7, "completed_to_standard": 57,
        "completion_rate_net_of_non_operational": "58/70 (83%)",
        "overall_completion_rate": "58/82 (71%)"})
    assert "completion less non-operational   58/70 (83%)" in out
    assert "overall completion                58/82 (71%)" in out


@pytest.mark.parametrize(("argv", "path", "params"), [
    (["pool", "--month", "2026-12"], "/pool",
     {"service_area": "childrens-social-care", "as_at": "2026-12"}),
    (["exemptions", "--month", "2026-12"], "/exemptions",
     {"service_area": "childrens-social-care", "month": "2026-12"}),
    (["cases", "--area", "early-help"], "/cases", {"service_area": "early-help"}),
])
def test_the_listings_ask_for_the_area_and_month(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str],
    path: str, params: dict[str, str]
) -> None:
    request, out = run(monkeypatch, capsys, argv, [])
    assert request.url.path == path
    assert dict(request.url.params) == params
    assert out == "(none)\n"


@pytest.mark.parametrize(("argv", "says"), [
    (["open-cycle", "--month", "2026-12", "--seed", "-4"], "is not a seed"),
    (["reallocate", ID, "--auditor", "tm-2", "--reason", "bored"], "invalid choice"),
    (["exempt", "tm-1", "--month", "2026-12", "--kind", "holiday"], "invalid choice"),
    (["authorise-exemption", "E-1"], "is not an id"),
    (["figures", "--month", "Dec"], "is not a month"),
])
def test_a_mistyped_allocation_argument_is_told_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        qa.main(argv)
    assert exited.value.code == 2
    assert says in capsys.readouterr().err
