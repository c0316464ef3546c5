"""Resources: read-only views a client can attach without calling a tool.

Reading a resource never starts a session or claims anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from orchestron.core import Orchestron, TaskFilter, TaskStatus
from orchestron.core.errors import NotFoundError, OrchestronError
from orchestron.mcp._budget import shape, task_detail, task_line
from orchestron.mcp._errors import agent_text
from orchestron.mcp._identity import AgentSession
from orchestron.mcp._server import OrchestronServer
from orchestron.mcp._tools_session import handoff_dict, session_dict
from orchestron.mcp._tools_sprints import sprint_dict

__all__ = ["board_summary", "register", "stats_summary"]

JSON = "application/json"
BOARD_LINES = 15


def register(app: OrchestronServer) -> None:
    def state() -> AgentSession:
        if app.live is None:
            raise ResourceError("the server is not connected to a project yet")
        return app.live

    async def guarded(read: Callable[[Orchestron], Awaitable[dict[str, Any]]]) -> str:
        try:
            return shape(await read(state().facade))
        except NotFoundError as exc:
            raise ResourceNotFoundError(agent_text(exc)) from exc
        except OrchestronError as exc:
            raise ResourceError(agent_text(exc)) from exc

    @app.resource(
        "orchestron://tasks/{task_id}", name="task", mime_type=JSON, description="One task in full"
    )
    async def task_resource(task_id: str) -> str:
        async def read(orch: Orchestron) -> dict[str, Any]:
            task = await orch.get_task(task_id)
            prereqs, dependents = await orch.dependencies(task.id)
            return task_detail(task, depends_on=prereqs, dependents=dependents)

        return await guarded(read)

    @app.resource(
        "orchestron://sessions/current",
        name="current-session",
        mime_type=JSON,
        description="This connection's agent session and the tasks it holds",
    )
    async def current_session() -> str:
        live = state()

        async def read(orch: Orchestron) -> dict[str, Any]:
            if not live.session_id:
                return {
                    "session": None,
                    "agent": live.agent_id,
                    "note": "starts on the first tool call",
                }
            found = await orch.get_session(live.session_id)
            held = await orch.session_tasks(live.session_id)
            return {"session": session_dict(found), "tasks": [task_line(t) for t in held]}

        return await guarded(read)

    @app.resource(
        "orchestron://sprints/active",
        name="active-sprint",
        mime_type=JSON,
        description="The active sprint and its tasks",
    )
    async def active_sprint() -> str:
        async def read(orch: Orchestron) -> dict[str, Any]:
            found = await orch.active_sprint()
            if found is None:
                return {"sprint": None}
            _, tasks = await orch.get_sprint(found.id)
            done = sum(1 for t in tasks if t.status.finished)
            lines = [task_line(t) for t in tasks]
            return {"sprint": sprint_dict(found), "done": f"{done}/{len(tasks)}", "tasks": lines}

        return await guarded(read)

    @app.resource(
        "orchestron://handoff/latest",
        name="latest-handoff",
        mime_type=JSON,
        description="The newest handoff package",
    )
    async def latest_handoff() -> str:
        async def read(orch: Orchestron) -> dict[str, Any]:
            found = await orch.list_handoffs(limit=1)
            return {"handoff": handoff_dict(found[0], full=True) if found else None}

        return await guarded(read)

    @app.resource(
        "orchestron://board",
        name="board",
        mime_type=JSON,
        description="Compact board: counts by status, active sprint, work in progress, ready",
    )
    async def board() -> str:
        return await guarded(board_summary)

    @app.resource(
        "orchestron://stats",
        name="stats",
        mime_type=JSON,
        description=(
            "Analytics from the event log: throughput, cycle and lead time (median, p85), "
            "the active sprint's forecast (50/85/95% dates, at risk) and the success metrics"
        ),
    )
    async def stats() -> str:
        return await guarded(stats_summary)


# Per-day series and histograms are for charts (CLI, dashboard); an agent gets the figures.
_SERIES = ("throughput_daily", "throughput_weekly", "histogram", "velocity", "accuracy")


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _SERIES}


async def stats_summary(orch: Orchestron) -> dict[str, Any]:
    out: dict[str, Any] = {"stats": _compact((await orch.stats()).to_dict())}
    if await orch.active_sprint() is not None:
        out["forecast"] = _compact((await orch.forecast()).to_dict())
    metrics = (await orch.success_metrics()).metrics
    out["successMetrics"] = {
        m.name: {"value": m.value, "target": m.target, "goal": m.goal, "met": m.met}
        for m in metrics
    }
    return out


async def board_summary(orch: Orchestron) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for status in TaskStatus:
        n = await orch.count_tasks(TaskFilter(statuses=(status,)))
        if n:
            counts[status.value] = n
    out: dict[str, Any] = {"counts": counts}
    active = await orch.active_sprint()
    if active is not None:
        _, tasks = await orch.get_sprint(active.id)
        done = sum(1 for t in tasks if t.status.finished)
        out["sprint"] = {**sprint_dict(active), "done": f"{done}/{len(tasks)}"}
    busy = (TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.BLOCKED)
    doing = await orch.list_tasks(TaskFilter(statuses=busy), limit=BOARD_LINES)
    out["inProgress"] = [task_line(t) for t in doing]
    out["ready"] = [task_line(r.task) for r in await orch.ready_tasks(limit=5)]
    out["openRequests"] = len(await orch.inbox())
    return out
