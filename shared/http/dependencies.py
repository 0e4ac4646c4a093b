"""What routes may depend on: the command runner, the clock, and the query ports a
service's composition root provides. Never the whole running service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Path, Query, Request

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
        raise NotFound(f"this deployment serves no service area {area!r} "
                       f"(it serves: {', '.join(sorted(areas))})")
    return area


def area_in_query(
    areas: AreasDep,
    service_area: Annotated[str, Query(pattern=SLUG_PATTERN,
                                       description="one of the deployment's service areas")],
) -> str:
    return known_area(areas, service_area)


def area_in_path(areas: AreasDep, service_area: Annotated[str, Path(pattern=SLUG_PATTERN)]
                 ) -> str:
    return known_area(areas, service_area)


AreaQuery = Annotated[str, Depends(area_in_query)]
AreaPath = Annotated[str, Depends(area_in_path)]


def provider(port: type[T]) -> Callable[[Request], T]:
    """A dependency answering the adapter the composition root provided for `port`.
    Declare it once per port at module level, so tests can override it."""

    def provide(request: Request) -> T:
        provided: dict[type[Any], Any] = request.app.state.provided
        return cast(T, provided[port])

    provide.__name__ = f"provide_{port.__name__}"
    return provide
