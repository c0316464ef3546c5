"""Helpers for the memory tests: sessions and saved contexts stored directly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from orchestron.core import ContextRecord, Orchestron, Session


async def start_session(app: Orchestron, session_id: str, agent_id: str) -> Session:
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


async def save_context(
    app: Orchestron, session: Session, data: dict[str, Any], task_id: str | None = None
) -> ContextRecord:
    async with app.storage.transaction() as tx:
        return await tx.contexts.add(
            ContextRecord(
                session_id=session.id,
                agent_id=session.agent_id,
                saved_at=app.clock.now(),
                data=data,
                task_id=task_id,
            )
        )


async def stored(app: Orchestron) -> int:
    """How many memory entries the store holds, whatever their status."""
    from orchestron.core import MemoryFilter

    async with app.storage.transaction(write=False) as tx:
        return await tx.memory.count(MemoryFilter())
