from __future__ import annotations

import asyncio
import logging

import pytest

from services.tracker.entrypoints.jobs import every


async def test_a_failed_pass_is_logged_and_the_next_pass_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    passes: list[int] = []
    third = asyncio.Event()

    async def job() -> None:
        passes.append(len(passes))
        if len(passes) == 1:
            raise RuntimeError("database unreachable")
        if len(passes) == 3:
            third.set()

    with caplog.at_level(logging.ERROR):
        loop = asyncio.create_task(every(0.001, job))
        await asyncio.wait_for(third.wait(), timeout=5)
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
    assert "overdue scan failed" in caplog.text


async def test_cancellation_during_a_pass_ends_the_loop() -> None:
    started = asyncio.Event()

    async def job() -> None:
        started.set()
        await asyncio.sleep(60)

    loop = asyncio.create_task(every(0.001, job))
    await asyncio.wait_for(started.wait(), timeout=5)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(loop, timeout=5)
