"""The runner's two guards before it starts anything: its data folder's lock and its
ports. Real sockets and real file locks: they are the behaviour."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deploy.runner_lock import DataInUse, RunnerLock, in_use
from shared.infra.ports import free_port, port_is_free


def test_a_port_with_a_listener_is_taken() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not port_is_free(listener.getsockname()[1])


def test_a_port_whose_server_just_stopped_is_free() -> None:
    # The server closes first, so its side of the connection waits in TIME_WAIT, as
    # PostgreSQL's does after a runner stops it; a new server can listen there at once.
    port = free_port()
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", port))
        served, _ = listener.accept()
        served.close()
        time.sleep(0.05)
        client.close()
    assert "TIME-WAIT" in subprocess.run(["ss", "-tan", f"sport = :{port}"],
                                         capture_output=True, text=True).stdout
    assert port_is_free(port)


def test_a_second_runner_is_refused_naming_the_first(tmp_path: Path) -> None:
    first = RunnerLock.take(tmp_path, first_port=8101)
    try:
        with pytest.raises(DataInUse, match=rf"pid {os.getpid()}.*ports 8101-8105"):
            RunnerLock.take(tmp_path)
        assert in_use(tmp_path) is not None
    finally:
        first.release()


def test_a_cleanly_stopped_runner_leaves_no_stale_lock(tmp_path: Path) -> None:
    RunnerLock.take(tmp_path, first_port=8101).release()
    assert in_use(tmp_path) is None
    again = RunnerLock.take(tmp_path)
    try:
        assert again.stale is None
    finally:
        again.release()


def test_a_killed_runner_leaves_a_stale_lock_that_is_taken_over(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from deploy.runner_lock import RunnerLock; "
         "lock = RunnerLock.take(Path(sys.argv[1]), first_port=8101); print('held', flush=True); "
         "time.sleep(60)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(DataInUse):
        RunnerLock.take(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    taken = RunnerLock.take(tmp_path)
    try:
        assert taken.stale is not None
        assert taken.stale["pid"] == holder.pid
    finally:
        taken.release()
