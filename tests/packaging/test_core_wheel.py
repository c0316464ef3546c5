"""The core installs on its own: no storage driver, no MCP SDK, no web framework."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    return uv


def test_core_wheel_installs_into_a_fresh_venv_and_imports(tmp_path: Path) -> None:
    uv = _uv()
    dist = tmp_path / "dist"
    subprocess.run(
        [uv, "build", "--package", "orchestron-core", "--wheel", "--out-dir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheels = list(dist.glob("orchestron_core-*.whl"))
    assert len(wheels) == 1
    venv = tmp_path / "venv"
    subprocess.run(
        [uv, "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "--python", str(python), str(wheels[0])],
        check=True,
        capture_output=True,
    )
    probe = (
        "import importlib.util, orchestron.core as c, orchestron.core.testing;"
        "print(','.join(m for m in ('aiosqlite','mcp','litestar','click')"
        " if importlib.util.find_spec(m)));"
        "print(len(c.__all__))"
    )
    out = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True)
    missing_line, count = out.stdout.splitlines()
    assert missing_line == ""  # none of the adapter libraries is installed
    assert int(count) > 30
