"""Every error answer in one shape: RFC 9457 problem details (`application/problem+json`).

`type` names the kind of problem (a stable URN an integrator can switch on), `title` says
it in words, `detail` says what happened this time, and `errors` lists each field at
fault for a refused request: `loc` is where it is (["body", "month"], ["header",
"Idempotency-Key"]), `msg` what is expected. This is the one place status codes are
chosen; `problems(...)` documents them on each route.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from shared.events.common import CHILD_REF_PATTERN, MONTH_PATTERN, TEAM_PATTERN
from shared.http.fields import MONTH_PATTERN as REQUEST_MONTH_PATTERN
from shared.http.methods import allowed_methods
from shared.kernel.errors import (
    ConcurrencyError,
    FieldsRefused,
    Forbidden,
    NotFound,
    RuleBroken,
)
from shared.kernel.identifiers import IDENT_PATTERN, SLUG_PATTERN
from shared.kit.commands import IdempotencyConflict

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
# The error type of a service area the deployment does not serve, named in a read's
# path or query (shared/http/dependencies.py): alone, it means "no such thing" (404).
AREA_NOT_SERVED = "area_not_served"


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


TITLES = {
    400: ("bad-request", "The request could not be read"),
    403: ("forbidden", "Not allowed for this person"),
    404: ("not-found", "No such thing"),
    405: ("method-not-allowed", "This address does not take that method"),
    409: ("conflict", "Refused by a rule, or by the state of the record"),
    422: ("invalid-request", "A field is missing or not as expected"),
    500: ("server-error", "The service failed; nothing was recorded"),
    503: ("unavailable", "The service cannot answer now"),
}


def problem(status: int, detail: str, errors: Sequence[FieldProblem] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    kind, title = TITLES.get(status, ("error", "Error"))
    body = Problem(type=f"urn:qa-platform:problem:{kind}", title=title, status=status,
                   detail=detail, errors=list(errors) if errors is not None else None)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status_code=status,
                        media_type=MEDIA_TYPE, headers=headers)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route's error answers, each with the Problem schema."""
    return {
        status: {"description": TITLES[status][1], "model": Problem,
                 "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for status in statuses
    }


# A person reading a refusal is told the expected form in words, not as a regex.
FORMS = {
    SLUG_PATTERN: "lowercase letters, digits and hyphens (e.g. childrens-social-care)",
    TEAM_PATTERN: "lowercase letters, digits and hyphens (e.g. front-door)",
    IDENT_PATTERN: "a stable id: letters, digits, '.', '_', ':' or '-', at most 64 "
                   "(e.g. tm-ali), never a display name",
    MONTH_PATTERN: "a month as YYYY-MM (e.g. 2026-11)",
    REQUEST_MONTH_PATTERN: "a month as YYYY-MM, 2000-01 to 2099-12 (e.g. 2026-11)",
    CHILD_REF_PATTERN: "a pseudonymous reference: 3 to 41 letters, digits, '-' or '_' "
                       "(e.g. CH-0042), never a name",
}


def field_problems(error: RequestValidationError) -> list[FieldProblem]:
    """Where and what, never the value sent: it may be personal data."""
    return [
        FieldProblem(loc=list(item.get("loc", ())), msg=_plain(item),
                     type=str(item.get("type", "value_error")))
        for item in error.errors()
    ]


def _plain(item: dict[str, Any]) -> str:
    if item.get("type") == "string_pattern_mismatch":
        form = FORMS.get(str(item.get("ctx", {}).get("pattern", "")))
        return f"expected {form}" if form else "not in the expected form"
    # pydantic prefixes messages of custom validators with "Value error, ".
    return str(item.get("msg", "")).removeprefix("Value error, ")


def refuse(loc: Sequence[str | int], message: str) -> RequestValidationError:
    """A 422 naming one field, for checks a request model cannot make on its own."""
    return RequestValidationError([{"loc": tuple(loc), "msg": message, "type": "value_error"}])


def install_problem_handlers(app: FastAPI) -> None:
    async def invalid(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        found = field_problems(error)
        if any(item.type == "json_invalid" for item in found):
            return problem(400, "the body is not valid JSON", found)
        if found and all(item.type == AREA_NOT_SERVED for item in found):
            return problem(404, found[0].msg)
        fields = ", ".join(".".join(str(part) for part in item.loc[1:]) or str(item.loc[0])
                           for item in found)
        return problem(422, f"refused: see {fields}", found)

    async def refused_fields(request: Request, error: Exception) -> JSONResponse:
        # The domain names fields within the body; answered as request validation is.
        assert isinstance(error, FieldsRefused)
        return await invalid(request, RequestValidationError([
            {"loc": ("body", *item.loc), "msg": item.msg, "type": "value_error"}
            for item in error.errors]))

    async def http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return problem(error.status_code, str(error.detail), headers=headers or None)

    async def busy(_: Request, __: Exception) -> JSONResponse:
        return problem(409, "the record changed while this command was being decided, and "
                       "kept changing; nothing was recorded: send the command again",
                       headers={"Retry-After": "1"})

    async def reused_key(_: Request, error: Exception) -> JSONResponse:
        return problem(422, str(error), [FieldProblem(
            loc=["header", "Idempotency-Key"], msg="use a new key for a different request",
            type="idempotency_key_reused")])

    async def failed(request: Request, error: Exception) -> JSONResponse:
        log.error("%s %s failed: %s", request.method, request.url.path,
                  type(error).__name__, exc_info=error)
        return problem(500, "the service failed while answering; nothing was recorded")

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(FieldsRefused, refused_fields)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(ConcurrencyError, busy)
    app.add_exception_handler(IdempotencyConflict, reused_key)
    for error, status in ((RuleBroken, 409), (Forbidden, 403), (NotFound, 404)):
        app.add_exception_handler(error, _answer(status))
    app.add_exception_handler(Exception, failed)


def _answer(status: int) -> Any:
    async def answer(_: Request, error: Exception) -> JSONResponse:
        return problem(status, str(error))

    return answer
