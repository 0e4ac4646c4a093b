from __future__ import annotations

import asyncpg

from shared.postgres.migrator import quote_ident


async def create_pool(dsn: str, schema: str, *, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose sessions see only the service's own schema."""
    quote_ident(schema)  # refuse anything that is not a plain identifier
    pool = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"qa-{schema}"},
    )
    assert pool is not None
    return pool
