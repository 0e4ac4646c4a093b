"""One runner per data folder: a lock held for the runner's lifetime.

The lock is an advisory `flock` on `<data>/runner.lock`, so it dies with its process: a
runner killed outright leaves a file that no longer locks anything (a stale lock), which
the next runner notices, reports and takes over. The file says who holds it, so a second
runner can name the first instead of fighting it for the same PostgreSQL data.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


class DataInUse(Exception):
    """Another runner holds the data folder."""


@dataclass
class RunnerLock:
    path: Path
    handle: IO[str] | None = None
    stale: dict[str, Any] | None = None  # what a dead runner left behind, if anything

    @classmethod
    def take(cls, data_dir: Path, **about: Any) -> RunnerLock:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / "runner.lock"
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held while we run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(path)
            handle.close()
            raise DataInUse(describe_holder(data_dir, holder)) from None
        previous = read_holder(path)
        handle.seek(0)
        handle.truncate()
        json.dump({"pid": os.getpid(), "since": time.strftime("%Y-%m-%d %H:%M:%S"), **about},
                  handle)
        handle.flush()
        return cls(path, handle, previous or None)

    def release(self) -> None:
        if self.handle is not None:
            # Say nobody holds it before letting go: only a runner that died without
            # releasing leaves its details behind, to be reported as stale.
            self.handle.seek(0)
            self.handle.truncate()
            self.handle.flush()
            self.handle.close()  # closing the file releases the flock
            self.handle = None


def read_holder(path: Path) -> dict[str, Any]:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def describe_holder(data_dir: Path, holder: dict[str, Any]) -> str:
    who = f"pid {holder.get('pid', '?')}, running since {holder.get('since', '?')}"
    where = holder.get("first_port")
    ports = f", services on ports {where}-{int(where) + 4}" if isinstance(where, int) else ""
    return (f"{data_dir} is in use by another qa-platform ({who}{ports}). Stop that one "
            "first (Ctrl-C in its terminal), or give this one its own --data-dir.")


def in_use(data_dir: Path) -> dict[str, Any] | None:
    """Who holds the folder's lock, without taking it; None if nobody does."""
    path = data_dir / "runner.lock"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(path) or {"pid": "?"}
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None
