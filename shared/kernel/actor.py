"""Who did it: every event and command names a person or a named system process."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.kernel.identifiers import PersonId, ProcessName, RoleName


def _kind_required(schema: dict[str, Any]) -> None:
    # An actor is read by its `kind` (a tagged union): one that leaves it out cannot be
    # decoded, default or not, so the published schema must not call it optional.
    schema["required"] = ["kind", *(name for name in schema.get("required", [])
                                    if name != "kind")]


class Person(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_kind_required)

    kind: Literal["person"] = "person"
    person_id: PersonId
    role: RoleName
    on_behalf_of: PersonId | None = None


class SystemProcess(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_kind_required)

    kind: Literal["system"] = "system"
    name: ProcessName


Actor = Annotated[Person | SystemProcess, Field(discriminator="kind")]


def describe(actor: Person | SystemProcess) -> str:
    if isinstance(actor, Person):
        suffix = f" for {actor.on_behalf_of}" if actor.on_behalf_of else ""
        return f"{actor.person_id} ({actor.role}){suffix}"
    return f"system:{actor.name}"
