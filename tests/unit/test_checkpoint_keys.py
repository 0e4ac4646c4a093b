"""Checkpoint keys made outside the platform runner (deploy/compose.yaml's first start),
run from a shell as the container's entrypoint runs them."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from shared.signing import SigningKey


def make_keys(*paths: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "shared.signing", *map(str, paths)],
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.splitlines()


def test_missing_keys_are_made_owner_only_and_never_replaced(tmp_path: Path) -> None:
    audit, tracker = tmp_path / "anchors" / "audit.pem", tmp_path / "anchors" / "tracker.pem"
    assert make_keys(audit) == [f"made checkpoint key {audit}"]
    first = audit.read_bytes()
    assert make_keys(audit, tracker) == [f"kept checkpoint key {audit}",
                                         f"made checkpoint key {tracker}"]
    assert audit.read_bytes() == first
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
    assert SigningKey.load(audit).key_id != SigningKey.load(tracker).key_id

