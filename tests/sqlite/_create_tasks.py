"""Run as a separate process: create tasks in a shared database once told to go.

Usage: python _create_tasks.py DB NAME COUNT; prints "ready", waits for a line
on stdin, creates COUNT tasks labelled NAME, prints "done".
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import anyio.to_thread

from orchestron.core import Orchestron
from orchestron.runtime import SystemClock
from orchestron.sqlite import SqliteStorage


async def main(db: Path, name: str, count: int) -> None:
    async with await SqliteStorage.open(db) as storage:
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)
        orch = Orchestron(storage, SystemClock(), actor=name)
        for n in range(count):
            await orch.create_task(f"{name} task {n}", labels=[name])
    print("done", flush=True)


if __name__ == "__main__":
    db, name, count = sys.argv[1:4]
    anyio.run(main, Path(db), name, int(count))
