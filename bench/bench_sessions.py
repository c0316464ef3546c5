"""Sessions on SQLite: context save+load round trip, and pick_next under contention.

    uv run python bench/bench_sessions.py [--processes 8] [--tasks 400] [--rounds 300]

Prints figures; asserts nothing. Needs `orchestron.sqlite.SqliteStorage`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

from orchestron.core import Orchestron
from orchestron.runtime import SystemClock

try:
    from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]
except ImportError:
    SqliteStorage = None


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    return f"p50 {_pct(values, 50) * 1000:.2f} ms, p95 {_pct(values, 95) * 1000:.2f} ms"


SMALL = {
    "next_steps": ["write the migration", "run the stress test"],
    "critical_decisions": {"storage": "SQLite in WAL mode"},
    "completed_steps": [f"step {i}" for i in range(10)],
    "step": "API done",
}
LARGE = {
    **SMALL,
    "completed_steps": [f"step {i}: " + "did a thing " * 8 for i in range(1000)],
    "notes": "observations " * 4000,
}


async def round_trips(db: Path, rounds: int) -> None:
    storage = await SqliteStorage.open(db)
    try:
        app = Orchestron(storage, SystemClock())
        task = await app.create_task("Context bench")
        session = await app.start_session("bench-1")
        await app.claim(task.id, session.id)
        for name, ctx in (("1 KB context", SMALL), ("100 KB context", LARGE)):
            saves, loads, trips = [], [], []
            size = 0
            for _ in range(rounds):
                t0 = time.perf_counter()
                record = await app.save_context(session.id, ctx)
                t1 = time.perf_counter()
                loaded = await app.load_context(task_id=task.id)
                t2 = time.perf_counter()
                assert loaded is not None
                saves.append(t1 - t0)
                loads.append(t2 - t1)
                trips.append(t2 - t0)
                size = record.size_bytes
            print(f"{name} (stored {size} B), {rounds} rounds:")
            print(f"  save          {_ms(saves)}")
            print(f"  load          {_ms(loads)}")
            print(f"  save + load   {_ms(trips)}")
    finally:
        await storage.close()


async def seed(db: Path, tasks: int) -> None:
    storage = await SqliteStorage.open(db)
    try:
        app = Orchestron(storage, SystemClock())
        for i in range(tasks):
            await app.create_task(f"Task {i}")
    finally:
        await storage.close()


async def worker(db: Path, agent: str, start_at: float) -> None:
    storage = await SqliteStorage.open(db)
    try:
        app = Orchestron(storage, SystemClock(), actor=agent)
        session = await app.start_session(agent)
        await anyio.sleep(max(0.0, start_at - time.time()))
        picks: list[float] = []
        while True:
            t0 = time.perf_counter()
            choice = await app.pick_next(session.id)
            picks.append(time.perf_counter() - t0)
            if choice is None:
                break
            await app.complete_task(choice.task.id, actor=agent)
        finished = time.time()
        await app.end_session(session.id)
    finally:
        await storage.close()
    print(json.dumps({"picks": picks, "finished": finished}))


def contention(db: Path, processes: int, tasks: int) -> None:
    anyio.run(seed, db, tasks)
    start_at = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(db), f"agent-{i}", str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    reports: list[dict[str, Any]] = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        if p.returncode != 0:
            print(err, file=sys.stderr)
            raise SystemExit(f"a worker failed (exit {p.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = max(r["finished"] for r in reports) - start_at
    picks = [x for r in reports for x in r["picks"]]
    claims = len(picks) - processes  # each worker's last call found nothing
    print(f"pick_next, {processes} processes racing over {tasks} tasks (claim + complete each):")
    print(f"  {claims} claims in {elapsed:.2f} s: {claims / elapsed:.0f} claims/s")
    print(f"  pick_next latency {_ms(picks)}")
    print(f"  claims per process {sorted(len(r['picks']) - 1 for r in reports)}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        anyio.run(worker, Path(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    if SqliteStorage is None:
        print("skipped: orchestron.sqlite.SqliteStorage is not available yet")
        return
    with tempfile.TemporaryDirectory() as tmp:
        anyio.run(round_trips, Path(tmp) / "context.db", args.rounds)
        contention(Path(tmp) / "race.db", args.processes, args.tasks)


if __name__ == "__main__":
    main()
