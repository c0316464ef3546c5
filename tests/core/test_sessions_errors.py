"""Bad input gets a typed error naming the field, and writes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from orchestron.core import (
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    Orchestron,
    OrchestronError,
)
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio

Call = Callable[[Orchestron, str, str], Awaitable[Any]]

CASES: list[tuple[str, Call, type[OrchestronError], str]] = [
    ("empty agent", lambda app, s, t: app.start_session(""), InvalidInputError, "agent_id"),
    ("agent with a space", lambda app, s, t: app.start_session("claude 1"), InvalidInputError, "agent_id"),
    ("long agent", lambda app, s, t: app.start_session("x" * 65), InvalidInputError, "agent_id"),
    ("blank session id", lambda app, s, t: app.start_session("a", session_id=" "), InvalidInputError, "session_id"),
    ("unknown session", lambda app, s, t: app.heartbeat("SES-999"), NotFoundError, "session"),
    ("claim unknown session", lambda app, s, t: app.claim(t, "SES-999"), NotFoundError, "session"),
    ("claim unknown task", lambda app, s, t: app.claim("TASK-999", s), NotFoundError, "task"),
    ("pick_next unknown session", lambda app, s, t: app.pick_next("nope"), NotFoundError, "session"),
    ("two selectors", lambda app, s, t: app.load_context(session_id=s, task_id=t), InvalidInputError, "session_id, task_id"),
    ("no selector", lambda app, s, t: app.load_context(), InvalidInputError, "session_id"),
    ("load unknown task", lambda app, s, t: app.load_context(task_id="TASK-999"), NotFoundError, "task"),
    ("context not an object", lambda app, s, t: app.save_context(s, "text"), InvalidInputError, "context"),  # type: ignore[arg-type]
    ("context for unknown task", lambda app, s, t: app.save_context(s, {}, task_id="TASK-999"), NotFoundError, "task"),
    ("handoff to blank agent", lambda app, s, t: app.prepare_handoff(s, to_agent=""), InvalidInputError, "to_agent"),
    ("unknown handoff", lambda app, s, t: app.accept_handoff("HO-999", s), NotFoundError, "handoff"),
    ("resume blank agent", lambda app, s, t: app.resume(" "), InvalidInputError, "agent_id"),
    ("resume someone else's session", lambda app, s, t: app.resume("claude-2", session_id=s), ForbiddenError, ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_bad_input_is_refused_and_writes_nothing(
    storage: Storage, clock: FixedClock, call: Call, error: type[OrchestronError], field: str
) -> None:
    app = Orchestron(storage, clock)
    session = await app.start_session("claude-1")
    task = await app.create_task("Something")
    clock.advance(5)
    before = await app.last_event_seq()

    with pytest.raises(error) as err:
        await call(app, session.id, task.id)

    if isinstance(err.value, InvalidInputError):
        assert err.value.field == field
    elif isinstance(err.value, NotFoundError):
        assert err.value.entity == field
    assert await app.last_event_seq() == before
    # Not even the lease renewal of a session-scoped call survives a refusal.
    assert (await app.get_session(session.id)).version == session.version
