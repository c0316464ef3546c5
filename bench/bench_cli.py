"""Wall time of `orchestron task list` and `orchestron next` on 1,000 and 10,000 tasks.

Run: `uv run python bench/bench_cli.py [--runs 9] [--sizes 1000,10000]`

Each figure is the median wall time (and CPU time, user + system, which a busy
machine inflates less) of the installed `orchestron` command run as a
subprocess with stdout piped (what a script sees), after one warm-up run.
PASS/OVER judges the wall time.
Budget: under 250 ms each. Python's bytecode cache is left on (as in any normal
install) even if PYTHONDONTWRITEBYTECODE is set in this shell, so the figures
measure Orchestron, not recompiling every module on each run.

The projects are built in-process through the core: tasks in one unit of work
(a fifth finished, a tenth in progress), about 1.5 dependencies per task
pointing at earlier tasks, a tenth of the tasks in an active sprint.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestron.core import Priority, Task, TaskStatus, TaskType, format_id
from orchestron.runtime import open_orchestron

BUDGET_MS = 250.0
COMMANDS = (("task", "list"), ("next",))
EXTRA = (("task", "list", "--json"), ("task", "list", "--limit", "0"))


async def build(db: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    async with open_orchestron(str(db), actor="human:bench", create=True) as orch:
        sprint = await orch.create_sprint("Bench sprint")
        async with orch.storage.transaction() as tx:
            for i in range(1, n + 1):
                number = await tx.next_number("TASK")
                roll = rng.random()
                status = (
                    TaskStatus.DONE
                    if roll < 0.2
                    else TaskStatus.IN_PROGRESS
                    if roll < 0.3
                    else TaskStatus.TODO
                )
                at = start + timedelta(minutes=i)
                await tx.tasks.add(
                    Task(
                        id=format_id("TASK", number),
                        title=f"Task {i}: {rng.choice(['fix', 'build', 'test', 'doc'])} "
                        f"{rng.choice(['api', 'ui', 'db', 'cli'])}",
                        created_at=at,
                        updated_at=at,
                        type=rng.choice(list(TaskType)),
                        status=status,
                        priority=rng.choice(list(Priority)),
                        progress=100 if status is TaskStatus.DONE else rng.choice([0, 20, 50]),
                        sprint=sprint.id if rng.random() < 0.1 else None,
                        labels=(rng.choice(["api", "ui", "db"]),),
                        updated_by="human:bench",
                    )
                )
                for _ in range(rng.choice([0, 1, 2, 2, 3])):
                    if i > 1:
                        dep = rng.randrange(max(1, i - 200), i)
                        await tx.deps.add(format_id("TASK", number), format_id("TASK", dep))
        await orch.start_sprint(sprint.id)


def timed(
    exe: str, args: tuple[str, ...], db: Path, env: dict[str, str], runs: int
) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the command, in ms."""
    return timed_command([exe, "--db", str(db), *args], env, runs)


def timed_command(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    subprocess.run(command, env=env, capture_output=True, check=True)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        walls.append((time.perf_counter() - t0) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sizes", default="1000,10000")
    opts = parser.parse_args()
    exe = shutil.which("orchestron", path=str(Path(sys.executable).parent))
    if exe is None:
        raise SystemExit("orchestron is not installed here: uv sync --all-packages")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("ORCHESTRON_DB", None)
    baseline = statistics.median(
        _wall([sys.executable, "-c", "pass"], env) for _ in range(opts.runs)
    )
    load = os.getloadavg()[0]
    print(
        f"python start-up alone: {baseline:.0f} ms; load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    imports = [
        sys.executable,
        "-c",
        "import orchestron.cli._app, orchestron.cli._tasks, orchestron.runtime, orchestron.sqlite",
    ]
    wall, cpu = timed_command(imports, env, opts.runs)
    print(f"importing what `task list` needs, no work: {wall:.0f} ms wall, {cpu:.0f} ms cpu")
    print(f"{'tasks':>6}  {'command':<30} {'wall':>7} {'cpu':>7}  budget {BUDGET_MS:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        for n in (int(s) for s in opts.sizes.split(",")):
            db = Path(folder) / f"bench-{n}.db"
            t0 = time.perf_counter()
            asyncio.run(build(db, n))
            print(f"(built {n} tasks in {time.perf_counter() - t0:.1f} s)")
            for args in (*COMMANDS, *EXTRA):
                wall, cpu = timed(exe, args, db, env, opts.runs)
                name = "orchestron " + " ".join(args)
                verdict = ("PASS" if wall < BUDGET_MS else "OVER") if args in COMMANDS else "(info)"
                print(f"{n:>6}  {name:<30} {wall:>4.0f} ms {cpu:>4.0f} ms  {verdict}")


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return (time.perf_counter() - t0) * 1000


if __name__ == "__main__":
    main()
