"""A read of a service area the deployment does not serve is 404, but only once the
request is otherwise well formed: a missing actor or a malformed parameter is a refused
request (422) naming it, whatever the area. Found by schemathesis (missing_required_header):
the area was checked in a dependency that answered 404 before the headers were read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from shared.http.conventions import ActorDep
from shared.http.dependencies import AreaQuery
from tests.http_support import ACTOR, AREAS, api_client, fields_at_fault

# A read as every service declares one: a service area in the query, an actor in headers.
router = APIRouter()


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@router.get("/actions")
async def actions(service_area: AreaQuery, actor: ActorDep,
                  status: Status | None = None) -> list[dict[str, Any]]:
    return []


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(router, {}) as test_client:
        yield test_client


async def test_a_served_area_answers(client: httpx.AsyncClient) -> None:
    answer = await client.get("/actions", params={"service_area": AREAS[0]}, headers=ACTOR)
    assert answer.status_code == 200
    assert answer.json() == []


async def test_an_area_not_served_is_not_found(client: httpx.AsyncClient) -> None:
    answer = await client.get("/actions", params={"service_area": "elsewhere"}, headers=ACTOR)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert "'elsewhere'" in answer.json()["detail"]
    assert "errors" not in answer.json()


async def test_a_missing_actor_is_refused_before_the_area_is_looked_up(
        client: httpx.AsyncClient) -> None:
    answer = await client.get("/actions", params={"service_area": "elsewhere"},
                              headers={"X-Actor-Id": "qa-officer-1"})
    assert answer.status_code == 422
    assert ["header", "x-actor-role"] in fields_at_fault(answer)


async def test_a_malformed_parameter_is_refused_whatever_the_area(
        client: httpx.AsyncClient) -> None:
    answer = await client.get("/actions", params={"service_area": "elsewhere",
                                                  "status": "lost"}, headers=ACTOR)
    assert answer.status_code == 422
    assert ["query", "status"] in fields_at_fault(answer)
    assert ["query", "service_area"] in fields_at_fault(answer)
