"""Task tools: create, get, list, next (pick and claim), complete."""

from __future__ import annotations

from typing import Annotated, Any

from mcp_types import ToolAnnotations
from pydantic import Field

from orchestron.core import Priority, TaskFilter, TaskStatus, TaskType, parse_enum
from orchestron.mcp._args import Fields, Limit, Note, TaskId, TaskIds, Verbose
from orchestron.mcp._budget import (
    REPLY_BUDGET,
    dumps,
    parse_fields,
    task_brief,
    task_detail,
    task_fields,
    task_line,
)
from orchestron.mcp._server import Ctx, OrchestronServer, begin

__all__ = ["register"]

READ = ToolAnnotations(read_only_hint=True)

Title = Annotated[str, Field(description="Short imperative title", min_length=1, max_length=200)]
Description = Annotated[str | None, Field(description="Details, acceptance criteria")]
Kind = Annotated[str | None, Field(description="TASK (default), BUG, STORY, EPIC or SPIKE")]
Prio = Annotated[str | None, Field(description="CRITICAL, HIGH, MEDIUM (default) or LOW")]
Labels = Annotated[list[str] | None, Field(description="One-word labels")]
Estimate = Annotated[float | None, Field(description="Points", ge=0, le=10000)]


def register(app: OrchestronServer) -> None:
    @app.tool(structured_output=False)
    async def task_create(
        ctx: Ctx,
        title: Title,
        description: Description = None,
        type: Kind = None,
        priority: Prio = None,
        parent: Annotated[str | None, Field(description="Parent task id (epic/story)")] = None,
        labels: Labels = None,
        estimate: Estimate = None,
        sprint: Annotated[str | None, Field(description="Sprint id, e.g. SPRINT-001")] = None,
        dependsOn: Annotated[TaskIds, Field(description="Ids that must be done first")] = None,
        checkpoints: Annotated[
            list[str] | None, Field(description="Ordered steps; progress follows them")
        ] = None,
    ) -> str:
        """Create a task (add a todo, bug, story or epic to the project's task board)."""
        call = await begin(ctx)
        task = await call.orch.create_task(
            title,
            description=description or "",
            type=type or TaskType.TASK,
            priority=priority or Priority.MEDIUM,
            parent=parent,
            labels=labels,
            estimate=estimate,
            sprint=sprint,
            depends_on=dependsOn or (),
            checkpoints=checkpoints or (),
        )
        return call.reply({"created": task_line(task), **task_brief(task)})

    @app.tool(structured_output=False, annotations=READ)
    async def task_get(
        ctx: Ctx, taskId: TaskId, fields: Fields = None, verbose: Verbose = False
    ) -> str:
        """Read one task in full: description, checkpoints, dependencies, blockers, version."""
        call = await begin(ctx)
        picked = parse_fields(fields)
        task = await call.orch.get_task(taskId)
        if picked:
            return call.reply(task_fields(task, picked), verbose=verbose)
        prereqs, dependents = await call.orch.dependencies(task.id)
        blockers = [t.id for t in await call.orch.blockers(task.id)] if prereqs else []
        detail = task_detail(task, depends_on=prereqs, dependents=dependents, blockers=blockers)
        return call.reply(detail, verbose=verbose)

    @app.tool(structured_output=False, annotations=READ)
    async def task_list(
        ctx: Ctx,
        status: Annotated[str | None, Field(description="e.g. TODO or TODO,IN_PROGRESS")] = None,
        type: Kind = None,
        priority: Annotated[str | None, Field(description="e.g. HIGH or CRITICAL,HIGH")] = None,
        sprint: Annotated[str | None, Field(description="Sprint id")] = None,
        label: Annotated[str | None, Field(description="One label")] = None,
        parent: Annotated[str | None, Field(description="Children of this task")] = None,
        text: Annotated[str | None, Field(description="Search title and description")] = None,
        mine: Annotated[bool, Field(description="Only tasks this session claimed")] = False,
        ready: Annotated[bool, Field(description="Only ready tasks, best first")] = False,
        fields: Fields = None,
        cursor: Annotated[str | None, Field(description="`next` from the previous page")] = None,
        limit: Limit = 50,
        verbose: Verbose = False,
    ) -> str:
        """List/search/filter tasks, one short line each, paged with a cursor."""
        call = await begin(ctx)
        picked = parse_fields(fields)

        def render(task: Any) -> Any:
            return task_fields(task, picked) if picked else task_line(task)

        if ready:
            ranked = await call.orch.ready_tasks(limit=limit)
            items = [render(r.task) for r in ranked]
            return call.reply({"tasks": items, "count": len(items)}, verbose=verbose)
        flt = TaskFilter(
            statuses=_enums(TaskStatus, status, "status"),
            types=_enums(TaskType, type, "type"),
            priorities=_enums(Priority, priority, "priority"),
            sprint=_norm(sprint),
            label=label.strip().lower() if label else None,
            parent=_norm(parent),
            claimed_by=call.session_id if mine else None,
            text=text,
        )
        tasks = await call.orch.list_tasks(flt, after=cursor, limit=limit + 1)
        more = len(tasks) > limit
        tasks = tasks[:limit]
        out: list[Any] = []
        size = 200
        for task in tasks:
            item = render(task)
            size += len(dumps(item).encode()) + 1
            if size > REPLY_BUDGET and not verbose and out:
                more = True
                break
            out.append(item)
        reply: dict[str, Any] = {"tasks": out, "count": len(out)}
        if more and out:
            reply["next"] = tasks[len(out) - 1].id
        return call.reply(reply, verbose=verbose)

    @app.tool(structured_output=False)
    async def task_next(
        ctx: Ctx,
        claim: Annotated[bool, Field(description="false: only say which task")] = True,
        another: Annotated[
            bool, Field(description="true: take a second task while you hold one")
        ] = False,
        verbose: Verbose = False,
    ) -> str:
        """Pick the next task to work on: unfinished work first, else the best ready task;
        claims and starts it, with why and its saved next steps. Holding a task already,
        you get that one back unless you ask for another."""
        call = await begin(ctx)
        if claim:
            choice = await call.orch.pick_next(call.session_id, another=another)
        else:
            choice = await call.orch.next_task()
        if choice is None:
            return call.reply(
                {
                    "task": None,
                    "reason": "no task is ready: each TODO task waits on a dependency or is "
                    "claimed, or there is none; see task_list status=TODO,BLOCKED",
                }
            )
        reply: dict[str, Any] = {
            "task": task_detail(choice.task),
            "kind": choice.kind,
            "reason": choice.reason,
            "claimed": bool(claim),
        }
        if choice.downstream:
            reply["unblocks"] = choice.downstream
        steps = (choice.context or {}).get("next_steps")
        if steps:
            reply["nextSteps"] = steps
        if choice.handoff is not None and choice.handoff.package.get("note"):
            reply["handoffNote"] = choice.handoff.package["note"]
        if choice.kind == "held":
            reply["hint"] = (
                "you hold this task: finish it with task_complete, or pass another=true "
                "to take a second one"
            )
        return call.reply(reply, verbose=verbose)

    @app.tool(structured_output=False)
    async def task_complete(ctx: Ctx, taskId: TaskId, note: Note = None) -> str:
        """Mark a task done (finish it, close it); releases its claim and says what it unblocked."""
        call = await begin(ctx)
        task = await call.orch.transition(taskId, "task_completed", note=note)
        _, dependents = await call.orch.dependencies(task.id)
        ready: list[str] = []
        for dep_id in dependents:
            dep = await call.orch.get_task(dep_id)
            if dep.status is TaskStatus.TODO and not await call.orch.blockers(dep_id):
                ready.append(dep_id)
        reply: dict[str, Any] = task_brief(task)
        if ready:
            reply["nowReady"] = ready
        return call.reply(reply)


def _norm(ident: str | None) -> str | None:
    from orchestron.core import normalise_id

    return normalise_id(ident) if ident else None


def _enums(enum: Any, value: str | None, field: str) -> tuple[Any, ...]:
    if not value:
        return ()
    return tuple(parse_enum(enum, part, field) for part in value.split(",") if part.strip())
