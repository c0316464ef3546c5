"""`resume`: what a starting agent should do now, in plain words, with what it needs.

Order: a pending handoff (to this agent or to anyone), else the agent's own
unfinished task, else the next ready task, else nothing. With a session the
choice is taken on the spot (handoff accepted, task claimed) in the same unit
of work; without one it is a preview that changes nothing.
"""

from __future__ import annotations

from typing import Any

from attrs import evolve

from orchestron.core.domain.enums import TaskStatus
from orchestron.core.domain.handoff import Handoff
from orchestron.core.domain.resume import ResumePackage
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task
from orchestron.core.errors import ForbiddenError
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Work
from orchestron.core.services.context import normalised
from orchestron.core.services.delivery import take_undelivered
from orchestron.core.services.handoff import HandoffService
from orchestron.core.services.planning import explain_choice
from orchestron.core.services.recall import RecallService
from orchestron.core.services.sessions import check_agent_id

__all__ = ["ResumeService"]

# The agent's own unfinished work, most actionable first.
_UNFINISHED: tuple[TaskStatus, ...] = (
    TaskStatus.IN_PROGRESS,
    TaskStatus.IN_REVIEW,
    TaskStatus.BLOCKED,
    TaskStatus.PAUSED,
)


class ResumeService(HandoffService, RecallService):
    async def resume(
        self, agent_id: str, *, session_id: str | None = None, with_messages: bool = True
    ) -> ResumePackage:
        """Handoff > unfinished task > next ready task > idle, taken for `session_id` if given.

        With a session, the session's unread messages come with the package (and
        are marked delivered) unless `with_messages` is False: a Claude Code
        SessionStart hook leaves them to the UserPromptSubmit hook that follows.
        """
        agent = check_agent_id(agent_id)
        if session_id is None:
            async with self._read() as work:
                return await self._with_memory(work, await self._resume(work, agent, None))
        async with self._write(agent) as work:
            session = await self._active_session(work, session_id, None)
            if session.agent_id != agent:
                raise ForbiddenError(
                    f"session {session.id} belongs to agent {session.agent_id}, not {agent}"
                )
            package = await self._resume(work, agent, session)
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

    async def _with_memory(self, work: Work, package: ResumePackage) -> ResumePackage:
        """The package with its index of project memory for the task in hand."""
        budget = self.settings.memory_index_budget
        lines = await self._memory_index(work, package.task, (), budget)
        return evolve(package, memory=lines) if lines else package

    async def _resume(self, work: Work, agent: str, session: Session | None) -> ResumePackage:
        offered = await self._offerable_handoffs(work, agent, session)
        if offered:
            return await self._from_handoff(work, offered[0], session)
        unfinished = await self._unfinished(work, agent, session)
        if unfinished is not None:
            return await self._from_unfinished(work, unfinished, session)
        ranked = await work.tx.tasks.ready(work.now, limit=2)
        if ranked:
            task = ranked[0].task
            reason = explain_choice(ranked[0], ranked[1] if len(ranked) > 1 else None)
            claimed = False
            if session is not None:
                task = await self._claim(work, session, task)
                claimed = True
            then = (
                "It is claimed for your session: start work."
                if claimed
                else "Claim it (pick_next) before you start."
            )
            return ResumePackage(
                kind="next",
                instruction=f"Start {_named(task)}: {reason}. {then}",
                task=task,
                context=await self._task_context(work, task),
                checkpoints=task.checkpoints,
                claimed=claimed,
            )
        return ResumePackage(
            kind="idle",
            instruction=(
                "Nothing to do now: no handoff, no unfinished task and no ready task. "
                "Ask the person for work, or create tasks."
            ),
        )

    async def _offerable_handoffs(
        self, work: Work, agent: str, session: Session | None
    ) -> list[Handoff]:
        """Pending handoffs this agent may take now, its own session's first.

        One whose task another live session still holds is not offered (that
        session prepared it before a compaction and is still at work), nor one
        whose task is already finished.
        """
        mine = session.id if session else None
        offer = []
        for handoff in await work.tx.handoffs.pending_for(agent):
            task = await work.tx.tasks.get(handoff.task_id) if handoff.task_id else None
            if task is not None:
                if task.status.finished:
                    continue
                holder = await self._holder(work, task)
                if holder is not None and holder.id != mine:
                    continue
            offer.append(handoff)
        return sorted(offer, key=lambda h: h.from_session != mine)

    async def _from_handoff(
        self, work: Work, handoff: Handoff, session: Session | None
    ) -> ResumePackage:
        task = await work.tx.tasks.get(handoff.task_id) if handoff.task_id else None
        held = False
        if session is not None:
            handoff, task, held = await self._accept(work, session, handoff)
        package = handoff.package
        who = f"{handoff.from_agent} (session {handoff.from_session})"
        parts = [f"Take over {_named(task)} from {who}." if task else f"Read {who}'s handoff."]
        if package.get("note"):
            parts.append(f"Their note: {package['note']}")
        parts.extend(_next_lines(package.get("context"), task))
        if session is None:
            parts.append(f"Accept handoff {handoff.id} with your session to take it.")
        elif task is not None and not held:
            parts.append(f"{task.id} is not free yet, so it was not claimed for you.")
        return ResumePackage(
            kind="handoff",
            instruction=" ".join(parts),
            task=task,
            context=package.get("context"),
            handoff=handoff,
            checkpoints=task.checkpoints if task else (),
            claimed=held,
        )

    async def _unfinished(self, work: Work, agent: str, session: Session | None) -> Task | None:
        mine = session.id if session else None
        candidates = []
        # (Filtering statuses here: TaskFilter's `statuses` converter does not type-check.)
        for task in await work.tx.tasks.list(TaskFilter(assignee=agent)):
            if task.status not in _UNFINISHED:
                continue
            holder = await self._holder(work, task)
            if holder is None or holder.id == mine:
                candidates.append(task)
        if not candidates:
            return None
        # Held by this session first, then the most actionable status, then the latest touched.
        candidates.sort(key=lambda t: t.updated_at, reverse=True)
        candidates.sort(key=lambda t: (t.claimed_by != mine, _UNFINISHED.index(t.status)))
        return candidates[0]

    async def _from_unfinished(
        self, work: Work, task: Task, session: Session | None
    ) -> ResumePackage:
        claimed = False
        if session is not None:
            task = await self._claim(work, session, task)
            claimed = True
        context = await self._task_context(work, task)
        lead = {
            TaskStatus.IN_PROGRESS: f"Continue {_named(task)}, your unfinished task.",
            TaskStatus.IN_REVIEW: f"{_named(task)} is in review: act on review feedback, "
            "or wait for approval.",
            TaskStatus.BLOCKED: f"{_named(task)} waits for a person's answer: check the open "
            "requests before going on.",
            TaskStatus.PAUSED: f"{_named(task)} was paused by a person: leave it as it is "
            "until it is resumed.",
        }[task.status]
        parts = [lead, *_next_lines(context, task)]
        if session is None:
            parts.append("Resume with your session to take it back.")
        return ResumePackage(
            kind="unfinished",
            instruction=" ".join(parts),
            task=task,
            context=context,
            checkpoints=task.checkpoints,
            claimed=claimed,
        )

    async def _task_context(self, work: Work, task: Task) -> dict[str, Any] | None:
        record = await work.tx.contexts.latest_for_task(task.id)
        return normalised(record).data if record is not None else None


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
