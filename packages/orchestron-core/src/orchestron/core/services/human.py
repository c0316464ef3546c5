"""The human channel: a person steers agents without being there all the time.

Each action changes the task through the workflow rules (so the rules can
forbid it, with the reason), records who did it in the event log, and leaves a
message the agent gets with its next call.
"""

from __future__ import annotations

from orchestron.core.domain.enums import (
    MessageKind,
    Priority,
    RequestKind,
    RequestStatus,
    TaskStatus,
    Urgency,
    parse_enum,
)
from orchestron.core.domain.human import Message
from orchestron.core.domain.moves import move_hints
from orchestron.core.domain.notifications import NotificationKind, compute_urgency
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import Act, ForbiddenError, hint
from orchestron.core.graph import downstream_counts
from orchestron.core.ports import is_container
from orchestron.core.services._base import Caller, Ports, Service, Work
from orchestron.core.services.delivery import MAX_MESSAGE, DeliveryService
from orchestron.core.services.events import TaskStatusMoved
from orchestron.core.services.requests import RequestService
from orchestron.core.services.tasks import TaskService

__all__ = ["HumanService"]


class HumanService(Service):
    """A person steers: intervene, pause and resume, approve and reject, priority."""

    def __init__(
        self,
        ports: Ports,
        caller: Caller | None,
        tasks: TaskService,
        delivery: DeliveryService,
        requests: RequestService,
    ) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks
        self.delivery = delivery
        self.requests = requests

    async def intervene(self, task_id: str, message: str, *, actor: str | None = None) -> Message:
        """Say something to the agent working on a task."""
        text = check_text(message, "message", limit=MAX_MESSAGE, allow_empty=False)
        async with self._write(actor) as work:
            task = await work.task(task_id)
            await self._refuse_unworked(work, task)
            return await self.delivery.post(work, MessageKind.INTERVENTION, text, task)

    async def pause(self, task_id: str, reason: str, *, actor: str | None = None) -> Task:
        """Stop work on a task until it is resumed; the agent is told why."""
        text = check_text(reason, "reason", limit=MAX_MESSAGE, allow_empty=False)
        async with self._write(actor) as work:
            task = await work.task(task_id)
            paused = await self.tasks.apply(work, task, "task_paused", note=text)
            await self.delivery.post(work, MessageKind.PAUSE, text, paused)
            await self.delivery.notify(
                work,
                NotificationKind.TASK_PAUSED,
                f"{work.actor} paused {task.id}",
                task=paused,
                text=text,
                paused_from=task.status.value,
            )
            return paused

    async def resume_task(self, task_id: str, *, actor: str | None = None) -> Task:
        """Lift a pause: the task gets back the status it had (BLOCKED again if still waiting)."""
        async with self._write(actor) as work:
            task = await work.task(task_id)
            resumed = await self.tasks.apply(work, task, "task_resumed")
            waiting = [
                r
                for r in await work.tx.requests.list(status=RequestStatus.OPEN, task_id=task.id)
                if r.blocking
            ]
            if (
                waiting
                and resumed.status is not TaskStatus.BLOCKED
                and self.rules.find(resumed.status, "blocked_on_human")
            ):
                resumed = await self.tasks.apply(
                    work, resumed, "blocked_on_human", note=f"still waiting for {waiting[0].id}"
                )
            await self.delivery.post(
                work, MessageKind.RESUME, f"resumed; {task.id} is {resumed.status.value}", resumed
            )
            await self.delivery.notify(
                work,
                NotificationKind.TASK_RESUMED,
                f"{work.actor} resumed {task.id}",
                task=resumed,
                urgency=Urgency.LOW,
            )
            return resumed

    async def approve(
        self, task_id: str, feedback: str | None = None, *, actor: str | None = None
    ) -> Task:
        """Approve a task in review (`review_approved`); feedback, if any, goes to the agent."""
        text = check_text(feedback, "feedback", limit=MAX_MESSAGE)
        return await self._review(task_id, "review_approved", MessageKind.APPROVED, text, actor)

    async def reject(self, task_id: str, feedback: str, *, actor: str | None = None) -> Task:
        """Send a task in review back to work (`review_rejected`) with what to change."""
        text = check_text(feedback, "feedback", limit=MAX_MESSAGE, allow_empty=False)
        return await self._review(task_id, "review_rejected", MessageKind.REJECTED, text, actor)

    async def set_priority(
        self, task_id: str, priority: Priority | str, *, actor: str | None = None
    ) -> Task:
        """Change a task's priority and tell the agent working on it."""
        level = parse_enum(Priority, priority, "priority")
        async with self._write(actor) as work:
            task = await work.task(task_id)
            if task.priority is level:
                return task
            updated = task.changed(work.now, work.actor, priority=level)
            await work.tx.tasks.update(updated)
            work.emit(
                task.id,
                "task.updated",
                changes={"priority": level.value},
                before={"priority": task.priority.value},
            )
            await self.delivery.post(
                work,
                MessageKind.PRIORITY,
                f"priority of {task.id} changed from {task.priority.value} to {level.value}",
                updated,
            )
            return updated

    # -- internals -------------------------------------------------------------------------

    async def _refuse_unworked(self, work: Work, task: Task) -> None:
        """No agent will hold a finished task or a container again: a word about one would
        wait forever, so say where it can go instead."""
        if task.status.finished:
            raise ForbiddenError(
                f"{task.id} is {task.status.value}: no agent works on it any more; "
                "reopen it to give an agent words about it",
                hints=[h for h in move_hints(self.rules, task) if h.get("to") == "TODO"],
            )
        children = await self.tasks.open_children(work, task)
        if is_container(task, children):
            raise ForbiddenError(
                f"{task.id} is made of other tasks and no agent holds it; say it on one of "
                "them" + (f": {', '.join(c.id for c in children[:5])}" if children else ""),
                hints=[hint(Act.LIST, "tasks", parent=task.id)],
            )

    async def _review(
        self, task_id: str, when: str, kind: MessageKind, feedback: str, actor: str | None
    ) -> Task:
        verdict = "approved" if kind is MessageKind.APPROVED else "rejected"
        async with self._write(actor) as work:
            task = await work.task(task_id)
            # Who to tell is fixed before the move: finishing a task drops its claim.
            to = await self.delivery.recipient(work, task)
            # A review answers the agent's open approval requests on the task (and
            # lifts a block they held), so nothing is left waiting on a settled question.
            for request in await self.requests.open_for(work, task.id, RequestKind.APPROVAL):
                answer = f"{verdict}: {feedback}" if feedback else verdict
                await self.requests.answer(work, request, answer, tell_agent=False)
            task = await work.task(task.id)
            moved = await self.tasks.apply(work, task, when, note=feedback or None)
            if feedback or to != (None, None) or not moved.status.finished:
                # An approval no one is there to hear is in the log; a word to say waits.
                await self.delivery.post(work, kind, feedback or verdict, moved, to=to)
            return moved

    async def on_status_moved(self, work: Work, moved: TaskStatusMoved) -> None:
        """Tell people when a task wants review or is done, whatever moved it."""
        before, after = moved.before, moved.after
        if after.status is before.status:
            return
        restored = before.status in (TaskStatus.PAUSED, TaskStatus.BLOCKED)
        if after.status is TaskStatus.IN_REVIEW and not restored:
            blocks = downstream_counts(await work.tx.deps.all()).get(after.id, 0)
            await self.delivery.notify(
                work,
                NotificationKind.REVIEW_REQUESTED,
                f"{after.id} is ready for review",
                task=after,
                urgency=compute_urgency(RequestKind.APPROVAL, after.priority, blocks),
            )
        elif after.status is TaskStatus.DONE:
            await self.delivery.notify(
                work,
                NotificationKind.TASK_DONE,
                f"{after.id} is done",
                task=after,
                urgency=Urgency.LOW,
            )
