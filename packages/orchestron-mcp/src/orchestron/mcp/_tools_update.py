"""`task_update`: progress, status, fields, checkpoints and dependencies in one call.

Everything that can be checked before writing is checked first (ids, values,
the version, whether the workflow allows the move), so a bad call changes
nothing. Then it applies, in order: dependencies, fields, checkpoints, status.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from mcp.server.mcpserver.exceptions import ToolError
from orchestron.core import (
    PREVIOUS,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    Orchestron,
    Priority,
    Task,
    TaskFilter,
    TaskStatus,
    TaskType,
    parse_enum,
)
from orchestron.core.domain.validation import (
    MAX_DESCRIPTION,
    check_labels,
    check_text,
    check_title,
)
from orchestron.mcp._args import Note, TaskId, TaskIds, Version
from orchestron.mcp._budget import task_brief
from orchestron.mcp._server import Ctx, OrchestronServer, begin

__all__ = ["register"]

Steps = Annotated[
    list[int | str] | None,
    Field(description="Checkpoints to mark done: numbers (1-based) or titles"),
]


def register(app: OrchestronServer) -> None:
    @app.tool(structured_output=False)
    async def task_update(
        ctx: Ctx,
        taskId: TaskId,
        progress: Annotated[int | None, Field(description="Percent done", ge=0, le=100)] = None,
        status: Annotated[
            str | None,
            Field(description="Move to IN_PROGRESS, IN_REVIEW, DONE, TODO, CANCELLED..."),
        ] = None,
        event: Annotated[
            str | None,
            Field(description="Or a workflow event: task_started, tests_pass, review_approved..."),
        ] = None,
        note: Note = None,
        version: Version = None,
        title: Annotated[str | None, Field(max_length=200)] = None,
        description: str | None = None,
        priority: Annotated[str | None, Field(description="CRITICAL, HIGH, MEDIUM, LOW")] = None,
        type: str | None = None,
        labels: Annotated[list[str] | None, Field(description="Replaces the labels")] = None,
        estimate: Annotated[float | None, Field(ge=0, le=10000)] = None,
        parent: Annotated[str | None, Field(description="Parent id; empty string to clear")] = None,
        checkpointsAdd: Annotated[list[str] | None, Field(description="Steps to append")] = None,
        checkpointsDone: Steps = None,
        dependsOnAdd: Annotated[TaskIds, Field(description="Ids that must be done first")] = None,
        dependsOnRemove: TaskIds = None,
    ) -> str:
        """Update a task: report progress, change status, edit fields, tick checkpoints, add or
        remove dependencies. Only what you pass changes."""
        call = await begin(ctx)
        orch = call.orch
        if status and event:
            raise InvalidInputError("event", "pass status or event, not both")
        fields = _fields(title, description, priority, type, labels, estimate)
        task = await orch.get_task(taskId)
        if version is not None and version != task.version:
            raise ConflictError.stale("task", task.id, version, task.version, task.updated_by)
        if parent is not None:
            fields["parent"] = (await orch.get_task(parent)).id if parent.strip() else None
        adds = [(await orch.get_task(d)).id for d in dependsOnAdd or ()]
        for dep in adds:
            await orch.check_dependency(task.id, dep)
        removes = [(await orch.get_task(d)).id for d in dependsOnRemove or ()]
        if progress is not None:
            await _check_manual_progress(orch, task, checkpointsAdd)
            fields["progress"] = progress
        _check_steps(task, checkpointsAdd or [], checkpointsDone or [])
        when = _workflow_event(orch, task, status, event)
        asked = (status, event, progress, parent, checkpointsAdd, checkpointsDone)
        if not (fields or adds or removes or any(a is not None for a in asked)):
            raise ToolError(
                "task_update: nothing to change; pass progress, status, event, a field, "
                "checkpointsAdd/checkpointsDone or dependsOnAdd/dependsOnRemove"
            )

        applied: list[str] = []
        added: list[str] = []
        try:
            for dep in adds:
                await orch.add_dependency(task.id, dep)
                added.append(dep)
                applied.append(f"depends on {dep}")
        except BaseException:
            for dep in added:  # leave no half-applied dependency list behind
                await orch.remove_dependency(task.id, dep)
            raise
        for dep in removes:
            if await orch.remove_dependency(task.id, dep):
                applied.append(f"no longer depends on {dep}")
        if fields:
            before = {k: getattr(task, k) for k in fields}
            task = await orch.update_task(task.id, version=version, **fields)
            applied += [
                f"{k} {_show(before[k])} -> {_show(getattr(task, k))}"
                for k in fields
                if before[k] != getattr(task, k)
            ]
        for title_ in checkpointsAdd or ():
            task = await orch.add_checkpoint(task.id, title_)
            applied.append(f"checkpoint added: {title_}")
        for step in checkpointsDone or ():
            task = await orch.complete_checkpoint(task.id, step)
            applied.append(f"checkpoint done: {step}")
        if when:
            before_status = task.status
            task = await orch.transition(task.id, when, note=note)
            applied.append(f"status {before_status.value} -> {task.status.value}")
        reply: dict[str, Any] = {**task_brief(task), "applied": applied}
        if not applied:
            reply["note"] = "nothing changed: the task was already so"
        return call.reply(reply)


def _fields(
    title: str | None,
    description: str | None,
    priority: str | None,
    kind: str | None,
    labels: list[str] | None,
    estimate: float | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if title is not None:
        out["title"] = check_title(title)
    if description is not None:
        out["description"] = check_text(description, "description", limit=MAX_DESCRIPTION)
    if priority is not None:
        out["priority"] = parse_enum(Priority, priority, "priority")
    if kind is not None:
        out["type"] = parse_enum(TaskType, kind, "type")
    if labels is not None:
        out["labels"] = check_labels(labels)
    if estimate is not None:
        out["estimate"] = estimate
    return out


async def _check_manual_progress(orch: Orchestron, task: Task, adding: list[str] | None) -> None:
    if task.checkpoints or adding:
        raise ForbiddenError(
            f"progress of {task.id} comes from its checkpoints",
            ["mark checkpoints done with checkpointsDone"],
        )
    if await orch.list_tasks(TaskFilter(parent=task.id), limit=1):
        raise ForbiddenError(
            f"progress of {task.id} is rolled up from its children",
            ["update the children's progress"],
        )


def _check_steps(task: Task, adding: list[str], done: list[int | str]) -> None:
    titles = [c.title.lower() for c in task.checkpoints] + [
        " ".join(a.split()).lower() for a in adding
    ]
    for a in adding:
        check_title(a, "checkpointsAdd")
    for step in done:
        if isinstance(step, int) or step.strip().isdigit():
            n = int(step)
            if not 1 <= n <= len(titles):
                span = f"1 to {len(titles)}" if titles else "none"
                raise InvalidInputError(
                    "checkpointsDone", f"{task.id} has checkpoints {span}, not {n}"
                )
        elif step.strip().lower() not in titles:
            raise InvalidInputError(
                "checkpointsDone", f"{task.id} has no checkpoint titled {step!r}"
            )


def _workflow_event(
    orch: Orchestron, task: Task, status: str | None, event: str | None
) -> str | None:
    """The workflow event to apply, checked against the rules before anything is written."""
    rules = orch.rules
    if event:
        when = event.strip().lower()
        if when not in rules.events():
            raise InvalidInputError(
                "event", f"{event!r} is not a workflow event; known: " + ", ".join(rules.events())
            )
        if not rules.find(task.status, when):
            raise ForbiddenError(
                f"{task.id} is {task.status.value}: the rules allow no {when} from there",
                rules.allowed(task.status),
            )
        return when
    if not status:
        return None
    target = parse_enum(TaskStatus, status, "status")
    if target is task.status:
        return None
    for rule in rules.moves_from(task.status):
        lands = (task.paused_from or TaskStatus.TODO) if rule.to == PREVIOUS else rule.to
        if str(lands) == target.value:
            return rule.when
    raise ForbiddenError(
        f"{task.id} cannot move from {task.status.value} to {target.value}",
        rules.allowed(task.status),
    )


def _show(value: Any) -> str:
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "none"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"
