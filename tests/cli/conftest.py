"""Fixtures: a folder without a project, and one with a fresh project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Cli, base_env


def _has_sqlite() -> bool:
    from orchestron import sqlite

    return hasattr(sqlite, "SqliteStorage")


@pytest.fixture
def bare(tmp_path: Path) -> Cli:
    """A folder with no project in it yet."""
    if not _has_sqlite():
        pytest.skip("the command needs the SQLite adapter (orchestron.sqlite.SqliteStorage)")
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


@pytest.fixture
def bare_second(tmp_path: Path) -> Cli:
    """A second folder with no project, for import targets."""
    if not _has_sqlite():
        pytest.skip("the command needs the SQLite adapter (orchestron.sqlite.SqliteStorage)")
    folder = tmp_path / "second"
    folder.mkdir()
    home = tmp_path / "home2"
    home.mkdir()
    return Cli(folder, base_env(home))
