"""Kafka-level helpers for the tests that look at topics, records and nodes directly."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.messaging.kafka import connection_options, producer
from shared.settings import KafkaSettings


def a_topic() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


async def read_all(settings: KafkaSettings, topic: str) -> list[Any]:
    """Every record on the topic, from the beginning up to its end offsets at the call."""
    consumer = AIOKafkaConsumer(**connection_options(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while any([await consumer.position(tp) < ends[tp] for tp in partitions]):
            assert time.monotonic() < deadline, f"could not read {topic} to its end offsets"
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def by_key(records: list[Any]) -> dict[bytes, list[int]]:
    values: dict[bytes, list[int]] = defaultdict(list)
    for record in records:
        values[record.key].append(int(record.value))
    return dict(values)


async def publish(settings: KafkaSettings, topic: str, streams: list[str], per_stream: int,
                  first: int = 0) -> None:
    kafka = producer(settings)
    await kafka.start()
    try:
        for sequence in range(first, first + per_stream):
            for stream in streams:
                await kafka.send(topic, str(sequence).encode(), key=stream.encode())
        await kafka.flush()
    finally:
        await kafka.stop()


async def until(check: Callable[[], bool | Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while True:
        answer = check()
        if await answer if inspect.isawaitable(answer) else answer:
            return
        assert time.monotonic() < deadline, f"{what} not within {within} s"
        await asyncio.sleep(0.1)


# DescribeConfigs' config_source: set on the topic itself, not inherited from the broker.
TOPIC_CONFIG = 1


async def topic_configs(settings: KafkaSettings, topic: str) -> dict[str, tuple[str, int]]:
    """The topic's configuration as the broker reports it: name -> (value, source)."""
    admin = AIOKafkaAdminClient(**connection_options(settings))
    await admin.start()
    try:
        [response] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    [resource] = response.to_object()["resources"]
    assert resource["error_code"] == 0, resource
    # config_source arrived with DescribeConfigs v1; v0's is_default cannot tell a topic's
    # own setting from the broker's.
    return {entry["config_names"]: (entry["config_value"], entry["config_source"])
            for entry in resource["config_entries"]}


async def committed_offsets(settings: KafkaSettings, group: str, topic: str) -> int:
    """The sum of the group's committed offsets on the topic (0 where none)."""
    admin = AIOKafkaAdminClient(**connection_options(settings), request_timeout_ms=3000)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(max(meta.offset, 0) for tp, meta in offsets.items() if tp.topic == topic)
