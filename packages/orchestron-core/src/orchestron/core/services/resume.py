"""What an agent should do now: `resume`, `pick_next` (task_next) and `next_task`.

One order for all three, so the next agent, whatever its id, picks up where
the last one stopped:

1. the task this session holds already (one at a time, unless it asks for another);
2. a pending handoff: one named for this agent, then one for anyone (a handoff
   named for another agent is theirs first: see `HandoffService.reserved`);
3. unfinished work: a task left IN_PROGRESS by a session that ended or lapsed,
   with its saved context and why it was left;
4. this agent's own task that waits for a person (in review, blocked, paused);
5. the best ready task; else nothing.

With a session the choice is taken on the spot (handoff accepted, task
claimed) in the same unit of work; without one it is a preview.
"""

from __future__ import annotations

from typing import Any

from attrs import evolve, frozen

from orchestron.core.domain.enums import RequestStatus, TaskStatus
from orchestron.core.domain.handoff import Handoff
from orchestron.core.domain.resume import ResumeKind, ResumePackage
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task
from orchestron.core.errors import Act, ForbiddenError, Hint
from orchestron.core.ports import ReadyTask, TaskFilter
from orchestron.core.services._base import Caller, Ports, Service, Work
from orchestron.core.services.context import normalised
from orchestron.core.services.delivery import take_undelivered
from orchestron.core.services.handoff import HandoffService
from orchestron.core.services.planning import Choice, ChoiceKind, explain_choice
from orchestron.core.services.recall import RecallService
from orchestron.core.services.sessions import SessionService, check_agent_id
from orchestron.core.services.tasks import TaskService

__all__ = ["ResumeService"]

# This agent's own work that waits for a person, most actionable first.
_WAITING: tuple[TaskStatus, ...] = (TaskStatus.IN_REVIEW, TaskStatus.BLOCKED, TaskStatus.PAUSED)


@frozen
class _Offer:
    kind: ChoiceKind | ResumeKind
    task: Task | None
    reason: str
    handoff: Handoff | None = None
    ranked: tuple[ReadyTask, ...] = ()


class ResumeService(Service):
    """What an agent should do now, in one order for `resume`, `pick_next` and `next_task`."""

    def __init__(
        self,
        ports: Ports,
        caller: Caller | None,
        tasks: TaskService,
        sessions: SessionService,
        handoffs: HandoffService,
        recall: RecallService,
    ) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks
        self.sessions = sessions
        self.handoffs = handoffs
        self.recall = recall

    async def resume(
        self, agent_id: str, *, session_id: str | None = None, with_messages: bool = True
    ) -> ResumePackage:
        """The work to do now (see the module's order), taken for `session_id` if given.

        With a session, its unread messages come with the package (and are marked
        delivered), the person's words about the task it now holds among them,
        unless `with_messages` is False: a Claude Code SessionStart hook leaves
        them to the UserPromptSubmit hook that follows.
        """
        agent = check_agent_id(agent_id)
        if session_id is None:
            async with self._read() as work:
                offer = await self._offer(work, agent, None, want_task=False)
                return await self._with_memory(work, await self._resume_package(work, offer, None))
        async with self._write(agent) as work:
            session = await self.sessions.active_session(work, session_id, None)
            if session.agent_id != agent:
                raise ForbiddenError(
                    f"session {session.id} belongs to agent {session.agent_id}, not {agent}"
                )
            offer = await self._offer(work, agent, session, want_task=False)
            offer = await self._take(work, session, offer)
            package = await self._resume_package(work, offer, session)
            work.emit(
                session.id,
                "session.resumed",
                agent=agent,
                resume_kind=package.kind,
                task=package.task.id if package.task else None,
                context_restored=bool(package.context),
            )
            if with_messages:
                # The package is what the agent reads next, so the person's words go with it.
                messages = await take_undelivered(work, session.id, "resume")
                package = evolve(package, messages=messages) if messages else package
            return await self._with_memory(work, package)

    async def pick_next(
        self, session_id: str, *, another: bool = False, actor: str | None = None
    ) -> Choice | None:
        """Claim what the session should work on (see the module's order), in one step.

        A session holding a task gets that task back (kind "held") unless it asks
        for `another`.
        """
        async with self._write(actor) as work:
            session = await self.sessions.active_session(work, session_id, actor)
            offer = await self._offer(work, session.agent_id, session, another=another)
            if offer.task is None:
                return None
            return await self._choice(work, await self._take(work, session, offer))

    async def next_task(self) -> Choice | None:
        """What the next agent would be given, without claiming it; None when nothing waits."""
        async with self._read() as work:
            offer = await self._offer(work, None, None)
            return await self._choice(work, offer) if offer.task is not None else None

    # -- choosing --------------------------------------------------------------------------

    async def _offer(
        self,
        work: Work,
        agent: str | None,
        session: Session | None,
        *,
        another: bool = False,
        want_task: bool = True,
    ) -> _Offer:
        """What comes first for this agent and session; `want_task`: skip handoffs that
        carry only a note (`task_next` hands out tasks; `resume` reads notes too)."""
        handoffs = await self._offerable_handoffs(work, agent, session)
        if session is not None and not another:
            # After a compaction the session reads its own package back first.
            own = next((h for h in handoffs if h.from_session == session.id), None)
            if own is not None and (own.task_id or not want_task):
                handed = await work.tx.tasks.get(own.task_id) if own.task_id else None
                return _Offer("handoff", handed, "your own handoff", handoff=own)
            held = [
                t
                for t in await work.tx.tasks.list(TaskFilter(claimed_by=session.id))
                if not t.status.finished
            ]
            if held:
                latest = max(held, key=lambda t: t.updated_at)
                return _Offer("held", latest, f"your session holds {latest.id} already")
        for handoff in handoffs:
            if handoff.task_id is None and want_task:
                continue
            handed = await work.tx.tasks.get(handoff.task_id) if handoff.task_id else None
            who = f"{handoff.from_agent} ({handoff.from_session})"
            return _Offer("handoff", handed, f"handed on by {who}", handoff=handoff)
        reserved = await self._reserved_tasks(work, agent)
        for task in await work.tx.tasks.unfinished(work.now, limit=len(reserved) + 1):
            if task.id not in reserved:
                return _Offer("unfinished", task, await self._left_because(work, task))
        if agent is not None and not want_task:
            # Told, not handed out: a task that waits for a person is no work to take.
            waiting = await self._own_waiting(work, agent)
            if waiting is not None:
                return _Offer("unfinished", waiting, f"your own task, {waiting.status.value}")
        ranked = tuple(await work.tx.tasks.ready(work.now, limit=2))
        if ranked:
            best = ranked[1] if len(ranked) > 1 else None
            return _Offer("next", ranked[0].task, explain_choice(ranked[0], best), ranked=ranked)
        return _Offer("idle", None, "")

    async def _take(self, work: Work, session: Session, offer: _Offer) -> _Offer:
        """Take the offer for the session: accept its handoff, claim its task."""
        if offer.kind == "handoff" and offer.handoff is not None:
            handoff, task, _held = await self.handoffs.accept(work, session, offer.handoff)
            return evolve(offer, handoff=handoff, task=task)
        if offer.task is None or offer.kind == "held":
            return offer
        return evolve(offer, task=await self.sessions.claim_for(work, session, offer.task))

    async def _offerable_handoffs(
        self, work: Work, agent: str | None, session: Session | None
    ) -> list[Handoff]:
        """Pending handoffs this agent may take now: its own session's, then those named
        for it, then anyone's. One whose task another live session holds is not
        offered (that session prepared it before a compaction and is still at
        work), nor one whose task is already finished."""
        mine = session.id if session else None
        offer = []
        for handoff in await work.tx.handoffs.pending():
            if await self.handoffs.reserved(work, handoff, agent):
                continue
            task = await work.tx.tasks.get(handoff.task_id) if handoff.task_id else None
            if task is not None:
                if task.status.finished:
                    continue
                holder = await self.tasks.holder(work, task)
                if holder is not None and holder.id != mine:
                    continue
            offer.append(handoff)
        return sorted(offer, key=lambda h: (h.from_session != mine, h.to_agent is None))

    async def _reserved_tasks(self, work: Work, agent: str | None) -> set[str]:
        return {
            h.task_id
            for h in await work.tx.handoffs.pending()
            if h.task_id is not None and await self.handoffs.reserved(work, h, agent)
        }

    async def _left_because(self, work: Work, task: Task) -> str:
        """Why unfinished work has nobody on it: "unfinished: SES-004 ended"."""
        # This very unit of work may be the one that let it go (reaping a lapsed session).
        pending = [e for e in work.events if e.entity == task.id and e.kind == "task.released"]
        released = pending or await work.tx.events.list(entity=task.id, kinds=["task.released"])
        if not released:
            return f"unfinished: {task.id} is in progress with nobody on it"
        last = released[-1].data
        session = last.get("session") or "its session"
        why = {"session ended": "ended", "lease lapsed": "stopped answering (lease lapsed)"}
        return f"unfinished: {session} {why.get(str(last.get('reason')), 'let it go')}"

    async def _own_waiting(self, work: Work, agent: str) -> Task | None:
        """This agent's own task that waits for a person, that no live session holds (one
        this session holds is already its "held" task)."""
        found = []
        for task in await work.tx.tasks.list(TaskFilter(assignee=agent)):
            if task.status in _WAITING and await self.tasks.holder(work, task) is None:
                found.append(task)
        found.sort(key=lambda t: t.updated_at, reverse=True)
        found.sort(key=lambda t: _WAITING.index(t.status))
        return found[0] if found else None

    # -- what the agent reads --------------------------------------------------------------

    async def _choice(self, work: Work, offer: _Offer) -> Choice:
        assert offer.task is not None
        context = await self._task_context(work, offer.task)
        if offer.handoff is not None and offer.handoff.package.get("context"):
            context = offer.handoff.package["context"]
        kind: ChoiceKind = "next" if offer.kind == "idle" else offer.kind
        return Choice(
            task=offer.task,
            reason=offer.reason,
            downstream=offer.ranked[0].downstream if offer.ranked else 0,
            kind=kind,
            context=context,
            handoff=offer.handoff,
        )

    async def _resume_package(
        self, work: Work, offer: _Offer, session: Session | None
    ) -> ResumePackage:
        claimed = (
            session is not None and offer.task is not None and (offer.task.claimed_by == session.id)
        )
        task = offer.task
        requests = (
            await work.tx.requests.list(status=RequestStatus.OPEN, task_id=task.id) if task else []
        )
        if offer.kind == "idle":
            return ResumePackage(kind="idle", instruction=await self._idle(work))
        assert task is not None or offer.handoff is not None
        context = await self._task_context(work, task) if task else None
        parts: list[str] = []
        hints: list[Hint] = []
        if offer.kind == "handoff" and offer.handoff is not None:
            handoff = offer.handoff
            package = handoff.package
            context = package.get("context") or context
            who = f"{handoff.from_agent} (session {handoff.from_session})"
            parts.append(
                f"Take over {_named(task)} from {who}." if task else f"Read {who}'s handoff."
            )
            if package.get("note"):
                note = str(package["note"]).strip()
                parts.append(f"Their note: {note}" + ("" if note[-1:] in ".!?" else "."))
            if session is None:
                parts.append("This is a preview: the handoff is not accepted.")
                hints.append(Hint(Act.ACCEPT_HANDOFF, handoff.id))
            elif task is not None and not claimed:
                parts.append(f"{task.id} is not free yet, so it was not claimed for you.")
        elif offer.kind == "next":
            then = "It is claimed for your session: start work." if claimed else ""
            parts.append(f"Start {_named(task)}: {offer.reason}. {then}".strip())
        else:
            parts.append(_lead(offer, task))
        parts.extend(_next_lines(context, task))
        if requests:
            parts.append(f"Open questions to a person: {', '.join(r.id for r in requests)}.")
        if session is None and offer.kind != "handoff":
            parts.append("This is a preview: nothing is claimed.")
            hints.append(Hint(Act.RESUME))
        kind: ResumeKind = "unfinished" if offer.kind == "held" else offer.kind
        return ResumePackage(
            kind=kind,
            instruction=" ".join(parts),
            task=task,
            context=context,
            handoff=offer.handoff,
            checkpoints=task.checkpoints if task else (),
            claimed=claimed,
            requests=requests,
            hints=tuple(hints),
        )

    async def _idle(self, work: Work) -> str:
        waiting = [
            t
            for t in await work.tx.tasks.list(
                TaskFilter(statuses=(TaskStatus.BLOCKED, TaskStatus.PAUSED, TaskStatus.IN_REVIEW)),
                limit=4,
            )
        ]
        text = "Nothing to do now: no handoff, no unfinished task and no ready task."
        if waiting:
            shown = ", ".join(f"{t.id} ({t.status.value})" for t in waiting[:3])
            more = " and more" if len(waiting) > 3 else ""
            return f"{text} Waiting for a person: {shown}{more}. Ask the person, or create tasks."
        return f"{text} Ask the person for work, or create tasks."

    async def _with_memory(self, work: Work, package: ResumePackage) -> ResumePackage:
        """The package with its index of project memory for the task in hand."""
        budget = self.settings.memory_index_budget
        lines = await self.recall.index(work, package.task, (), budget)
        return evolve(package, memory=lines) if lines else package

    async def _task_context(self, work: Work, task: Task) -> dict[str, Any] | None:
        record = await work.tx.contexts.latest_for_task(task.id)
        return normalised(record).data if record is not None else None


def _lead(offer: _Offer, task: Task | None) -> str:
    assert task is not None
    if offer.kind == "held":
        return f"Continue {_named(task)}: your session holds it."
    if task.status is TaskStatus.IN_PROGRESS:
        return f"Carry on {_named(task)} ({offer.reason})."
    return {
        TaskStatus.IN_REVIEW: f"{_named(task)} is in review: act on review feedback, "
        "or wait for approval.",
        TaskStatus.BLOCKED: f"{_named(task)} waits for a person's answer: check the open "
        "requests before going on.",
        TaskStatus.PAUSED: f"{_named(task)} was paused by a person: leave it as it is "
        "until it is resumed.",
    }.get(task.status, f"Continue {_named(task)}.")


def _named(task: Task | None) -> str:
    if task is None:
        return "the work"
    return f'{task.id} "{task.title}" ({task.status.value}, {task.progress}%)'


def _next_lines(context: dict[str, Any] | None, task: Task | None) -> list[str]:
    lines = []
    steps = (context or {}).get("next_steps") or []
    if isinstance(steps, list) and steps:
        lines.append("Next: " + "; ".join(str(s) for s in steps[:5]) + ".")
    if task is not None and task.checkpoints:
        done = sum(1 for c in task.checkpoints if c.done)
        todo = next((c.title for c in task.checkpoints if not c.done), None)
        line = f"Checkpoints: {done} of {len(task.checkpoints)} done"
        lines.append(line + (f"; next: {todo}." if todo else "."))
    if context and context.get("dropped"):
        lines.append("The saved context was shortened to fit; see its 'dropped'.")
    return lines
