"""`resume(..., with_messages=False)`: the package without taking the person's messages."""

from __future__ import annotations

import pytest

from orchestron.core import Orchestron

pytestmark = pytest.mark.anyio


async def test_resume_can_leave_messages_for_another_path(orch: Orchestron) -> None:
    task = await orch.create_task("Build it")
    await orch.start_session("claude-1", session_id="s-1")
    await orch.claim(task.id, "s-1")
    await orch.intervene(task.id, "Use PostgreSQL")
    package = await orch.resume("claude-1", session_id="s-1", with_messages=False)
    assert package.kind == "unfinished"
    assert package.messages == []
    taken = await orch.take_messages("s-1", via="hook")
    assert [m.text for m in taken] == ["Use PostgreSQL"]
    again = await orch.resume("claude-1", session_id="s-1")
    assert again.messages == []
