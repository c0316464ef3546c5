"""Benchmark: `orchestron-mcp` over stdio, as Claude Code runs it, on a 10,000-task store.

Prints tool-call round trips (p50/p95) for task_create, task_next and task_list,
and the server's start-up to first reply, each against its budget (PASS/OVER).

    uv run python bench/bench_mcp.py [--tasks 10000] [--calls 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio

from _procs import children
from mcp import Client, StdioServerParameters
from orchestron.runtime import open_orchestron

BUDGET_P50_MS = {"task_create": 3.0, "task_next": 3.0}
BUDGET_STARTUP_S = 1.5


def command() -> str:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("orchestron-mcp is not installed: uv sync --all-packages")
    return found


async def seed(db: Path, tasks: int) -> None:
    """Tasks with some dependencies and priorities, as a real board has."""
    async with open_orchestron(str(db), actor="bench", create=True) as orch:
        prios = ["LOW", "MEDIUM", "MEDIUM", "HIGH", "CRITICAL"]
        for i in range(tasks):
            deps = [f"TASK-{i - 3:03d}"] if i >= 3 and i % 4 == 0 else []
            await orch.create_task(
                f"Seeded task {i}: something to build", priority=prios[i % 5], depends_on=deps
            )


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(
    calls: int, fn: Callable[[int], Awaitable[Any]], *, expect_error: bool = False
) -> list[float]:
    out: list[float] = []
    for i in range(calls):
        start = time.perf_counter()
        result = await fn(i)
        took = time.perf_counter() - start
        if isinstance(result, tuple):  # (result, the part of the call that was timed)
            result, took = result
        out.append(took * 1000)
        if getattr(result, "is_error", False) and not expect_error:
            raise SystemExit(f"call failed: {result.content[0].text}")
    return out


def server_cpu_ms() -> float:
    """CPU time (user + system) used so far by our orchestron-mcp child processes (Linux)."""
    ticks = sum(int(f[11]) + int(f[12]) for _pid, f in children(b"orchestron-mcp"))
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


async def next_then_finish(client: Client) -> Any:
    """Time `task_next` as an agent uses it: it holds one task at a time.

    The task it claims is completed before the next call (outside the timing),
    so the session never piles up hundreds of claims no agent would hold.
    """
    start = time.perf_counter()
    result = await client.call_tool("task_next", {})
    elapsed = time.perf_counter() - start
    task_id = next_task_id(result)
    if task_id:
        await client.call_tool("task_complete", {"taskId": task_id})
    return result, elapsed


def next_task_id(result: Any) -> str | None:
    import re

    for block in result.content:
        found = re.search(r"TASK-\d+", getattr(block, "text", ""))
        if found:
            return found.group(0)
    return None


async def round_trips(db: Path, calls: int) -> None:
    params = StdioServerParameters(command=command(), args=["--db", str(db), "--agent", "bench"])
    async with Client(params) as client:
        await client.call_tool("task_list", {"limit": 1})  # warm: session started, caches hot
        cpu_before = server_cpu_ms()
        floor = await timed(calls, lambda i: client.call_tool("task_get", {}), expect_error=True)
        cpu = (server_cpu_ms() - cpu_before) / calls
        print(
            f"{'floor':<12} p50 {statistics.median(floor):6.2f} ms  p95 {percentile(floor, 0.95):6.2f} ms"
            f"  server CPU {cpu:5.2f} ms/call  (refused by argument checks; still takes messages)"
        )
        cases: list[tuple[str, Callable[[int], Awaitable[Any]]]] = [
            ("task_create", lambda i: client.call_tool("task_create", {"title": f"Bench {i}"})),
            ("task_next", lambda i: next_then_finish(client)),
            (
                "task_list",
                lambda i: client.call_tool("task_list", {"cursor": f"TASK-{i * 40 + 1:03d}"}),
            ),
        ]
        for name, fn in cases:
            await timed(5, fn)
            cpu_before = server_cpu_ms()
            samples = await timed(calls, fn)
            cpu = (server_cpu_ms() - cpu_before) / calls
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            budget = BUDGET_P50_MS.get(name)
            tail = (
                f"budget p50 < {budget:.0f} ms  {verdict(p50 < budget)}"
                if budget
                else "(no budget)"
            )
            print(
                f"{name:<12} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  server CPU {cpu:5.2f} ms/call"
                f"  n={calls}  {tail}"
            )


async def startup(db: Path, runs: int) -> None:
    """Process start to the first tool reply: spawn, initialize, one tools/call."""
    samples: list[float] = []
    for _ in range(runs):
        params = StdioServerParameters(
            command=command(), args=["--db", str(db), "--agent", "bench"]
        )
        start = time.perf_counter()
        async with Client(params) as client:
            await client.call_tool("task_list", {"limit": 1})
            samples.append(time.perf_counter() - start)
    med = statistics.median(samples)
    print(
        f"{'start-up':<12} median {med:5.2f} s  max {max(samples):5.2f} s  n={runs}  "
        f"budget < {BUDGET_STARTUP_S} s  {verdict(med < BUDGET_STARTUP_S)}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--startups", type=int, default=5)
    parser.add_argument("--db", type=Path, help="reuse this seeded database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not db.exists():
            began = time.perf_counter()
            await seed(db, args.tasks)
            print(f"seeded {args.tasks} tasks in {time.perf_counter() - began:.1f} s ({db})")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"orchestron-mcp over stdio, {args.tasks} tasks in the store")
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (figures are wall clock)")
        await round_trips(db, args.calls)
        await startup(db, args.startups)


if __name__ == "__main__":
    anyio.run(main)
