"""Sprint use cases: create, membership, start, close."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from orchestron.core.domain.enums import SprintStatus
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import check_text, check_title
from orchestron.core.errors import (
    Act,
    ConflictError,
    ForbiddenError,
    Hint,
    InvalidInputError,
    NotFoundError,
)
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Service, Work, normalise_id

__all__ = ["SprintService"]


class SprintService(Service):
    """Sprints: create, membership, start, close."""

    async def create_sprint(
        self,
        name: str,
        *,
        goal: str = "",
        start_date: date | None = None,
        end_date: date | None = None,
        actor: str | None = None,
    ) -> Sprint:
        clean = check_title(name, "name")
        clean_goal = check_text(goal, "goal", limit=2000)
        if start_date and end_date and end_date < start_date:
            raise InvalidInputError("end_date", f"{end_date} is before the start {start_date}")
        async with self._write(actor) as work:
            sprint = Sprint(
                id=await work.new_id("SPRINT"),
                name=clean,
                goal=clean_goal,
                start_date=start_date,
                end_date=end_date,
                created_at=work.now,
                updated_at=work.now,
                updated_by=work.actor,
            )
            await work.tx.sprints.add(sprint)
            work.emit(
                sprint.id,
                "sprint.created",
                name=clean,
                goal=clean_goal,
                start_date=_iso(start_date),
                end_date=_iso(end_date),
            )
            return sprint

    async def get_sprint(self, sprint_id: str) -> tuple[Sprint, list[Task]]:
        async with self._read() as work:
            sprint = await _sprint(work, sprint_id)
            return sprint, await work.tx.tasks.list(TaskFilter(sprint=sprint.id))

    async def list_sprints(self) -> list[Sprint]:
        async with self._read() as work:
            return await work.tx.sprints.list()

    async def active_sprint(self) -> Sprint | None:
        async with self._read() as work:
            return await work.tx.sprints.active()

    async def add_to_sprint(
        self, sprint_id: str, task_ids: Sequence[str], *, actor: str | None = None
    ) -> list[Task]:
        async with self._write(actor) as work:
            sprint = await _sprint(work, sprint_id)
            if sprint.status is SprintStatus.CLOSED:
                raise ForbiddenError(f"{sprint.id} is closed", hints=[Hint(Act.CREATE_SPRINT)])
            out = []
            for tid in task_ids:
                task = await work.task(tid)
                if task.sprint != sprint.id:
                    task = task.changed(work.now, work.actor, sprint=sprint.id)
                    await work.tx.tasks.update(task)
                    work.emit(sprint.id, "sprint.task_added", task=task.id)
                out.append(task)
            return out

    async def remove_from_sprint(
        self, sprint_id: str, task_ids: Sequence[str], *, actor: str | None = None
    ) -> list[Task]:
        async with self._write(actor) as work:
            sprint = await _sprint(work, sprint_id)
            out = []
            for tid in task_ids:
                task = await work.task(tid)
                if task.sprint != sprint.id:
                    raise InvalidInputError("task", f"{task.id} is not in {sprint.id}")
                task = task.changed(work.now, work.actor, sprint=None)
                await work.tx.tasks.update(task)
                work.emit(sprint.id, "sprint.task_removed", task=task.id)
                out.append(task)
            return out

    async def start_sprint(
        self, sprint_id: str, *, version: int | None = None, actor: str | None = None
    ) -> Sprint:
        async with self._write(actor) as work:
            sprint = await _sprint(work, sprint_id, version)
            if sprint.status is not SprintStatus.PLANNED:
                raise ForbiddenError(
                    f"{sprint.id} is {sprint.status.value}; only a PLANNED sprint can start"
                )
            active = await work.tx.sprints.active()
            if active is not None:
                raise ForbiddenError(
                    f"{active.id} ({active.name}) is already active",
                    hints=[Hint(Act.CLOSE_SPRINT, active.id)],
                )
            start = sprint.start_date or work.now.date()
            started = sprint.changed(
                work.now,
                work.actor,
                status=SprintStatus.ACTIVE,
                started_at=work.now,
                start_date=start,
            )
            await work.tx.sprints.update(started)
            count = await work.tx.tasks.count(TaskFilter(sprint=sprint.id))
            work.emit(
                sprint.id,
                "sprint.started",
                tasks=count,
                start_date=_iso(start),
                end_date=_iso(started.end_date),
            )
            return started

    async def close_sprint(
        self, sprint_id: str, *, version: int | None = None, actor: str | None = None
    ) -> Sprint:
        """Close it; unfinished tasks go back to the backlog, named in the event."""
        async with self._write(actor) as work:
            sprint = await _sprint(work, sprint_id, version)
            if sprint.status is SprintStatus.CLOSED:
                raise ForbiddenError(f"{sprint.id} is already closed")
            done: list[str] = []
            carried: list[str] = []
            for task in await work.tx.tasks.list(TaskFilter(sprint=sprint.id)):
                if task.status.finished:
                    done.append(task.id)
                    continue
                carried.append(task.id)
                await work.tx.tasks.update(task.changed(work.now, work.actor, sprint=None))
            closed = sprint.changed(
                work.now, work.actor, status=SprintStatus.CLOSED, closed_at=work.now
            )
            await work.tx.sprints.update(closed)
            work.emit(sprint.id, "sprint.closed", finished=done, carried_over=carried)
            return closed


async def _sprint(work: Work, sprint_id: str, version: int | None = None) -> Sprint:
    """The sprint; with `version`, only if nobody changed it since the caller read it."""
    sprint = await work.tx.sprints.get(normalise_id(sprint_id))
    if sprint is None:
        raise NotFoundError("sprint", sprint_id)
    if version is not None and version != sprint.version:
        raise ConflictError.stale("sprint", sprint.id, version, sprint.version, sprint.updated_by)
    return sprint


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
