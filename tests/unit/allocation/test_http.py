"""Allocation's routes refuse bad input at the edge, naming the field (or the CSV line and
column), before any use case runs; reads of child-level lists need a named actor and a
service area that exists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.allocation.application.queries import AllocationQueries, AuthorityPolicy, Directory
from services.allocation.entrypoints import directory_http, exemptions_http, http
from services.allocation.entrypoints.dependencies import directory, policy, queries
from tests.http_support import ACTOR, api_client, fields_at_fault
from tests.unit.allocation.support import ListDirectory


class EchoQueries:
    """The AllocationQueries port, answering with the service area it was asked for."""

    async def cycle(self, service_area: str, month: str) -> dict[str, Any] | None:
        return None

    async def figures(self, service_area: str, month: str) -> dict[str, Any] | None:
        return None

    async def cases(self, service_area: str) -> list[dict[str, Any]]:
        return [{"service_area": service_area}]

    async def auditors(self, service_area: str) -> list[dict[str, Any]]:
        return [{"service_area": service_area}]

    async def pool(self, service_area: str, month: str) -> list[dict[str, Any]]:
        return [{"service_area": service_area, "month": month}]

    async def exemptions(self, service_area: str, month: str) -> list[dict[str, Any]]:
        return [{"service_area": service_area, "month": month}]


def echo() -> AllocationQueries:  # typed, so mypy holds EchoQueries to the port
    return EchoQueries()


def lists() -> Directory:
    return ListDirectory()


OVERRIDES = {queries: echo, directory: lists, policy: lambda: AuthorityPolicy()}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(http.router, OVERRIDES) as test_client:
        yield test_client


@pytest.fixture
async def register() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(directory_http.router, OVERRIDES) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
@pytest.mark.parametrize("area", ["North_Area", "-north", "north area", "", "x" * 64])
async def test_a_malformed_service_area_is_refused_naming_it(
    register: httpx.AsyncClient, path: str, area: str
) -> None:
    response = await register.get(path, params={"service_area": area}, headers=ACTOR)

    assert response.status_code == 422
    assert fields_at_fault(response) == [["query", "service_area"]]


@pytest.mark.parametrize("path", ["/cases", "/auditors", "/pool?as_at=2026-11"])
async def test_a_service_area_the_deployment_does_not_serve_is_not_found(
    register: httpx.AsyncClient, path: str
) -> None:
    # httpx replaces a path's query with `params`, so the path's own query is kept apart.
    route, _, query = path.partition("?")
    extra = dict(part.split("=") for part in query.split("&") if part)
    response = await register.get(route, params={"service_area": "fostering", **extra},
                                  headers=ACTOR)

    assert response.status_code == 404
    assert "serves no service area 'fostering'" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/cases", "/auditors", "/pool?as_at=2026-11"])
async def test_a_read_without_an_actor_is_refused_naming_the_header(
    register: httpx.AsyncClient, path: str
) -> None:
    response = await register.get(path, params={"service_area": "north"})

    assert response.status_code == 422
    assert ["header", "x-actor-id"] in fields_at_fault(response)


async def test_the_pool_is_asked_for_a_month_that_exists(register: httpx.AsyncClient) -> None:
    bad = await register.get("/pool", params={"service_area": "north", "as_at": "2026-13"},
                             headers=ACTOR)
    good = await register.get("/pool", params={"service_area": "north", "as_at": "2026-11"},
                              headers=ACTOR)

    assert fields_at_fault(bad) == [["query", "as_at"]]
    assert good.json() == [{"service_area": "north", "month": "2026-11"}]


@pytest.mark.parametrize(("body", "field"), [
    ({"month": "0000-01"}, "month"),
    ({"month": "2026-13"}, "month"),
    ({"month": "2019-11"}, "month"),  # years away from today (2026-11-23)
    ({"month": "2026-11", "return_deadline": "2026-10-31"}, "return_deadline"),
    ({"month": "2026-11", "return_deadline": "2027-06-01"}, "return_deadline"),
    ({"month": "2026-11", "return_deadline": "2026-02-30"}, "return_deadline"),
    ({"month": "2026-11", "service_area": "fostering"}, "service_area"),
    ({"month": "2026-11", "surprise": 1}, "surprise"),
    ({"month": "2026-11", "seed": -1}, "seed"),
    ({"month": "2026-11", "rules": {"core_audits": 2, "legal_status_quotas": {"cp": 3}}},
     "rules"),
    ({"month": "2026-11", "rules": {"core_audits": 2, "core_filter": {"state": "shut"}}},
     "rules.core_filter.state"),
])
async def test_opening_a_cycle_refuses_a_bad_field_naming_it(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/cycles", json={"service_area": "north", **body},
                                 headers=ACTOR)

    assert response.status_code == 422, response.text
    assert [".".join(str(p) for p in loc[1:]) for loc in fields_at_fault(response)] == [field]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/allocations", {"month": "2026-11", "case_id": "nope", "auditor_id": "tm-1"}, "case_id"),
    ("/allocations", {"month": "2026-11", "case_id": "3f2b8c1e-0000-4000-8000-000000009a01",
                      "auditor_id": "tm 1"}, "auditor_id"),
    ("/allocations/3f2b8c1e-0000-4000-8000-000000009a01/reallocation",
     {"auditor_id": "tm-1", "reason": "bored"}, "reason"),
])
async def test_allocation_commands_refuse_a_bad_field_naming_it(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    response = await client.post(path, json={"service_area": "north", **body}, headers=ACTOR)

    assert response.status_code == 422, response.text
    assert fields_at_fault(response) == [["body", field]]


async def test_an_exemption_of_an_unknown_kind_is_refused_naming_it() -> None:
    async with api_client(exemptions_http.router, OVERRIDES) as client:
        response = await client.post("/exemptions", json={
            "service_area": "north", "month": "2026-11", "person_id": "tm-1",
            "kind": "holiday"}, headers=ACTOR)

    assert fields_at_fault(response) == [["body", "kind"]]


STAFF_CSV = (
    "person_id,role,team,working_pattern,auditor_since\n"
    "tm-1,team-manager,east,full-time,2025-01-01\n"
    "tm-2,chief,east,,2025-01-01\n"           # line 3: no such role
    "tm-3,team-manager,East Team,weekly,\n"   # line 4: team and working pattern
    "tm-1,team-manager,west,,\n"              # line 5: tm-1 again
)


async def test_a_staff_import_with_bad_rows_names_every_line_and_column_and_records_nothing(
    register: httpx.AsyncClient,
) -> None:
    response = await register.post(
        "/imports/staff", params={"service_area": "north"}, content=STAFF_CSV,
        headers={**ACTOR, "content-type": "text/csv"})

    assert response.status_code == 422
    assert fields_at_fault(response) == [
        ["body", "line 3", "role"], ["body", "line 4", "team"],
        ["body", "line 4", "working_pattern"], ["body", "line 5", "person_id"]]
    assert "repeats line 2" in response.json()["errors"][-1]["msg"]


@pytest.mark.parametrize(("csv", "where"), [
    ("case_ref,child_ref,team\nC1,CH-001,east\n", ["body", "line 1", "legal_status"]),
    ("case_ref,child_ref,team,legal_status,colour\n", ["body", "line 1", "colour"]),
    ("case_ref,child_ref,team,legal_status\nC1,Jane Smith,east,cp\n",
     ["body", "line 2", "child_ref"]),
    ("case_ref,child_ref,team,legal_status,closed_on\nC1,CH-001,east,cp,31/01/2026\n",
     ["body", "line 2", "closed_on"]),
    ("case_ref,child_ref,team,legal_status\nC1,CH-001,east,cp,extra\n",
     ["body", "line 2", "row"]),
    ("", ["body", "line 1", "case_ref"]),  # an empty file lacks every column
])
async def test_a_malformed_case_extract_is_refused_by_line_and_column(
    register: httpx.AsyncClient, csv: str, where: list[str]
) -> None:
    response = await register.post(
        "/imports/cases", params={"service_area": "north"}, content=csv,
        headers={**ACTOR, "content-type": "text/csv"})

    assert response.status_code == 422
    assert where in fields_at_fault(response)


async def test_an_extract_that_is_not_csv_text_is_refused(register: httpx.AsyncClient) -> None:
    response = await register.post(
        "/imports/cases", params={"service_area": "north"}, content=b"\xff\xfe",
        headers={**ACTOR, "content-type": "application/json"})

    assert fields_at_fault(response) == [["header", "content-type"]]


async def test_options_and_a_wrong_method_name_every_method_of_the_path(
    register: httpx.AsyncClient,
) -> None:
    options = await register.options("/cases")
    wrong = await register.delete("/cases")

    assert options.status_code == 204
    assert wrong.status_code == 405
    for response in (options, wrong):
        assert response.headers["allow"] == "GET, OPTIONS, POST"
