"""Clocks a running service may be given (see `shared.kernel.clock` for the port)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.kernel.clock import LONDON, Clock, SystemClock


class OffsetClock:
    """System time shifted by an offset read from a file, so an operator or an
    end-to-end test can move a running service's clock without restarting it."""

    def __init__(self, offset_file: str) -> None:
        self._offset_file = offset_file

    def now(self) -> datetime:
        try:
            with open(self._offset_file, encoding="utf-8") as handle:
                seconds = float(handle.read().strip() or 0)
        except FileNotFoundError:
            seconds = 0.0
        return datetime.now(tz=LONDON) + timedelta(seconds=seconds)


def service_clock(offset_file: str | None) -> Clock:
    return OffsetClock(offset_file) if offset_file else SystemClock()
