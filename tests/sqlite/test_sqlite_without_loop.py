"""The store's statements never suspend: a unit of work finishes on its coroutine's first step.

The CLI's read commands rely on this to run with no event loop (and skip
importing asyncio); see `orchestron.cli._project.read`.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import sys
from orchestron.core import Orchestron, TaskFilter
from orchestron.core.testing import FixedClock
from orchestron.sqlite import SqliteStorage

def step_once(coro):
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the coroutine wanted to wait")

async def scenario(path):
    storage = await SqliteStorage.open(path)
    try:
        orch = Orchestron(storage, FixedClock())
        made = await orch.create_task("written with no event loop")
        listed = await orch.list_tasks(TaskFilter())
        choice = await orch.next_task()
        return made.id, [t.id for t in listed], choice.task.id
    finally:
        await storage.close()

print(step_once(scenario(sys.argv[1])))
print("asyncio" in sys.modules)
"""


def test_a_unit_of_work_needs_no_event_loop(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["('TASK-001', ['TASK-001'], 'TASK-001')", "False"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT title FROM tasks").fetchall() == [
            ("written with no event loop",)
        ]
