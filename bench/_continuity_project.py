"""The project bench/continuity.py works on: a fresh folder, its task graph, the person's door.

Everything a person does goes through the installed `orchestron` command;
the graph is planned through the core, as a script of the team's would.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestron.core import TaskFilter, TaskStatus
from orchestron.runtime import open_orchestron

__all__ = ["LEASE", "build_graph", "hook_processes", "make_project", "open_count", "orchestron"]

BIN = Path(sys.executable).parent
LEASE = 10.0  # the shortest lease the project config takes
STEPS = ("read the code", "design", "implement", "write tests", "update the docs", "tidy up")
OPEN = tuple(s for s in TaskStatus if not s.finished)


def orchestron(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORCHESTRON_ACTOR": "person"}
    return subprocess.run(
        [str(BIN / "orchestron"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def make_project(root: Path) -> None:
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    done = orchestron(root, "init")
    if done.returncode:
        raise SystemExit(f"orchestron init failed: {done.stderr}")
    config = root / ".orchestron" / "config.toml"
    text = config.read_text()
    config.write_text(text.replace("# lease_seconds = 300", f"lease_seconds = {LEASE:g}", 1))


async def build_graph(root: Path, tasks: int, rng: random.Random) -> dict[str, Any]:
    """Two epics (one holding a story with children), dependencies, a started sprint."""
    async with open_orchestron(cwd=root, actor="human:planner") as orch:
        sprint = await orch.create_sprint("Sprint 1", goal="checkout works end to end")
        checkout = await orch.create_task("Checkout", type="EPIC", priority="HIGH")
        reports = await orch.create_task("Reporting", type="EPIC")
        cart = await orch.create_task("Cart", type="STORY", parent=checkout.id)
        made: list[str] = []
        deps = asked = 0
        for i in range(tasks - 3):
            parent = (
                checkout.id if i < 12 else reports.id if i < 20 else cart.id if i < 24 else None
            )
            prereqs = []
            if len(made) > 4 and rng.random() < 0.35:
                prereqs = rng.sample(made[-25:], k=min(len(made[-25:]), rng.choice((1, 1, 2))))
            deps += len(prereqs)
            labels = ["needs-decision"] if rng.random() < 0.1 else []
            asked += bool(labels)
            steps = sorted(rng.sample(range(len(STEPS)), rng.randint(2, 4)))
            task = await orch.create_task(
                f"Work item {i + 1}: {rng.choice(('orders', 'cart', 'invoices', 'search'))}",
                description="Scripted work for the continuity bench.",
                type=rng.choice(("TASK", "TASK", "BUG", "STORY")),
                priority=rng.choice(("LOW", "MEDIUM", "MEDIUM", "HIGH", "CRITICAL")),
                parent=parent,
                labels=labels,
                sprint=sprint.id if rng.random() < 0.15 else None,
                depends_on=prereqs,
                checkpoints=[STEPS[s] for s in steps],
            )
            made.append(task.id)
        await orch.start_sprint(sprint.id)
        containers = [checkout.id, reports.id, cart.id]
        return {
            "tasks": tasks,
            "dependencies": deps,
            "needs_decision": asked,
            "containers": containers,
        }


def open_count(root: Path) -> int:
    """Tasks not done or cancelled, read through the core (in a thread of its own)."""

    async def count() -> int:
        async with open_orchestron(cwd=root, actor="human:bench") as orch:
            return await orch.count_tasks(TaskFilter(statuses=OPEN))

    return asyncio.run(count())


def hook_processes(root: Path) -> list[int]:
    """Detached `orchestron hook` processes working in this project."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if b"orchestron.cli._hooks" in cmdline and cwd == str(root):
            found.append(int(proc.name))
    return found
