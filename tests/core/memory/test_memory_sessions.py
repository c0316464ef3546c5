"""Memory and sessions: ending or handing off promotes decisions; resume carries the index."""

from __future__ import annotations

import pytest

from orchestron.core import MemoryStatus, Orchestron
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_ending_a_session_promotes_the_critical_decisions_of_its_context(
    app: Orchestron,
) -> None:
    task = await app.create_task("Storage layer", labels=["database"])
    session = await app.start_session("claude-1")
    await app.claim(task.id, session.id)
    await app.save_context(
        session.id,
        {
            "current_task": task.id,
            "critical_decisions": {"database": "PostgreSQL 16 for row locks"},
            "files_touched": ["src/db.py"],
        },
    )
    assert (await app.list_memory()).entries == ()
    await app.end_session(session.id)
    [entry] = (await app.list_memory()).entries
    assert (entry.topic, entry.text, entry.kind.value) == (
        "database",
        "PostgreSQL 16 for row locks",
        "DECISION",
    )
    [source] = entry.provenance
    assert (source.agent, source.session, source.task, source.files) == (
        "claude-1",
        session.id,
        task.id,
        ("src/db.py",),
    )
    # The session-end hook also prepares a handoff: nothing is added twice.
    await app.prepare_handoff(session.id)
    assert [e.id for e in (await app.list_memory()).entries] == [entry.id]
    assert (await app.get_memory(entry.id)).version == 1


async def test_a_handoff_promotes_and_a_conflicting_session_opens_one_dispute(
    app: Orchestron, clock: FixedClock
) -> None:
    one = await app.start_session("claude-1")
    await app.save_context(one.id, {"critical_decisions": {"queue": "Use Redis streams"}})
    await app.prepare_handoff(one.id)
    two = await app.start_session("claude-2")
    clock.advance(minutes=1)
    await app.save_context(two.id, {"critical_decisions": {"queue": "Use RabbitMQ"}})
    await app.end_session(two.id)
    entries = (await app.list_memory()).entries
    assert [e.status for e in entries] == [MemoryStatus.DISPUTED] * 2
    [request] = await app.inbox()
    assert "claude-1" in request.text and "claude-2" in request.text


async def test_resume_carries_the_memory_index_for_the_task_in_hand(
    app: Orchestron, clock: FixedClock
) -> None:
    task = await app.create_task("Add the search endpoint", labels=["search"])
    tied = await app.remember(
        "Search goes through FTS5", kind="decision", topic="search", task_id=task.id
    )
    for n in range(30):
        clock.advance(seconds=10)
        await app.remember(f"Billing rule {n} for plan {n}", kind="fact", topic=f"bill-{n}")
    session = await app.start_session("claude-1")
    package = await app.resume("claude-1", session_id=session.id)
    assert package.task is not None and package.task.id == task.id
    assert package.memory[0].startswith(f"{tied.entry.id} search: ")
    budget = app.settings.memory_index_budget
    assert len("\n".join(package.memory).encode()) <= budget
    idle = await app.resume("claude-2")  # no task for it: the most recent entries
    assert idle.task is None and idle.memory[0].startswith("MEM-031 bill-29")


async def test_a_crashed_sessions_decisions_are_kept_when_its_lease_lapses(
    app: Orchestron, clock: FixedClock
) -> None:
    session = await app.start_session("claude-1")
    await app.save_context(session.id, {"critical_decisions": {"cache": "Redis, no persistence"}})
    clock.advance(seconds=app.settings.lease_seconds + 1)  # the agent died; nobody ended it
    await app.create_task("Anything")  # the next write reaps the session
    [entry] = (await app.list_memory()).entries
    assert (entry.topic, entry.provenance[0].session) == ("cache", session.id)
    assert (await app.events(kinds=["memory.added"]))[0].actor == "orchestron"
