"""Helpers for the human-channel tests: sessions and claims stored directly.

The session use cases belong to another issue; these stand in for a claim.
"""

from __future__ import annotations

from datetime import timedelta

from orchestron.core import Orchestron, Session, Task
from orchestron.core.testing import task_in

__all__ = ["hold", "start_session", "task_in"]


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
