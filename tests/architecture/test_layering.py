"""The import-linter contracts fail when broken.

For each contract, the workspace's packages are copied into a scratch directory,
imports that the contract forbids are added to the copy, and lint-imports (the
entry point of the `lint-imports` command) runs on it with the workspace's own
configuration. Each case passes only if its contract is reported broken for its
very import (a line `importer -> imported` exists only where the copy has that
import, so the cases of one contract can share a copy); the untouched copy must
keep every contract. The copy's source directories
replace the installed ones on the analyser's path, and the run refuses to go on
if `orchestron` would still resolve outside the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from attrs import frozen

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]
NAMES = {c["id"]: c["name"] for c in CONTRACTS}

# Runs lint-imports with the copy's packages in place of the installed ones.
_RUNNER = """
import sys
from pathlib import Path

copy = Path(sys.argv[1])
sys.path[:] = [p for p in sys.path if not (Path(p or ".") / "orchestron").is_dir()]
sys.path[:0] = sorted(str(src) for src in copy.glob("packages/*/src"))
import orchestron

outside = [p for p in orchestron.__path__ if not Path(p).is_relative_to(copy)]
if outside:
    sys.exit(f"orchestron resolves outside the copy: {outside}")
from importlinter.cli import lint_imports_command

sys.argv = ["lint-imports", "--config", str(copy / "pyproject.toml"), "--no-cache", "--no-logo"]
lint_imports_command()
"""

CORE = "orchestron-core/src/orchestron/core"
GRAPH = f"{CORE}/graph.py"


@frozen
class Case:
    contract: str
    file: str  # under packages/
    line: str  # appended to the file
    edge: str  # how lint-imports names the forbidden import

    @property
    def ident(self) -> str:
        return f"{self.contract}:{self.file.rsplit('/', 2)[-2]}/{Path(self.file).name}:{self.line}"


CASES = [
    *(
        Case("core-pure", GRAPH, f"import {module}", f"orchestron.core.graph -> {imported}")
        for module, imported in [
            ("asyncio", "asyncio"),
            ("pathlib", "pathlib"),
            ("urllib.request", "urllib"),
            ("threading", "threading"),
            ("os", "os"),
            ("time", "time"),
            ("socket", "socket"),
            ("sqlite3", "sqlite3"),
            ("subprocess", "subprocess"),
            ("concurrent.futures", "concurrent"),
            ("orchestron.runtime", "orchestron.runtime"),
            ("orchestron.wordllama", "orchestron.wordllama"),
        ]
    ),
    Case(
        "core-pure",
        f"{CORE}/services/tasks.py",
        "import tempfile",
        "orchestron.core.services.tasks -> tempfile",
    ),
    Case(
        "core-layers",
        f"{CORE}/domain/task.py",
        "from orchestron.core.services import tasks",
        "orchestron.core.domain.task -> orchestron.core.services.tasks",
    ),
    Case(
        "core-layers",
        f"{CORE}/domain/task.py",
        "import orchestron.core.ports",
        "orchestron.core.domain.task -> orchestron.core.ports",
    ),
    Case(
        "core-layers",
        f"{CORE}/ports.py",
        "import orchestron.core.services._base",
        "orchestron.core.ports -> orchestron.core.services._base",
    ),
    Case(
        "core-layers",
        f"{CORE}/services/_base.py",
        "import orchestron.core.testing",
        "orchestron.core.services._base -> orchestron.core.testing",
    ),
    Case(
        "core-layers",
        f"{CORE}/errors.py",
        "import orchestron.core.domain.task",
        "orchestron.core.errors -> orchestron.core.domain.task",
    ),
    Case("core-layers", f"{CORE}/unplaced.py", "X = 1", "- orchestron.core.unplaced"),
    Case(
        "core-sync-model",
        f"{CORE}/domain/task.py",
        "import anyio",
        "orchestron.core.domain.task -> anyio",
    ),
    Case(
        "no-testing-at-run-time",
        "orchestron-runtime/src/orchestron/runtime/_open.py",
        "import orchestron.core.testing",
        "orchestron.runtime._open -> orchestron.core.testing",
    ),
    Case(
        "no-testing-at-run-time",
        "orchestron-sqlite/src/orchestron/sqlite/_tasks.py",
        "from orchestron.core.testing import MemoryStorage",
        "orchestron.sqlite._tasks -> orchestron.core.testing",
    ),
    Case(
        "doors-via-runtime",
        "orchestron-cli/src/orchestron/cli/__init__.py",
        "import orchestron.sqlite",
        "orchestron.cli -> orchestron.sqlite",
    ),
    Case(
        "doors-via-runtime",
        "orchestron-mcp/src/orchestron/mcp/__init__.py",
        "from orchestron.postgres import PostgresStorage",
        "orchestron.mcp -> orchestron.postgres",
    ),
    Case(
        "doors-via-runtime",
        "orchestron-dashboard/src/orchestron/dashboard/__init__.py",
        "import orchestron.wordllama",
        "orchestron.dashboard -> orchestron.wordllama",
    ),
    Case(
        "doors-via-runtime",
        "orchestron-cli/src/orchestron/cli/__init__.py",
        "import asyncpg",
        "orchestron.cli -> asyncpg",
    ),
    Case(
        "doors-via-runtime",
        "orchestron-cli/src/orchestron/cli/_hook_input.py",
        "import sqlite3",
        "orchestron.cli._hook_input -> sqlite3",
    ),
    Case(
        "adapters-not-doors",
        "orchestron-sqlite/src/orchestron/sqlite/_tasks.py",
        "import orchestron.runtime",
        "orchestron.sqlite._tasks -> orchestron.runtime",
    ),
    Case(
        "adapters-not-doors",
        "orchestron-postgres/src/orchestron/postgres/_tasks.py",
        "import orchestron.mcp",
        "orchestron.postgres._tasks -> orchestron.mcp",
    ),
    Case(
        "runtime-not-doors",
        "orchestron-runtime/src/orchestron/runtime/_open.py",
        "import orchestron.cli",
        "orchestron.runtime._open -> orchestron.cli",
    ),
    Case(
        "adapters-independent",
        "orchestron-sqlite/src/orchestron/sqlite/_tasks.py",
        "import orchestron.postgres",
        "orchestron.sqlite._tasks -> orchestron.postgres",
    ),
    Case(
        "doors-independent",
        "orchestron-mcp/src/orchestron/mcp/__init__.py",
        "import orchestron.dashboard",
        "orchestron.mcp -> orchestron.dashboard",
    ),
]


@frozen
class Run:
    code: int
    output: str

    def status(self, contract: str) -> str:
        """KEPT or BROKEN, from the summary line of `contract`."""
        for line in self.output.splitlines():
            if line.startswith(NAMES[contract]):
                return line.removeprefix(NAMES[contract]).strip()
        raise AssertionError(f"{NAMES[contract]!r} not in the report:\n{self.output}")

    def broken_section(self, contract: str) -> str:
        """What the report says under `contract` in its list of broken contracts."""
        _, _, broken = self.output.partition("\nBroken contracts\n")
        lines = broken.splitlines()
        heads = [
            i
            for i in range(len(lines) - 1)
            if lines[i] in NAMES.values() and set(lines[i + 1]) == {"-"}
        ]
        for at, start in enumerate(heads):
            if lines[start] == NAMES[contract]:
                end = heads[at + 1] if at + 1 < len(heads) else len(lines)
                return "\n".join(lines[start + 2 : end])
        raise AssertionError(f"{NAMES[contract]!r} is not among the broken:\n{self.output}")


def _copy_packages(into: Path) -> None:
    for src in sorted((ROOT / "packages").glob("*/src")):
        shutil.copytree(
            src,
            into / src.relative_to(ROOT),
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")


def _lint(copy: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(copy)],
        check=False,
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return Run(done.returncode, done.stdout + done.stderr)


def _broken_copy(base: Path, into: Path, cases: list[Case]) -> Path:
    shutil.copytree(base, into)
    for case in cases:
        target = into / "packages" / case.file
        before = target.read_text() if target.exists() else ""
        target.write_text(f"{before.rstrip()}\n{case.line}\n".lstrip())
    return into


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str | None, Run]]:
    """lint-imports on the untouched copy (None) and on one copy per contract with
    that contract's cases added, a process per run, as many at once as there are cores."""
    scratch = tmp_path_factory.mktemp("layering")
    base = scratch / "clean"
    _copy_packages(base)
    copies: dict[str | None, Path] = {None: base}
    for contract in NAMES:
        cases = [c for c in CASES if c.contract == contract]
        copies[contract] = _broken_copy(base, scratch / contract, cases)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        results = dict(zip(copies, pool.map(_lint, copies.values()), strict=True))
    yield results


def test_the_untouched_copy_keeps_every_contract(runs: dict[str | None, Run]) -> None:
    clean = runs[None]
    assert clean.code == 0, clean.output
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in clean.output
    for contract in NAMES:
        assert clean.status(contract) == "KEPT"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.ident)
def test_an_injected_import_breaks_its_contract(case: Case, runs: dict[str | None, Run]) -> None:
    run = runs[case.contract]
    assert run.code == 1, run.output
    assert run.status(case.contract) == "BROKEN"
    assert case.edge in run.broken_section(case.contract), run.output


def test_every_contract_has_a_case_that_breaks_it() -> None:
    assert {c.contract for c in CASES} == set(NAMES)
