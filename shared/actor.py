"""Who did it: every event and command names a person or a named system process."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Stable identifiers, never names: a person id is the authority's staff id, not a display name.
_IDENT = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


class Person(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["person"] = "person"
    person_id: Annotated[str, Field(pattern=_IDENT)]
    role: Annotated[str, Field(pattern=_IDENT)]
    on_behalf_of: Annotated[str | None, Field(pattern=_IDENT)] = None


class SystemProcess(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["system"] = "system"
    name: Annotated[str, Field(pattern=_IDENT)]


Actor = Annotated[Person | SystemProcess, Field(discriminator="kind")]


def describe(actor: Person | SystemProcess) -> str:
    if isinstance(actor, Person):
        suffix = f" for {actor.on_behalf_of}" if actor.on_behalf_of else ""
        return f"{actor.person_id} ({actor.role}){suffix}"
    return f"system:{actor.name}"
