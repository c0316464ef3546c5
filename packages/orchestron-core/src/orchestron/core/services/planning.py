"""Dependencies and next-task choice."""

from __future__ import annotations

from typing import Any, Literal

from attrs import frozen

from orchestron.core.domain.handoff import Handoff
from orchestron.core.domain.ids import parse_count
from orchestron.core.domain.task import Task
from orchestron.core.domain.words import plural
from orchestron.core.errors import CycleError, InvalidInputError
from orchestron.core.ports import ReadyTask
from orchestron.core.services._base import Caller, Ports, Service, Work
from orchestron.core.services.tasks import TaskService

__all__ = ["Choice", "ChoiceKind", "PlanningService", "explain_choice"]


ChoiceKind = Literal["held", "handoff", "unfinished", "next"]


@frozen
class Choice:
    """The task chosen next, and in plain words why it beat the others.

    kind: held (the session holds it already), handoff (a session handed it on),
    unfinished (work in progress that a session left), next (a ready task).
    """

    task: Task
    reason: str
    downstream: int = 0
    kind: ChoiceKind = "next"
    # The task's latest saved context (next steps, decisions), if any.
    context: dict[str, Any] | None = None
    handoff: Handoff | None = None


def explain_choice(best: ReadyTask, runner_up: ReadyTask | None) -> str:
    task = best.task
    parts = [f"{task.id} is ready"]
    if runner_up is None:
        parts.append("and it is the only ready task")
        return " ".join(parts)
    other = runner_up.task
    if best.in_active_sprint != runner_up.in_active_sprint:
        parts.append("and it is in the active sprint")
    elif task.priority is not other.priority:
        parts.append(f"and its priority {task.priority.value} is above every other ready task")
    elif best.downstream != runner_up.downstream:
        parts.append(
            f"at priority {task.priority.value} and finishing it unblocks "
            f"{plural(best.downstream, 'task')}, more than any other ready task"
        )
    elif task.created_at != other.created_at:
        parts.append(
            f"at priority {task.priority.value}, unblocks {best.downstream}, "
            "and it is the oldest of its rank"
        )
    else:
        parts.append(f"at priority {task.priority.value}; ties broken by id")
    return " ".join(parts)


class PlanningService(Service):
    """The task graph: dependencies, what blocks a task, what is ready."""

    def __init__(self, ports: Ports, caller: Caller | None, tasks: TaskService) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks

    async def add_dependency(
        self, task_id: str, depends_on: str, *, actor: str | None = None
    ) -> None:
        """`task_id` cannot start until `depends_on` is done."""
        async with self._write(actor) as work:
            await self.add_edge(work, await work.task(task_id), depends_on)

    async def check_dependency(self, task_id: str, depends_on: str) -> None:
        """Raise what `add_dependency` would for this edge, writing nothing."""
        async with self._read() as work:
            task = await work.task(task_id)
            prereq = await work.task(depends_on)
            await _refuse_cycle(work, task.id, prereq.id)

    async def remove_dependency(
        self, task_id: str, depends_on: str, *, actor: str | None = None
    ) -> bool:
        async with self._write(actor) as work:
            task = await work.task(task_id)
            return await self.remove_edge(work, task, depends_on) is not None

    async def add_edge(self, work: Work, task: Task, depends_on: str) -> str | None:
        """The prerequisite's id if the edge is new; None if it was there already."""
        prereq = await work.task(depends_on)
        if prereq.id in await work.tx.deps.prerequisites(task.id):
            return None
        await _refuse_cycle(work, task.id, prereq.id)
        await work.tx.deps.add(task.id, prereq.id)
        work.emit(task.id, "dependency.added", depends_on=prereq.id)
        return prereq.id

    async def remove_edge(self, work: Work, task: Task, depends_on: str) -> str | None:
        """The prerequisite's id if an edge was removed; None if there was none."""
        prereq = await work.task(depends_on)
        if not await work.tx.deps.remove(task.id, prereq.id):
            return None
        work.emit(task.id, "dependency.removed", depends_on=prereq.id)
        if await self.tasks.became_ready(work, task.id):
            work.emit(task.id, "task.ready", because=f"dependency on {prereq.id} removed")
        return prereq.id

    async def dependencies(self, task_id: str) -> tuple[list[str], list[str]]:
        """(what it depends on, what depends on it)."""
        async with self._read() as work:
            task = await work.task(task_id)
            return (
                await work.tx.deps.prerequisites(task.id),
                await work.tx.deps.dependents(task.id),
            )

    async def dependency_edges(self) -> list[tuple[str, str]]:
        """Every edge as (task, depends_on)."""
        async with self._read() as work:
            return await work.tx.deps.all()

    async def blockers(self, task_id: str) -> list[Task]:
        """Unfinished prerequisites that keep a task from being ready."""
        async with self._read() as work:
            task = await work.task(task_id)
            prereqs = await work.tx.tasks.get_many(await work.tx.deps.prerequisites(task.id))
            return [p for p in prereqs if not p.status.finished]

    async def unfinished_tasks(self, *, limit: int = 20) -> list[Task]:
        """Work in progress that nobody holds: the next agent's first offer."""
        async with self._read() as work:
            return await work.tx.tasks.unfinished(work.now, limit=limit)

    async def ready_tasks(self, *, limit: int = 20) -> list[ReadyTask]:
        limit = parse_count(limit, "limit", low=1)
        async with self._read() as work:
            return await work.tx.tasks.ready(work.now, limit=limit)


async def _refuse_cycle(work: Work, task_id: str, depends_on: str) -> None:
    if task_id == depends_on:
        raise InvalidInputError("depends_on", f"{task_id} cannot depend on itself")
    back = await work.tx.deps.find_path(depends_on, task_id)
    if back is not None:
        raise CycleError([task_id, *back])
