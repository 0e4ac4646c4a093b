"""Event contracts: frozen pydantic models registered by type name and schema version.

History is never rewritten: when a contract changes, the new model gets the next
schema version and a pure upcaster lifts stored payloads of the old version on read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]
C = TypeVar("C", bound="EventContract")


class EventContract(BaseModel):
    """Base of every event payload. Subclasses set `type_name` and `schema_version`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type_name: ClassVar[str]
    schema_version: ClassVar[int] = 1


class PersonalData:
    """Marks a payload field holding personal data (a name, a case number, a date of
    birth) so pseudonymisation and retention can find it:
    `child_name: Annotated[str, PersonalData()]`."""


def personal_fields(contract: type[EventContract]) -> frozenset[str]:
    return frozenset(
        name
        for name, field in contract.model_fields.items()
        if any(isinstance(meta, PersonalData) for meta in field.metadata)
    )


def personal_values(model: BaseModel) -> list[str]:
    """Every text held in a field marked PersonalData, however deep in `model` (a draft
    marked as a whole, a child reference inside an action): what must never be logged."""
    found: list[str] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if any(isinstance(meta, PersonalData) for meta in field.metadata):
            found.extend(_texts(value))
        else:
            found.extend(_personal_inside(value))
    return found


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _texts(item)


def _personal_inside(value: Any) -> Iterator[str]:
    if isinstance(value, BaseModel):
        yield from personal_values(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _personal_inside(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _personal_inside(item)


def carried(contract: type[C], source: BaseModel, **fields: Any) -> C:
    """An event that carries forward what an earlier one said: every field `contract`
    shares with `source` by name, plus `fields` (which win)."""
    forward = {name: getattr(source, name) for name in contract.model_fields
               if name in type(source).model_fields and name not in fields}
    return contract(**forward, **fields)


class UndecodableEvent(Exception):
    """An event nobody can read: it belongs on a dead-letter topic, not in a retry loop."""


class UnknownEventType(UndecodableEvent):
    pass


class UnknownSchemaVersion(UndecodableEvent):
    pass


class InvalidPayload(UndecodableEvent):
    pass


def describe_validation_error(error: ValidationError) -> str:
    """Where and why, never the offending values: they may be personal data."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or '(root)'}: {item['msg']}"
        for item in error.errors(include_input=False, include_url=False)
    )


class ContractRegistry:
    def __init__(self) -> None:
        self._contracts: dict[tuple[str, int], type[EventContract]] = {}
        self._latest: dict[str, int] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, contract: type[C]) -> type[C]:
        key = (contract.type_name, contract.schema_version)
        existing = self._contracts.get(key)
        if existing is not None and existing is not contract:
            raise ValueError(f"{key[0]} v{key[1]} is registered twice")
        self._contracts[key] = contract
        self._latest[contract.type_name] = max(self._latest.get(contract.type_name, 0), key[1])
        return contract

    def register_all(self, contracts: Iterable[type[EventContract]]) -> None:
        for contract in contracts:
            self.register(contract)

    def upcaster(self, type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a pure function that turns a `from_version` payload into the next."""

        def decorator(func: Upcaster) -> Upcaster:
            self._upcasters[(type_name, from_version)] = func
            return func

        return decorator

    def __iter__(self) -> Iterator[type[EventContract]]:
        """Every registered contract, each version."""
        return iter(self._contracts.values())

    def knows(self, type_name: str) -> bool:
        return type_name in self._latest

    def latest_version(self, type_name: str) -> int:
        if type_name not in self._latest:
            raise UnknownEventType(f"no contract is registered for event type {type_name!r}")
        return self._latest[type_name]

    def contract(self, type_name: str) -> type[EventContract]:
        return self._contracts[(type_name, self.latest_version(type_name))]

    def decode(self, type_name: str, schema_version: int, payload: Payload) -> EventContract:
        latest = self.latest_version(type_name)
        if schema_version < 1 or schema_version > latest:
            raise UnknownSchemaVersion(
                f"{type_name} v{schema_version} is unknown here (latest known is v{latest})"
            )
        data = dict(payload)
        for version in range(schema_version, latest):
            upcast = self._upcasters.get((type_name, version))
            if upcast is None:
                raise UnknownSchemaVersion(f"no upcaster from {type_name} v{version}")
            data = upcast(data)
        try:
            return self._contracts[(type_name, latest)].model_validate(data)
        except ValidationError as error:
            raise InvalidPayload(
                f"{type_name} v{schema_version}: {describe_validation_error(error)}"
            ) from error
