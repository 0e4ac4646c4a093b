"""Debian's Chromium, driven by Playwright, for pages checked as a person sees them."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; .ci/run installs it


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium with nothing phoning home. Playwright's sync API runs an event
    loop while it is open, so close it before anything else needs asyncio.run (a
    platform's teardown)."""
    if not CHROMIUM.exists():
        message = "Chromium is not installed: apt-get install chromium (as .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)  # never skipped where the suite is the gate
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        try:
            yield launched
        finally:
            launched.close()
