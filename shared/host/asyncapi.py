"""Each service's event document (AsyncAPI 3.0), written from its definition: the topic
it owns with every version of every wire contract it publishes, the envelope and headers
they travel in, the key, and for each of its subscriptions the topics it reads and the
events it actually handles. Payload schemas come from the pydantic contracts themselves.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.events import PUBLISHED_BY, PUBLISHED_BY_EVERY_SERVICE
from shared.host.definition import ServiceDefinition
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope
from shared.kernel.identifiers import STREAM_ID_PATTERN
from shared.settings import KafkaSettings, topic_for

_REF = "#/components/schemas/{model}"
HEADERS = {
    "type": "object",
    "description": "Kafka record headers the relay sets; the envelope is the authority.",
    "properties": {name: {"type": "string", "description": meaning} for name, meaning in (
        ("event_type", "the envelope's event_type"),
        ("schema_version", "the envelope's schema_version, as text"),
        ("event_id", "the envelope's event_id"),
        ("tenant", "the authority or partnership the event belongs to"),
        ("service_area", "the service area the event belongs to"),
    )},
}


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema as an AsyncAPI Schema Object. Pydantic writes a tagged union's
    discriminator the OpenAPI way ({"propertyName": ..., "mapping": ...}); AsyncAPI 3.0
    takes the property name alone, and a document with the object form is invalid.
    A mapping with constrained keys comes out as patternProperties alone, which would
    allow any other key; pydantic refuses those, so the document says so."""
    schema: dict[str, Any] = _asyncapi_discriminators(
        model.model_json_schema(ref_template=_REF))
    return schema


def _asyncapi_discriminators(node: Any) -> Any:
    if isinstance(node, dict):
        found = {key: _asyncapi_discriminators(value) for key, value in node.items()}
        tag = found.get("discriminator")
        if isinstance(tag, dict) and "propertyName" in tag:
            found["discriminator"] = tag["propertyName"]
        if "patternProperties" in found and "properties" not in found:
            found.setdefault("additionalProperties", False)
        return found
    if isinstance(node, list):
        return [_asyncapi_discriminators(item) for item in node]
    return node


def message_name(contract: type[EventContract]) -> str:
    return f"{contract.type_name}.v{contract.schema_version}"


def asyncapi_document(definition: ServiceDefinition, kafka: KafkaSettings,
                      version: str = "0.1.0") -> dict[str, Any]:
    schemas: dict[str, Any] = {"EventHeaders": HEADERS}
    messages: dict[str, Any] = {}
    registry = definition.registry

    def document(contract: type[EventContract], owner: str) -> str:
        name = message_name(contract)
        if name in messages:
            return name
        payload = json_schema(contract)
        schemas.update(payload.pop("$defs", {}))
        schemas[name] = payload
        envelope = json_schema(Envelope)
        schemas.update(envelope.pop("$defs", {}))
        envelope["title"] = f"{contract.type_name} v{contract.schema_version} in its envelope"
        properties = dict(envelope["properties"])
        properties["event_type"] = {"const": contract.type_name, "type": "string"}
        properties["schema_version"] = {"const": contract.schema_version, "type": "integer"}
        properties["payload"] = {"$ref": _REF.format(model=name)}
        envelope["properties"] = properties
        messages[name] = {
            "name": contract.type_name,
            "title": f"{contract.type_name} (schema version {contract.schema_version})",
            "summary": (contract.__doc__ or "").strip().split("\n\n")[0] or contract.type_name,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/EventHeaders"},
            "payload": envelope,
            "bindings": {"kafka": {"key": {"type": "string", "pattern": STREAM_ID_PATTERN,
                                           "description": "the envelope's stream_id"}}},
            "x-owner": owner,
        }
        return name

    def versions(type_name: str) -> list[type[EventContract]]:
        return sorted((c for c in registry if c.type_name == type_name),
                      key=lambda c: c.schema_version)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    own_topic = topic_for(kafka.topic_prefix, definition.name)
    own = [*definition.publishes, *PUBLISHED_BY_EVERY_SERVICE]
    if own:
        published = [document(c, definition.name) for p in own for c in versions(p.type_name)]
        channels[definition.name] = {
            "address": own_topic,
            "title": f"{definition.name} events",
            "description": f"Published by the {definition.name} service's outbox relay in "
            "commit order, keyed by stream id (a stream stays on one partition, in order); "
            "delivered at least once: consumers must take effect once per event_id.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in published},
            "x-owner": definition.name,
        }
        operations["publish"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{definition.name}"},
            "messages": [{"$ref": f"#/channels/{definition.name}/messages/{name}"}
                         for name in published],
        }
    for subscription in definition.subscriptions:
        handled = sorted(subscription.handles, key=lambda c: c.type_name)
        for source in subscription.sources:
            # Only what is published on this topic: each wire type has one owner.
            names = [document(c, source) for h in handled
                     if PUBLISHED_BY.get(h.type_name) == source
                     for c in versions(h.type_name)]
            channel = channels.setdefault(source, {
                "address": topic_for(kafka.topic_prefix, source),
                "title": f"{source} events", "messages": {}, "x-owner": source,
            })
            channel["messages"].update(
                {name: {"$ref": f"#/components/messages/{name}"} for name in names})
            operations[f"{subscription.name}.{source}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{source}"},
                "summary": f"consumer group {kafka.topic_prefix}.{definition.name}."
                f"{subscription.name}: the events it handles from this topic (any other "
                "event is passed over; one nobody can decode is dead-lettered)",
                "messages": [{"$ref": f"#/channels/{source}/messages/{name}"}
                             for name in names],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": f"QA platform: {definition.name} events", "version": version,
                 "description": definition.description},
        "defaultContentType": "application/json",
        "servers": {"kafka": {"host": kafka.bootstrap_servers, "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
