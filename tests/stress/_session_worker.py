"""A separate OS process working one store, for the stress and crash tests.

    python _session_worker.py race  STORE AGENT START_AT   pick_next and complete until none is left
    python _session_worker.py crash STORE AGENT LEASE       claim, save context, say so, then hang

STORE is a SQLite file path or a postgresql:// URL. A retryable StorageError (a
PostgreSQL server restarting, say) is retried, as an agent would; each retry is
reported. Prints one JSON line on stdout; anything that goes wrong lands on stderr.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

from orchestron.core import Orchestron, Settings
from orchestron.core.errors import StorageError
from orchestron.core.ports import Storage
from orchestron.runtime import SystemClock, locate_store, open_storage

T = TypeVar("T")


async def _open(store: str) -> Storage:
    return await open_storage(locate_store(store, env={}), create=True)


async def _retrying(retries: list[str], call: Callable[[], Awaitable[T]]) -> T:
    while True:
        try:
            return await call()
        except StorageError as exc:
            if not exc.retryable:
                raise
            retries.append(str(exc))
            await anyio.sleep(0.1)


async def race(store: str, agent: str, start_at: float) -> None:
    retries: list[str] = []
    storage = await _retrying(retries, lambda: _open(store))
    try:
        app = Orchestron(storage, SystemClock(), actor=agent)
        session = await _retrying(retries, lambda: app.start_session(agent))
        # Every worker starts at one moment, so they really contend.
        await anyio.sleep(max(0.0, start_at - time.time()))
        done: list[str] = []
        while (choice := await _retrying(retries, lambda: app.pick_next(session.id))) is not None:
            task_id = choice.task.id
            await _retrying(retries, lambda t=task_id: app.complete_task(t, actor=agent))
            done.append(task_id)
        await _retrying(retries, lambda: app.end_session(session.id))
    finally:
        await storage.close()
    report = {"agent": agent, "session": session.id, "done": done, "retries": retries}
    print(json.dumps(report), flush=True)


async def crash(store: str, agent: str, lease: float) -> None:
    storage = await _open(store)
    app = Orchestron(storage, SystemClock(), settings=Settings(lease_seconds=lease))
    session = await app.start_session(agent)
    choice = await app.pick_next(session.id)
    assert choice is not None, "the crash test expects a ready task"
    await app.save_context(session.id, {"next_steps": ["rerun the migration"], "step": "half"})
    print(json.dumps({"session": session.id, "task": choice.task.id}), flush=True)
    await anyio.sleep(3600)  # holds its claim until killed


def main() -> None:
    mode, store, agent, number = sys.argv[1:5]
    if mode == "race":
        anyio.run(race, store, agent, float(number))
    else:
        anyio.run(crash, store, agent, float(number))


if __name__ == "__main__":
    main()
