"""Helpers for the human-channel tests: sessions and claims stored directly.

The session use cases belong to another issue; these stand in for a claim.
"""

from __future__ import annotations

from datetime import timedelta

from orchestron.core import Orchestron, Session, Task


async def start_session(app: Orchestron, session_id: str, agent_id: str) -> Session:
    """A live session, stored directly (the session use cases are another issue's)."""
    now = app.clock.now()
    session = Session(
        id=session_id,
        agent_id=agent_id,
        started_at=now,
        last_seen=now,
        lease_expires=now + timedelta(seconds=app.settings.lease_seconds),
    )
    async with app.storage.transaction() as tx:
        await tx.sessions.add(session)
    return session


async def hold(app: Orchestron, task_id: str, session: Session) -> Task:
    """Let `session` hold the task, as a claim would."""
    async with app.storage.transaction() as tx:
        task = await tx.tasks.get(task_id)
        assert task is not None
        held = task.changed(
            app.clock.now(), session.agent_id, claimed_by=session.id, assignee=session.agent_id
        )
        await tx.tasks.update(held)
    return held


async def task_in(app: Orchestron, status: str, title: str = "Build the API") -> Task:
    """A fresh task moved to `status` through the default rules."""
    task = await app.create_task(title)
    path = {
        "TODO": [],
        "IN_PROGRESS": ["task_started"],
        "IN_REVIEW": ["task_started", "tests_pass"],
        "DONE": ["task_started", "tests_pass", "review_approved"],
        "BLOCKED": ["task_started", "blocked_on_human"],
        "PAUSED": ["task_started", "task_paused"],
        "CANCELLED": ["task_cancelled"],
    }[status]
    for when in path:
        task = await app.transition(task.id, when)
    assert task.status.value == status
    return task
