"""A service's router served as the platform serves it (problem details, service areas,
truthful OpenAPI), over fakes behind its ports, for HTTP unit tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import httpx
from fastapi import APIRouter

from shared.http.api import service_api
from shared.kernel.clock import LONDON, ManualClock

AREAS = ("childrens-social-care", "early-help", "north")
ACTOR = {"X-Actor-Id": "qa-officer-1", "X-Actor-Role": "qa-officer"}


@contextlib.asynccontextmanager
async def api_client(router: APIRouter, overrides: dict[Callable[..., Any], Callable[..., Any]],
                     *, now: datetime | None = None) -> AsyncIterator[httpx.AsyncClient]:
    app = service_api("test", [router], AREAS)
    app.state.clock = ManualClock(now or datetime(2026, 11, 23, 10, 0, tzinfo=LONDON))
    app.state.commands = None  # a request that reaches the runner fails the test
    app.dependency_overrides.update(overrides)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def fields_at_fault(response: httpx.Response) -> list[list[str | int]]:
    """Where a refused request went wrong, from its problem details."""
    assert response.headers["content-type"] == "application/problem+json"
    return [error["loc"] for error in response.json().get("errors", [])]
