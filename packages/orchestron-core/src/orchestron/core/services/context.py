"""Saving and loading an agent's context, compressed to the project's byte budget."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import evolve

from orchestron.core.domain.compress import compress
from orchestron.core.domain.context import Context, context_size
from orchestron.core.domain.handoff import ContextRecord
from orchestron.core.domain.ids import as_id
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task
from orchestron.core.errors import InvalidInputError
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Caller, Ports, Service, Work
from orchestron.core.services.sessions import SessionService, check_agent_id
from orchestron.core.services.tasks import TaskService

__all__ = ["ContextService", "normalised"]


def normalised(record: ContextRecord) -> ContextRecord:
    """The record with its data in today's shape, whatever shape it was stored in."""
    return evolve(record, data=Context.from_data(record.data).to_data())


class ContextService(Service):
    """An agent's saved context, compressed to the project's budget."""

    def __init__(
        self, ports: Ports, caller: Caller | None, tasks: TaskService, sessions: SessionService
    ) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks
        self.sessions = sessions

    async def save_context(
        self,
        session_id: str,
        context: Mapping[str, Any] | Context,
        *,
        task_id: str | None = None,
        actor: str | None = None,
    ) -> ContextRecord:
        """Store the context, compressed to `settings.context_budget` bytes.

        The task defaults to the context's `current_task` when that names a task,
        else the task the session holds; `current_task` is filled in from it.
        """
        if isinstance(context, Context):
            ctx = context
        elif isinstance(context, Mapping):
            ctx = Context.from_data(context)
        else:
            raise InvalidInputError(
                "context", 'must be an object such as {"next_steps": ["..."], "notes": "..."}'
            )
        async with self._write(actor) as work:
            session = await self.sessions.active_session(work, session_id, actor)
            task = await self._context_task(work, session, ctx, task_id)
            if task is not None and task.claimed_by not in (None, session.id):
                await self.tasks.check_writer(work, task)
            if task is not None and not ctx.current_task:
                ctx = evolve(ctx, current_task=task.id)
            packed = compress(ctx, self.settings.context_budget)
            data = packed.to_data()
            record = await work.tx.contexts.add(
                ContextRecord(
                    session_id=session.id,
                    agent_id=session.agent_id,
                    saved_at=work.now,
                    data=data,
                    task_id=task.id if task else None,
                    size_bytes=context_size(data),
                )
            )
            work.emit(
                session.id,
                "context.saved",
                task=record.task_id,
                size=record.size_bytes,
                budget=self.settings.context_budget,
                dropped=sorted(packed.dropped),
            )
            return record

    async def load_context(
        self,
        *,
        session_id: str | None = None,
        agent_id: str | None = None,
        task_id: str | None = None,
    ) -> ContextRecord | None:
        """The latest context saved by a session, by an agent (any session), or for a task."""
        given = [
            name
            for name, value in (("session_id", session_id), ("agent_id", agent_id), ("task_id", task_id))
            if value is not None
        ]  # fmt: skip
        if len(given) != 1:
            got = f"; got {' and '.join(given)}" if given else ""
            raise InvalidInputError(
                ", ".join(given) or "session_id",
                f"give exactly one of a session, an agent or a task{got}",
            )
        async with self._read() as work:
            if session_id is not None:
                session = await self.sessions.session(work, session_id)
                record = await work.tx.contexts.latest_for_session(session.id)
            elif agent_id is not None:
                record = await work.tx.contexts.latest_for_agent(check_agent_id(agent_id))
            else:
                assert task_id is not None
                task = await work.task(task_id)
                record = await work.tx.contexts.latest_for_task(task.id)
            return normalised(record) if record is not None else None

    async def _context_task(
        self, work: Work, session: Session, ctx: Context, task_id: str | None
    ) -> Task | None:
        if task_id is not None:
            return await work.task(task_id)
        if ctx.current_task and (key := as_id(ctx.current_task)):
            named = await work.tx.tasks.get(key)
            if named is not None:
                return named
        held = await work.tx.tasks.list(TaskFilter(claimed_by=session.id))
        return max(held, key=lambda t: t.updated_at) if held else None
