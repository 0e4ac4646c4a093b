"""The architecture rules (import-linter contracts in pyproject.toml), checked rather than
hoped for: the real tree keeps every contract, and a copy of it with one violation per
contract breaks each of them, so a contract that can no longer fail is caught too."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
}
# One import each contract forbids, written into a copy of the tree.
PROBES = {
    "services-independent": ("services/audit/domain/_probe_a.py",
                             "import services.allocation.domain.events\n"),
    "service-layers": ("services/audit/entrypoints/_probe_b.py",
                       "import services.audit.adapters.read_models\n"),
    "pure-core": ("services/allocation/application/_probe_c.py", "import asyncpg\n"),
    "core-behind-ports": ("services/tracker/application/_probe_d.py",
                          "import shared.postgres.event_store\n"),
    "pure-domain": ("services/moderation/domain/_probe_e.py", "import shared.kit.unit_of_work\n"),
    "shared-layers": ("shared/kernel/_probe_f.py", "import shared.kit.memory\n"),
    "shared-knows-no-service": ("shared/kit/_probe_g.py", "import services.audit.domain.events\n"),
    "tools-over-http": ("cli/_probe_h.py", "import services.audit.bootstrap\n"),
    "bench-not-tests": ("bench/_probe_i.py", "import tests.support\n"),
    "unit-tier-no-servers": ("tests/unit/_probe_j.py", "import asyncpg\n"),
}
PACKAGES = ("shared", "services", "deploy", "cli", "bench", "tests")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(lint), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          check=False, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})


def verdicts(output: str) -> dict[str, str]:
    """Contract name -> KEPT or BROKEN, from lint-imports' listing (names may wrap)."""
    flat = " ".join(output.split())
    found = {}
    for name in CONTRACTS.values():
        for verdict in ("KEPT", "BROKEN"):
            if f"{name} {verdict}" in flat:
                found[name] = verdict
    return found


def test_every_contract_has_a_probe_that_breaks_it() -> None:
    assert set(PROBES) == set(CONTRACTS)


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == dict.fromkeys(CONTRACTS.values(), "KEPT")


@pytest.fixture(scope="module")
def violated(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    tree = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for path, line in PROBES.values():
        (tree / path).write_text(line)
    return lint_imports(tree)


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
def test_a_violation_breaks_its_contract(violated: subprocess.CompletedProcess[str],
                                         contract: str) -> None:
    assert violated.returncode != 0
    assert verdicts(violated.stdout).get(CONTRACTS[contract]) == "BROKEN", violated.stdout
