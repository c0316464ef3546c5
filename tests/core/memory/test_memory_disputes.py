"""Conflicting claims: a DISPUTED pair, one inbox request, the person's word to both agents."""

from __future__ import annotations

import pytest
from memory_support import start_session

from orchestron.core import (
    ForbiddenError,
    InvalidInputError,
    MemoryStatus,
    MessageKind,
    Orchestron,
    RequestKind,
    RequestStatus,
)
from orchestron.core.testing import RecordingNotifier

pytestmark = pytest.mark.anyio


async def _conflict(app: Orchestron) -> tuple[str, str, str]:
    """claude-1 and claude-2, in their own sessions, say different things about the database."""
    await start_session(app, "s-1", "claude-1")
    await start_session(app, "s-2", "claude-2")
    first = await app.acting_as("claude-1").remember(
        "We use PostgreSQL", kind="decision", topic="database", session_id="s-1"
    )
    second = await app.acting_as("claude-2").remember(
        "We use SQLite, one file per project", kind="decision", topic="database", session_id="s-2"
    )
    assert second.request is not None
    return first.entry.id, second.entry.id, second.request.id


async def test_two_agents_disagreeing_give_a_disputed_pair_and_one_request(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    one, two, req = await _conflict(app)
    for ident in (one, two):
        entry = await app.get_memory(ident)
        assert (entry.status, entry.dispute) == (MemoryStatus.DISPUTED, req)
    [request] = await app.inbox()
    assert request.id == req and request.kind is RequestKind.HELP
    assert (request.session_id, request.agent_id) == ("s-2", "claude-2")
    for words in ("database", one, two, "PostgreSQL", "SQLite", "claude-1", "claude-2"):
        assert words in request.text
    assert [n.kind for n in notifier.sent] == ["INTERVENTION_NEEDED"]
    page = await app.list_memory(status="disputed")
    assert [e.id for e in page.entries] == [one, two]


async def test_a_third_claim_joins_the_open_dispute(app: Orchestron) -> None:
    one, two, req = await _conflict(app)
    third = await app.acting_as("claude-3").remember(
        "We use MySQL", kind="decision", topic="database"
    )
    assert third.outcome == "disputed" and third.entry.dispute == req
    [request] = await app.inbox()
    assert third.entry.id in request.text and one in request.text and two in request.text
    # Agreeing with one side adds to it, without a new request.
    agree = await app.acting_as("claude-4").remember(
        "we use postgresql", kind="decision", topic="database"
    )
    assert agree.outcome == "merged" and agree.entry.id == one
    assert len(await app.inbox()) == 1


async def test_the_persons_resolution_reaches_both_agents_once(app: Orchestron) -> None:
    one, two, req = await _conflict(app)
    done = await app.resolve_dispute(req, keep=one, note="we need row locks")
    assert done.request.status is RequestStatus.ANSWERED
    assert done.request.answered_by == "human:alice"
    kept, dropped = await app.get_memory(one), await app.get_memory(two)
    assert (kept.status, kept.dispute) == (MemoryStatus.ACTIVE, None)
    assert (dropped.status, dropped.superseded_by) == (MemoryStatus.SUPERSEDED, one)
    assert await app.inbox() == []
    for session in ("s-1", "s-2"):
        [message] = await app.take_messages(session)
        assert message.kind is MessageKind.NOTICE and message.request_id == req
        assert f"kept {one}" in message.text and "row locks" in message.text
        assert await app.take_messages(session) == []
    # A later session of the same agent does not get it again.
    await start_session(app, "s-3", "claude-1")
    assert await app.take_messages("s-3") == []
    with pytest.raises(ForbiddenError):
        await app.resolve_dispute(req, keep="both")


async def test_the_agent_reached_is_whichever_session_it_runs_next(app: Orchestron) -> None:
    one, _two, _req = await _conflict(app)
    await app.resolve_dispute(one, keep="both")  # by an entry id
    await start_session(app, "s-9", "claude-2")
    [message] = await app.take_messages("s-9")
    assert "both kept" in message.text
    assert all(e.status is MemoryStatus.ACTIVE for e in (await app.list_memory()).entries)


async def test_neither_retires_both(app: Orchestron) -> None:
    one, two, req = await _conflict(app)
    done = await app.resolve_dispute(req, keep="neither")
    assert [e.status for e in done.entries] == [MemoryStatus.RETIRED, MemoryStatus.RETIRED]
    assert all(req in (e.retired_reason or "") for e in done.entries)
    assert len(done.messages) == 2
    assert (await app.recall("database")).entries == ()
    assert {one, two} == {e.id for e in done.entries}


async def test_answering_the_request_through_the_inbox_settles_the_dispute(
    app: Orchestron,
) -> None:
    one, two, req = await _conflict(app)
    with pytest.raises(ForbiddenError) as caught:
        await app.answer_request(req, "hmm, not sure")
    assert one in str(caught.value) and "neither" in str(caught.value)
    assert (await app.get_memory(one)).status is MemoryStatus.DISPUTED
    await app.answer_request(req, f"keep {two}: one file is simpler")
    assert (await app.get_memory(two)).status is MemoryStatus.ACTIVE
    assert (await app.get_memory(one)).status is MemoryStatus.SUPERSEDED
    assert len(await app.take_messages("s-1")) == 1


async def test_bad_resolutions_are_refused(app: Orchestron) -> None:
    one, _two, req = await _conflict(app)
    with pytest.raises(InvalidInputError) as caught:
        await app.resolve_dispute(req, keep="MEM-099")
    assert caught.value.field == "keep"
    with pytest.raises(InvalidInputError) as caught:
        await app.resolve_dispute(req, keep="whichever")
    assert caught.value.field == "keep"
    with pytest.raises(ForbiddenError):
        await app.confirm(one)
    with pytest.raises(ForbiddenError):
        await app.retire(one, "gone")
    with pytest.raises(InvalidInputError) as caught:
        await app.remember("We use Oracle", kind="decision", topic="database", supersedes=one)
    assert caught.value.field == "supersedes"
    assert len(await app.inbox()) == 1


async def test_two_processes_on_one_store_make_one_dispute(
    storage_factory: object, notifier: RecordingNotifier
) -> None:
    """Two Orchestrons over the same store, racing (tests/stress does it with OS processes)."""
    import anyio

    from orchestron.core.testing import FixedClock

    clock = FixedClock()
    # Two calls: two connections to one store (one SQLite file), as two processes have.
    a = Orchestron(await storage_factory(), clock, notifier, actor="claude-1")  # type: ignore[operator]
    b = Orchestron(await storage_factory(), clock, notifier, actor="claude-2")  # type: ignore[operator]
    await start_session(a, "s-1", "claude-1")
    await start_session(a, "s-2", "claude-2")
    async with anyio.create_task_group() as tg:
        tg.start_soon(
            lambda: a.remember(
                "Tabs for indentation", kind="convention", topic="indent", session_id="s-1"
            )
        )
        tg.start_soon(
            lambda: b.remember(
                "Four spaces for indentation", kind="convention", topic="indent", session_id="s-2"
            )
        )
    entries = (await a.list_memory()).entries
    assert [e.status for e in entries] == [MemoryStatus.DISPUTED] * 2
    [request] = await a.inbox()
    await Orchestron(a.storage, clock, actor="human:bob").resolve_dispute(request.id, keep="both")
    assert len(await a.take_messages("s-1")) == 1
    assert len(await b.take_messages("s-2")) == 1
