"""Starting, watching and stopping the five service processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVICES = ("allocation", "audit", "moderation", "tracker", "reporting")


def _die_with_parent() -> None:
    # Linux: if the platform runner is killed outright, its services go too.
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_file: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab")  # noqa: SIM115 - handed to the child for its lifetime
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.name}"],
            env={**os.environ, **self.env, "HTTP_PORT": str(self.port)},
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            # Its own process group: Ctrl-C reaches the runner alone, which then stops the
            # services in order instead of racing them.
            start_new_session=True,
        )
        log.close()

    @property
    def instance_id(self) -> str:
        return self.env.get("INSTANCE_ID", "")

    def wait_ready(self, timeout: float = 90) -> None:
        """Until this process (not another answering on the port) says it is ready."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} exited during start-up:\n{tail}")
            try:
                response = httpx.get(self.url + "/health/ready", timeout=3)
                answer = response.json()
                if answer.get("instance") != self.instance_id:
                    last = "another process answers on its port"
                elif response.status_code == 200:
                    return
                else:
                    last = f"not ready: {answer.get('checks')}"
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} was not ready after {timeout}s ({last}; see "
                           f"{self.log_file})")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash would be."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def service_processes(env: dict[str, str], first_port: int, log_dir: Path,
                      per_service_env: dict[str, dict[str, str]] | None = None,
                      instance: str | None = None) -> list[ServiceProcess]:
    extra = per_service_env or {}
    instance = instance or uuid.uuid4().hex[:12]
    # The same id for the consumer groups (static membership): a service restarted under it
    # takes its partitions back at once rather than after the dead one's session expires.
    return [
        ServiceProcess(name, first_port + index,
                       {**env, **extra.get(name, {}), "INSTANCE_ID": f"{instance}-{name}",
                        "KAFKA_GROUP_INSTANCE_ID": f"{instance}-{name}"},
                       log_dir / f"{name}.log")
        for index, name in enumerate(SERVICES)
    ]
