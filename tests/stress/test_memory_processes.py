"""OS processes making conflicting decisions on one SQLite file: each topic gets one DISPUTED
set and one inbox request, and the person's resolution reaches every agent once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import anyio
import pytest

from orchestron.core import MemoryStatus, Orchestron
from orchestron.runtime import SystemClock

sqlite_adapter = pytest.importorskip("orchestron.sqlite")
SqliteStorage = sqlite_adapter.SqliteStorage

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("_memory_worker.py")
PROCESSES = 4
TOPICS = 25


def test_processes_disagreeing_make_one_dispute_per_topic(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"

    async def create() -> None:
        storage = await SqliteStorage.open(db)
        await storage.close()

    anyio.run(create)
    start_at = time.time() + 2.0
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(db), f"agent-{i}", str(start_at), str(TOPICS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    results = [w.communicate(timeout=120) for w in workers]
    for worker, (_out, err) in zip(workers, results, strict=True):
        assert "database is locked" not in err
        assert worker.returncode == 0, err
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    outcomes = Counter(o for r in reports for o in r["outcomes"])
    # On each topic the first claim is added and every later one disputes it.
    assert outcomes == {"added": TOPICS, "disputed": TOPICS * (PROCESSES - 1)}

    async def check() -> None:
        storage = await SqliteStorage.open(db)
        try:
            app = Orchestron(storage, SystemClock(), actor="human:alice")
            entries = (await app.list_memory(limit=200)).entries
            assert len(entries) == TOPICS * PROCESSES
            assert {e.status for e in entries} == {MemoryStatus.DISPUTED}
            inbox = await app.inbox(limit=200)
            assert len(inbox) == TOPICS  # one request per topic
            by_request = Counter(e.dispute for e in entries)
            assert set(by_request) == {r.id for r in inbox}
            assert set(by_request.values()) == {PROCESSES}
            for request in inbox:
                kept = next(e.id for e in entries if e.dispute == request.id)
                await app.resolve_dispute(request.id, keep=kept)
            assert await app.inbox() == []
            for report in reports:  # each agent told once per topic, in any later session
                session = await app.start_session(report["agent"])
                taken = await app.take_messages(session.id)
                assert len(taken) == TOPICS
                assert await app.take_messages(session.id) == []
        finally:
            await storage.close()

    anyio.run(check)
