"""JSON API: tasks, their graph, sprints and the event log.

Lists page with a cursor (`after` = the last id of the previous page, `next`
in the answer) and take `fields`. Every error is JSON naming what was wrong.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from orchestron.core import TaskStatus, normalise_id, to_jsonable
from orchestron.dashboard._burndown import burndown
from orchestron.dashboard._graph import graph_data
from orchestron.dashboard._queries import Orch, parse_filter
from orchestron.dashboard._views import event_view, parse_fields, task_view

__all__ = [
    "AnalyticsController",
    "EventController",
    "GraphController",
    "SprintController",
    "TaskController",
]

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size, 1 to 500")]


class NewTask(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    description: str = ""
    type: str = "TASK"
    priority: str = "MEDIUM"
    parent: str | None = None
    labels: list[str] = msgspec.field(default_factory=list)
    estimate: float | None = None
    sprint: str | None = None
    depends_on: list[str] = msgspec.field(default_factory=list)
    checkpoints: list[str] = msgspec.field(default_factory=list)


class StatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    version: int | None = None
    # A person's reason to move the task past its open prerequisites (kept in the log).
    force: str | None = None


class TaskController(Controller):
    path = "/api/tasks"
    tags = ("tasks",)

    @get("/", summary="List tasks (filters, cursor paging)")
    async def list_tasks(
        self,
        orch: Orch,
        status: FromQuery[str | None] = None,
        task_type: Annotated[str | None, QueryParameter(name="type")] = None,
        priority: FromQuery[str | None] = None,
        sprint: FromQuery[str | None] = None,
        label: FromQuery[str | None] = None,
        assignee: FromQuery[str | None] = None,
        parent: FromQuery[str | None] = None,
        claimed_by: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
        limit: Limit = 50,
        fields: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """Tasks in id order. `status`, `type` and `priority` take comma-separated lists;
        `fields` is a comma-separated list of task fields or `all`."""
        shape = parse_fields(fields)
        flt = parse_filter(
            status=status,
            type=task_type,
            priority=priority,
            sprint=sprint,
            label=label,
            assignee=assignee,
            parent=parent,
            claimed_by=claimed_by,
            q=q,
        )
        tasks = await orch.list_tasks(flt, after=after or None, limit=limit + 1)
        page = tasks[:limit]
        return {
            "items": [task_view(t, shape) for t in page],
            "next": page[-1].id if len(tasks) > limit else None,
            "limit": limit,
        }

    @post("/", summary="Create a task", status_code=201)
    async def create_task(self, orch: Orch, data: JSONBody[NewTask]) -> dict[str, Any]:
        task = await orch.create_task(
            data.title,
            description=data.description,
            type=data.type,
            priority=data.priority,
            parent=data.parent,
            labels=data.labels,
            estimate=data.estimate,
            sprint=data.sprint,
            depends_on=data.depends_on,
            checkpoints=data.checkpoints,
        )
        return task_view(task)

    @get("/{task_id:str}", summary="One task in full, with its dependencies")
    async def get_task(self, orch: Orch, task_id: FromPath[str]) -> dict[str, Any]:
        task = await orch.get_task(task_id)
        prereqs, dependents = await orch.dependencies(task.id)
        return {
            "task": task_view(task),
            "depends_on": prereqs,
            "dependents": dependents,
            "blockers": [t.id for t in await orch.blockers(task.id)],
        }

    @get("/{task_id:str}/events", summary="A task's history")
    async def task_events(
        self, orch: Orch, task_id: FromPath[str], after: FromQuery[int] = 0, limit: Limit = 100
    ) -> dict[str, Any]:
        task = await orch.get_task(task_id)
        events = await orch.events(entity=task.id, after=after, limit=limit)
        return {"items": [event_view(e) for e in events]}

    @post("/{task_id:str}/status", summary="Move a task to a status", status_code=200)
    async def set_status(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[StatusChange]
    ) -> dict[str, Any]:
        return task_view(
            await orch.transition(
                task_id, status=data.status, version=data.version, force=data.force
            )
        )


class SprintController(Controller):
    path = "/api/sprints"
    tags = ("sprints",)

    @get("/", summary="List sprints")
    async def list_sprints(self, orch: Orch) -> dict[str, Any]:
        return {"items": to_jsonable(await orch.list_sprints())}

    @get("/{sprint_id:str}", summary="A sprint with its tasks by status")
    async def get_sprint(self, orch: Orch, sprint_id: FromPath[str]) -> dict[str, Any]:
        sprint, tasks = await orch.get_sprint(sprint_id)
        counts = {s.value: 0 for s in TaskStatus}
        for t in tasks:
            counts[t.status.value] += 1
        return {
            "sprint": to_jsonable(sprint),
            "counts": counts,
            "tasks": [task_view(t, parse_fields(None)) for t in tasks],
        }

    @get("/{sprint_id:str}/burndown", summary="A sprint's burndown: remaining work per day")
    async def sprint_burndown(self, orch: Orch, sprint_id: FromPath[str]) -> dict[str, Any]:
        sprint, tasks = await orch.get_sprint(sprint_id)
        burn = await burndown(orch, sprint, tasks)
        return {
            "sprint": sprint.id,
            "unit": burn.unit,
            "source": burn.source,
            "actual": [{"day": d.isoformat(), "remaining": v} for d, v in burn.actual],
            "ideal": [{"day": d.isoformat(), "remaining": v} for d, v in burn.ideal],
        }


class AnalyticsController(Controller):
    path = "/api/analytics"
    tags = ("analytics",)

    @get("/stats", summary="Throughput, cycle and lead time, velocity")
    async def stats(
        self,
        orch: Orch,
        sprint: FromQuery[str | None] = None,
        days: Annotated[int, QueryParameter(ge=1, le=3650)] = 30,
    ) -> dict[str, Any]:
        return (await orch.stats(sprint=sprint or None, days=days)).to_dict()

    @get("/forecast", summary="When a sprint or epic will likely be done (Monte Carlo)")
    async def forecast(
        self, orch: Orch, sprint: FromQuery[str | None] = None, epic: FromQuery[str | None] = None
    ) -> dict[str, Any]:
        result = await orch.forecast(sprint=sprint or None, epic=epic or None)
        return result.to_dict()


class EventController(Controller):
    path = "/api/events"
    tags = ("events",)

    @get("/", summary="The event log, oldest first after `after`")
    async def list_events(
        self,
        orch: Orch,
        after: Annotated[int, QueryParameter(ge=0)] = 0,
        entity: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        limit: Limit = 100,
    ) -> dict[str, Any]:
        kinds = tuple(k.strip() for k in (kind or "").split(",") if k.strip())
        events = await orch.events(
            after=after, entity=normalise_id(entity) if entity else None, kinds=kinds, limit=limit
        )
        return {
            "items": [event_view(e) for e in events],
            "last_seq": events[-1].seq if events else after,
        }


class GraphController(Controller):
    path = "/api/graph"
    tags = ("tasks",)

    @get("/", summary="Dependency graph with the critical path")
    async def graph(
        self,
        orch: Orch,
        sprint: FromQuery[str | None] = None,
        include_isolated: FromQuery[bool] = False,
    ) -> dict[str, Any]:
        data = await graph_data(orch, sprint=sprint, include_isolated=include_isolated)
        return {
            "nodes": [task_view(t, parse_fields("status,priority,estimate")) for t in data.tasks],
            "edges": [{"task": a, "depends_on": b} for a, b in data.edges],
            "critical_path": list(data.critical_path),
            "truncated": data.truncated,
        }
