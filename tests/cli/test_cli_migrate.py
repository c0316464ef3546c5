"""`migrate`: SQLite -> PostgreSQL -> SQLite through the installed command; exports equal."""

from __future__ import annotations

import pytest
from cli_harness import Cli
from test_cli_transfer import build_a_busy_project

from pg_fixture import pg_wanted


def test_migrate_to_a_new_sqlite_file_and_back_keeps_the_export(cli: Cli) -> None:
    build_a_busy_project(cli)
    first = cli("export")
    moved = cli.cwd / "elsewhere" / "board.db"
    moved.parent.mkdir()  # issue 18: migrate no longer makes a missing folder for you
    out = cli("migrate", "--to", str(moved))
    assert "Copied 4 tasks" in out and "equals the original's" in out
    assert cli("--db", str(moved), "export") == first
    assert cli("export") == first, "the source is left as it was"


@pytest.mark.skipif(not pg_wanted(), reason="PostgreSQL server programs not found")
def test_sqlite_to_postgres_to_sqlite_gives_the_same_export(cli: Cli, pg_url: str) -> None:
    build_a_busy_project(cli)
    cli(
        "memory", "add", "We use PostgreSQL 16 — für Zeilen", "-k", "decision", "--topic", "database",
        "-r", "row locks", "--task", "TASK-001", "--file", "src/db.py", "--review-date", "2026-03-01",
    )  # fmt: skip
    first = cli("export")
    cli("migrate", "--to", pg_url)
    assert cli("--db", pg_url, "export") == first
    back = cli.cwd / "back.db"
    cli("--db", pg_url, "migrate", "--to", str(back))
    assert cli("--db", str(back), "export") == first
    # The moved project works: ids go on where they stopped.
    cli("--db", pg_url, "task", "add", "After the move")
    assert cli.json("--db", pg_url, "task", "show", "TASK-005")["task"]["title"] == "After the move"
    assert "MEM-001" in cli("--db", pg_url, "memory", "search", "zeilen")


def test_migrate_refuses_a_store_that_is_not_empty(cli: Cli, bare_second: Cli) -> None:
    build_a_busy_project(cli)
    bare_second("init")
    bare_second("task", "add", "already here")
    err = cli.fails("migrate", "--to", str(bare_second.db))
    assert "already holds tasks" in err
    assert len(bare_second.json("task", "list")["tasks"]) == 1
    assert "already" in cli.fails("migrate", "--to", str(cli.db))
