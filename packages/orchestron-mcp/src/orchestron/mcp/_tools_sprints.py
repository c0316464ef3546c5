"""The `sprint` tool: plan a time box, fill it, start it, close it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from orchestron.core import Sprint
from orchestron.core.errors import InvalidInputError
from orchestron.mcp._args import TaskIds, Verbose, any_case
from orchestron.mcp._budget import task_line
from orchestron.mcp._server import Call, Ctx, OrchestronServer, begin

__all__ = ["register", "sprint_dict"]

Action = Annotated[
    Literal["list", "get", "create", "add", "remove", "start", "close"],
    any_case("list", "get", "create", "add", "remove", "start", "close"),
]


def sprint_dict(sprint: Sprint) -> dict[str, Any]:
    out: dict[str, Any] = {"id": sprint.id, "name": sprint.name, "status": sprint.status.value}
    if sprint.goal:
        out["goal"] = sprint.goal
    if sprint.start_date:
        out["start"] = sprint.start_date
    if sprint.end_date:
        out["end"] = sprint.end_date
    return out


def register(app: OrchestronServer) -> None:
    @app.tool(structured_output=False)
    async def sprint(
        ctx: Ctx,
        action: Annotated[Action, Field(description="What to do")],
        sprintId: Annotated[
            str | None, Field(description="Sprint id (get/add/remove/start/close)")
        ] = None,
        name: Annotated[str | None, Field(description="create: name")] = None,
        goal: Annotated[str | None, Field(description="create: goal")] = None,
        startDate: Annotated[date | None, Field(description="create: YYYY-MM-DD")] = None,
        endDate: Annotated[date | None, Field(description="create: YYYY-MM-DD")] = None,
        taskIds: Annotated[TaskIds, Field(description="add/remove: task ids")] = None,
        verbose: Verbose = False,
    ) -> str:
        """Sprints (iterations): list, get (with its tasks), create, add/remove tasks, start,
        close (unfinished tasks go back to the backlog)."""
        call = await begin(ctx)
        orch = call.orch
        if action == "list":
            sprints = await orch.list_sprints()
            return call.reply({"sprints": [sprint_dict(s) for s in sprints]}, verbose=verbose)
        if action == "create":
            if not name:
                raise InvalidInputError("name", "create needs a name")
            made = await orch.create_sprint(
                name, goal=goal or "", start_date=startDate, end_date=endDate
            )
            return call.reply({"created": sprint_dict(made)})
        sid = _need(sprintId, action)
        if action == "get":
            return await _get(call, sid, verbose)
        if action in ("add", "remove"):
            if not taskIds:
                raise InvalidInputError("taskIds", f"{action} needs the task ids")
            if action == "add":
                moved = await orch.add_to_sprint(sid, taskIds)
            else:
                moved = await orch.remove_from_sprint(sid, taskIds)
            done_key = "added" if action == "add" else "removed"
            return call.reply({"sprint": sid.upper(), done_key: [t.id for t in moved]})
        if action == "start":
            return call.reply({"started": sprint_dict(await orch.start_sprint(sid))})
        closed = await orch.close_sprint(sid)
        _, tasks = await orch.get_sprint(closed.id)
        return call.reply({"closed": sprint_dict(closed), "done": [t.id for t in tasks]})


def _need(sprint_id: str | None, action: str) -> str:
    if not sprint_id:
        raise InvalidInputError("sprintId", f"{action} needs a sprint id, e.g. SPRINT-001")
    return sprint_id


async def _get(call: Call, sprint_id: str, verbose: bool) -> str:
    found, tasks = await call.orch.get_sprint(sprint_id)
    done = sum(1 for t in tasks if t.status.finished)
    reply = {
        **sprint_dict(found),
        "done": f"{done}/{len(tasks)}",
        "tasks": [task_line(t) for t in tasks],
    }
    return call.reply(reply, verbose=verbose)
