"""The task graph at 10,000 tasks and 30,000 dependencies on SQLite: prints figures.

Run: uv run python bench/bench_graph.py [--tasks N] [--edges N] [--runs N] [--db PATH]

The graph is a seeded random DAG (each edge from a higher-numbered task to a
lower-numbered one). Bulk creation writes the tasks, edges and their events in
one unit of work with SqliteUnitOfWork.bulk_load (a few executemany calls):
through the Storage port, one call per row with its checks and triggers, it
takes several times longer, so a sample of that path is timed and its rate
printed, as is the create_task use case. Budgets: bulk create < 5 s, next-task < 20 ms,
add-dependency (with its cycle check) < 10 ms. Wall-clock figures: run it on
an otherwise idle machine (the CPU time printed beside bulk create helps tell).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio

from orchestron.core import CycleError, Event, Orchestron, Priority, Task, format_id
from orchestron.core.testing import FixedClock
from orchestron.sqlite import SqliteStorage

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
PRIORITIES = list(Priority)


def plan(tasks: int, edges: int, seed: int) -> tuple[list[Task], list[tuple[str, str]]]:
    rnd = random.Random(seed)
    made = [
        Task(
            id=format_id("TASK", n),
            title=f"Task number {n}",
            created_at=T0 + timedelta(seconds=n),
            updated_at=T0 + timedelta(seconds=n),
            priority=rnd.choice(PRIORITIES),
            labels=("bench",),
        )
        for n in range(1, tasks + 1)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        high = rnd.randrange(2, tasks + 1)
        pairs.add((high, rnd.randrange(1, high)))
    return made, [(format_id("TASK", a), format_id("TASK", b)) for a, b in sorted(pairs)]


async def bulk_create(
    storage: SqliteStorage, tasks: list[Task], edges: list[tuple[str, str]]
) -> None:
    def event(entity: str, kind: str, **data: Any) -> Event:
        return Event(at=T0, actor="bench", entity=entity, kind=kind, data=data)

    events = [event(t.id, "task.created", title=t.title) for t in tasks]
    events += [event(a, "dependency.added", depends_on=b) for a, b in edges]
    async with storage.transaction() as tx:
        await tx.bulk_load(tasks=tasks, dependencies=edges, events=events)


class _Undo(Exception):
    """Raised to roll the sample back."""


async def port_rate(storage: SqliteStorage, tasks: int, edges_per_task: int) -> float:
    """Seconds per task, with its edges and events, loaded one port call at a time."""
    start = time.perf_counter()
    try:
        async with storage.transaction() as tx:
            for n in range(1, tasks + 1):
                ident = format_id("PORT", n)
                await tx.tasks.add(Task(id=ident, title="sample", created_at=T0, updated_at=T0))
                await tx.events.append(Event(T0, "bench", ident, "task.created"))
                for back in range(1, min(n - 1, edges_per_task) + 1):
                    await tx.deps.add(ident, format_id("PORT", n - back))
                    await tx.events.append(Event(T0, "bench", ident, "dependency.added"))
            spent = time.perf_counter() - start
            raise _Undo
    except _Undo:
        return spent / tasks


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def report(name: str, samples: list[float], budget: float | None) -> None:
    p50 = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    verdict = "" if budget is None else ("PASS" if p95 < budget else "OVER")
    limit = "no budget" if budget is None else f"budget {ms(budget)}"
    print(f"{name:<58} p50 {ms(p50):>10}  p95 {ms(p95):>10}  {limit:<18} {verdict}")


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start


async def main(args: argparse.Namespace) -> None:
    tasks, edges = plan(args.tasks, args.edges, args.seed)
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.db"
    rnd = random.Random(args.seed + 1)
    async with await SqliteStorage.open(path) as storage:
        orch = Orchestron(storage, FixedClock(T0 + timedelta(days=1)), actor="bench")
        cpu = time.process_time()
        spent = await timed(lambda: bulk_create(storage, tasks, edges))
        cpu = time.process_time() - cpu
        what = f"bulk create: {len(tasks)} tasks, {len(edges)} edges, their events"
        verdict = "PASS" if spent < 5 else "OVER"
        print(f"{what:<58} {spent:8.2f} s  (cpu {cpu:.2f} s){'':<8}budget 5 s{'':<9}{verdict}")
        print("  (one unit of work, SqliteUnitOfWork.bulk_load: executemany, not the port)")
        per_task = await port_rate(storage, 300, round(len(edges) / len(tasks)))
        print(
            f"  (the same through the port, one call at a time: {ms(per_task)} a task"
            f" with its edges and events, ~{per_task * len(tasks):.0f} s in all)"
        )

        first = await timed(orch.next_task)
        print(f"{'next-task, first call (computes ranks of all tasks)':<58} {ms(first):>12}")
        runs = [await timed(orch.next_task) for _ in range(args.runs)]
        report("next-task", runs, 0.020)

        existing = set(edges)
        accepted: list[float] = []
        while len(accepted) < args.runs:
            high = rnd.randrange(2, args.tasks + 1)
            pair = (format_id("TASK", high), format_id("TASK", rnd.randrange(1, high)))
            if pair not in existing:
                existing.add(pair)
                accepted.append(await timed(lambda p=pair: orch.add_dependency(*p)))
        report("add-dependency, accepted (no cycle)", accepted, 0.010)

        refused: list[float] = []
        for _ in range(args.runs):
            start, goal = rnd.choice(edges)
            chain = [start, goal]
            for _ in range(rnd.randrange(0, 4)):
                deeper = await orch.dependencies(chain[-1])
                if not deeper[0]:
                    break
                chain.append(rnd.choice(deeper[0]))

            async def refuse(chain: list[str] = chain) -> None:
                try:
                    await orch.add_dependency(chain[-1], chain[0])
                except CycleError:
                    return
                raise AssertionError(f"{chain} should close a cycle")

            refused.append(await timed(refuse))
        report("add-dependency, refused (closes a cycle of 2-5 tasks)", refused, 0.010)

        after_change: list[float] = []
        for _ in range(max(5, args.runs // 5)):
            high = rnd.randrange(2, args.tasks + 1)
            pair = (format_id("TASK", high), format_id("TASK", rnd.randrange(1, high)))
            if pair in existing:
                continue
            existing.add(pair)
            await orch.add_dependency(*pair)
            after_change.append(await timed(orch.next_task))
        report("next-task right after a dependency change (re-ranks)", after_change, None)

        sample = 200
        use_case = [await timed(lambda: orch.create_task("one more")) for _ in range(sample)]
        each = statistics.median(use_case)
        print(
            f"{'create_task use case, one unit of work each':<58} p50 {ms(each):>10}"
            f"  (~{each * args.tasks:.0f} s for {args.tasks} tasks)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", help="keep the database at this path (default: a temporary file)")
    anyio.run(main, parser.parse_args())
