"""The allocation listing routes validate their query before anything touches a database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.allocation.adapters import read_models
from services.allocation.entrypoints.http import router
from shared.service.dependencies import current_runtime


class NoDatabase:
    """A pool that fails the test if anything reaches for it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the database was reached (pool.{name})")


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    async def listing(pool: object, service_area: str) -> list[dict[str, Any]]:
        assert isinstance(pool, NoDatabase)
        return [{"service_area": service_area}]

    monkeypatch.setattr(read_models, "list_cases", listing)
    monkeypatch.setattr(read_models, "list_auditors", listing)
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[current_runtime] = lambda: SimpleNamespace(pool=NoDatabase())
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
