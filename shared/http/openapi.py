"""An OpenAPI document that tells the truth about error answers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.http.problems import MEDIA_TYPE, TITLES, FieldProblem, Problem

_REF = "#/components/schemas/Problem"


def _problem_response(status: int) -> dict[str, Any]:
    return {"description": TITLES[status][1],
            "content": {MEDIA_TYPE: {"schema": {"$ref": _REF}}}}


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error answer in the one Problem shape: 422 where a
    request can be refused, 400 where a body can be unreadable, 500 everywhere (a fault
    answers in words, never with a stack trace), and FastAPI's own 422 schema dropped."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    definitions = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(definitions.pop("$defs", {}))
    components["Problem"] = definitions
    components["FieldProblem"] = FieldProblem.model_json_schema()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses["422"] = _problem_response(422)
            if operation.get("requestBody"):
                responses["400"] = _problem_response(400)
            responses["500"] = _problem_response(500)
    app.openapi_schema = schema
    return schema
