"""Ports for the servers and services a runner or a test starts on loopback.

They are chosen below the kernel's ephemeral range: a port from that range can be taken,
between our choice and a restart on it, by any outgoing connection on the machine (a
consumer's, a client's), which made a service killed and started again fail to bind.
"""

from __future__ import annotations

import random
import socket
import time
from pathlib import Path

_CHOSEN_FROM = (20000, 32000)


def _ephemeral_floor() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(host: str = "127.0.0.1") -> int:
    low, high = _CHOSEN_FROM[0], min(_CHOSEN_FROM[1], _ephemeral_floor())
    for _ in range(1000):
        port = random.randrange(low, high)
        if port_is_free(port, host):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # crowded: any port
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on `port` now. Bound as a server binds (PostgreSQL,
    uvicorn and the broker all set SO_REUSEADDR): connections closed a moment ago linger
    in TIME_WAIT for a minute and keep a plain bind out, though they stop no server, so
    without it a platform stopped and started again was refused its own ports."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port_block(size: int) -> int:
    """A first port such that it and the `size - 1` after it are free (one per service)."""
    while True:
        first = free_port()
        if all(port_is_free(first + offset) for offset in range(1, size)):
            return first


def wait_for_port(host: str, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s") from None
            time.sleep(0.05)
