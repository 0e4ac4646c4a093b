"""Which methods a path takes, for Allow headers."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import Match

_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of the app takes at `path` (Starlette names only the
    first route that matched the path, so GET and POST on one path said only one)."""
    allowed = [
        method for method in _METHODS
        if any(route.matches({"type": "http", "path": path, "method": method,
                              "root_path": "", "headers": []})[0] is Match.FULL
               for route in app.router.routes)
    ]
    return sorted([*allowed, "OPTIONS"]) if allowed else []
