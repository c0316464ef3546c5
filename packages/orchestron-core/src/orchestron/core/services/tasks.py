"""Task use cases: create, read, edit, status through the rules, progress, checkpoints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from attrs import evolve

from orchestron.core.domain.enums import Priority, TaskStatus, TaskType, parse_enum
from orchestron.core.domain.ids import parse_count
from orchestron.core.domain.moves import move_hints
from orchestron.core.domain.rules import GUARDS, PREVIOUS, Rule
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Checkpoint, Task
from orchestron.core.domain.validation import (
    MAX_DESCRIPTION,
    check_estimate,
    check_labels,
    check_progress,
    check_text,
    check_title,
)
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
from orchestron.core.services._base import Service, Work, normalise_id
from orchestron.core.services.events import TaskStatusMoved

__all__ = ["UNSET", "TaskService", "checked_fields"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

_GUARDS_HELP = GUARDS


def checked_fields(
    *,
    title: str = UNSET,
    description: str = UNSET,
    type: TaskType | str = UNSET,
    priority: Priority | str = UNSET,
    labels: Iterable[str] | str | None = UNSET,
    estimate: float | None = UNSET,
    progress: int = UNSET,
) -> dict[str, Any]:
    """The field changes asked for, each checked; InvalidInputError names a bad one."""
    changes: dict[str, Any] = {}
    if title is not UNSET:
        changes["title"] = check_title(title)
    if description is not UNSET:
        changes["description"] = check_text(description, "description", limit=MAX_DESCRIPTION)
    if type is not UNSET:
        changes["type"] = parse_enum(TaskType, type, "type")
    if priority is not UNSET:
        changes["priority"] = parse_enum(Priority, priority, "priority")
    if labels is not UNSET:
        changes["labels"] = check_labels(labels)
    if estimate is not UNSET:
        changes["estimate"] = check_estimate(estimate)
    if progress is not UNSET:
        changes["progress"] = check_progress(progress)
    return changes


class TaskService(Service):
    """Tasks: create, read, edit, and every status move through the rules and the graph."""

    async def create_task(
        self,
        title: str,
        *,
        description: str = "",
        type: TaskType | str = TaskType.TASK,
        priority: Priority | str = Priority.MEDIUM,
        parent: str | None = None,
        labels: Iterable[str] | str | None = None,
        estimate: float | None = None,
        sprint: str | None = None,
        depends_on: Sequence[str] = (),
        checkpoints: Sequence[str] = (),
        actor: str | None = None,
    ) -> Task:
        clean_title = check_title(title)
        clean_desc = check_text(description, "description", limit=MAX_DESCRIPTION)
        kind = parse_enum(TaskType, type, "type")
        prio = parse_enum(Priority, priority, "priority")
        clean_labels = check_labels(labels)
        est = check_estimate(estimate)
        steps = tuple(Checkpoint(title=check_title(c, "checkpoints")) for c in checkpoints)
        async with self._write(actor) as work:
            parent_id = (await work.task(parent)).id if parent else None
            sprint_id = await self._sprint_id(work, sprint) if sprint else None
            prereqs = [(await work.task(d)).id for d in depends_on]
            task = Task(
                id=await work.new_id("TASK"),
                title=clean_title,
                description=clean_desc,
                type=kind,
                priority=prio,
                parent=parent_id,
                labels=clean_labels,
                estimate=est,
                sprint=sprint_id,
                checkpoints=steps,
                created_at=work.now,
                updated_at=work.now,
                updated_by=work.actor,
            )
            await work.tx.tasks.add(task)
            work.emit(
                task.id,
                "task.created",
                title=task.title,
                type=kind.value,
                priority=prio.value,
                parent=parent_id,
                sprint=sprint_id,
                labels=list(clean_labels),
                estimate=est,
            )
            for dep in prereqs:
                await work.tx.deps.add(task.id, dep)
                work.emit(task.id, "dependency.added", depends_on=dep)
            if parent_id:
                await self._roll_up(work, parent_id)
            return task

    async def get_task(self, task_id: str) -> Task:
        async with self._read() as work:
            return await work.task(task_id)

    async def get_tasks(self, task_ids: Sequence[str]) -> list[Task]:
        """The tasks with these ids, in that order, in one read; unknown ids are left out."""
        async with self._read() as work:
            found = {t.id: t for t in await work.tx.tasks.get_many(list(task_ids))}
        return [found[i] for i in task_ids if i in found]

    async def list_tasks(
        self, flt: TaskFilter | None = None, *, after: str | None = None, limit: int | None = None
    ) -> list[Task]:
        async with self._read() as work:
            return await work.tx.tasks.list(
                flt or TaskFilter(),
                after=normalise_id(after, "after") if after else None,
                limit=None if limit is None else parse_count(limit, "limit"),
            )

    async def count_tasks(self, flt: TaskFilter | None = None) -> int:
        async with self._read() as work:
            return await work.tx.tasks.count(flt or TaskFilter())

    async def edit(
        self, work: Work, task: Task, changes: dict[str, Any], parent: str | None = UNSET
    ) -> Task:
        """Store checked field changes (see `checked_fields`) and a new parent, if any differ."""
        changes = dict(changes)
        if parent is not UNSET:
            changes["parent"] = await self._valid_parent(work, task, parent)
        if "progress" in changes:
            await self._check_progress_is_manual(work, task)
        changes = {k: v for k, v in changes.items() if getattr(task, k) != v}
        if not changes:
            return task
        updated = task.changed(work.now, work.actor, **changes)
        await work.tx.tasks.update(updated)
        work.emit(
            task.id,
            "task.updated",
            changes=_jsonable(changes),
            before=_jsonable({k: getattr(task, k) for k in changes}),
        )
        if "progress" in changes:
            work.emit(task.id, "task.progress", before=task.progress, after=updated.progress)
        for pid in {task.parent, updated.parent} - {None}:
            await self._roll_up(work, pid)  # type: ignore[arg-type]
        return updated

    def event_to(self, task: Task, target: TaskStatus) -> str | None:
        """The workflow event that moves `task` to `target`; None if it is there already."""
        if task.status is target:
            return None
        for rule in self.rules.moves_from(task.status):
            lands = task.paused_from if rule.to == PREVIOUS else rule.to
            if lands == target.value or lands is target:
                return rule.when
        raise ForbiddenError(
            f"{task.id} cannot move from {task.status.value} to {target.value}",
            hints=move_hints(self.rules, task),
        )

    async def add_checkpoints(self, work: Work, task: Task, steps: Sequence[Checkpoint]) -> Task:
        """Append steps in one write and one event, however many there are."""
        if not steps:
            return task
        updated = task.changed(work.now, work.actor, checkpoints=(*task.checkpoints, *steps))
        updated = evolve(updated, progress=updated.derived_progress or 0)
        await work.tx.tasks.update(updated)
        work.emit(
            task.id,
            "task.checkpoint_added",
            index=len(task.checkpoints) + 1,
            titles=[step.title for step in steps],
        )
        await self._progress_moved(work, task, updated)
        return updated

    async def tick_checkpoints(
        self, work: Work, task: Task, ticks: Sequence[tuple[int | str, bool]]
    ) -> tuple[Task, list[tuple[str, bool]]]:
        """Mark checkpoints done or not in one write; (task, (title, done) of each moved).

        A checkpoint already so is left alone: no version, no event.
        """
        steps = list(task.checkpoints)
        moved: list[tuple[int, bool]] = []
        for checkpoint, done in ticks:
            index = _checkpoint_index(task, checkpoint)
            if steps[index].done is done:
                continue
            steps[index] = evolve(
                steps[index],
                done=done,
                done_at=work.now if done else None,
                done_by=work.actor if done else None,
            )
            moved.append((index, done))
        if not moved:
            return task, []
        updated = task.changed(work.now, work.actor, checkpoints=tuple(steps))
        updated = evolve(updated, progress=updated.derived_progress or 0)
        await work.tx.tasks.update(updated)
        for index, done in moved:
            work.emit(
                task.id,
                "task.checkpoint_done" if done else "task.checkpoint_undone",
                index=index + 1,
                title=steps[index].title,
            )
        await self._progress_moved(work, task, updated)
        return updated, [(steps[i].title, done) for i, done in moved]

    # -- internals shared with the other use cases --------------------------------------

    @staticmethod
    def check_version(task: Task, version: int | None) -> None:
        if version is not None and version != task.version:
            raise ConflictError.stale("task", task.id, version, task.version, task.updated_by)

    async def _sprint_id(self, work: Work, sprint: str) -> str:
        found = await work.tx.sprints.get(normalise_id(sprint))
        if found is None:
            raise NotFoundError("sprint", sprint)
        return found.id

    async def _valid_parent(self, work: Work, task: Task, parent: str | None) -> str | None:
        if parent is None:
            return None
        found = await work.task(parent)
        cursor: str | None = found.id
        while cursor is not None:
            if cursor == task.id:
                raise InvalidInputError("parent", f"{found.id} is {task.id} or one of its children")
            cursor = (await work.task(cursor)).parent
        return found.id

    async def _check_progress_is_manual(self, work: Work, task: Task) -> None:
        if task.checkpoints:
            raise ForbiddenError(
                f"progress of {task.id} comes from its {len(task.checkpoints)} checkpoints",
                hints=[Hint(Act.TICK, task.id)],
            )
        if await work.tx.tasks.count(TaskFilter(parent=task.id)):
            raise ForbiddenError(
                f"progress of {task.id} is rolled up from its children",
                hints=[hint(Act.LIST, "tasks", parent=task.id)],
            )

    async def apply(
        self,
        work: Work,
        task: Task,
        when: str,
        *,
        note: str | None = None,
        force: str | None = None,
        **extra: Any,
    ) -> Task:
        """Move `task` by the workflow event `when`, through the rules and the graph.

        No task moves to IN_PROGRESS, IN_REVIEW or DONE while a prerequisite is
        open, unless a person forces it (`force` is their reason, kept in the log).
        Restoring the status a pause or a question interrupted is not a move forward.
        """
        rules = self.rules.find(task.status, when)
        if not rules:
            if when not in self.rules.events():
                raise InvalidInputError(
                    "event",
                    f"{when!r} is not a workflow event; known: " + ", ".join(self.rules.events()),
                )
            raise ForbiddenError(
                f"{task.id} is {task.status.value}: the rules allow no {when} from there",
                hints=move_hints(self.rules, task),
            )
        rule = await self._first_passing(work, task, rules)
        target = _target(task, rule)
        data: dict[str, Any] = {"from": task.status.value, "to": target.value, "when": when}
        if target in _FORWARD and target is not task.status and rule.to != PREVIOUS:
            blockers = await self.blockers(work, task)
            if blockers and force is None:
                raise ForbiddenError(
                    f"{task.id} cannot move to {target.value}: it waits for "
                    + ", ".join(f"{p.id} ({p.status.value})" for p in blockers),
                    hints=[
                        *(Hint(Act.SHOW, p.id) for p in blockers),
                        hint(Act.FORCE, task.id, to=target.value),
                    ],
                )
            if blockers:
                data.update(forced=force, blockers=[p.id for p in blockers])
        changes: dict[str, Any] = {"status": target, **extra}
        if target in (TaskStatus.PAUSED, TaskStatus.BLOCKED):
            if task.status not in (TaskStatus.PAUSED, TaskStatus.BLOCKED):
                changes["paused_from"] = task.status
        elif task.status in (TaskStatus.PAUSED, TaskStatus.BLOCKED):
            changes["paused_from"] = None
        if target is TaskStatus.IN_PROGRESS and task.started_at is None:
            changes["started_at"] = work.now
        if target is TaskStatus.DONE:
            changes["done_at"] = work.now
            changes["progress"] = 100
        if target.finished:
            changes["claimed_by"] = None
        if target is TaskStatus.TODO and task.status.finished:
            # Reopened: progress is what its checkpoints say again (its children's, below).
            changes["done_at"] = None
            changes["progress"] = task.derived_progress or 0
        updated = task.changed(work.now, work.actor, **changes)
        await work.tx.tasks.update(updated)
        if note:
            data["note"] = note
        work.emit(task.id, "task.status_changed", **data)
        await self._status_moved(work, task, updated)
        if target is TaskStatus.TODO and task.status.finished:
            if updated.progress != task.progress:
                work.emit(task.id, "task.progress", before=task.progress, after=updated.progress)
            await self._roll_up(work, task.id)
            updated = await work.task(task.id)
        return updated

    def moves_forward(self, task: Task, when: str) -> bool:
        """Whether `when` would take `task` on to IN_PROGRESS, IN_REVIEW or DONE."""
        return bool(self.forward_target(task, when))

    def forward_target(self, task: Task, when: str) -> str:
        """Where `when` takes `task` if that is forward (IN_PROGRESS, IN_REVIEW, DONE); ""."""
        for rule in self.rules.find(task.status, when):
            if rule.to != PREVIOUS and _target(task, rule) in _FORWARD:
                return _target(task, rule).value
        return ""

    async def blockers(self, work: Work, task: Task) -> list[Task]:
        """Prerequisites of `task` that are neither DONE nor CANCELLED."""
        prereqs = await work.tx.tasks.get_many(await work.tx.deps.prerequisites(task.id))
        return [p for p in prereqs if not p.status.finished]

    async def holder(self, work: Work, task: Task) -> Session | None:
        """The live session holding `task`, if any."""
        if task.claimed_by is None:
            return None
        holder = await work.tx.sessions.get(task.claimed_by)
        return holder if holder is not None and holder.is_live(work.now) else None

    async def check_writer(self, work: Work, task: Task) -> Session | None:
        """Refuse a write by a session to a task another live session holds.

        A person may still act on it: the holder is returned, to be told.
        """
        holder = await self.holder(work, task)
        if holder is None or holder.id == self.caller_session:
            return None
        if self.caller_session is not None:
            raise ForbiddenError(
                f"{task.id} is held by session {holder.id} of agent {holder.agent_id}; "
                "only that session may change it",
                hints=[Hint(Act.CLAIM_NEXT)],
            )
        return holder

    async def open_children(self, work: Work, task: Task) -> list[Task]:
        return [
            c for c in await work.tx.tasks.list(TaskFilter(parent=task.id)) if not c.status.finished
        ]

    async def _first_passing(self, work: Work, task: Task, rules: list[Rule]) -> Rule:
        refused: list[str] = []
        guards: list[str] = []
        for rule in rules:
            if rule.guard is None or await self._guard_passes(work, task, rule.guard):
                return rule
            guards.append(rule.guard)
            refused.append(_GUARDS_HELP.get(rule.guard, f"guard {rule.guard} failed"))
        helps = [Hint(Act.TICK, task.id)] if "checkpoints_done" in guards else []
        if "no_open_requests" in guards:
            helps.append(hint(Act.LIST, "requests", task=task.id))
        raise ForbiddenError(
            f"{task.id}: {'; '.join(refused)}", hints=[*helps, *move_hints(self.rules, task)]
        )

    async def _guard_passes(self, work: Work, task: Task, guard: str) -> bool:
        if guard == "checkpoints_done":
            return all(c.done for c in task.checkpoints)
        if guard == "no_open_requests":
            from orchestron.core.domain.enums import RequestStatus

            return not await work.tx.requests.list(status=RequestStatus.OPEN, task_id=task.id)
        raise ForbiddenError(
            f"unknown guard {guard!r} in the workflow rules; known: " + ", ".join(_GUARDS_HELP)
        )

    async def _status_moved(self, work: Work, before: Task, after: Task) -> None:
        """After a status change: dependents that became ready, parents; then the others."""
        if after.status.finished and not before.status.finished:
            for dep_id in await work.tx.deps.dependents(after.id):
                if await self.became_ready(work, dep_id):
                    work.emit(dep_id, "task.ready", because=after.id)
        if after.parent and after.status is not before.status:
            await self._roll_up(work, after.parent)
        await work.publish(TaskStatusMoved(before, after))

    async def _progress_moved(self, work: Work, before: Task, after: Task) -> None:
        if before.progress != after.progress:
            work.emit(after.id, "task.progress", before=before.progress, after=after.progress)
            if after.parent:
                await self._roll_up(work, after.parent)

    async def became_ready(self, work: Work, task_id: str) -> bool:
        task = await work.tx.tasks.get(task_id)
        if task is None or task.status is not TaskStatus.TODO:
            return False
        prereqs = await work.tx.tasks.get_many(await work.tx.deps.prerequisites(task_id))
        return all(p.status.finished for p in prereqs)

    async def _roll_up(self, work: Work, parent_id: str) -> None:
        """A parent's progress and status follow its live children's.

        Progress is their mean. A TODO parent starts when a child does; it is done
        when they all are (`auto_complete_parents`), and reopened when one is
        reopened. A parent a person paused, or one in review, keeps its status.
        """
        parent = await work.tx.tasks.get(parent_id)
        if parent is None:
            return
        children = [
            c
            for c in await work.tx.tasks.list(TaskFilter(parent=parent_id))
            if c.status is not TaskStatus.CANCELLED
        ]
        if not children:
            return
        progress = round(sum(c.progress for c in children) / len(children))
        current = parent
        if progress != parent.progress:
            current = parent.changed(work.now, work.actor, progress=progress)
            await work.tx.tasks.update(current)
            work.emit(
                parent.id, "task.progress", before=parent.progress, after=progress, rolled_up=True
            )
        when = _rolled_move(current, children, self.settings.auto_complete_parents)
        movable = when is not None and self.rules.find(current.status, when)
        if movable and not await self.blockers(work, current):
            assert when is not None
            current = await self.apply(work, current, when, note="rolled up from its children")
        if current.parent and current is not parent:
            await self._roll_up(work, current.parent)


_FORWARD = (TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.DONE)


def _rolled_move(parent: Task, children: Sequence[Task], auto_complete: bool) -> str | None:
    """The workflow event that brings a container's status in line with its children."""
    if all(c.status is TaskStatus.DONE for c in children):
        return "task_completed" if auto_complete and not parent.status.finished else None
    started = any(c.status is not TaskStatus.TODO for c in children)
    if parent.status is TaskStatus.DONE:
        return "task_reopened"
    if parent.status is TaskStatus.TODO and started:
        return "task_started"
    return None


def _target(task: Task, rule: Rule) -> TaskStatus:
    if rule.to == PREVIOUS:
        return task.paused_from or TaskStatus.TODO
    return TaskStatus(rule.to)


def _checkpoint_index(task: Task, checkpoint: int | str) -> int:
    if not task.checkpoints:
        raise InvalidInputError("checkpoint", f"{task.id} has no checkpoints; add one first")
    if isinstance(checkpoint, int) or (isinstance(checkpoint, str) and checkpoint.isdigit()):
        n = parse_count(checkpoint, "checkpoint", what="a checkpoint's number")
        if 1 <= n <= len(task.checkpoints):
            return n - 1
        raise InvalidInputError(
            "checkpoint", f"{task.id} has checkpoints 1 to {len(task.checkpoints)}, not {n}"
        )
    for i, c in enumerate(task.checkpoints):
        if c.title.lower() == str(checkpoint).strip().lower():
            return i
    raise InvalidInputError("checkpoint", f"{task.id} has no checkpoint titled {checkpoint!r}")


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, tuple):
            v = list(v)
        elif hasattr(v, "value"):
            v = v.value
        out[k] = v
    return out
