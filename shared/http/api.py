"""A service's HTTP API as the platform shapes every one: problem-details errors, an
OpenAPI document that lists them, offline API docs, truthful OPTIONS and Allow headers.
The host adds the lifespan and the operations routes; tests build one around a router."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi_offline import FastAPIOffline

from shared.http.dependencies import SERVED_AREAS
from shared.http.methods import allowed_methods
from shared.http.openapi import truthful_openapi
from shared.http.problems import install_problem_handlers

# What the docs pages need: their own scripts and styles (and the inline ones the pages
# and ReDoc write), images and fonts of their own or inline, the OpenAPI document, and
# ReDoc's search worker, which it starts from a blob.
DOCS_PAGES = frozenset({"/docs", "/redoc"})  # where FastAPIOffline serves them
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
               "connect-src 'self'; worker-src 'self' blob:")


def service_api(
    title: str,
    routers: Iterable[APIRouter],
    service_areas: Iterable[str],
    *,
    description: str = "",
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    # Swagger UI and ReDoc from the package's own copies: on an offline council network a
    # CDN would leave the page blank.
    app: FastAPI = FastAPIOffline(title=title, description=description, version="0.1.0",
                                  lifespan=lifespan)
    areas = frozenset(service_areas)
    app.state.service_areas = areas
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)

    @app.middleware("http")
    async def options(request: Request,
                      call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # OPTIONS names every method the path takes; Starlette would answer 405 naming
        # only the first route that matched.
        if request.method == "OPTIONS":
            methods = allowed_methods(app, request.url.path)
            if methods:
                return Response(status_code=204, headers={"Allow": ", ".join(methods)})
        SERVED_AREAS.set(areas)  # for the service_area parameters' validation
        response = await call_next(request)
        if request.url.path in DOCS_PAGES:
            # The docs pages may load nothing from elsewhere: ReDoc's bundle would fetch
            # its maker's logo from a CDN, a request out of an offline council network.
            response.headers["Content-Security-Policy"] = DOCS_POLICY
        return response

    def openapi() -> dict[str, Any]:
        return truthful_openapi(app, areas)

    app.openapi = openapi  # type: ignore[method-assign]
    return app
