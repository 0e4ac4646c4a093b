"""The metrics read from the database rather than counted as things happen: the relay's
backlog (events committed and not yet passed to the broker, and how old the oldest is),
the dead letters still awaiting a decision, and the domain clocks a service declares.
Read every `metrics_sample_interval` seconds, so a scrape never waits on the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from shared.host.resources import ServiceResources
from shared.kernel.clock import london_date

log = logging.getLogger(__name__)

# The relay's name in relay_checkpoints (shared/messaging/relay.py's default).
RELAY = "kafka"


class MetricsSampler:
    def __init__(self, resources: ServiceResources,
                 relay_active: Callable[[], bool] = lambda: False) -> None:
        self._resources = resources
        self._relay_active = relay_active

    async def run(self) -> None:
        interval = self._resources.settings.metrics_sample_interval
        while True:
            try:
                await self.sample()
            except Exception as error:  # a database down shows in readiness; keep sampling
                log.warning("metrics sample failed: %s", type(error).__name__)
            await asyncio.sleep(interval)

    async def sample(self) -> None:
        resources = self._resources
        metrics, service, pool = resources.telemetry.metrics, resources.definition.name, \
            resources.pool
        now = resources.clock.now()
        backlog = await pool.fetchrow(
            """SELECT count(*) AS events, min(e.occurred_at) AS oldest
                 FROM events e
                 LEFT JOIN relay_checkpoints c ON c.relay = $1
                WHERE c.relay IS NULL
                   OR (e.tx_id, e.global_position) > (c.tx_id, c.global_position)""", RELAY)
        assert backlog is not None
        metrics.relay_backlog.labels(service).set(backlog["events"])
        oldest = backlog["oldest"]
        metrics.relay_lag.labels(service).set(
            0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))
        metrics.relay_active.labels(service).set(1 if self._relay_active() else 0)
        for subscription, pending in await resources.dead_letters_pending():
            metrics.dead_letters_pending.labels(service, subscription).set(pending)
        today = london_date(now)
        for declared in resources.definition.gauges:
            gauge = metrics.domain_gauge(declared.name, declared.documentation,
                                         ["service_area"])
            figures = await declared.sample(pool, today)
            for area in {*resources.settings.service_areas, *figures}:
                gauge.labels(service, area).set(figures.get(area, 0.0))
        metrics.sampled_at.labels(service).set(now.timestamp())
