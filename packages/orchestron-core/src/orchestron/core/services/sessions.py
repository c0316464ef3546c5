"""Sessions and claims: who works on what, for as long as their lease runs.

A session's lease is renewed by every call made in its name. A session whose
lease lapsed is ABANDONED; every unit of work reaps it first (`_base`) and
its claims go, so a crashed agent never strands a task. Claiming happens inside
one unit of work (with SQLite, one BEGIN IMMEDIATE transaction), which is what
makes "two sessions never hold one task" true across processes.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import evolve

from orchestron.core.domain.enums import SessionStatus, TaskStatus, TaskType
from orchestron.core.domain.ids import id_number
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task, format_id
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import (
    Act,
    ConflictError,
    ForbiddenError,
    Hint,
    InvalidInputError,
    NotFoundError,
    hint,
)
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Caller, Ports, Service, Work, let_go
from orchestron.core.services.events import SessionWrappingUp
from orchestron.core.services.tasks import TaskService

__all__ = ["SessionService", "check_agent_id", "check_session_id"]

MAX_AGENT_ID = 64
MAX_SESSION_ID = 128  # Claude Code's session ids are 36-character UUIDs


def check_agent_id(value: object, field: str = "agent_id") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must not be empty; name the agent, e.g. claude-1")
    text = value.strip()
    if len(text) > MAX_AGENT_ID:
        raise InvalidInputError(field, f"is {len(text)} characters; keep it to {MAX_AGENT_ID}")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise InvalidInputError(field, f"{text!r} must be one word, without spaces")
    return text


def check_session_id(value: object, field: str = "session_id") -> str:
    """Our own ids (`ses-7`) normalise to `SES-007`; a client's id (a UUID) is kept as is."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must not be empty")
    text = value.strip()
    if len(text) > MAX_SESSION_ID:
        raise InvalidInputError(field, f"is {len(text)} characters; keep it to {MAX_SESSION_ID}")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise InvalidInputError(field, f"{text!r} must be one word, without spaces")
    head = text.rpartition("-")[0]
    if head.upper() == "SES" and (number := id_number(text)) is not None:
        return format_id("SES", number)
    return text


class SessionService(Service):
    """Sessions, their leases, and the claims they hold."""

    def __init__(self, ports: Ports, caller: Caller | None, tasks: TaskService) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks

    async def start_session(
        self,
        agent_id: str,
        *,
        session_id: str | None = None,
        client: str = "",
        actor: str | None = None,
    ) -> Session:
        """A new session, or the one named `session_id` re-activated (idempotent)."""
        agent = check_agent_id(agent_id)
        wanted = check_session_id(session_id) if session_id is not None else None
        client_text = check_text(client, "client", limit=100)
        async with self._write(actor or agent) as work:
            lease = work.now + timedelta(seconds=self.settings.lease_seconds)
            found = await work.tx.sessions.get(wanted) if wanted else None
            if found is not None:
                if found.agent_id != agent:
                    raise ForbiddenError(
                        f"session {found.id} belongs to agent {found.agent_id}, not {agent}",
                        hints=[
                            hint(Act.START_SESSION, agent=found.agent_id),
                            Hint(Act.START_SESSION),
                        ],
                    )
                renewed = found.changed(
                    status=SessionStatus.ACTIVE,
                    last_seen=work.now,
                    lease_expires=lease,
                    ended_at=None,
                    client=client_text or found.client,
                )
                await work.tx.sessions.update(renewed)
                if found.effective_status(work.now) is SessionStatus.ABANDONED:
                    await self._take_back(work, renewed)
                if found.status is not SessionStatus.ACTIVE:
                    work.emit(
                        found.id,
                        "session.started",
                        agent=agent,
                        client=renewed.client,
                        reactivated=True,
                        was=found.status.value,
                    )
                return renewed
            new_id = wanted or await work.new_id("SES")
            while wanted is None and await work.tx.sessions.get(new_id) is not None:
                new_id = await work.new_id("SES")  # a client once chose an id like ours
            session = Session(
                id=new_id,
                agent_id=agent,
                started_at=work.now,
                last_seen=work.now,
                lease_expires=lease,
                client=client_text,
            )
            await work.tx.sessions.add(session)
            work.emit(
                session.id,
                "session.started",
                agent=agent,
                client=client_text,
                lease_seconds=self.settings.lease_seconds,
            )
            return session

    async def _take_back(self, work: Work, session: Session) -> None:
        """A session back after its lease lapsed (a process stopped, then woken) holds again
        what the lapse let go, where nobody has carried it on since."""
        # This unit of work may be the one that found the lapse (its events are not stored yet).
        lapses = [
            e for e in work.events if e.entity == session.id and e.kind == "session.abandoned"
        ]
        lapses = lapses or await work.tx.events.list(entity=session.id, kinds=["session.abandoned"])
        released = lapses[-1].data.get("released") or [] if lapses else []
        for task_id in released:
            task = await work.tx.tasks.get(str(task_id))
            free = task is not None and task.claimed_by is None and not task.status.finished
            if task is None or not free or task.assignee != session.agent_id:
                continue
            await work.tx.tasks.update(task.changed(work.now, work.actor, claimed_by=session.id))
            work.emit(
                task.id, "task.claimed", session=session.id, agent=session.agent_id, back=True
            )

    async def end_session(self, session_id: str, *, actor: str | None = None) -> Session:
        """ENDED; the tasks it held are let go with their status, for the next agent to carry on."""
        async with self._write(actor) as work:
            session = await self.session(work, session_id)
            if actor is None:
                work.actor = session.agent_id
            if session.status is not SessionStatus.ACTIVE:
                return session  # ended twice, or reaped: its claims are already gone
            ended = session.changed(
                status=SessionStatus.ENDED, ended_at=work.now, last_seen=work.now
            )
            await work.tx.sessions.update(ended)
            released = await let_go(work, session, "session ended")
            work.emit(session.id, "session.ended", agent=session.agent_id, released=released)
            await work.publish(SessionWrappingUp(session.id))
            return ended

    async def heartbeat(self, session_id: str, *, actor: str | None = None) -> Session:
        """Renew the lease; any other call made for the session renews it too."""
        async with self._write(actor) as work:
            return await self.active_session(work, session_id, actor)

    async def get_session(self, session_id: str) -> Session:
        async with self._read() as work:
            return _as_seen(await self.session(work, session_id), work)

    async def list_sessions(
        self, *, active_only: bool = False, limit: int | None = None
    ) -> list[Session]:
        """Newest first, each with its effective status."""
        async with self._read() as work:
            seen = [_as_seen(s, work) for s in await work.tx.sessions.list()]
            if active_only:
                seen = [s for s in seen if s.status is SessionStatus.ACTIVE]
            return seen[:limit] if limit is not None else seen

    async def session_tasks(self, session_id: str) -> list[Task]:
        """The tasks the session holds (none once it is no longer live)."""
        async with self._read() as work:
            session = await self.session(work, session_id)
            if not session.is_live(work.now):
                return []
            return await work.tx.tasks.list(TaskFilter(claimed_by=session.id))

    async def claim(self, task_id: str, session_id: str, *, actor: str | None = None) -> Task:
        """Hold `task_id` for the session and start it (TODO -> IN_PROGRESS)."""
        async with self._write(actor) as work:
            session = await self.active_session(work, session_id, actor)
            task = await work.task(task_id)
            return await self.claim_for(work, session, task)

    async def release(self, task_id: str, session_id: str, *, actor: str | None = None) -> Task:
        """Let go of a held task; one in progress goes back to TODO for anyone to take."""
        async with self._write(actor) as work:
            session = await self.active_session(work, session_id, actor)
            task = await work.task(task_id)
            if task.claimed_by != session.id:
                raise ForbiddenError(
                    f"{task.id} is not held by session {session.id}",
                    hints=[hint(Act.LIST, "tasks", session=session.id)],
                )
            if task.status is TaskStatus.IN_PROGRESS and self.rules.find(
                task.status, "task_released"
            ):
                updated = await self.tasks.apply(
                    work, task, "task_released", claimed_by=None, assignee=None
                )
            else:
                updated = task.changed(work.now, work.actor, claimed_by=None)
                await work.tx.tasks.update(updated)
            work.emit(
                task.id,
                "task.released",
                session=session.id,
                reason="released",
                status=updated.status.value,
            )
            return updated

    # -- shared with context, handoff and resume -------------------------------------------

    async def session(self, work: Work, session_id: str) -> Session:
        session = await work.tx.sessions.get(check_session_id(session_id))
        if session is None:
            raise NotFoundError("session", session_id)
        return session

    async def active_session(self, work: Work, session_id: str, actor: str | None) -> Session:
        """The live session, its lease renewed; calls made for it are its agent's."""
        session = await self.session(work, session_id)
        status = session.effective_status(work.now)
        if status is not SessionStatus.ACTIVE:
            raise ForbiddenError(
                f"session {session.id} is {status.value}; start a new session to go on",
                hints=[Hint(Act.START_SESSION), Hint(Act.RESUME)],
            )
        if actor is None:
            work.actor = session.agent_id
        renewed = session.changed(
            last_seen=work.now,
            lease_expires=work.now + timedelta(seconds=self.settings.lease_seconds),
        )
        await work.tx.sessions.update(renewed)
        return renewed

    async def claim_for(self, work: Work, session: Session, task: Task) -> Task:
        """Hold `task` for `session`: a ready one is started, unfinished work is carried on."""
        if task.claimed_by == session.id:
            return task
        holder = await self.tasks.holder(work, task)
        if holder is not None:
            raise ConflictError(
                f"{task.id} is held by session {holder.id} of {holder.agent_id} "
                f"(lease until {holder.lease_expires.isoformat()})",
                hints=[Hint(Act.CLAIM_NEXT)],
                entity="task",
                ident=task.id,
                current_version=task.version,
                changed_by=holder.agent_id,
            )
        await self._refuse_container(work, task)
        taken_from = None
        if task.status is TaskStatus.TODO:
            blockers = await self.tasks.blockers(work, task)
            if blockers:
                names = ", ".join(f"{p.id} ({p.status.value})" for p in blockers)
                raise ForbiddenError(
                    f"{task.id} waits for unfinished prerequisites: {names}",
                    hints=[*(Hint(Act.SHOW, p.id) for p in blockers), Hint(Act.CLAIM_NEXT)],
                )
            claimed = await self.tasks.apply(
                work, task, "task_started", assignee=session.agent_id, claimed_by=session.id
            )
        elif task.status is TaskStatus.IN_PROGRESS or (
            not task.status.finished and task.assignee == session.agent_id
        ):
            # Work in progress nobody holds (its session ended or lapsed), or this
            # agent's own unfinished task from an earlier session: carry it on.
            taken_from = task.assignee if task.assignee != session.agent_id else None
            claimed = task.changed(
                work.now, work.actor, claimed_by=session.id, assignee=session.agent_id
            )
            await work.tx.tasks.update(claimed)
        else:
            owner = f" (assigned to {task.assignee})" if task.assignee else ""
            raise ForbiddenError(
                f"{task.id} is {task.status.value}{owner}; only a TODO task or unfinished "
                "work in progress can be claimed",
                hints=[Hint(Act.ACCEPT_HANDOFF), Hint(Act.CLAIM_NEXT)],
            )
        data = {"session": session.id, "agent": session.agent_id}
        if taken_from:
            data["taken_from"] = taken_from
        work.emit(task.id, "task.claimed", **data)
        return claimed

    async def _refuse_container(self, work: Work, task: Task) -> None:
        """An epic, or a task with open children, is planning, not work to hold."""
        children = await self.tasks.open_children(work, task)
        if task.type is TaskType.EPIC or children:
            what = "an EPIC" if task.type is TaskType.EPIC else "a parent with open children"
            inside = f": {', '.join(c.id for c in children[:5])}" if children else ""
            raise ForbiddenError(
                f"{task.id} is {what}; its work is in its children{inside}",
                hints=[hint(Act.LIST, "tasks", parent=task.id), Hint(Act.CLAIM_NEXT)],
            )

    async def take_over(self, work: Work, session: Session, task: Task) -> tuple[Task, bool]:
        """Claim a handed-over task if it is free; (task, whether it is now held)."""
        if task.claimed_by == session.id:
            return task, True
        if task.status.finished or await self.tasks.holder(work, task) is not None:
            return task, False
        if task.status is TaskStatus.TODO:
            try:
                return await self.claim_for(work, session, task), True
            except ForbiddenError:
                return task, False  # still waits for prerequisites; the package says so
        taken = task.changed(work.now, work.actor, claimed_by=session.id, assignee=session.agent_id)
        await work.tx.tasks.update(taken)
        work.emit(
            task.id,
            "task.claimed",
            session=session.id,
            agent=session.agent_id,
            taken_from=task.assignee,
        )
        return taken, True


def _as_seen(session: Session, work: Work) -> Session:
    status = session.effective_status(work.now)
    return session if status is session.status else evolve(session, status=status)
