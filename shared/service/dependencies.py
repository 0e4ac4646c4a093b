from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.actor import Person
from shared.service.http import acting_person
from shared.service.runtime import Runtime


def current_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(current_runtime)]
ActorDep = Annotated[Person, Depends(acting_person)]
