"""Fixtures for the Claude Code integration tests (helpers live in claude_support)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from claude_support import Claude, Project, has_sqlite

from orchestron.core import Orchestron


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    if not has_sqlite():
        pytest.skip("the hooks run on the SQLite store (orchestron-sqlite not built)")
    for name in (
        "ORCHESTRON_DB",
        "ORCHESTRON_AGENT",
        "CLAUDE_CODE_SESSION_ID",
        "CLAUDE_PROJECT_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "proj"
    (root / ".orchestron").mkdir(parents=True)
    here = Project(root)

    async def nothing(_orch: Orchestron) -> None:
        return None

    here.act(nothing)
    yield here


@pytest.fixture
def claude(tmp_path: Path, project: Project) -> Claude:
    home = tmp_path / "home"
    home.mkdir()
    here = Claude(home, project)
    here.orchestron("setup", "claude")
    return here
