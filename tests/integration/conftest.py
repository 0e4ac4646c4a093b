from __future__ import annotations

import pytest

from shared.postgres.provisioning import ServiceDatabase
from tests.messaging_support import create_effects_table


@pytest.fixture
async def effects(postgres_dsn: str, service_db: ServiceDatabase) -> None:
    """The consumer state the messaging tests assert on (see record_effect)."""
    await create_effects_table(postgres_dsn, service_db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a multi-node Apache Kafka test (tens of seconds); run, never skipped",
    )
