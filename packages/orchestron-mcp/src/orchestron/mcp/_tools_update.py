"""`task_update`: progress, status, fields, checkpoints and dependencies in one call.

The core's `change_task` applies them in one unit of work (dependencies,
fields, checkpoints, status), so a bad call changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from mcp.server.mcpserver.exceptions import ToolError
from orchestron.core import UNSET, checked_fields
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
        given: dict[str, Any] = {
            "title": title,
            "description": description,
            "priority": priority,
            "type": type,
            "labels": labels,
            "estimate": estimate,
            "progress": progress,
        }
        fields = checked_fields(**{k: v for k, v in given.items() if v is not None})
        asked = (status, event, parent, checkpointsAdd, checkpointsDone, dependsOnAdd)
        if not fields and not dependsOnRemove and all(a is None for a in asked):
            raise ToolError(
                "task_update: nothing to change; pass progress, status, event, a field, "
                "checkpointsAdd/checkpointsDone or dependsOnAdd/dependsOnRemove"
            )
        changed = await call.orch.change_task(
            taskId,
            fields=fields,
            parent=UNSET if parent is None else (parent.strip() or None),
            status=status,
            event=event,
            note=note,
            checkpoints_add=checkpointsAdd or (),
            checkpoints_done=checkpointsDone or (),
            depends_on_add=dependsOnAdd or (),
            depends_on_remove=dependsOnRemove or (),
            version=version,
        )
        reply: dict[str, Any] = {**task_brief(changed.task), "applied": list(changed.applied)}
        if not changed.applied:
            reply["note"] = "nothing changed: the task was already so"
        return call.reply(reply)
