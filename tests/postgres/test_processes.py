"""Eight processes share one PostgreSQL board: no task is taken twice, none is lost,
even when the server restarts in the middle of the run."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import anyio
import pytest

from orchestron.core import Orchestron
from orchestron.core.domain import TaskStatus
from orchestron.core.testing import FixedClock
from orchestron.postgres import PostgresStorage
from pg_fixture import PgServer

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

WORKER = Path(__file__).with_name("claim_worker.py")
WORKERS = 8
TASKS = 120


async def _seed(url: str) -> list[str]:
    storage = await PostgresStorage.open(url)
    orch = Orchestron(storage, FixedClock())
    ids: list[str] = []
    try:
        for i in range(TASKS):
            deps = [ids[i - 7]] if i >= 7 and i % 3 == 0 else []
            ids.append((await orch.create_task(f"job {i}", depends_on=deps)).id)
    finally:
        await storage.close()
    return ids


def _run_workers(url: str, during: threading.Event | None = None) -> list[dict[str, str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, f"agent-{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    if during is not None:
        during.set()
    lines: list[dict[str, str]] = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        lines += [json.loads(line) for line in out.splitlines()]
    return lines


async def _check_board(url: str, ids: list[str], lines: list[dict[str, str]]) -> None:
    started = Counter(line["started"] for line in lines if "started" in line)
    done = Counter(line["done"] for line in lines if "done" in line)
    assert set(started) == set(ids), "every task was started"
    assert max(started.values()) == 1, "no task was started twice"
    assert done == started, "every started task was finished, once"
    storage = await PostgresStorage.open(url)
    try:
        orch = Orchestron(storage, FixedClock())
        tasks = await orch.list_tasks()
        assert {t.status for t in tasks} == {TaskStatus.DONE}
        events = await orch.events()
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), "no gap in the log"
        moves = Counter((e.entity, e.data["to"]) for e in events if e.kind == "task.status_changed")
        assert all(moves[(t, "IN_PROGRESS")] == 1 for t in ids)
        assert all(moves[(t, "DONE")] == 1 for t in ids)
    finally:
        await storage.close()


async def test_eight_processes_take_every_task_exactly_once(pg_url: str) -> None:
    ids = await _seed(pg_url)
    lines = await anyio.to_thread.run_sync(_run_workers, pg_url)
    await _check_board(pg_url, ids, lines)


@pytest.fixture
def restart_server() -> PgServer:
    server = PgServer().start()
    yield server  # type: ignore[misc]
    server.destroy()


async def test_a_server_restart_mid_run_loses_nothing_and_doubles_nothing(
    restart_server: PgServer,
) -> None:
    url = restart_server.url(restart_server.create_database(), retry_seconds="20")
    ids = await _seed(url)
    go = threading.Event()
    database = url.split("/")[-1].split("?")[0]
    seen_at_restart: list[int] = []

    def restart_mid_run() -> None:
        go.wait()
        while True:  # once about a third of the work is done, pull the server away
            done = int(restart_server.psql(
                "SELECT count(*) FROM orchestron.tasks WHERE status = 'DONE'", database
            ))  # fmt: skip
            if done >= TASKS // 3:
                break
            time.sleep(0.05)
        seen_at_restart.append(done)
        restart_server.restart()

    restarter = threading.Thread(target=restart_mid_run)
    restarter.start()
    lines = await anyio.to_thread.run_sync(_run_workers, url, go)
    restarter.join()
    assert seen_at_restart and seen_at_restart[0] < TASKS, "the restart came mid-run"
    assert "database system is shut down" in restart_server.log()
    await _check_board(url, ids, lines)
    retries = [line["retry"] for line in lines if "retry" in line]
    assert all("retry" in text and "unreachable" in text for text in retries), retries
    print(f"{len(retries)} retries: {sorted(set(retries))[:3]}")
