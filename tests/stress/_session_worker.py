"""A separate OS process working one SQLite file, for the stress and crash tests.

    python _session_worker.py race  DB AGENT START_AT   pick_next and complete until none is left
    python _session_worker.py crash DB AGENT LEASE       claim, save context, say so, then hang

Prints one JSON line on stdout; anything that goes wrong lands on stderr.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import anyio

from orchestron.core import Orchestron, Settings
from orchestron.runtime import SystemClock
from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]


async def race(db: Path, agent: str, start_at: float) -> None:
    storage = await SqliteStorage.open(db)
    try:
        app = Orchestron(storage, SystemClock(), actor=agent)
        session = await app.start_session(agent)
        # Every worker starts at one moment, so they really contend.
        await anyio.sleep(max(0.0, start_at - time.time()))
        done: list[str] = []
        while (choice := await app.pick_next(session.id)) is not None:
            await app.complete_task(choice.task.id, actor=agent)
            done.append(choice.task.id)
        await app.end_session(session.id)
    finally:
        await storage.close()
    print(json.dumps({"agent": agent, "session": session.id, "done": done}), flush=True)


async def crash(db: Path, agent: str, lease: float) -> None:
    storage = await SqliteStorage.open(db)
    app = Orchestron(storage, SystemClock(), settings=Settings(lease_seconds=lease))
    session = await app.start_session(agent)
    choice = await app.pick_next(session.id)
    assert choice is not None, "the crash test expects a ready task"
    await app.save_context(session.id, {"next_steps": ["rerun the migration"], "step": "half"})
    print(json.dumps({"session": session.id, "task": choice.task.id}), flush=True)
    await anyio.sleep(3600)  # holds its claim until killed


def main() -> None:
    mode, db, agent, number = sys.argv[1:5]
    if mode == "race":
        anyio.run(race, Path(db), agent, float(number))
    else:
        anyio.run(crash, Path(db), agent, float(number))


if __name__ == "__main__":
    main()
