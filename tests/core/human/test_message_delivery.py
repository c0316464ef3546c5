"""Who a person's message is for, and handing it over exactly once."""

from __future__ import annotations

import anyio
import pytest
from human_support import hold, start_session, task_in

from orchestron.core import Message, Orchestron, SessionStatus
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_a_message_goes_to_the_session_holding_the_task(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    await hold(app, task.id, await start_session(app, "s-1", "claude-1"))
    await start_session(app, "s-2", "claude-1")  # same agent, other session
    said = await app.intervene(task.id, "Use v2")
    assert await app.take_messages("s-2") == []
    assert [m.id for m in await app.take_messages("s-1")] == [said.id]


async def test_without_a_live_holder_a_message_follows_the_task(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    session = await start_session(app, "s-1", "claude-1")
    await hold(app, task.id, session)
    await app.end_session(session.id)  # the task is left in progress, nobody on it
    said = await app.intervene(task.id, "Use v2")
    assert (said.session_id, said.agent_id) == (None, None)
    # The same agent in a new session gets nothing until it holds the task...
    same_agent = await start_session(app, "s-9", "claude-1")
    assert await app.take_messages(same_agent.id) == []
    # ...and another agent that carries the task on gets it, once.
    other = await start_session(app, "s-10", "claude-code-77aa")
    await app.claim(task.id, other.id)
    assert [m.id for m in await app.take_messages(other.id)] == [said.id]
    assert await app.take_messages(other.id) == []


async def test_a_message_for_a_session_that_ended_follows_its_task(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    first = await start_session(app, "s-1", "claude-code-1a2b")
    await hold(app, task.id, first)
    said = await app.intervene(task.id, "Switch to the v2 API")
    assert said.session_id == first.id
    await app.end_session(first.id)
    second = await start_session(app, "s-2", "claude-code-9f9f")
    package = await app.resume(second.agent_id, session_id=second.id)
    assert package.task is not None and package.task.id == task.id
    assert [m.id for m in package.messages] == [said.id]
    assert await app.take_messages(second.id) == []


async def test_an_answer_about_no_task_to_a_session_gone_waits_for_a_redirect(
    app: Orchestron,
) -> None:
    asking = await start_session(app, "s-1", "claude-code-1a2b")
    request = await app.request_intervention("Where is the staging password?", session_id="s-1")
    await app.end_session(asking.id)
    await app.answer_request(request.id, "In the team vault")
    waiting = await app.waiting_messages()
    assert [m.text for m in waiting] == ["In the team vault"]
    task = await task_in(app, "TODO")
    moved = await app.redirect_message(waiting[0].id, task_id=task.id)
    assert moved.task_id == task.id and await app.waiting_messages() == []
    taker = await start_session(app, "s-2", "claude-code-3c3c")
    await hold(app, task.id, taker)
    assert [m.text for m in await app.take_messages(taker.id)] == ["In the team vault"]
    redirected = await app.events(kinds=["message.redirected"])
    assert [e.data["to_message"] for e in redirected] == [moved.id]


async def test_a_message_for_an_unheld_task_waits_for_whoever_takes_it(app: Orchestron) -> None:
    task = await task_in(app, "TODO")
    said = await app.intervene(task.id, "Start with the schema")
    assert (said.session_id, said.agent_id) == (None, None)
    other = await start_session(app, "s-1", "claude-1")
    assert await app.take_messages(other.id) == []
    await hold(app, task.id, other)
    assert [m.id for m in await app.take_messages(other.id)] == [said.id]


async def test_peek_shows_without_marking_and_take_hands_over_once(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    await hold(app, task.id, await start_session(app, "s-1", "claude-1"))
    first = await app.intervene(task.id, "one")
    second = await app.intervene(task.id, "two")
    assert [m.id for m in await app.peek_messages("s-1")] == [first.id, second.id]
    assert [m.id for m in await app.peek_messages("s-1")] == [first.id, second.id]
    taken = await app.take_messages("s-1")
    assert [m.text for m in taken] == ["one", "two"]
    assert all(m.delivered_at == app.clock.now() and m.delivered_to == "s-1" for m in taken)
    assert await app.peek_messages("s-1") == []
    assert await app.take_messages("s-1") == []
    delivered = await app.events(kinds=["messages.delivered"])
    assert [e.data for e in delivered] == [{"messages": [first.id, second.id], "via": "tool"}]


async def test_two_paths_racing_for_the_same_messages_get_each_once(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    await hold(app, task.id, await start_session(app, "s-1", "claude-1"))
    sent = [(await app.intervene(task.id, f"note {i}")).id for i in range(5)]
    got: dict[str, list[Message]] = {}

    async def take(via: str) -> None:
        got[via] = await app.take_messages("s-1", via=via)

    async with anyio.create_task_group() as tg:
        for via in ("tool", "hook", "channel"):
            tg.start_soon(take, via)
    handed = [m.id for batch in got.values() for m in batch]
    assert sorted(handed) == sorted(sent)


async def test_an_answer_for_a_session_that_ended_goes_to_whoever_holds_the_task(
    app: Orchestron, clock: FixedClock
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    first = await start_session(app, "s-1", "claude-1")
    await hold(app, task.id, first)
    await app.request_clarification(task.id, "Which database?", session_id="s-1")
    async with app.storage.transaction() as tx:  # s-1 ends; s-2 takes over the task
        await tx.sessions.update(first.changed(status=SessionStatus.ENDED, ended_at=clock.now()))
    second = await start_session(app, "s-2", "claude-2")
    await hold(app, task.id, second)
    await app.add_clarification(task.id, "PostgreSQL")
    assert [m.text for m in await app.take_messages("s-2")] == ["PostgreSQL"]


async def test_a_message_says_who_wrote_it_and_about_what(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    said = await app.intervene(task.id, "Use v2", actor="human:bob")
    [stored] = await app.messages_for(task.id)
    assert stored == said
    assert (said.author, said.task_id, said.delivered_at) == ("human:bob", task.id, None)
