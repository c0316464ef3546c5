"""Benchmark: `task_update checkpointsAdd` of many items through `orchestron-mcp` over stdio.

Adding checkpoints is one write, one version and one event however many there
are, so the cost grows with the list, not with its square (it was 25 s for
4,000 items, holding the write lock all along). Prints the round trip for 200
and 5,000 items (median of a few runs, each on a fresh task) against the budget:
linear (5,000 costs under 30x 200) and under 1 s for 5,000.

    uv run python bench/bench_checkpoints.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio

from mcp import Client, StdioServerParameters

SIZES = (200, 5000)
BUDGET_RATIO = 30.0
BUDGET_5000_S = 1.0


def command() -> str:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("orchestron-mcp is not installed: uv sync --all-packages")
    return found


async def measure(db: Path, runs: int) -> dict[int, float]:
    params = StdioServerParameters(command=command(), args=["--db", str(db), "--agent", "bench"])
    medians: dict[int, float] = {}
    async with Client(params) as client:
        for size in SIZES:
            samples = []
            for run in range(runs):
                made = await client.call_tool("task_create", {"title": f"plan {size}/{run}"})
                assert not made.is_error
                task_id = made.content[0].text.split('"id":"')[1].split('"')[0]  # type: ignore[union-attr]
                steps = [f"step {n} of the plan for run {run}" for n in range(size)]
                start = time.perf_counter()
                result = await client.call_tool(
                    "task_update", {"taskId": task_id, "checkpointsAdd": steps}
                )
                samples.append(time.perf_counter() - start)
                assert not result.is_error, result.content
            medians[size] = statistics.median(samples)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        medians = anyio.run(measure, Path(tmp) / "orchestron.db", args.runs)
    small, large = medians[200], medians[5000]
    ratio = large / small
    print(f"checkpointsAdd  200 items: {small * 1000:8.1f} ms (median of {args.runs})")
    print(f"checkpointsAdd 5000 items: {large * 1000:8.1f} ms (median of {args.runs})")
    verdict = "PASS" if ratio < BUDGET_RATIO else "OVER"
    print(f"ratio 5000/200: {ratio:.1f}x  budget < {BUDGET_RATIO:.0f}x (linear): {verdict}")
    verdict = "PASS" if large < BUDGET_5000_S else "OVER"
    print(f"5000 items: {large:.3f} s  budget < {BUDGET_5000_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
