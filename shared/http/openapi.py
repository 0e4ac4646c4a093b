"""An OpenAPI document that tells the truth about error answers, parameters and areas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.http.problems import MEDIA_TYPE, TITLES, FieldProblem, Problem

_REF = "#/components/schemas/Problem"
_SCHEMAS = "#/components/schemas/"
_NULL = {"type": "null"}


def _problem_response(status: int) -> dict[str, Any]:
    return {"description": TITLES[status][1],
            "content": {MEDIA_TYPE: {"schema": {"$ref": _REF}}}}


def _never_null(parameter: dict[str, Any]) -> None:
    """A path, query or header parameter is text or absent: it cannot be JSON null, yet
    FastAPI documents an optional one as `anyOf: [..., {type: null}]`, which invites a
    client to send the word "null" (refused, for a UUID header). Absent is how a client
    says none; the document says so by `required: false` alone."""
    schema = parameter.get("schema", {})
    alternatives = schema.get("anyOf")
    if not isinstance(alternatives, list) or _NULL not in alternatives:
        return
    rest = [alternative for alternative in alternatives if alternative != _NULL]
    kept = {key: value for key, value in schema.items() if key != "anyOf"}
    if len(rest) == 1:
        parameter["schema"] = {**rest[0], **kept}
    else:
        parameter["schema"] = {**kept, "anyOf": rest}


def _served_areas(schema: dict[str, Any], areas: list[str]) -> None:
    """Name the deployment's service areas (SERVICE_AREAS) wherever a request names one:
    any other is refused (a command, 422) or does not exist (a read, 404)."""
    request_bodies: set[str] = set()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "service_area":
                    parameter["schema"]["enum"] = areas
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                if ref.startswith(_SCHEMAS):
                    request_bodies.add(ref.removeprefix(_SCHEMAS))
    components = schema.get("components", {}).get("schemas", {})
    for name in request_bodies:
        area = components.get(name, {}).get("properties", {}).get("service_area")
        if area is not None:
            area["enum"] = areas


def truthful_openapi(app: FastAPI, service_areas: Iterable[str] = ()) -> dict[str, Any]:
    """FastAPI's document, with every error answer in the one Problem shape: 422 where a
    request can be refused, 400 where a body can be unreadable, 500 everywhere (a fault
    answers in words, never with a stack trace), 404 wherever a service area is named in
    the path or query, and FastAPI's own 422 schema dropped;
    no parameter documented as nullable; the service areas the deployment serves listed."""
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
            for parameter in operation.get("parameters", []):
                _never_null(parameter)
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses["422"] = _problem_response(422)
            if operation.get("requestBody"):
                responses["400"] = _problem_response(400)
            if any(parameter.get("name") == "service_area"
                   and parameter.get("in") in ("path", "query")
                   for parameter in operation.get("parameters", [])):
                # An area the deployment does not serve does not exist, for a command as
                # for a read (shared/http/dependencies.py).
                responses.setdefault("404", _problem_response(404))
            responses["500"] = _problem_response(500)
    if areas := sorted(service_areas):
        _served_areas(schema, areas)
    app.openapi_schema = schema
    return schema
