#!/usr/bin/env python3
"""The newcomer's entry point; needs nothing but Python 3.11+.

    python3 run.py up      # install everything, start the whole platform (Ctrl-C stops it)
    python3 run.py test    # install everything, run the checks and the test suite
    python3 run.py chaos   # audits through the platform while it is broken (bench/chaos.py)

Both create ./.venv on first use and install the project into it (again only when
pyproject.toml changes). Extra arguments are passed on (`run.py up --reset`,
`run.py test -k relay`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - says so plainly on an older Python
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("Installing the platform and its test tools (first run takes a minute or two) ...",
          flush=True)
    quiet = [] if os.environ.get("QA_VERBOSE_INSTALL") else ["-q"]
    subprocess.run([str(PYTHON), "-m", "pip", "install", *quiet, "--upgrade", "pip"],
                   check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", *quiet, "-e", f"{ROOT}[dev]"],
                   check=True)
    stamp.write_text(wanted)


def run(*command: str) -> int:
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"up", "test", "bench", "chaos"}:
        print(__doc__)
        return 2
    action, extra = sys.argv[1], sys.argv[2:]
    ensure_environment()
    if action == "up":
        # Become the platform runner, so Ctrl-C reaches it alone and it can stop every
        # process it started (a parent waiting here would kill it before it finished).
        command = [str(BIN / "qa-platform"), "up", *extra]
        print("+ " + " ".join(command), flush=True)
        os.chdir(ROOT)
        os.execv(command[0], command)
    if action == "bench":
        return run(str(PYTHON), "-m", "bench.run", *extra)
    if action == "chaos":
        return run(str(PYTHON), "-m", "bench.chaos", *extra)
    for check in ([str(BIN / "ruff"), "check", "."], [str(BIN / "mypy")]):
        if code := run(*check):
            return code
    return run(str(PYTHON), "-m", "pytest", *extra)


if __name__ == "__main__":
    sys.exit(main())
