"""A starting agent's resume package carries the person's words, handed over once."""

from __future__ import annotations

import pytest

from orchestron.core import Orchestron
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_resume_carries_unread_messages_once(storage_factory, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    app = Orchestron(await storage_factory(), clock)
    task = await app.create_task("Build the API")
    first = await app.start_session("claude-1")
    await app.claim(task.id, first.id)
    await app.end_session(first.id)
    await app.acting_as("human:alice").intervene(task.id, "Use PostgreSQL instead")

    second = await app.start_session("claude-1")
    package = await app.resume("claude-1", session_id=second.id)
    assert package.task is not None and package.task.id == task.id
    assert [m.text for m in package.messages] == ["Use PostgreSQL instead"]
    assert await app.take_messages(second.id) == []
    again = await app.resume("claude-1", session_id=second.id)
    assert again.messages == []


async def test_resume_is_logged_so_context_restoration_is_measured(
    storage_factory,
    clock: FixedClock,  # type: ignore[no-untyped-def]
) -> None:
    app = Orchestron(await storage_factory(), clock)
    task = await app.create_task("Build the API")
    first = await app.start_session("claude-1")
    await app.claim(task.id, first.id)
    await app.save_context(first.id, {"next_steps": ["write tests"]})
    await app.end_session(first.id)
    second = await app.start_session("claude-1")
    package = await app.resume("claude-1", session_id=second.id)
    assert package.kind == "unfinished" and package.context is not None

    metric = (await app.success_metrics()).get("context_restored")
    assert (metric.numerator, metric.denominator) == (1, 1)


async def test_a_message_for_an_ended_session_follows_its_task(
    storage_factory,
    clock: FixedClock,  # type: ignore[no-untyped-def]
) -> None:
    app = Orchestron(await storage_factory(), clock)
    task = await app.create_task("Build the API")
    first = await app.start_session("claude-1")
    await app.claim(task.id, first.id)
    await app.acting_as("human:alice").intervene(task.id, "Use PostgreSQL instead")
    await app.prepare_handoff(first.id)
    await app.end_session(first.id)  # ended before it read the message

    second = await app.start_session("claude-2")
    package = await app.resume("claude-2", session_id=second.id)
    assert package.kind == "handoff" and package.claimed
    assert [m.text for m in package.messages] == ["Use PostgreSQL instead"]
    assert await app.take_messages(second.id) == []
