"""Each service's AsyncAPI document, built from its definition with no server running:
valid AsyncAPI 3.0, complete (every wire contract, every version, in its owner's
document), exact about what each consumer takes and from which topic, and honest about
the messages themselves: anything its schemas allow decodes where it is consumed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from shared.events import PUBLISHED_BY, PUBLISHED_BY_EVERY_SERVICE, WIRE_CONTRACTS
from shared.host.asyncapi import asyncapi_document
from shared.kernel.envelope import Envelope
from shared.settings import KafkaSettings, topic_for
from tests.support import DEFINITIONS

KAFKA = KafkaSettings(bootstrap_servers="kafka-1:9092", topic_prefix="qa")
DOCUMENTS = {definition.name: asyncapi_document(definition, KAFKA)
             for definition in DEFINITIONS}
BY_NAME = {definition.name: definition for definition in DEFINITIONS}

# The AsyncAPI Initiative's own JSON Schema of the 3.0.0 specification (npm package
# @asyncapi/specs 6.11.1, schemas/3.0.0-without-$id.json; Apache-2.0, see the LICENSE
# and NOTICE beside it). No maintained Python validator of AsyncAPI 3.0 exists on PyPI:
# the two object-model packages there either accept anything or refuse what the
# specification allows (dots in component names), so the specification's schema is the
# check, run by the jsonschema validator.
SPEC = json.loads((Path(__file__).parents[1] / "fixtures" / "asyncapi-3.0.0.schema.json")
                  .read_text(encoding="utf-8"))


def publishers(contract: Any) -> list[str]:
    """The services whose topic carries a wire type: its owner, or each about itself."""
    if any(c.type_name == contract.type_name for c in PUBLISHED_BY_EVERY_SERVICE):
        return list(DOCUMENTS)
    return [PUBLISHED_BY[contract.type_name]]


def name_of(contract: Any) -> str:
    return f"{contract.type_name}.v{contract.schema_version}"


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in refs(item)]
    return []


def messages_of(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """The component names of an operation's messages, followed through the channel."""
    names = set()
    for message in operation["messages"]:
        assert message["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
        names.add(resolve(document, resolve(document, message["$ref"])["$ref"])["name"]
                  + "." + message["$ref"].rsplit(".", 1)[-1])
    return names


# --- valid AsyncAPI 3.0 ------------------------------------------------------------


@pytest.mark.parametrize("service", DOCUMENTS)
def test_the_document_is_valid_asyncapi_3(service: str) -> None:
    validator = jsonschema.Draft7Validator(SPEC)
    problems = [f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
                for error in validator.iter_errors(DOCUMENTS[service])]
    assert problems == []


def test_the_validator_refuses_what_the_specification_does() -> None:
    # Not a validator that accepts anything: the two mistakes it caught or would catch.
    broken = json.loads(json.dumps(DOCUMENTS["audit"]))
    broken["operations"]["publish"]["action"] = "publish"  # AsyncAPI 2's word
    assert not jsonschema.Draft7Validator(SPEC).is_valid(broken)
    tagged = json.loads(json.dumps(DOCUMENTS["audit"]))
    envelope = tagged["components"]["messages"]["AuditSubmitted.v1"]["payload"]
    envelope["properties"]["actor"]["discriminator"] = {"propertyName": "kind"}  # OpenAPI's
    assert not jsonschema.Draft7Validator(SPEC).is_valid(tagged)


@pytest.mark.parametrize("service", DOCUMENTS)
def test_every_reference_resolves(service: str) -> None:
    document = DOCUMENTS[service]
    for ref in refs(document):
        assert resolve(document, ref) is not None, ref


# --- complete: every wire contract, every version, published by its owner -------------


@pytest.mark.parametrize("contract", WIRE_CONTRACTS, ids=name_of)
def test_every_wire_contract_is_published_in_its_owners_document(contract: Any) -> None:
    for owner in publishers(contract):
        document = DOCUMENTS[owner]
        publish = document["operations"]["publish"]
        assert publish["action"] == "send"
        assert resolve(document, publish["channel"]["$ref"])["address"] == f"qa.{owner}.events"
        assert name_of(contract) in messages_of(document, publish)
        message = document["components"]["messages"][name_of(contract)]
        payload = resolve(document, message["payload"]["properties"]["payload"]["$ref"])
        assert set(payload["properties"]) == set(contract.model_fields)


@pytest.mark.parametrize("service", DOCUMENTS)
def test_a_service_publishes_only_what_it_owns(service: str) -> None:
    document = DOCUMENTS[service]
    owned = {name_of(c) for c in WIRE_CONTRACTS if service in publishers(c)}
    publish = document["operations"].get("publish")
    assert (messages_of(document, publish) if publish else set()) == owned


# --- exact about consumers ---------------------------------------------------------


@pytest.mark.parametrize("service", DOCUMENTS)
def test_receive_operations_list_exactly_the_handled_events_on_their_owners_topic(
        service: str) -> None:
    definition = BY_NAME[service]
    document = DOCUMENTS[service]
    expected: dict[str, set[str]] = {}
    for subscription in definition.subscriptions:
        for source in subscription.sources:
            expected[f"{subscription.name}.{source}"] = {
                name_of(c) for c in WIRE_CONTRACTS
                if PUBLISHED_BY.get(c.type_name) == source
                and any(h.type_name == c.type_name for h in subscription.handles)}
    receiving = {key: operation for key, operation in document["operations"].items()
                 if operation["action"] == "receive"}
    assert {key: messages_of(document, operation) for key, operation in receiving.items()
            } == expected
    for key, operation in receiving.items():
        source = key.rsplit(".", 1)[-1]
        channel = resolve(document, operation["channel"]["$ref"])
        assert channel["address"] == topic_for("qa", source)
    # Everything a subscription handles is received from somewhere.
    for subscription in definition.subscriptions:
        received = set().union(*(messages_of(document, receiving[f"{subscription.name}.{s}"])
                                 for s in subscription.sources))
        assert {h.type_name for h in subscription.handles} == {
            name.rsplit(".", 1)[0] for name in received}


# --- every documented message decodes ----------------------------------------------


def inline(node: Any, document: dict[str, Any]) -> Any:
    """The schema with its $refs replaced by what they point at (none are recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(resolve(document, node["$ref"]), document)
        return {key: inline(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(item, document) for item in node]
    return node


# hypothesis-jsonschema knows no "uuid" format (it would draw any text), and its
# "date-time" draws year 0000 and fractions of any length; ours are UUIDs and RFC 3339
# instants a program can hold (offsets in whole minutes, as RFC 3339 writes them).
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
FORMATS = {
    "uuid": st.uuids().map(str),
    # Hypothesis bounds are naive; the offsets make every instant drawn aware.
    "date-time": st.datetimes(min_value=datetime(1900, 1, 1),  # noqa: DTZ001
                              max_value=datetime(2200, 1, 1),  # noqa: DTZ001
                              timezones=OFFSETS).map(datetime.isoformat),
}
# Each message once, with every service whose document names it (its owner and its
# consumers): what one may send, each must be able to read.
MESSAGES: dict[str, list[str]] = {}
for _service, _document in DOCUMENTS.items():
    for _name in _document["components"]["messages"]:
        MESSAGES.setdefault(_name, []).append(_service)


@pytest.mark.filterwarnings("ignore:Overriding standard format 'date-time'")
@pytest.mark.parametrize("message", sorted(MESSAGES))
def test_every_documented_message_decodes(message: str) -> None:
    services = MESSAGES[message]
    document = DOCUMENTS[services[0]]
    schema = inline(document["components"]["messages"][message]["payload"], document)
    for other in services[1:]:  # one message, one schema, wherever it is documented
        assert inline(DOCUMENTS[other]["components"]["messages"][message]["payload"],
                      DOCUMENTS[other]) == schema
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())

    # No shrinking: drawing these objects is slow, and the first failing message (shown
    # whole) is enough to see which field the schema and the decoder disagree on.
    @settings(derandomize=True, database=None, max_examples=12, deadline=None,
              phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(from_schema(schema, custom_formats=FORMATS))
    def decodes(instance: dict[str, Any]) -> None:
        validator.validate(instance)  # what was drawn is what the document allows
        envelope = Envelope.model_validate(instance)
        for service in services:
            event = BY_NAME[service].registry.decode(
                envelope.event_type, envelope.schema_version, envelope.payload)
            # An old version is upcast on decoding: same type, its newest version.
            type_name, version = message.rsplit(".v", 1)
            assert event.type_name == type_name
            assert event.schema_version >= int(version)

    decodes()
