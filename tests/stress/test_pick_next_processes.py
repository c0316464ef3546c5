"""Many OS processes on one store: nothing claimed twice, nothing lost, nothing stranded.

Each test runs on a SQLite file and on a PostgreSQL database (when the server
programs are here, always in CI); on PostgreSQL the race also survives a server
restart in the middle of it.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest

from orchestron.core import Orchestron, TaskStatus
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock
from orchestron.runtime import SystemClock, locate_store, open_storage
from pg_fixture import PgServer, pg_wanted

pytestmark = pytest.mark.slow

STORES = ["sqlite", *(["postgres"] if pg_wanted() else [])]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the processes meet: a SQLite file path or a postgresql:// URL."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "board.db")


async def _open(store: str) -> Storage:
    return await open_storage(locate_store(store, env={}), create=True)


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


def test_eight_processes_race_pick_next_over_400_tasks(store: str) -> None:
    reports, elapsed = _race(store)
    if not store.startswith("postgresql://"):
        with sqlite3.connect(store) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not [r for report in reports for r in report["retries"]]
    share = sorted(len(r["done"]) for r in reports)
    print(f"\n{PROCESSES} processes, {TASKS} tasks: {elapsed:.1f} s, tasks per process {share}")


def _race(store: str, during: threading.Event | None = None) -> tuple[list[dict[str, Any]], float]:
    """Seed TASKS tasks, race PROCESSES workers over them, check the board; the reports."""

    async def seed() -> None:
        storage = await _open(store)
        try:
            app = Orchestron(storage, SystemClock())
            for i in range(TASKS):
                await app.create_task(f"Task {i}", priority=["HIGH", "MEDIUM", "LOW"][i % 3])
        finally:
            await storage.close()

    anyio.run(seed)
    start_at = time.time() + 2.0  # past every worker's start-up
    started = time.perf_counter()
    workers = [_spawn("race", store, f"agent-{i}", str(start_at)) for i in range(PROCESSES)]
    if during is not None:
        during.set()
    results = [w.communicate(timeout=300) for w in workers]
    elapsed = time.perf_counter() - started

    for worker, (_out, err) in zip(workers, results, strict=True):
        assert "database is locked" not in err
        assert worker.returncode == 0, err
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    picked = [task for r in reports for task in r["done"]]
    assert len(picked) == TASKS and len(set(picked)) == TASKS  # each task taken once

    async def check() -> None:
        storage = await _open(store)
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
    return reports, elapsed


@pytest.fixture
def restartable() -> Iterator[PgServer]:
    """A PostgreSQL server of this test's own, to restart under the workers' feet."""
    if not pg_wanted():
        pytest.skip("PostgreSQL server programs not found")
    server = PgServer().start()
    try:
        yield server
    finally:
        server.destroy()


def test_a_postgres_restart_mid_race_loses_nothing_and_doubles_nothing(
    restartable: PgServer,
) -> None:
    database = restartable.create_database()
    store = restartable.url(database, retry_seconds="30")
    go = threading.Event()
    done_at_restart: list[int] = []

    def restart_mid_race() -> None:
        go.wait()
        while True:  # once about a third of the work is done, pull the server away
            done = int(restartable.psql(
                "SELECT count(*) FROM orchestron.tasks WHERE status = 'DONE'", database
            ))  # fmt: skip
            if done >= TASKS // 3:
                break
            time.sleep(0.05)
        done_at_restart.append(done)
        restartable.restart()

    restarter = threading.Thread(target=restart_mid_race)
    restarter.start()
    try:
        reports, _ = _race(store, go)  # every task done once, none claimed twice, log whole
    finally:
        restarter.join()
    assert done_at_restart and done_at_restart[0] < TASKS, "the restart came mid-race"
    assert "database system is shut down" in restartable.log()
    retries = [r for report in reports for r in report["retries"]]
    assert all("is unreachable" in r and "retry" in r for r in retries), retries
    print(f"\nrestart after {done_at_restart[0]} of {TASKS} tasks; {len(retries)} retries")


def test_a_killed_agent_does_not_strand_its_task(store: str) -> None:
    lease = 3.0

    async def seed() -> str:
        storage = await _open(store)
        try:
            task = await Orchestron(storage, SystemClock()).create_task("Crash in the middle")
            return task.id
        finally:
            await storage.close()

    task_id = anyio.run(seed)
    worker = _spawn("crash", store, "doomed-1", str(lease))
    assert worker.stdout is not None
    line = worker.stdout.readline()  # written once the claim and the context are committed
    assert line, worker.stderr.read() if worker.stderr else ""
    claimed = json.loads(line)
    assert claimed["task"] == task_id
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    worker.communicate()

    async def after_the_lease() -> None:
        storage = await _open(store)
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
