"""Allocation's routes refuse bad input at the edge, naming the field, before any use case
runs; reads of child-level lists need a named actor and a service area that exists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.allocation.application.queries import AllocationQueries
from services.allocation.entrypoints.http import queries, router
from tests.http_support import ACTOR, api_client, fields_at_fault


class EchoQueries:
    """The AllocationQueries port, answering with the service area it was asked for."""

    async def cycle(self, service_area: str, month: str) -> dict[str, Any] | None:
        return None

    async def cases(self, service_area: str) -> list[dict[str, Any]]:
        return [{"service_area": service_area}]

    async def auditors(self, service_area: str) -> list[dict[str, Any]]:
        return [{"service_area": service_area}]


def echo() -> AllocationQueries:  # typed, so mypy holds EchoQueries to the port
    return EchoQueries()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(router, {queries: echo}) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
@pytest.mark.parametrize("area", ["North_Area", "-north", "north area", "", "x" * 64])
async def test_a_malformed_service_area_is_refused_naming_it(
    client: httpx.AsyncClient, path: str, area: str
) -> None:
    response = await client.get(path, params={"service_area": area}, headers=ACTOR)

    assert response.status_code == 422
    assert fields_at_fault(response) == [["query", "service_area"]]


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
async def test_a_service_area_the_deployment_does_not_serve_is_not_found(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, params={"service_area": "fostering"}, headers=ACTOR)

    assert response.status_code == 404
    assert "serves no service area 'fostering'" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
async def test_a_read_without_an_actor_is_refused_naming_the_header(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, params={"service_area": "north"})

    assert response.status_code == 422
    assert ["header", "x-actor-id"] in fields_at_fault(response)


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
async def test_a_good_service_area_reaches_the_query_port(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, params={"service_area": "north"}, headers=ACTOR)

    assert response.status_code == 200
    assert response.json() == [{"service_area": "north"}]


@pytest.mark.parametrize(("body", "field"), [
    ({"month": "0000-01"}, "month"),
    ({"month": "2026-13"}, "month"),
    ({"month": "2019-11"}, "month"),  # years away from today (2026-11-23)
    ({"month": "2026-11", "return_deadline": "2026-10-31"}, "return_deadline"),
    ({"month": "2026-11", "return_deadline": "2027-06-01"}, "return_deadline"),
    ({"month": "2026-11", "return_deadline": "2026-02-30"}, "return_deadline"),
    ({"month": "2026-11", "service_area": "fostering"}, "service_area"),
    ({"month": "2026-11", "surprise": 1}, "surprise"),
])
async def test_opening_a_cycle_refuses_a_bad_field_naming_it(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/cycles", json={"service_area": "north", **body},
                                 headers=ACTOR)

    assert response.status_code == 422, response.text
    assert fields_at_fault(response) == [["body", field]]


async def test_an_unreadable_body_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/cycles", content=b'{"month": ', headers={
        **ACTOR, "content-type": "application/json"})

    assert response.status_code == 400
    assert response.json()["type"] == "urn:qa-platform:problem:bad-request"


async def test_options_and_a_wrong_method_name_every_method_of_the_path(
    client: httpx.AsyncClient,
) -> None:
    options = await client.options("/cases")
    wrong = await client.delete("/cases")

    assert options.status_code == 204
    assert wrong.status_code == 405
    for response in (options, wrong):
        assert response.headers["allow"] == "GET, OPTIONS, POST"
