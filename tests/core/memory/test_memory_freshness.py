"""Freshness and synthesis: the stale list, the resume index, decisions promoted at session end."""

from __future__ import annotations

import pytest
from memory_support import save_context, start_session

from orchestron.core import INDEX_BUDGET, InvalidInputError, MemoryStatus, Orchestron
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_the_stale_list_holds_what_it_should(app: Orchestron, clock: FixedClock) -> None:
    await start_session(app, "s-1", "claude-1")
    await start_session(app, "s-2", "claude-2")
    due = await app.remember("Pin Node 20", kind="decision", topic="node", review_date="2026-01-05")
    later = await app.remember(
        "Pin Python 3.11", kind="decision", topic="python", review_date="2026-12-31"
    )
    touched = await app.remember(
        "The schema lives in src/db",
        kind="fact",
        topic="schema",
        session_id="s-1",
        files=["src/db"],
    )
    own = await app.remember(
        "Config is TOML", kind="fact", topic="config", session_id="s-1", files=["conf.toml"]
    )
    confirmed = await app.remember(
        "Logs go to stderr", kind="convention", topic="logs", files=["src/log.py"]
    )
    retired = await app.remember(
        "Use the v1 client", kind="convention", topic="client", files=["src/db/client.py"]
    )
    await app.retire(retired.entry.id, "v2 now")
    clock.advance(days=1)
    # The session that said it touching its own file later is not news; another session is.
    s1 = await start_session(app, "s-3", "claude-1")
    await save_context(app, s1, {"files_touched": ["src/db/schema.sql", "src/log.py"]})
    clock.advance(hours=1)
    await app.confirm(confirmed.entry.id)
    async with app.storage.transaction() as tx:
        session = await tx.sessions.get("s-1")
    assert session is not None
    await save_context(app, session, {"files_touched": ["conf.toml"]})
    assert [s.entry.id for s in await app.stale()] == [touched.entry.id]
    clock.advance(days=5)  # 2026-01-07: past the first review date
    stale = await app.stale()
    assert [s.entry.id for s in stale] == [due.entry.id, touched.entry.id]
    assert stale[0].reasons == ("review date 2026-01-05 has passed",)
    assert stale[1].reasons == (
        "src/db/schema.sql touched by session s-3 (claude-1) since last confirmed",
    )
    await app.confirm(due.entry.id)
    await app.confirm(touched.entry.id)
    assert await app.stale() == []
    assert later.entry.status is MemoryStatus.ACTIVE and own.entry.id


async def test_ending_a_session_promotes_its_critical_decisions(app: Orchestron) -> None:
    task = await app.create_task("Storage")
    session = await start_session(app, "s-1", "claude-1")
    await save_context(
        app,
        session,
        {
            "critical_decisions": {
                "Database": "PostgreSQL 16, for row locks",
                "ids": "Short ids like TASK-001",
                "!!!": "a topic with no letters is skipped",
            },
            "files_touched": ["src/db.py"],
        },
        task.id,
    )
    results = await app.promote_decisions("s-1")
    assert [r.outcome for r in results] == ["added", "added"]
    db = results[0].entry
    assert (db.topic, db.text, db.kind.value) == (
        "database",
        "PostgreSQL 16, for row locks",
        "DECISION",
    )
    [source] = db.provenance
    assert (source.session, source.agent, source.task, source.files) == (
        "s-1",
        "claude-1",
        task.id,
        ("src/db.py",),
    )
    again = await app.promote_decisions("s-1")  # the handoff after the end: nothing new
    assert [r.outcome for r in again] == ["merged", "merged"]
    assert [r.entry for r in again] == [r.entry for r in results]


async def test_decisions_saved_as_a_list_are_promoted_too(app: Orchestron) -> None:
    session = await start_session(app, "s-1", "claude-1")
    await save_context(
        app, session, {"criticalDecisions": ["auth: JWT in cookies", "Use ruff for linting"]}
    )
    results = await app.promote_decisions("s-1")
    assert [(r.entry.topic, r.entry.text) for r in results] == [
        ("auth", "JWT in cookies"),
        ("use-ruff-linting", "Use ruff for linting"),
    ]
    assert await app.promote_decisions("s-404") == []


async def test_the_resume_index_stays_in_budget_and_lists_the_tasks_entries(
    app: Orchestron, clock: FixedClock
) -> None:
    task = await app.create_task("Tune the search index", labels=["search"])
    session = await start_session(app, "s-1", "claude-1")
    await save_context(app, session, {"files_touched": ["src/search/index.py"]}, task.id)
    by_file = await app.remember(
        "Rebuild the index after a schema change",
        kind="gotcha",
        topic="reindex",
        files=["src/search"],
    )
    by_label = await app.remember("search uses FTS5 with bm25", kind="fact", topic="fts")
    by_task = await app.remember(
        "Benchmarks live in bench/", kind="fact", topic="bench", task_id=task.id
    )
    for n in range(500):
        clock.advance(seconds=30)  # the noise is newer than what matters
        await app.remember(
            f"Unrelated fact {n} about module {n} of the billing code",
            kind="fact",
            topic=f"billing-{n}",
        )
    lines = await app.memory_index(task.id)
    assert len("\n".join(lines).encode()) <= INDEX_BUDGET
    assert [line.split()[0] for line in lines[:3]] == [
        by_task.entry.id,
        by_file.entry.id,
        by_label.entry.id,
    ]
    assert lines[-1].startswith("…")
    assert all(len(line) < 100 for line in lines)


async def test_disputed_entries_are_always_in_the_index(app: Orchestron) -> None:
    for n in range(40):
        await app.remember(f"Port {n} is for service {n}", kind="fact", topic=f"svc-{n}")
    await app.remember("We use PostgreSQL", kind="decision", topic="database")
    clash = await app.remember("We use SQLite", kind="decision", topic="database")
    lines = await app.memory_index(budget=300)
    assert lines[0].startswith("MEM-041 DISPUTED database")
    assert lines[1].startswith(f"{clash.entry.id} DISPUTED database")
    assert len("\n".join(lines).encode()) <= 300
    with pytest.raises(InvalidInputError) as caught:
        await app.memory_index(budget=10)
    assert caught.value.field == "budget"
