"""A separate OS process remembering claims in one SQLite file, for the memory stress test.

    python _memory_worker.py DB AGENT START_AT TOPICS

For each of TOPICS topics the agent says its own claim (`AGENT prefers option
N`), all at the moment START_AT, so processes contend on every topic. Prints
one JSON line: the outcomes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import anyio

from orchestron.core import Orchestron
from orchestron.runtime import SystemClock
from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]


async def say(db: Path, agent: str, start_at: float, topics: int) -> None:
    storage = await SqliteStorage.open(db)
    try:
        app = Orchestron(storage, SystemClock(), actor=agent)
        session = await app.start_session(agent)
        await anyio.sleep(max(0.0, start_at - time.time()))
        outcomes = []
        for n in range(topics):
            result = await app.remember(
                f"Use the {agent} layout for module {n}",
                kind="decision",
                topic=f"layout-{n}",
                session_id=session.id,
            )
            outcomes.append(result.outcome)
        await app.end_session(session.id)
    finally:
        await storage.close()
    print(json.dumps({"agent": agent, "session": session.id, "outcomes": outcomes}), flush=True)


if __name__ == "__main__":
    db, agent, start_at, topics = sys.argv[1:5]
    anyio.run(say, Path(db), agent, float(start_at), int(topics))
