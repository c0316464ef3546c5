"""Handoff: a stored package from one session to the next.

A session prepares one package at a time: preparing again (before a compaction,
then at session end) refreshes its pending handoff instead of leaving a stale
one for the next agent to find first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from orchestron.core.domain.enums import HandoffStatus, RequestStatus
from orchestron.core.domain.handoff import Handoff
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import Act, ForbiddenError, Hint, NotFoundError, hint
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Caller, Ports, Service, Work, normalise_id
from orchestron.core.services.context import normalised
from orchestron.core.services.events import SessionWrappingUp
from orchestron.core.services.sessions import SessionService, check_agent_id

__all__ = ["HandoffService", "task_brief"]

MAX_NOTE = 4000


def task_brief(task: Task) -> dict[str, Any]:
    """The task in hand as a handoff carries it."""
    return {
        "id": task.id,
        "title": task.title,
        "status": task.status.value,
        "progress": task.progress,
        "checkpoints": [{"title": c.title, "done": c.done} for c in task.checkpoints],
    }


class HandoffService(Service):
    """Handoffs: a session's work packaged for the next session."""

    def __init__(self, ports: Ports, caller: Caller | None, sessions: SessionService) -> None:
        super().__init__(ports, caller)
        self.sessions = sessions

    async def prepare_handoff(
        self,
        from_session: str,
        *,
        to_agent: str | None = None,
        note: str | None = None,
        actor: str | None = None,
    ) -> Handoff:
        """Package the session's work for the next session (of `to_agent`, or anyone's)."""
        to = check_agent_id(to_agent, "to_agent") if to_agent is not None else None
        note_text = check_text(note, "note", limit=MAX_NOTE) if note is not None else ""
        async with self._write(actor) as work:
            session = await self.sessions.session(work, from_session)
            if session.is_live(work.now):
                session = await self.sessions.active_session(work, from_session, actor)
            elif actor is None:
                # An ended session may still hand on what it left (a session-end hook).
                work.actor = session.agent_id
            task = await self._task_in_hand(work, session)
            await work.publish(SessionWrappingUp(session.id))
            package = await self._package(work, session, task, note_text)
            current = next(
                (
                    h
                    for h in await work.tx.handoffs.list()
                    if h.from_session == session.id and h.status is HandoffStatus.PENDING
                ),
                None,
            )
            if current is not None:
                handoff = current.changed(
                    package=package, to_agent=to, task_id=task.id if task else None
                )
                await work.tx.handoffs.update(handoff)
            else:
                handoff = Handoff(
                    id=await work.new_id("HO"),
                    from_session=session.id,
                    from_agent=session.agent_id,
                    created_at=work.now,
                    package=package,
                    to_agent=to,
                    task_id=task.id if task else None,
                )
                await work.tx.handoffs.add(handoff)
            work.emit(
                handoff.id,
                "handoff.prepared",
                session=session.id,
                task=handoff.task_id,
                to_agent=to,
                refreshed=current is not None,
            )
            return handoff

    async def accept_handoff(
        self, handoff_id: str, session_id: str, *, actor: str | None = None
    ) -> Handoff:
        """Take the handoff; its task is claimed for the session if no live session holds it."""
        async with self._write(actor) as work:
            session = await self.sessions.active_session(work, session_id, actor)
            handoff = await self._handoff(work, handoff_id)
            accepted, _task, _held = await self.accept(work, session, handoff)
            return accepted

    async def list_handoffs(
        self, *, pending_only: bool = False, limit: int | None = None
    ) -> list[Handoff]:
        """Newest first."""
        async with self._read() as work:
            found = await work.tx.handoffs.list()
            if pending_only:
                found = [h for h in found if h.status is HandoffStatus.PENDING]
            return found[:limit] if limit is not None else found

    # -- shared with resume ------------------------------------------------------------------

    async def _handoff(self, work: Work, handoff_id: str) -> Handoff:
        found = await work.tx.handoffs.get(normalise_id(handoff_id))
        if found is None:
            raise NotFoundError("handoff", handoff_id, hint(Act.LIST, "handoffs", pending="1"))
        return found

    async def accept(
        self, work: Work, session: Session, handoff: Handoff
    ) -> tuple[Handoff, Task | None, bool]:
        """(the accepted handoff, its task, whether the session now holds that task)."""
        if handoff.status is not HandoffStatus.PENDING:
            raise ForbiddenError(
                f"handoff {handoff.id} was already accepted by session {handoff.accepted_by}",
                hints=[hint(Act.LIST, "handoffs", pending="1")],
            )
        if await self.reserved(work, handoff, session.agent_id):
            raise ForbiddenError(
                f"handoff {handoff.id} is addressed to {handoff.to_agent}, not "
                f"{session.agent_id}; it is theirs while they have a live session",
                hints=[Hint(Act.CLAIM_NEXT)],
            )
        task = await work.tx.tasks.get(handoff.task_id) if handoff.task_id else None
        held = False
        if task is not None:
            task, held = await self.sessions.take_over(work, session, task)
        accepted = handoff.changed(
            status=HandoffStatus.ACCEPTED, accepted_by=session.id, accepted_at=work.now
        )
        await work.tx.handoffs.update(accepted)
        work.emit(
            handoff.id,
            "handoff.accepted",
            session=session.id,
            agent=session.agent_id,
            task=handoff.task_id,
            claimed=held,
        )
        return accepted, task, held

    async def reserved(self, work: Work, handoff: Handoff, agent: str | None) -> bool:
        """Whether a handoff named for another agent is still theirs alone.

        It is while that agent has a live session, and for one lease after the
        handoff was made; then anyone may take it, so named work never strands.
        """
        if handoff.to_agent is None or handoff.to_agent == agent:
            return False
        if work.now < handoff.created_at + timedelta(seconds=self.settings.lease_seconds):
            return True
        latest = await work.tx.sessions.latest_for_agent(handoff.to_agent)
        return latest is not None and latest.is_live(work.now)

    async def _task_in_hand(self, work: Work, session: Session) -> Task | None:
        held = await work.tx.tasks.list(TaskFilter(claimed_by=session.id))
        if held:
            return max(held, key=lambda t: t.updated_at)
        # Ended or reaped: its claim is gone, but its last context says what it worked on.
        record = await work.tx.contexts.latest_for_session(session.id)
        if record is not None and record.task_id:
            return await work.tx.tasks.get(record.task_id)
        return None

    async def _package(
        self, work: Work, session: Session, task: Task | None, note: str
    ) -> dict[str, Any]:
        record = await work.tx.contexts.latest_for_session(session.id)
        if record is None and task is not None:
            record = await work.tx.contexts.latest_for_task(task.id)
        context = normalised(record).data if record is not None else None
        requests = (
            await work.tx.requests.list(status=RequestStatus.OPEN, task_id=task.id) if task else []
        )
        # Read, not delivered: whoever accepts the handoff is the one who gets them.
        messages = await work.tx.messages.undelivered(
            session_id=session.id,
            agent_id=session.agent_id,
            task_ids=[task.id] if task else [],
        )
        return {
            "task": task_brief(task) if task else None,
            "context": context,
            "next_steps": list((context or {}).get("next_steps", [])),
            "requests": [
                {"id": r.id, "kind": r.kind.value, "text": r.text, "urgency": r.urgency.value}
                for r in requests
            ],
            "messages": [
                {
                    "id": m.id,
                    "kind": m.kind.value,
                    "text": m.text,
                    "author": m.author,
                    "at": m.created_at.isoformat(),
                }
                for m in messages
            ],
            "note": note or None,
            "from": {"session": session.id, "agent": session.agent_id},
        }
