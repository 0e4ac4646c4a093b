"""`qa-platform backup` and `restore`: the embedded platform's data, kept safe and brought
back. (Production backs its PostgreSQL up with point-in-time recovery: the README's
"Backup and restore".)

A backup is a folder: `postgres/`, a physical base backup of the embedded server taken
while it runs (pg_basebackup, checked by pg_verifybackup), and `files/`, the rest of the
data folder that is not derived: the checkpoint signing keys with their copies of the
signed checkpoints (`anchors/`), the demo marker, the clock offset. The broker is not
backed up: after a restore every relay finds the broker does not hold what it had
published, and publishes again from the start; the consumers' inboxes absorb the repeats.

Restoring puts `postgres/` back whole, and each other file only where the data folder has
none: checkpoints signed after the backup are kept, so `qa verify` names what a restore
to an earlier point lost rather than hiding it.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from deploy.runner_lock import describe_holder, in_use
from shared.infra.embedded_postgres import EmbeddedPostgres

# What a runner keeps in its data folder that is derived, or rebuilt at start.
_NOT_KEPT = {"postgres", "logs", "kafka", "runner.lock", "broker.log"}


class BackupRefused(Exception):
    pass


def backup(data_dir: Path, target: Path, postgres_port: int) -> str:
    if target.exists():
        raise BackupRefused(f"{target} exists: a backup goes into a new folder")
    if not (data_dir / "postgres" / "PG_VERSION").exists():
        raise BackupRefused(f"no embedded PostgreSQL data in {data_dir}")
    holder = in_use(data_dir)
    port = int(holder.get("postgres_port", postgres_port)) if holder else postgres_port
    server = EmbeddedPostgres(data_dir / "postgres", port)
    started_here = holder is None
    if started_here:
        server.start()  # the platform is down: start its server just for the copy
    try:
        target.mkdir(parents=True)
        server.base_backup(target / "postgres")
    finally:
        if started_here:
            server.stop(quiet=True)
    files = target / "files"
    files.mkdir()
    for item in sorted(data_dir.iterdir()):
        if item.name in _NOT_KEPT:
            continue
        if item.is_dir():
            shutil.copytree(item, files / item.name)
        else:
            shutil.copy2(item, files / item.name)
    copied = sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file())
    manifest = {"taken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "from": str(data_dir),
                "while_running": not started_here, "files": copied}
    (target / "backup.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return (f"Backed up {data_dir} to {target} (PostgreSQL base backup verified; "
            f"{len(copied)} other files).")


def restore(data_dir: Path, source: Path) -> str:
    if not (source / "backup.json").exists() or not (source / "postgres").is_dir():
        raise BackupRefused(f"{source} is not a qa-platform backup (no backup.json)")
    holder = in_use(data_dir)
    if holder is not None:
        raise BackupRefused(f"restore refused: {describe_holder(data_dir, holder)}")
    data_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedPostgres(data_dir / "postgres")
    server.stop(quiet=True)  # a server a killed runner left behind
    server.restore_from(source / "postgres")
    kept = 0
    files = source / "files"
    for item in sorted(files.rglob("*")):
        if item.is_file():
            destination = data_dir / item.relative_to(files)
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item, destination)
                kept += 1
    taken = json.loads((source / "backup.json").read_text())["taken_at"]
    return (f"Restored {data_dir} from the backup of {taken} ({kept} other files put back). "
            "Start it with: qa-platform up --data-dir " + str(data_dir))
