"""SQLite beside PostgreSQL: the foundation's, the sessions' and the contention benchmarks.

    uv run python bench/bench_stores.py [--pg-url URL] [--tasks 10000] [--edges 30000]
                                        [--processes 8] [--race-tasks 400] [--rounds 200]

Per store: a 10,000-task / 30,000-edge graph loaded through the Storage port in one
unit of work; next-task (warm, and the first one after a graph change); add-dependency
with its cycle check (budgets from the foundation issue: next-task under 20 ms,
add-dependency under 10 ms); the context save + load round trip (1 KB and 100 KB);
claims per second with N processes racing `pick_next` over one board; and, with
both stores, the time to move the 10,000-task project each way (copy_store).

PostgreSQL: without --pg-url a throw-away server is started from Debian's binaries
(tests/pg_fixture.py), with fsync on, like a real one. A store that cannot be had
here (no SQLite adapter yet, no PostgreSQL) is reported as skipped. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio

from orchestron.core import Orchestron
from orchestron.core.domain import Priority, Task
from orchestron.core.ports import Storage
from orchestron.runtime import SystemClock, copy_store, locate_store, open_storage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pg_fixture import PgServer, pg_available

PRIORITIES = (Priority.HIGH, Priority.MEDIUM, Priority.LOW)
NEXT_BUDGET_MS = 20.0
ADD_BUDGET_MS = 10.0
SMALL = {
    "next_steps": ["write the migration", "run the stress test"],
    "critical_decisions": {"storage": "PostgreSQL with an advisory write lock"},
    "completed_steps": [f"step {i}" for i in range(10)],
    "step": "API done",
}
LARGE = {
    **SMALL,
    "completed_steps": [f"step {i}: " + "did a thing " * 8 for i in range(1000)],
    "notes": "observations " * 4000,
}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    return f"p50 {_pct(values, 50) * 1000:7.2f} ms   p95 {_pct(values, 95) * 1000:7.2f} ms"


def _verdict(values: list[float], budget_ms: float) -> str:
    return "PASS" if _pct(values, 50) * 1000 <= budget_ms else "OVER"


async def _open(spec: str) -> Storage:
    return await open_storage(locate_store(spec, env={}), create=True)


async def _timed(n: int, call: Callable[[int], Awaitable[Any]]) -> list[float]:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        await call(i)
        times.append(time.perf_counter() - t0)
    return times


async def graph_bench(spec: str, tasks: int, edges: int) -> None:
    rng = random.Random(7)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    storage = await _open(spec)
    try:
        start = time.perf_counter()
        async with storage.transaction() as tx:
            for n in range(1, tasks + 1):
                await tx.next_number("TASK")
                created = t0 + timedelta(seconds=n)
                await tx.tasks.add(
                    Task(id=f"TASK-{n:03d}", title=f"task {n}", created_at=created,
                         updated_at=created, priority=rng.choice(PRIORITIES))
                )  # fmt: skip
            made: set[tuple[int, int]] = set()
            while len(made) < edges:  # later tasks depend on earlier ones: a DAG
                later = rng.randint(2, tasks)
                earlier = rng.randint(max(1, later - 400), later - 1)
                if (later, earlier) not in made:
                    made.add((later, earlier))
                    await tx.deps.add(f"TASK-{later:03d}", f"TASK-{earlier:03d}")
        load = time.perf_counter() - start
        print(f"  load {tasks} tasks + {edges} edges (one unit of work): {load:.2f} s")
        app = Orchestron(storage, SystemClock())
        await app.next_task()
        warm = await _timed(50, lambda _: app.next_task())
        print(f"  next-task, warm                 {_ms(warm)}   {_verdict(warm, NEXT_BUDGET_MS)}")

        pairs = []
        while len(pairs) < 50:
            later = rng.randint(tasks // 2, tasks)
            earlier = rng.randint(1, later - 401) if later > 401 else 1
            if (later, earlier) not in made:
                made.add((later, earlier))
                pairs.append((f"TASK-{later:03d}", f"TASK-{earlier:03d}"))
        adds = await _timed(50, lambda i: app.add_dependency(*pairs[i]))
        print(f"  add-dependency (cycle check)    {_ms(adds)}   {_verdict(adds, ADD_BUDGET_MS)}")
        cold = []
        for i in range(10):
            await app.remove_dependency(*pairs[i])
            cold += await _timed(1, lambda _: app.next_task())
        print(f"  next-task after a graph change  {_ms(cold)}")
    finally:
        await storage.close()


async def context_bench(spec: str, rounds: int) -> None:
    storage = await _open(spec)
    try:
        app = Orchestron(storage, SystemClock())
        task = await app.create_task("Context bench")
        session = await app.start_session("bench-1")
        await app.claim(task.id, session.id)
        for name, ctx in (("1 KB", SMALL), ("100 KB", LARGE)):

            async def trip(_: int, ctx: dict[str, Any] = ctx) -> None:
                await app.save_context(session.id, ctx)
                assert await app.load_context(task_id=task.id) is not None

            times = await _timed(rounds, trip)
            print(f"  context save + load, {name:6}     {_ms(times)}")
    finally:
        await storage.close()


async def migrate_bench(src_spec: str, dst_spec: str, label: str) -> None:
    src, dst = await _open(src_spec), await _open(dst_spec)
    try:
        start = time.perf_counter()
        report = await copy_store(src, dst)
        elapsed = time.perf_counter() - start
        print(f"  {label}: {elapsed:.2f} s ({report.describe()})")
    finally:
        await src.close()
        await dst.close()


async def _seed(spec: str, tasks: int) -> None:
    storage = await _open(spec)
    try:
        app = Orchestron(storage, SystemClock())
        for i in range(tasks):
            await app.create_task(f"Task {i}", priority=["HIGH", "MEDIUM", "LOW"][i % 3])
    finally:
        await storage.close()


async def worker(spec: str, agent: str, start_at: float) -> None:
    storage = await _open(spec)
    try:
        app = Orchestron(storage, SystemClock(), actor=agent)
        session = await app.start_session(agent)
        await anyio.sleep(max(0.0, start_at - time.time()))
        claims = 0
        while (choice := await app.pick_next(session.id)) is not None:
            await app.complete_task(choice.task.id, actor=agent)
            claims += 1
        finished = time.time()
        await app.end_session(session.id)
    finally:
        await storage.close()
    print(json.dumps({"claims": claims, "finished": finished}))


def contention(spec: str, processes: int, tasks: int) -> None:
    anyio.run(_seed, spec, tasks)
    start_at = time.time() + 3.0  # past every worker's start-up
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", spec, f"agent-{i}", str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        if p.returncode != 0:
            print(err, file=sys.stderr)
            raise SystemExit(f"a worker failed (exit {p.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    claims = sum(r["claims"] for r in reports)
    elapsed = max(r["finished"] for r in reports) - start_at
    print(
        f"  {processes} processes racing pick_next (claim + start) then complete: "
        f"{claims} claims in {elapsed:.2f} s = {claims / elapsed:.0f} claims/s "
        f"(per process {sorted(r['claims'] for r in reports)})"
    )


def _has_sqlite() -> bool:
    try:
        from orchestron import sqlite
    except ImportError:
        return False
    return hasattr(sqlite, "SqliteStorage")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        anyio.run(worker, sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg-url", help="a server to use (databases are created on it)")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=30_000)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--race-tasks", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        stores: list[tuple[str, Callable[[str], str]]] = []
        if args.only != "postgres":
            if _has_sqlite():
                stores.append(("SQLite (WAL file)", lambda name: str(Path(tmp) / f"{name}.db")))
            else:
                print("SQLite: skipped (orchestron.sqlite.SqliteStorage is not there yet)")
        server: PgServer | None = None
        if args.only != "sqlite":
            if args.pg_url:
                base = args.pg_url.rsplit("/", 1)[0]
                stores.append(("PostgreSQL", lambda name: _pg_database(base, name)))
            elif (reason := pg_available()) is None:
                server = PgServer(durable=True).start()
                srv = server
                stores.append(
                    (
                        f"PostgreSQL (local server, port {srv.port}, fsync on)",
                        lambda name: srv.url(srv.create_database(name)),
                    )
                )
            else:
                print(f"PostgreSQL: skipped ({reason})")
        try:
            graphs = []
            for label, make in stores:
                print(f"\n{label}")
                graphs.append(make("graph"))
                anyio.run(graph_bench, graphs[-1], args.tasks, args.edges)
                anyio.run(context_bench, make("context"), args.rounds)
                contention(make("race"), args.processes, args.race_tasks)
            if len(stores) == 2:
                print("\nMoving the 10,000-task project (copy_store, as `orchestron migrate`)")
                anyio.run(migrate_bench, graphs[0], stores[1][1]("moved"), "SQLite -> PostgreSQL")
                anyio.run(
                    migrate_bench, graphs[1], str(Path(tmp) / "back.db"), "PostgreSQL -> SQLite"
                )
        finally:
            if server is not None:
                server.destroy()


def _pg_database(base: str, name: str) -> str:
    url = f"{base}/bench_{name}_{int(time.time())}"
    subprocess.run(
        ["psql", "-X", "-q", "-c", f"CREATE DATABASE {url.rsplit('/', 1)[1]}", f"{base}/postgres"],
        check=True,
    )
    return url


if __name__ == "__main__":
    main()
