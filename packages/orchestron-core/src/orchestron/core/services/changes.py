"""Every change to one task goes through `change_task`: all of it, or (on any error) none.

The narrower verbs (`transition`, `start_task`, `complete_task`,
`complete_checkpoint`) are that one call with fewer arguments, so the rules every write must
follow live in one place: the version check, the holder's claim (a session
may not write to a task another live session holds; a person may, and the
holder is told), the graph (no move forward past an open prerequisite unless
a person forces it, with a reason), and a session that starts a task holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

from orchestron.core.domain.enums import MessageKind, TaskStatus, parse_enum
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Checkpoint, Task
from orchestron.core.domain.validation import check_text, check_title
from orchestron.core.errors import Act, ForbiddenError, Hint, InvalidInputError, hint
from orchestron.core.services._base import Caller, Ports, Service, Work
from orchestron.core.services.delivery import MAX_MESSAGE, DeliveryService
from orchestron.core.services.planning import PlanningService
from orchestron.core.services.sessions import SessionService
from orchestron.core.services.tasks import UNSET, TaskService

__all__ = ["ChangeService", "TaskChanged"]


@frozen
class TaskChanged:
    """The task after `change_task`, and what changed, in plain words, in the order applied."""

    task: Task
    applied: tuple[str, ...]


class ChangeService(Service):
    """Changing a task: fields, dependencies, checkpoints and status in one unit of work."""

    def __init__(
        self,
        ports: Ports,
        caller: Caller | None,
        tasks: TaskService,
        planning: PlanningService,
        sessions: SessionService,
        delivery: DeliveryService,
    ) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks
        self.planning = planning
        self.sessions = sessions
        self.delivery = delivery

    async def change_task(
        self,
        task_id: str,
        *,
        fields: dict[str, Any] | None = None,
        parent: str | None = UNSET,
        status: TaskStatus | str | None = None,
        event: str | None = None,
        note: str | None = None,
        checkpoints_add: Sequence[str] = (),
        checkpoints_done: Sequence[int | str] = (),
        checkpoints_undone: Sequence[int | str] = (),
        depends_on_add: Sequence[str] = (),
        depends_on_remove: Sequence[str] = (),
        version: int | None = None,
        force: str | None = None,
        actor: str | None = None,
    ) -> TaskChanged:
        """Dependencies, fields (see `checked_fields`), checkpoints, then status, atomically.

        One unit of work: a refusal anywhere (an unknown id, a cycle, a stale
        `version`, a move the rules or the graph forbid, a guard that fails once
        the checkpoints are ticked, a task another session holds) leaves the
        task exactly as it was. `force` is a person's reason to move a task past
        its open prerequisites; an agent's session cannot force.
        """
        if status is not None and event is not None:
            raise InvalidInputError("event", "pass status or event, not both")
        target = parse_enum(TaskStatus, status, "status") if status is not None else None
        reason = _force_reason(force, self.caller_session)
        changes = dict(fields or {})
        steps = [Checkpoint(title=check_title(t, "checkpoints_add")) for t in checkpoints_add]
        ticks = [(c, True) for c in checkpoints_done] + [(c, False) for c in checkpoints_undone]
        async with self._write(actor) as work:
            task = await work.task(task_id)
            self.tasks.check_version(task, version)
            holder = await self.tasks.check_writer(work, task)
            if "progress" in changes and steps:
                raise ForbiddenError(
                    f"progress of {task.id} comes from its checkpoints",
                    hints=[Hint(Act.TICK, task.id)],
                )
            applied: list[str] = []
            for dep in depends_on_add:
                added = await self.planning.add_edge(work, task, dep)
                if added:
                    applied.append(f"depends on {added}")
            for dep in depends_on_remove:
                removed = await self.planning.remove_edge(work, task, dep)
                if removed:
                    applied.append(f"no longer depends on {removed}")
            before = task
            task = await self.tasks.edit(work, task, changes, parent)
            applied += [
                f"{k} {_show(getattr(before, k))} -> {_show(getattr(task, k))}"
                for k in (*changes, *(("parent",) if parent is not UNSET else ()))
                if getattr(before, k) != getattr(task, k)
            ]
            task = await self.tasks.add_checkpoints(work, task, steps)
            applied += [f"checkpoint added: {step.title}" for step in steps]
            task, ticked = await self.tasks.tick_checkpoints(work, task, ticks)
            applied += [f"checkpoint {'done' if d else 'undone'}: {t}" for t, d in ticked]
            when = event.strip().lower() if event else None
            if target is not None:
                when = self.tasks.event_to(task, target)
            if when:
                was = task.status
                task = await self._move(work, task, when, note=note, force=reason)
                if task.status is not was:
                    applied.append(f"status {was.value} -> {task.status.value}")
            if holder is not None and applied and work.actor != holder.agent_id:
                await self._tell_holder(work, holder, task, applied)
            return TaskChanged(task=task, applied=tuple(applied))

    # -- the narrower verbs --------------------------------------------------------------

    async def transition(
        self,
        task_id: str,
        when: str | None = None,
        *,
        status: TaskStatus | str | None = None,
        version: int | None = None,
        note: str | None = None,
        force: str | None = None,
        actor: str | None = None,
    ) -> Task:
        """Move a task by a workflow event such as `task_started` or `review_approved`,
        or to `status` by whichever rule leads there from the current status."""
        if when is None and status is None:
            raise InvalidInputError("event", "give a workflow event or a status to move to")
        changed = await self.change_task(
            task_id, event=when, status=status, note=note, version=version, force=force, actor=actor
        )
        return changed.task

    async def start_task(
        self, task_id: str, *, force: str | None = None, actor: str | None = None
    ) -> Task:
        return await self.transition(task_id, "task_started", force=force, actor=actor)

    async def complete_task(
        self, task_id: str, *, force: str | None = None, actor: str | None = None
    ) -> Task:
        return await self.transition(task_id, "task_completed", force=force, actor=actor)

    async def complete_checkpoint(
        self, task_id: str, checkpoint: int | str, *, done: bool = True, actor: str | None = None
    ) -> Task:
        """Mark checkpoint `checkpoint` (1-based number or its title) done; progress follows.

        One already so is left as it is (no new version, no event).
        """
        if done:
            return (
                await self.change_task(task_id, checkpoints_done=[checkpoint], actor=actor)
            ).task
        return (await self.change_task(task_id, checkpoints_undone=[checkpoint], actor=actor)).task

    # -- internals -------------------------------------------------------------------------

    async def _move(
        self, work: Work, task: Task, when: str, *, note: str | None, force: str | None
    ) -> Task:
        """A status move; a session that starts a task holds it from then on.

        A parent with open children moves with them (`_roll_up`), not by hand,
        unless a person forces it.
        """
        if force is None and self.tasks.moves_forward(task, when):
            children = await self.tasks.open_children(work, task)
            if children:
                raise ForbiddenError(
                    f"{task.id}'s status rolls up from its children, and "
                    + ", ".join(f"{c.id} ({c.status.value})" for c in children[:5])
                    + (" and more" if len(children) > 5 else "")
                    + " are open",
                    hints=[
                        hint(Act.LIST, "tasks", parent=task.id),
                        hint(Act.FORCE, task.id, to=self.tasks.forward_target(task, when)),
                    ],
                )
        starting = task.status is TaskStatus.TODO and self.rules.find(task.status, when)
        if when == "task_started" and starting and self.caller_session is not None:
            session = await work.tx.sessions.get(self.caller_session)
            if session is not None and session.is_live(work.now):
                return await self.sessions.claim_for(work, session, task)
        return await self.tasks.apply(work, task, when, note=note, force=force)

    async def _tell_holder(
        self, work: Work, holder: Session, task: Task, applied: Sequence[str]
    ) -> None:
        """A person changed a task a live session holds: it reads so at its next step."""
        text = f"{work.actor} changed {task.id}: " + "; ".join(applied)
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        await self.delivery.post(
            work, MessageKind.NOTICE, text, task, to=(holder.id, holder.agent_id)
        )


def _force_reason(force: str | None, caller_session: str | None) -> str | None:
    if force is None:
        return None
    if caller_session is not None:
        raise ForbiddenError(
            "only a person can force a task past its open prerequisites; finish or cancel "
            "them first, or ask the person"
        )
    return check_text(force, "reason", limit=MAX_MESSAGE, allow_empty=False)


def _show(value: Any) -> str:
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "none"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"
