"""Many changes to one task in one step: all of them, or (on any error) none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

from orchestron.core.domain.enums import TaskStatus, parse_enum
from orchestron.core.domain.task import Checkpoint, Task
from orchestron.core.domain.validation import check_title
from orchestron.core.errors import ForbiddenError, InvalidInputError
from orchestron.core.services.planning import PlanningService
from orchestron.core.services.tasks import UNSET

__all__ = ["ChangeService", "TaskChanged"]


@frozen
class TaskChanged:
    """The task after `change_task`, and what changed, in plain words, in the order applied."""

    task: Task
    applied: tuple[str, ...]


class ChangeService(PlanningService):
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
        depends_on_add: Sequence[str] = (),
        depends_on_remove: Sequence[str] = (),
        version: int | None = None,
        actor: str | None = None,
    ) -> TaskChanged:
        """Dependencies, fields (see `checked_fields`), checkpoints, then status, atomically.

        One unit of work: a refusal anywhere (an unknown id, a cycle, a stale
        `version`, a move the rules forbid, a guard that fails once the
        checkpoints are ticked) leaves the task exactly as it was.
        """
        if status is not None and event is not None:
            raise InvalidInputError("event", "pass status or event, not both")
        target = parse_enum(TaskStatus, status, "status") if status is not None else None
        changes = dict(fields or {})
        steps = [Checkpoint(title=check_title(t, "checkpoints_add")) for t in checkpoints_add]
        async with self._write(actor) as work:
            task = await work.task(task_id)
            self._check_version(task, version)
            if "progress" in changes and steps:
                raise ForbiddenError(
                    f"progress of {task.id} comes from its checkpoints",
                    ["mark checkpoints done instead of setting progress"],
                )
            applied: list[str] = []
            for dep in depends_on_add:
                added = await self._add_dependency(work, task, dep)
                if added:
                    applied.append(f"depends on {added}")
            for dep in depends_on_remove:
                removed = await self._remove_dependency(work, task, dep)
                if removed:
                    applied.append(f"no longer depends on {removed}")
            before = task
            task = await self._edit(work, task, changes, parent)
            applied += [
                f"{k} {_show(getattr(before, k))} -> {_show(getattr(task, k))}"
                for k in (*changes, *(("parent",) if parent is not UNSET else ()))
                if getattr(before, k) != getattr(task, k)
            ]
            for step in steps:
                task = await self._add_checkpoint(work, task, step)
                applied.append(f"checkpoint added: {step.title}")
            for checkpoint in checkpoints_done:
                task = await self._complete_checkpoint(work, task, checkpoint)
                applied.append(f"checkpoint done: {checkpoint}")
            when = event.strip().lower() if event else None
            if target is not None:
                when = self._event_to(task, target)
            if when:
                was = task.status
                task = await self._apply(work, task, when, note=note)
                applied.append(f"status {was.value} -> {task.status.value}")
            return TaskChanged(task=task, applied=tuple(applied))


def _show(value: Any) -> str:
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "none"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"
