"""A service's HTTP application: its routers, error answers and operations routes, with
the database and messaging sides started and stopped in its lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from shared.host.asyncapi import asyncapi_document
from shared.host.dead_letters_http import dead_letter_router
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


class AnchorBreakView(BaseModel):
    stream_id: str | None
    checkpoint: int | None
    reason: str


class Anchoring(BaseModel):
    """The store against its latest signed checkpoint (see shared/postgres/checkpoints.py)."""

    anchored: bool
    key_id: str | None = None
    checkpoints: int = 0
    latest: int | None = None
    latest_taken_at: datetime | None = None
    covers_events: int = 0
    breaks: list[AnchorBreakView] = []


class Verification(BaseModel):
    service: str
    intact: bool
    events_checked: int
    streams_checked: int
    breaks: list[ChainBreakView]
    checkpoints: Anchoring


class CheckpointTaken(BaseModel):
    service: str
    sequence: int | None
    events: int
    streams: int
    taken_at: datetime | None


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
    app.include_router(dead_letter_router(resources, messaging.desk))

    @app.get("/metrics", tags=["operations"], response_class=Response,
             responses={200: {"description": "The service's metrics (Prometheus text format)",
                              "content": {"text/plain": {"schema": {"type": "string"}}}}})
    async def metrics() -> Response:
        """Commands, consumers, relay, dead letters and the service's domain clocks, for
        Prometheus to scrape (deploy/observability/ has the dashboard and alert rules)."""
        return Response(generate_latest(resources.telemetry.metrics.registry),
                        media_type=CONTENT_TYPE_LATEST)

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
        """Recomputes every hash chain of the service's store and checks the store against
        its signed checkpoints; names each break and the checkpoint it contradicts."""
        report = await resources.store.verify()
        checked = await resources.verify_checkpoints()
        anchoring = Anchoring(anchored=False)
        if checked is not None:
            key_id, anchors = checked
            anchoring = Anchoring(
                anchored=True, key_id=key_id, checkpoints=anchors.checkpoints,
                latest=anchors.latest_sequence, latest_taken_at=anchors.latest_taken_at,
                covers_events=anchors.covers_events,
                breaks=[AnchorBreakView(**vars(b)) for b in anchors.breaks])
        return Verification(service=definition.name,
                            intact=report.intact and not anchoring.breaks,
                            events_checked=report.events_checked,
                            streams_checked=report.streams_checked,
                            breaks=[ChainBreakView(**vars(b)) for b in report.breaks],
                            checkpoints=anchoring)

    @app.post("/checkpoints", tags=["operations"],
              responses={409: {"description": "this service signs no checkpoints"}})
    async def checkpoint() -> CheckpointTaken:
        """Signs a checkpoint of the store now (if anything was committed since the last)
        and answers with the latest one."""
        if resources.checkpointer is None:
            raise HTTPException(409, "no CHECKPOINT_KEY_FILE: this service signs no checkpoints")
        await resources.checkpointer.take()
        latest = resources.checkpointer.latest
        return CheckpointTaken(service=definition.name,
                               sequence=latest.sequence if latest else None,
                               events=latest.events if latest else 0,
                               streams=latest.streams if latest else 0,
                               taken_at=latest.taken_at if latest else None)

    return app
