"""Messages from people to agents, and handing them over exactly once.

MCP cannot push, so a person's word waits in the store until the agent's next
call (a tool result, a Claude Code hook, or a channel event) takes it. Taking
marks it delivered in the same unit of work, and the store marks only what is
still undelivered, so two paths (or two processes) racing for one message hand
it over once between them.

Who a message is for: a message about a task follows the task (whoever holds
it next, whatever its agent id); one about no task is for the session (or the
agent) it names, and waits in the inbox, for the person to redirect, when that
session is gone.
"""

from __future__ import annotations

from attrs import evolve

from orchestron.core.domain.enums import MessageKind, Urgency
from orchestron.core.domain.human import Message, Notification
from orchestron.core.domain.notifications import NotificationKind
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import Act, ForbiddenError, Hint, InvalidInputError, NotFoundError
from orchestron.core.ports import TaskFilter, is_container
from orchestron.core.services._base import Caller, Ports, Service, Work, normalise_id
from orchestron.core.services.sessions import check_session_id
from orchestron.core.services.tasks import TaskService

__all__ = ["MAX_MESSAGE", "DeliveryService", "take_undelivered", "undelivered_for"]

MAX_MESSAGE = 4000


async def undelivered_for(work: Work, session_id: str) -> list[Message]:
    """Undelivered messages for a session: about the tasks it holds, or addressed to it
    (or to its agent, about no task); oldest first (`core.ports.message_is_for`).

    A message about a task follows the task: whoever holds it now receives it,
    whatever session or agent it was first meant for.
    """
    session = await work.tx.sessions.get(session_id)
    # An unknown session (not started through Orchestron) still gets what was
    # addressed to its id or to the tasks it holds.
    agent = session.agent_id if session else ""
    held = [t.id for t in await work.tx.tasks.list(TaskFilter(claimed_by=session_id))]
    return await work.tx.messages.undelivered(session_id=session_id, agent_id=agent, task_ids=held)


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


class DeliveryService(Service):
    """Messages from people to agents: who they are for, and handing them over once."""

    def __init__(self, ports: Ports, caller: Caller | None, tasks: TaskService) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks

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

    async def waiting_messages(self) -> list[Message]:
        """Words no agent will read as they stand: they wait for a person to redirect.

        About no task and addressed to a session that is no longer live, or to an
        agent with no live session (an agent named by hand may still come back for
        them); or about a task no agent will hold again (finished, or a container
        of other tasks) and no live session's to read.
        """
        async with self._read() as work:
            waiting = []
            for message in await work.tx.messages.pending():
                if await self._reachable(work, message):
                    continue
                if message.task_id is not None:
                    task = await work.tx.tasks.get(message.task_id)
                    if task is not None and not await self._nobody_will_hold(work, task):
                        continue  # it follows the task to its next holder
                waiting.append(message)
            return waiting

    async def _nobody_will_hold(self, work: Work, task: Task) -> bool:
        if task.status.finished:
            return True
        return is_container(task, await self.tasks.open_children(work, task))

    async def redirect_message(
        self,
        message_id: str,
        *,
        task_id: str | None = None,
        session_id: str | None = None,
        actor: str | None = None,
    ) -> Message:
        """Send an undelivered message on: about a task (its next holder reads it), or to a
        live session. The old one is closed as redirected; the new one is returned."""
        if (task_id is None) == (session_id is None):
            raise InvalidInputError("task_id", "give a task or a session to redirect it to")
        async with self._write(actor) as work:
            old = await work.tx.messages.get(normalise_id(message_id))
            if old is None:
                raise NotFoundError("message", message_id, Hint(Act.LIST, "requests"))
            if old.delivered_at is not None:
                raise ForbiddenError(
                    f"{old.id} was already delivered to {old.delivered_to} "
                    f"({old.delivered_via}); nothing waits to be redirected"
                )
            if task_id is not None:
                task = await work.task(task_id)
                to = await self.recipient(work, task)
            else:
                target = await work.tx.sessions.get(check_session_id(session_id))
                if target is None or not target.is_live(work.now):
                    raise ForbiddenError(
                        f"session {session_id} is not live; redirect to a task instead"
                    )
                task, to = None, (target.id, target.agent_id)
            new = await self.post(work, old.kind, old.text, task, to=to, request_id=old.request_id)
            await work.tx.messages.mark_delivered([old.id], to=new.id, via="redirect", at=work.now)
            work.emit(old.id, "message.redirected", to_message=new.id, task=new.task_id)
            return new

    async def _reachable(self, work: Work, message: Message) -> bool:
        """Whether a live session it names (or its agent's, about no task) will read it."""
        if message.session_id is not None:
            session = await work.tx.sessions.get(message.session_id)
            return session is not None and session.is_live(work.now)
        if message.agent_id is None or message.task_id is not None:
            return False
        latest = await work.tx.sessions.latest_for_agent(message.agent_id)
        return latest is not None and latest.is_live(work.now)

    # -- shared with the human channel -----------------------------------------------------

    async def recipient(self, work: Work, task: Task) -> tuple[str | None, str | None]:
        """(session, agent) a message about `task` is for: its live holder, else the task
        itself, (None, None): whoever holds it next."""
        holder = await self.tasks.holder(work, task)
        return (holder.id, holder.agent_id) if holder is not None else (None, None)

    async def post(
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
            session_id, agent_id = await self.recipient(work, task)
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

    async def notify(
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
