"""A service's HTTP application: its routers, error answers and operations routes, with
the database and messaging sides started and stopped in its lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from faststream.specification import AsyncAPI

from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.http.errors import install_error_handlers


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

    app = FastAPI(
        title=f"QA platform: {definition.name} service",
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in definition.routers:
        app.include_router(router)

    @app.get("/health", tags=["operations"])
    async def health() -> dict[str, Any]:
        relay = messaging.relay
        relay_active = relay is not None and relay.active.is_set()
        return {"service": definition.name, "status": "ok", "relay_active": relay_active}

    @app.get("/asyncapi.json", tags=["operations"])
    async def asyncapi() -> Any:
        spec = AsyncAPI(messaging.broker, title=f"{definition.name} events", version="0.1.0")
        return spec.to_specification().to_jsonable()

    @app.get("/verify", tags=["operations"])
    async def verify() -> dict[str, Any]:
        report = await resources.store.verify()
        return {
            "service": definition.name,
            "intact": report.intact,
            "events_checked": report.events_checked,
            "streams_checked": report.streams_checked,
            "breaks": [vars(b) for b in report.breaks],
        }

    return app
