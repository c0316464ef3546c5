"""Fixtures: a folder without a project, and one with a fresh project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Cli, base_env


@pytest.fixture
def bare(tmp_path: Path) -> Cli:
    """A folder with no project in it yet."""
    folder = tmp_path / "work"
    folder.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    return Cli(folder, base_env(home))


@pytest.fixture
def cli(bare: Cli) -> Iterator[Cli]:
    """A folder with a fresh project (`orchestron init` done)."""
    bare("init")
    yield bare
