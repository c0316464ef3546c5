"""Messages from people to agents, and handing them over exactly once.

MCP cannot push, so a person's word waits in the store until the agent's next
call (a tool result, a Claude Code hook, or a channel event) takes it. Taking
marks it delivered in the same unit of work, and the store marks only what is
still undelivered, so two paths (or two processes) racing for one message hand
it over once between them.

Who a message is for: the session holding the task if there is a live one,
else the task's assignee agent, else the task itself (whoever claims it next).
"""

from __future__ import annotations

from attrs import evolve

from orchestron.core.domain.enums import MessageKind, Urgency
from orchestron.core.domain.human import Message, Notification
from orchestron.core.domain.notifications import NotificationKind
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import check_text
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Work
from orchestron.core.services.tasks import TaskService

__all__ = ["MAX_MESSAGE", "DeliveryService", "take_undelivered", "undelivered_for"]

MAX_MESSAGE = 4000


async def undelivered_for(work: Work, session_id: str) -> list[Message]:
    """Undelivered messages for a session, its agent, or the tasks it holds; oldest first.

    A message addressed to a session that ended (or was abandoned) before taking
    it follows its task: whoever holds the task now receives it.
    """
    session = await work.tx.sessions.get(session_id)
    # An unknown session (not started through Orchestron) still gets what was
    # addressed to its id or to the tasks it holds.
    agent = session.agent_id if session else ""
    held = [t.id for t in await work.tx.tasks.list(TaskFilter(claimed_by=session_id))]
    pending = await work.tx.messages.undelivered(
        session_id=session_id, agent_id=agent, task_ids=held
    )
    seen = {m.id for m in pending}
    for task_id in held:
        for m in await work.tx.messages.list(task_id=task_id):
            if m.delivered_at is not None or m.id in seen or m.session_id in (None, session_id):
                continue
            addressee = await work.tx.sessions.get(m.session_id)
            if addressee is None or not addressee.is_live(work.now):
                pending.append(m)
                seen.add(m.id)
    return sorted(pending, key=lambda m: (m.created_at, m.id))


async def take_undelivered(work: Work, session_id: str, via: str) -> list[Message]:
    """Mark a session's undelivered messages delivered in this unit of work; return them."""
    pending = await undelivered_for(work, session_id)
    if not pending:
        return []
    marked = set(
        await work.tx.messages.mark_delivered(
            [m.id for m in pending], to=session_id, via=via, at=work.now
        )
    )
    taken = [
        evolve(m, delivered_at=work.now, delivered_to=session_id, delivered_via=via)
        for m in pending
        if m.id in marked
    ]
    if taken:
        work.emit(session_id, "messages.delivered", messages=[m.id for m in taken], via=via)
    return taken


class DeliveryService(TaskService):
    async def take_messages(self, session_id: str, *, via: str = "tool") -> list[Message]:
        """The undelivered messages for this session, marked delivered: each is handed over once.

        For the session itself, its agent, or a task it holds; oldest first.
        `via` records the path ("tool", "hook", "channel").
        """
        sid = check_text(session_id, "session_id", limit=200, allow_empty=False)
        path = check_text(via, "via", limit=40, allow_empty=False)
        # Most calls find nothing: look first, so they take no write lock.
        if not await self.peek_messages(sid):
            return []
        async with self._write() as work:
            return await take_undelivered(work, sid, path)

    async def peek_messages(self, session_id: str) -> list[Message]:
        """What `take_messages` would hand over, without marking anything."""
        async with self._read() as work:
            return await undelivered_for(work, session_id)

    async def messages_for(self, task_id: str) -> list[Message]:
        """Every message about a task, delivered or not, oldest first."""
        async with self._read() as work:
            task = await work.task(task_id)
            return await work.tx.messages.list(task_id=task.id)

    # -- shared with the human channel -----------------------------------------------------

    async def _recipient(self, work: Work, task: Task) -> tuple[str | None, str | None]:
        """(session, agent) a message about `task` is for; (None, None) means the task."""
        if task.claimed_by:
            session = await work.tx.sessions.get(task.claimed_by)
            if session is None:
                return task.claimed_by, task.assignee
            if session.is_live(work.now):
                return session.id, session.agent_id
        return None, task.assignee

    async def _post(
        self,
        work: Work,
        kind: MessageKind,
        text: str,
        task: Task | None,
        *,
        to: tuple[str | None, str | None] | None = None,
        request_id: str | None = None,
    ) -> Message:
        """Leave a message about `task` (or, with `to`, for a session or agent directly)."""
        if to is not None:
            session_id, agent_id = to
        elif task is not None:
            session_id, agent_id = await self._recipient(work, task)
        else:
            raise AssertionError("a message needs a task or an addressee")
        message = Message(
            id=await work.new_id("MSG"),
            kind=kind,
            text=text,
            author=work.actor,
            created_at=work.now,
            task_id=task.id if task else None,
            session_id=session_id,
            agent_id=agent_id,
            request_id=request_id,
        )
        await work.tx.messages.add(message)
        work.emit(
            task.id if task else session_id or agent_id or message.id,
            "message.sent",
            message=message.id,
            message_kind=kind.value,
            text=text,
            session=session_id,
            agent=agent_id,
            request=request_id,
        )
        return message

    async def _notify(
        self,
        work: Work,
        kind: NotificationKind,
        title: str,
        *,
        task: Task | None,
        text: str = "",
        urgency: Urgency = Urgency.NORMAL,
        session_id: str | None = None,
        **data: object,
    ) -> None:
        if task is not None:
            data = {"task_title": task.title, "status": task.status.value, **data}
        await work.notify(
            Notification(
                kind=kind.value,
                title=title,
                at=work.now,
                text=text,
                urgency=urgency,
                task_id=task.id if task else None,
                session_id=session_id,
                actor=work.actor,
                data=data,
            )
        )
