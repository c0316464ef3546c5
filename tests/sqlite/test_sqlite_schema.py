"""The file on disk: created and migrated, reopened, and refused when it is not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from orchestron.core import Orchestron, StorageError
from orchestron.core.testing import FixedClock
from orchestron.sqlite import SCHEMA_VERSION, SqliteStorage

pytestmark = pytest.mark.anyio


def _pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


async def test_empty_file_is_migrated_to_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "orchestron.db"
    storage = await SqliteStorage.open(path)
    await storage.close()
    assert _pragma(path, "user_version") == SCHEMA_VERSION
    assert _pragma(path, "journal_mode") == "wal"
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert {"tasks", "deps", "sprints", "sessions", "events", "outbox", "counters"} <= tables


async def test_an_existing_empty_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "orchestron.db"
    path.touch()
    storage = await SqliteStorage.open(path)
    await storage.close()
    assert _pragma(path, "user_version") == SCHEMA_VERSION


async def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "orchestron.db"
    async with await SqliteStorage.open(path) as storage:
        orch = Orchestron(storage, FixedClock())
        first = await orch.create_task("Write the parser", labels=["core"])
        await orch.create_task("Test it", depends_on=[first.id])

    async with await SqliteStorage.open(path) as storage:
        orch = Orchestron(storage, FixedClock())
        assert [t.title for t in await orch.list_tasks()] == ["Write the parser", "Test it"]
        assert await orch.dependencies("TASK-002") == (["TASK-001"], [])
        assert (await orch.create_task("Ship")).id == "TASK-003"
    assert _pragma(path, "user_version") == SCHEMA_VERSION


async def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "orchestron.db"
    storage = await SqliteStorage.open(path)
    await storage.close()
    newer = SCHEMA_VERSION + 1
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")

    with pytest.raises(StorageError) as caught:
        await SqliteStorage.open(path)
    message = str(caught.value)
    assert f"schema version {newer}" in message
    assert f"up to {SCHEMA_VERSION}" in message
    assert "Upgrade Orchestron" in message
    assert _pragma(path, "user_version") == newer


async def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")

    with pytest.raises(StorageError, match="another program"):
        await SqliteStorage.open(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    assert _pragma(path, "user_version") == 0


async def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "orchestron.db"
    path.write_bytes(b"this is a text file, not a database\n" * 200)
    with pytest.raises(StorageError, match=r"orchestron\.db"):
        await SqliteStorage.open(path)


async def test_a_missing_folder_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot open"):
        await SqliteStorage.open(tmp_path / "missing" / "orchestron.db")


async def test_a_closed_storage_says_so(tmp_path: Path) -> None:
    storage = await SqliteStorage.open(tmp_path / "orchestron.db")
    await storage.close()
    await storage.close()
    with pytest.raises(StorageError, match="closed"):
        async with storage.transaction():
            pass
