"""Domain and application errors as HTTP answers: the one place status codes are chosen."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.kernel.errors import ConcurrencyError, Forbidden, NotFound, RuleBroken
from shared.kit.commands import IdempotencyConflict


def install_error_handlers(app: FastAPI) -> None:
    async def rule_broken(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(error)})

    async def not_found(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(error)})

    async def conflict(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": [{"loc": ["header", "Idempotency-Key"], "msg": str(error)}]},
        )

    async def forbidden(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": str(error)})

    async def busy(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, headers={"Retry-After": "1"}, content={
            "detail": "the record changed while this command was being decided, and kept "
            "changing; nothing was recorded: send the command again"})

    app.add_exception_handler(ConcurrencyError, busy)
    app.add_exception_handler(RuleBroken, rule_broken)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(IdempotencyConflict, conflict)
