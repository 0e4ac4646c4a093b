"""What each service's OpenAPI document promises, checked on the document itself: the
fuzzer (tests/e2e/test_fuzzing.py) holds the services to it, so it must not promise what
they refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.host.definition import ServiceDefinition
from shared.http.api import service_api
from tests.http_support import AREAS
from tests.support import DEFINITIONS


def document(definition: ServiceDefinition) -> dict[str, Any]:
    return service_api(definition.name, definition.routers, AREAS).openapi()


def parameters(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield f"{method.upper()} {path} {parameter['in']} {parameter['name']}", parameter


def admits_null(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "null" or "null" in (schema.get("type") or []):
        return True
    return any(admits_null(alternative)
               for key in ("anyOf", "oneOf") for alternative in schema.get(key, []))


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
def test_no_parameter_is_documented_as_nullable(definition: ServiceDefinition) -> None:
    # A header or query value is text or absent; "null" sent as X-Correlation-Id was
    # refused although the document allowed it.
    nullable = [where for where, parameter in parameters(document(definition))
                if admits_null(parameter["schema"])]
    assert nullable == []


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
def test_optional_parameters_keep_their_form(definition: ServiceDefinition) -> None:
    # Dropping null must keep the form a value has (a UUID stays a UUID).
    found = dict(parameters(document(definition)))
    for where, parameter in found.items():
        if where.endswith("header X-Correlation-Id"):
            assert parameter["schema"]["format"] == "uuid"
            assert parameter.get("required", False) is False


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
def test_service_areas_are_the_configured_ones(definition: ServiceDefinition) -> None:
    schema = document(definition)
    named = [parameter["schema"].get("enum") for where, parameter in parameters(schema)
             if parameter["name"] == "service_area"]
    components = schema["components"]["schemas"]
    for operations in schema["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            # A body may be optional: anyOf the model and null.
            for ref in [body["schema"], *body["schema"].get("anyOf", [])]:
                if "$ref" not in ref:
                    continue
                model = components[ref["$ref"].rsplit("/", 1)[-1]]
                if "service_area" in model["properties"]:
                    named.append(model["properties"]["service_area"].get("enum"))
    assert named or definition.name in {"audit", "moderation"}
    assert all(areas == sorted(AREAS) for areas in named), named


def test_areas_are_listed_only_where_a_request_names_one() -> None:
    # A response naming its area (the monthly report) keeps a plain slug: an area the
    # deployment stopped serving may still appear in what it recorded.
    reporting = next(d for d in DEFINITIONS if d.name == "reporting")
    report = document(reporting)["components"]["schemas"]["MonthlyReport"]
    assert "enum" not in report["properties"]["service_area"]


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
def test_every_operation_naming_an_area_documents_not_found(
        definition: ServiceDefinition) -> None:
    # The fuzzer found POST /imports/cases?service_area=<unserved> answering an
    # undocumented 404: an unserved area does not exist, for commands as for reads.
    schema = document(definition)
    silent = [f"{method.upper()} {path}"
              for path, operations in schema["paths"].items()
              for method, operation in operations.items()
              if any(parameter["name"] == "service_area" and parameter["in"] in ("path", "query")
                     for parameter in operation.get("parameters", []))
              and "404" not in operation["responses"]]
    assert silent == []
