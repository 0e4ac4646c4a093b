"""A consumer in its own process, so a test can SIGKILL it mid-batch."""

from __future__ import annotations

import argparse
import asyncio
import signal

from shared.messaging.inbox import Delivery
from shared.postgres.pool import create_pool
from shared.settings import KafkaSettings
from tests.messaging_support import record_effect, running_consumer


async def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("dsn", "schema", "topic", "bootstrap", "group"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--idempotent", choices=("true", "false"), required=True)
    parser.add_argument("--fetch-max-wait-ms", type=int, required=True)
    args = parser.parse_args()
    pool = await create_pool(args.dsn, args.schema)
    # The test's broker settings, so the process consumes as the test's own clients do.
    kafka = KafkaSettings(bootstrap_servers=args.bootstrap,
                          idempotent_producer=args.idempotent == "true",
                          fetch_max_wait_ms=args.fetch_max_wait_ms)

    async def slow_effect(delivery: Delivery) -> None:
        await asyncio.sleep(args.delay)
        await record_effect(delivery)

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with running_consumer(pool, [args.topic], kafka, name=args.group,
                                dead_letter_topic=args.topic + ".dlt", handler=slow_effect):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
