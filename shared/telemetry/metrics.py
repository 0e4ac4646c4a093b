"""The Prometheus metrics every service exposes at `/metrics` (the maintained
`prometheus_client` library), named `qa_*`, each with the service's name as a label.

Counted where it happens (commands, dead letters, inbox repeats, events applied), read
at scrape time from the consumers' own positions (lag, staleness), or sampled from the
database every few seconds by the host (relay backlog, pending dead letters, the domain
clocks a service declares). deploy/observability/ holds the dashboard and alert rules
over these names; tests/unit/test_observability_files.py keeps the two in step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# Commands answer in milliseconds; a stuck one in tens of seconds.
_COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# From an event's occurrence to its effect in another service: tens of milliseconds to
# minutes (a consumer restarting, a broker down).
_DELAY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class ConsumerPosition(Protocol):
    """What a consumer knows of its own progress, read at scrape time (no I/O)."""

    subscription: str

    def lag(self) -> Mapping[tuple[str, int], int]:
        """Records not yet applied, per (topic, partition) assigned to this process."""
        ...

    def behind_since(self) -> float | None:
        """When (monotonic) it was last caught up, if it is behind now; None if caught up."""
        ...


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.registry = registry
        self.service = service
        self.command_duration = Histogram(
            "qa_command_duration_seconds",
            "Commands by type and outcome (ok, refused, not-found, forbidden, conflict, "
            "failed): how long each took, retries included",
            ["service", "command", "outcome"], buckets=_COMMAND_BUCKETS, registry=registry)
        self.dead_letters = Counter(
            "qa_dead_letters",
            "Events a consumer could not apply and set aside, by subscription and reason",
            ["service", "subscription", "reason"], registry=registry)
        self.inbox_repeats = Counter(
            "qa_inbox_repeats",
            "Deliveries of an event that had already taken effect, absorbed by the inbox",
            ["service", "subscription"], registry=registry)
        self.events_applied = Counter(
            "qa_events_applied",
            "Events that took effect in a consumer, by type",
            ["service", "subscription", "event_type"], registry=registry)
        self.delivery_delay = Histogram(
            "qa_event_delivery_delay_seconds",
            "From an event occurring in its service to its effect here",
            ["service", "subscription"], buckets=_DELAY_BUCKETS, registry=registry)
        self.relay_backlog = Gauge(
            "qa_relay_backlog_events",
            "Events committed to the store and not yet passed by the outbox relay",
            ["service"], registry=registry)
        self.relay_lag = Gauge(
            "qa_relay_lag_seconds",
            "How long the oldest event the relay has not yet passed has been committed",
            ["service"], registry=registry)
        self.relay_active = Gauge(
            "qa_relay_active",
            "1 while this process is the store's active relay (0: standby or down)",
            ["service"], registry=registry)
        self.dead_letters_pending = Gauge(
            "qa_dead_letters_pending",
            "Dead letters neither replayed nor discarded, by subscription",
            ["service", "subscription"], registry=registry)
        self.sampled_at = Gauge(
            "qa_metrics_sampled_timestamp_seconds",
            "When the database-sampled metrics were last read (Unix time)",
            ["service"], registry=registry)
        self._consumers: list[ConsumerPosition] = []
        self._domain: dict[str, Gauge] = {}
        registry.register(_ConsumerCollector(service, lambda: self._consumers))

    def watch(self, consumer: ConsumerPosition) -> None:
        self._consumers.append(consumer)

    def domain_gauge(self, name: str, documentation: str, labels: Iterable[str]) -> Gauge:
        """A service's own gauge (a domain clock), declared once per name."""
        if name not in self._domain:
            self._domain[name] = Gauge(name, documentation, ["service", *labels],
                                       registry=self.registry)
        return self._domain[name]

    def command(self, name: str, outcome: str, seconds: float) -> None:
        self.command_duration.labels(self.service, name, outcome).observe(seconds)


class _ConsumerCollector(Collector):
    """Consumer lag and read-model staleness, from each consumer's own bookkeeping."""

    def __init__(self, service: str, consumers: Callable[[], list[ConsumerPosition]]) -> None:
        self._service = service
        self._consumers = consumers

    def describe(self) -> list[Metric]:
        return []  # families are made at each scrape; nothing to check at registration

    def collect(self) -> Iterable[Metric]:
        lag = GaugeMetricFamily(
            "qa_consumer_lag_events",
            "Records on a partition not yet applied by this consumer",
            labels=["service", "subscription", "topic", "partition"])
        stale = GaugeMetricFamily(
            "qa_read_model_staleness_seconds",
            "0 while the consumer has applied everything it was handed; otherwise how long "
            "since it last had", labels=["service", "subscription"])
        now = time.monotonic()
        for consumer in self._consumers():
            for (topic, partition), behind in sorted(consumer.lag().items()):
                lag.add_metric([self._service, consumer.subscription, topic, str(partition)],
                               behind)
            since = consumer.behind_since()
            stale.add_metric([self._service, consumer.subscription],
                             0.0 if since is None else now - since)
        yield lag
        yield stale
