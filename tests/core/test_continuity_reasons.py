"""Why unfinished work has nobody on it, when the call that takes it is the one that
finds the lease lapsed (found by bench/continuity.py; on the fake, SQLite and PostgreSQL).

Agents act through the facade bound to their session, as `orchestron-mcp` does.
With no reader in between (no dashboard, no CLI), the next agent's `task_next`
is the unit of work that reaps the lapsed session and claims its task at once.
"""

from __future__ import annotations

import pytest

from orchestron.core import Orchestron, Settings
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio

LEASE = 60.0


async def test_the_reason_names_the_lapsed_session_when_the_taking_call_reaps_it(
    storage: Storage, clock: FixedClock
) -> None:
    person = Orchestron(storage, clock, settings=Settings(lease_seconds=LEASE), actor="human:ana")
    left = await person.create_task("Migration", checkpoints=["one", "two"])
    s1 = (await person.start_session("claude-code-1a2b")).id
    one = person.acting_as("claude-code-1a2b").for_session(s1)
    await one.claim(left.id, s1)
    await one.save_context(s1, {"next_steps": ["rerun step 3"]})
    clock.advance(LEASE / 2)
    s2 = (await person.start_session("claude-code-9f9f")).id  # alive before the lapse
    two = person.acting_as("claude-code-9f9f").for_session(s2)
    clock.advance(LEASE / 2 + 1)  # s1 lapsed (killed); s2 still within its lease

    choice = await two.pick_next(s2)

    assert choice is not None and choice.kind == "unfinished" and choice.task.id == left.id
    assert choice.context is not None and choice.context["next_steps"] == ["rerun step 3"]
    assert choice.reason == f"unfinished: {s1} stopped answering (lease lapsed)"
