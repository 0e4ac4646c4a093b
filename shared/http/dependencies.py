"""What routes may depend on: the command runner, the clock, and the query ports a
service's composition root provides. Never the whole running service."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from shared.http.problems import AREA_NOT_SERVED
from shared.kernel.clock import Clock
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import SLUG_PATTERN
from shared.kit.commands import CommandRunner

T = TypeVar("T")


def commands(request: Request) -> CommandRunner:
    return cast(CommandRunner, request.app.state.commands)


def clock(request: Request) -> Clock:
    return cast(Clock, request.app.state.clock)


CommandsDep = Annotated[CommandRunner, Depends(commands)]
ClockDep = Annotated[Clock, Depends(clock)]


def service_areas(request: Request) -> frozenset[str]:
    """The service areas this deployment serves (settings: SERVICE_AREAS)."""
    return cast(frozenset[str], request.app.state.service_areas)


AreasDep = Annotated[frozenset[str], Depends(service_areas)]


def known_area(areas: frozenset[str], area: str) -> str:
    """For reads: a service area this deployment does not serve does not exist (404)."""
    if area not in areas:
        raise NotFound(not_served(area, areas))
    return area


def not_served(area: str, areas: frozenset[str]) -> str:
    return (f"this deployment serves no service area {area!r} "
            f"(it serves: {', '.join(sorted(areas))})")


# The areas of the app answering the current request, set by its middleware
# (shared/http/api.py) so that a parameter's own validation can consult them.
SERVED_AREAS: ContextVar[frozenset[str]] = ContextVar("served_areas")


def _served(area: str) -> str:
    # Checked as the parameter is validated, with every other parameter, not in a
    # dependency that runs (and answers 404) before the rest of the request is looked at:
    # a read missing its actor header is a refused request (422) whatever its area.
    # The problem handler answers 404 when this is the only thing wrong.
    areas = SERVED_AREAS.get()
    if area not in areas:
        raise PydanticCustomError(AREA_NOT_SERVED, not_served(area, areas))
    return area


_SERVED = AfterValidator(_served)
AreaQuery = Annotated[str, Query(pattern=SLUG_PATTERN,
                                 description="one of the deployment's service areas"), _SERVED]
AreaPath = Annotated[str, Path(pattern=SLUG_PATTERN), _SERVED]


def provider(port: type[T]) -> Callable[[Request], T]:
    """A dependency answering the adapter the composition root provided for `port`.
    Declare it once per port at module level, so tests can override it."""

    def provide(request: Request) -> T:
        provided: dict[type[Any], Any] = request.app.state.provided
        return cast(T, provided[port])

    provide.__name__ = f"provide_{port.__name__}"
    return provide
