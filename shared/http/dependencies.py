"""What routes may depend on: the command runner, the clock, and the query ports a
service's composition root provides. Never the whole running service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request

from shared.kernel.clock import Clock
from shared.kit.commands import CommandRunner

T = TypeVar("T")


def commands(request: Request) -> CommandRunner:
    return cast(CommandRunner, request.app.state.commands)


def clock(request: Request) -> Clock:
    return cast(Clock, request.app.state.clock)


CommandsDep = Annotated[CommandRunner, Depends(commands)]
ClockDep = Annotated[Clock, Depends(clock)]


def provider(port: type[T]) -> Callable[[Request], T]:
    """A dependency answering the adapter the composition root provided for `port`.
    Declare it once per port at module level, so tests can override it."""

    def provide(request: Request) -> T:
        provided: dict[type[Any], Any] = request.app.state.provided
        return cast(T, provided[port])

    provide.__name__ = f"provide_{port.__name__}"
    return provide
