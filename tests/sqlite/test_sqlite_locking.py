"""Another connection holding the file: writers wait, readers do not, nothing leaks raw."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import anyio
import pytest

from orchestron.core import Orchestron, StorageError
from orchestron.core.testing import FixedClock
from orchestron.sqlite import SqliteStorage

pytestmark = pytest.mark.anyio
OpenStorage = Callable[..., Awaitable[SqliteStorage]]


@pytest.fixture
def other(db: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection, as far as SQLite can tell."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


async def test_a_write_waits_for_a_lock_released_in_time(
    open_storage: OpenStorage, other: sqlite3.Connection
) -> None:
    storage = await open_storage()
    orch = Orchestron(storage, FixedClock())
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        created = await orch.create_task("written after the other writer let go")
    finally:
        release.join()
    assert created.id == "TASK-001"


async def test_a_lock_held_too_long_is_a_retryable_storage_error(
    open_storage: OpenStorage, other: sqlite3.Connection
) -> None:
    storage = await open_storage(busy_timeout=0.05, lock_wait=0.3)
    orch = Orchestron(storage, FixedClock())
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageError) as caught:
        await orch.create_task("never written")
    assert caught.value.retryable
    assert "locked by another process" in str(caught.value)
    assert not isinstance(caught.value.__cause__, StorageError)

    other.execute("COMMIT")
    created = await orch.create_task("written once the lock is gone")
    assert created.id == "TASK-001", "the failed attempt used up nothing"


async def test_reads_go_on_while_another_process_writes(
    open_storage: OpenStorage, other: sqlite3.Connection
) -> None:
    storage = await open_storage(busy_timeout=0.05, lock_wait=0.2)
    orch = Orchestron(storage, FixedClock())
    first = await orch.create_task("first")
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE tasks SET title = 'uncommitted' WHERE id = ?", [first.id])
    assert (await orch.get_task(first.id)).title == "first"
    assert (await orch.next_task()) is not None


async def test_next_task_ranks_correctly_while_another_process_holds_the_lock(
    db: Path, open_storage: OpenStorage, other: sqlite3.Connection
) -> None:
    """Stale cached ranks that cannot be stored right now are computed for the answer anyway."""
    storage = await open_storage(busy_timeout=0.05, lock_wait=0.2)
    orch = Orchestron(storage, FixedClock())
    older = await orch.create_task("older")
    hub = await orch.create_task("unblocks two")
    for n in range(2):
        await orch.create_task(f"needs the hub {n}", depends_on=[hub.id])
    other.execute("BEGIN IMMEDIATE")

    choice = await orch.next_task()
    assert choice is not None and choice.task.id == hub.id and choice.downstream == 2
    assert [r.task.id for r in await orch.ready_tasks()] == [hub.id, older.id]
    other.execute("COMMIT")

    assert [r.task.id for r in await orch.ready_tasks()] == [hub.id, older.id]
    with sqlite3.connect(db) as conn:
        versions = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        downstream = conn.execute("SELECT downstream FROM tasks WHERE id = ?", [hub.id]).fetchone()
    assert versions["ranks_version"] == versions["graph_version"], "stored once the lock was free"
    assert downstream == (2,)


async def test_cancelled_unit_of_work_rolls_back(open_storage: OpenStorage) -> None:
    storage = await open_storage()
    with anyio.move_on_after(0.2):
        async with storage.transaction() as tx:
            await tx.next_number("TASK")
            await anyio.sleep(5)
    async with storage.transaction() as tx:
        assert await tx.next_number("TASK") == 1


async def test_giving_up_while_waiting_for_the_lock_leaves_the_storage_usable(
    open_storage: OpenStorage, other: sqlite3.Connection
) -> None:
    storage = await open_storage(busy_timeout=0.5, lock_wait=5)
    other.execute("BEGIN IMMEDIATE")
    with anyio.move_on_after(0.1):
        async with storage.transaction() as tx:
            await tx.next_number("TASK")
    other.execute("COMMIT")
    async with storage.transaction() as tx:
        assert await tx.next_number("TASK") == 1
