"""A service's HTTP application: its routers, error answers and operations routes, with
the database and messaging sides started and stopped in its lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.host.asyncapi import asyncapi_document
from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.http.api import service_api


class Liveness(BaseModel):
    service: str
    status: Literal["alive"]


class Readiness(BaseModel):
    service: str
    instance: str
    status: Literal["ready", "not ready"]
    checks: dict[str, str]


class ChainBreakView(BaseModel):
    stream_id: str
    stream_version: int
    event_id: str
    global_position: int
    reason: str


class Verification(BaseModel):
    service: str
    intact: bool
    events_checked: int
    streams_checked: int
    breaks: list[ChainBreakView]


def create_app(resources: ServiceResources, messaging: MessagingHost) -> FastAPI:
    definition = resources.definition

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await resources.start()
        app.state.commands = resources.commands
        app.state.clock = resources.clock
        app.state.provided = resources.provided
        try:
            await messaging.start()
            yield
        finally:
            await messaging.stop()
            await resources.stop()

    app = service_api(f"QA platform: {definition.name} service", definition.routers,
                      resources.settings.service_areas, description=definition.description,
                      lifespan=lifespan)

    @app.get("/health/live", tags=["operations"])
    async def live() -> Liveness:
        """Answers while the process runs: checks nothing else, costs nothing."""
        return Liveness(service=definition.name, status="alive")

    @app.get("/health/ready", tags=["operations"],
             responses={503: {"model": Readiness, "description": "something is down"}})
    async def ready() -> JSONResponse:
        """The database, the broker, the relay and every consumer; 503 if any is down."""
        checks = {**await resources.readiness(), **await messaging.readiness()}
        healthy = all(value in {"ok", "active", "standby"} for value in checks.values())
        body = Readiness(service=definition.name, instance=resources.settings.instance_id,
                         status="ready" if healthy else "not ready", checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)

    @app.get("/asyncapi.json", tags=["operations"])
    async def asyncapi() -> dict[str, Any]:
        """The events this service publishes and the events it takes (AsyncAPI 3.0)."""
        return asyncapi_document(definition, messaging.kafka)

    @app.get("/verify", tags=["operations"])
    async def verify() -> Verification:
        """Recomputes every hash chain of the service's store; names each break."""
        report = await resources.store.verify()
        return Verification(service=definition.name, intact=report.intact,
                            events_checked=report.events_checked,
                            streams_checked=report.streams_checked,
                            breaks=[ChainBreakView(**vars(b)) for b in report.breaks])

    return app
