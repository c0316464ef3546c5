"""Many OS processes on one SQLite file: nothing claimed twice, nothing lost, nothing stranded.

Runs once `orchestron.sqlite.SqliteStorage` exists; skipped before that.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest

from orchestron.core import Orchestron, TaskStatus
from orchestron.core.testing import FixedClock
from orchestron.runtime import SystemClock

sqlite_adapter = pytest.importorskip("orchestron.sqlite")
if not hasattr(sqlite_adapter, "SqliteStorage"):
    pytest.skip("orchestron.sqlite.SqliteStorage is not there yet", allow_module_level=True)
SqliteStorage = sqlite_adapter.SqliteStorage

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("_session_worker.py")
PROCESSES = 8
TASKS = 400


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eight_processes_race_pick_next_over_400_tasks(tmp_path: Path) -> None:
    db = tmp_path / "race.db"

    async def seed() -> None:
        storage = await SqliteStorage.open(db)
        try:
            app = Orchestron(storage, SystemClock())
            for i in range(TASKS):
                await app.create_task(f"Task {i}", priority=["HIGH", "MEDIUM", "LOW"][i % 3])
        finally:
            await storage.close()

    anyio.run(seed)
    start_at = time.time() + 2.0  # past every worker's start-up
    started = time.perf_counter()
    workers = [_spawn("race", str(db), f"agent-{i}", str(start_at)) for i in range(PROCESSES)]
    results = [w.communicate(timeout=120) for w in workers]
    elapsed = time.perf_counter() - started

    for worker, (_out, err) in zip(workers, results, strict=True):
        assert "database is locked" not in err
        assert worker.returncode == 0, err
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    picked = [task for r in reports for task in r["done"]]
    assert len(picked) == TASKS and len(set(picked)) == TASKS  # each task taken once

    async def check() -> None:
        storage = await SqliteStorage.open(db)
        try:
            app = Orchestron(storage, SystemClock())
            tasks = await app.list_tasks()
            assert len(tasks) == TASKS
            assert all(t.status is TaskStatus.DONE and t.claimed_by is None for t in tasks)
            events = await app.events()
        finally:
            await storage.close()
        assert [e.seq for e in events] == list(range(1, len(events) + 1))  # no gaps
        kinds = Counter(e.kind for e in events)
        assert kinds["task.created"] == TASKS
        assert kinds["session.started"] == kinds["session.ended"] == PROCESSES
        claims = Counter(e.entity for e in events if e.kind == "task.claimed")
        done = Counter(
            e.entity for e in events if e.kind == "task.status_changed" and e.data["to"] == "DONE"
        )
        assert set(claims.values()) == {1} and len(claims) == TASKS
        assert set(done.values()) == {1} and len(done) == TASKS
        # Who claimed it in the log is who reported doing it.
        by_agent = {e.entity: e.data["agent"] for e in events if e.kind == "task.claimed"}
        assert by_agent == {t: r["agent"] for r in reports for t in r["done"]}

    anyio.run(check)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    share = sorted(len(r["done"]) for r in reports)
    print(f"\n{PROCESSES} processes, {TASKS} tasks: {elapsed:.1f} s, tasks per process {share}")


def test_a_killed_agent_does_not_strand_its_task(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    lease = 3.0

    async def seed() -> str:
        storage = await SqliteStorage.open(db)
        try:
            task = await Orchestron(storage, SystemClock()).create_task("Crash in the middle")
            return task.id
        finally:
            await storage.close()

    task_id = anyio.run(seed)
    worker = _spawn("crash", str(db), "doomed-1", str(lease))
    assert worker.stdout is not None
    line = worker.stdout.readline()  # written once the claim and the context are committed
    assert line, worker.stderr.read() if worker.stderr else ""
    claimed = json.loads(line)
    assert claimed["task"] == task_id
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    worker.communicate()

    async def after_the_lease() -> None:
        storage = await SqliteStorage.open(db)
        try:
            # Judge from a moment past the lease instead of sleeping through it.
            later = FixedClock(datetime.now(UTC) + timedelta(seconds=lease + 1))
            app = Orchestron(storage, later)
            held = await Orchestron(storage, SystemClock()).get_task(task_id)
            assert held.claimed_by == claimed["session"]  # still held while the lease runs

            ready = await app.next_task()
            assert ready is not None and ready.task.id == task_id
            record = await app.load_context(task_id=task_id)
            assert record is not None and record.data["step"] == "half"
            assert record.session_id == claimed["session"]
            rescuer = await app.start_session("rescuer-1")
            choice = await app.pick_next(rescuer.id)
            assert choice is not None and choice.task.id == task_id
        finally:
            await storage.close()

    anyio.run(after_the_lease)
