"""Moving a project between stores: SQLite -> PostgreSQL -> SQLite loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestron.core import Orchestron
from orchestron.core.errors import ForbiddenError
from orchestron.core.ports import MemoryFilter, Storage
from orchestron.core.testing import FixedClock, MemoryStorage
from orchestron.postgres import PostgresStorage
from orchestron.runtime import copy_store, snapshot
from orchestron.sqlite import SqliteStorage

pytestmark = pytest.mark.anyio


async def _fill(storage: Storage) -> None:
    """A project that has seen every kind of record."""
    clock = FixedClock()
    app = Orchestron(storage, clock, actor="human:ann")
    sprint = await app.create_sprint("Sprint 1", goal="ship the adapter")
    a = await app.create_task("Schema", priority="high", labels=["db"], checkpoints=["draft"])
    b = await app.create_task("Adapter", depends_on=[a.id], description="Café ÉCLAIR ✓")
    c = await app.create_task("Docs", depends_on=[a.id, b.id], estimate=2.5)
    await app.create_task("Epic", type="epic")
    await app.add_to_sprint(sprint.id, [a.id, b.id])
    await app.start_sprint(sprint.id)
    clock.advance(60)
    session = await app.start_session("claude-1")
    picked = await app.pick_next(session.id)
    assert picked is not None and picked.task.id == a.id
    await app.complete_checkpoint(a.id, 1)
    await app.remember(
        "We use PostgreSQL 16 — für Zeilen-Sperren",
        kind="decision",
        topic="database",
        rationale="row locks",
        session_id=session.id,
        task_id=a.id,
        files=["src/db.py"],
        review_date="2026-03-01",
    )
    await app.remember("Four spaces, no tabs", kind="convention", topic="indent")
    await app.save_context(session.id, {"next_steps": ["write it"], "step": "half"})
    request = await app.request_clarification(b.id, "Which driver?", session_id=session.id)
    clock.advance(30)
    await app.answer_request(request.id, "asyncpg")
    await app.intervene(c.id, "keep it short")
    await app.complete_task(a.id)
    await app.prepare_handoff(session.id, to_agent="claude-2", note="B is next")
    await app.end_session(session.id)
    clock.advance(3600)
    other = await app.start_session("claude-2")
    await app.take_messages(other.id)


async def test_sqlite_to_postgres_and_back_is_lossless(tmp_path: Path, pg_url: str) -> None:
    first = await SqliteStorage.open(tmp_path / "first.db")
    pg = await PostgresStorage.open(pg_url)
    last = await SqliteStorage.open(tmp_path / "last.db")
    try:
        await _fill(first)
        report = await copy_store(first, pg)
        assert report.counts["tasks"] == 4 and report.counts["events"] > 20
        assert report.counts["memory"] == 2
        await copy_store(pg, last)
        original = await snapshot(first)
        assert await snapshot(last) == original
        on_pg = await snapshot(pg)
        assert on_pg == original  # counters too: PostgreSQL reports them exactly
        assert [m["id"] for m in original["memory"]] == ["MEM-001", "MEM-002"]
        # The copied entries are indexed: found by a word, a file and a task.
        async with pg.transaction(write=False) as tx:
            flt = MemoryFilter()
            assert [e.id for e in await tx.memory.search(["zeilen"], flt, limit=5)] == ["MEM-001"]
            by_file = MemoryFilter(files=("src",), task="TASK-001")
            assert [e.id for e in await tx.memory.list(by_file)] == ["MEM-001"]
        # The copy is a working project: ids go on where they stopped.
        app = Orchestron(pg, FixedClock())
        assert (await app.create_task("after the move")).id == "TASK-005"
        assert (await app.create_sprint("Sprint 2")).id == "SPRINT-002"
        assert (await app.start_session("claude-3")).id == "SES-003"
    finally:
        for storage in (first, pg, last):
            await storage.close()


async def test_a_copy_into_a_store_in_use_is_refused_and_writes_nothing(pg_url: str) -> None:
    source = MemoryStorage()
    await _fill(source)
    pg = await PostgresStorage.open(pg_url)
    try:
        await Orchestron(pg, FixedClock()).create_task("already here")
        before = await snapshot(pg)
        with pytest.raises(ForbiddenError, match="already holds tasks"):
            await copy_store(source, pg)
        assert await snapshot(pg) == before
    finally:
        await pg.close()
