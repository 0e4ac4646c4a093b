"""An example consumer of the partnership feed: reads reporting's topic and writes each
area's latest monthly figures to a CSV file. Self-contained on purpose (aiokafka, json,
csv): a partner can copy it without the platform's code.

    python -m deploy.partnership_feed_csv --out feed.csv \\
        [--bootstrap 127.0.0.1:9092] [--topic qa.reporting.events] [--idle 5]

It reads the topic from the beginning and stops once nothing new has come for `--idle`
seconds. Withheld small numbers (null in the feed) are written as empty cells. The
schema is the `PartnershipFigures` message in reporting's AsyncAPI document
(GET /asyncapi.json on the reporting service).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

GRADES = ("outstanding", "good", "requires-improvement", "inadequate")
COLUMNS = ["service_area", "month", "published_at", "suppressed_below", "auditors_in_pool",
           "allocated", "completed", "completion_net_of_non_operational_percent",
           "completion_overall_percent", "completed_to_standard",
           *(f"grade_{g}" for g in GRADES), "actions_open", "actions_overdue",
           "actions_overdue_percent", "children_of_concern_category_1",
           "children_of_concern_category_2"]


def row(envelope: dict[str, Any]) -> dict[str, Any] | None:
    """The CSV row of one feed message; None for anything else on the topic."""
    if envelope.get("event_type") != "PartnershipFigures":
        return None
    figures = envelope["payload"]
    found = {"service_area": envelope["service_area"], "published_at": envelope["occurred_at"],
             **{k: v for k, v in figures.items() if k != "grades_after_moderation"},
             **{f"grade_{g}": figures["grades_after_moderation"].get(g) for g in GRADES}}
    return {column: "" if found.get(column) is None else found[column] for column in COLUMNS}


async def consume(bootstrap: str, topic: str, idle: float) -> dict[tuple[str, str], dict[str, Any]]:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=int(idle * 1000))
            if not batch:
                return latest
            for records in batch.values():
                for record in records:
                    found = row(json.loads(record.value))
                    if found is not None:  # a later message supersedes an earlier one
                        latest[(found["service_area"], found["month"])] = found
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS",
                                                              "127.0.0.1:9092"))
    prefix = os.environ.get("KAFKA_TOPIC_PREFIX", "qa")
    parser.add_argument("--topic", default=f"{prefix}.reporting.events")
    parser.add_argument("--idle", type=float, default=5.0)
    args = parser.parse_args()
    latest = asyncio.run(consume(args.bootstrap, args.topic, args.idle))
    with Path(args.out).open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(latest[key] for key in sorted(latest))
    print(f"wrote {len(latest)} area-month rows to {args.out}")


if __name__ == "__main__":
    main()
