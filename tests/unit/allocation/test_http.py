"""The allocation listing routes validate their query before reaching the query port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.allocation.application.queries import AllocationQueries
from services.allocation.entrypoints.http import queries, router


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
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[queries] = echo
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
@pytest.mark.parametrize("area", ["North_Area", "-north", "north area", "", "x" * 64])
async def test_a_bad_service_area_is_refused_naming_it(
    client: httpx.AsyncClient, path: str, area: str
) -> None:
    response = await client.get(path, params={"service_area": area})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "service_area"]]


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
async def test_a_missing_service_area_is_refused_naming_it(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "service_area"]]


@pytest.mark.parametrize("path", ["/cases", "/auditors"])
async def test_a_good_service_area_reaches_the_read_model(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, params={"service_area": "childrens-social-care"})

    assert response.status_code == 200
    assert response.json() == [{"service_area": "childrens-social-care"}]
