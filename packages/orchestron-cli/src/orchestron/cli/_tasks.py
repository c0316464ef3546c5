"""`task ...`, `next` and `checkpoint ...`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from orchestron.cli._command import SPRINT_ID, TASK_ID, Count, Group, task_ref
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    PRIORITY_STYLE,
    STATUS_STYLE,
    Column,
    ago,
    fields,
    heading,
    is_tty,
    json_option,
    print_json,
    progress_text,
    say,
    table,
)
from orchestron.core import (
    UNSET,
    Orchestron,
    Priority,
    Task,
    TaskFilter,
    TaskStatus,
    TaskType,
    checked_fields,
    event_summary,
    normalise_id,
    parse_enum,
    to_jsonable,
)
from orchestron.core.domain.ids import MAX_NUMBER

__all__ = ["split_values", "task", "task_columns", "task_row"]

OPEN_STATUSES = (
    TaskStatus.TODO,
    TaskStatus.IN_PROGRESS,
    TaskStatus.IN_REVIEW,
    TaskStatus.BLOCKED,
    TaskStatus.PAUSED,
)


def split_values(values: Sequence[str]) -> list[str]:
    """`--status todo,done --status paused` -> ["todo", "done", "paused"]."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def task_columns() -> list[Column]:
    return [
        Column("id"),
        Column("type"),
        Column("status", style=STATUS_STYLE),
        Column("priority", style=PRIORITY_STYLE),
        Column("progress", justify="right"),
        Column("owner"),
        Column("title", flex=True),
    ]


def task_row(t: Task) -> list[str]:
    return [
        t.id,
        t.type.value,
        t.status.value,
        t.priority.value,
        progress_text(t.progress),
        t.assignee or t.claimed_by or "",
        t.title,
    ]


def _done(message: str, t: Task, as_json: bool) -> None:
    if as_json:
        print_json(to_jsonable(t))
    else:
        say(f"{message} {t.id} [{t.status.value}, {t.progress}%]: {t.title}", "green")


@click.group(cls=Group)
def task() -> None:
    """Add, list, show, edit, start and finish tasks."""


@task.command("add")
@click.argument("title")
@click.option("-d", "--description", default="", help="Longer text.")
@click.option("-t", "--type", "type_", default="TASK", help="EPIC, STORY, TASK, BUG or SPIKE.")
@click.option("-p", "--priority", default="MEDIUM", help="CRITICAL, HIGH, MEDIUM or LOW.")
@click.option("--parent", type=TASK_ID, help="Parent task id (an epic or story).")
@click.option("-l", "--label", "labels", multiple=True, help="A label (repeat, or a,b,c).")
@click.option("-e", "--estimate", type=float, help="Estimate in points.")
@click.option("-s", "--sprint", type=SPRINT_ID, help="Sprint id to put it in.")
@click.option("--depends-on", multiple=True, help="Task id it waits for (repeat, or a,b).")
@click.option("-c", "--checkpoint", "checkpoints", multiple=True, help="A step (repeat).")
@json_option
@pass_env
def task_add(
    env: Env,
    title: str,
    description: str,
    type_: str,
    priority: str,
    parent: str | None,
    labels: tuple[str, ...],
    estimate: float | None,
    sprint: str | None,
    depends_on: tuple[str, ...],
    checkpoints: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create a task."""

    async def act(orch: Orchestron) -> Task:
        return await orch.create_task(
            title,
            description=description,
            type=type_,
            priority=priority,
            parent=parent,
            labels=split_values(labels),
            estimate=estimate,
            sprint=sprint,
            depends_on=[task_ref(d) for d in split_values(depends_on)],
            checkpoints=list(checkpoints),
        )

    _done("Created", env.run(act), as_json)


@task.command("list")
@click.option("--status", "statuses", multiple=True, help="Only these statuses (repeat, or a,b).")
@click.option("-a", "--all", "all_", is_flag=True, help="Include DONE and CANCELLED tasks.")
@click.option("-t", "--type", "types", multiple=True, help="Only these types.")
@click.option("-p", "--priority", "priorities", multiple=True, help="Only these priorities.")
@click.option(
    "-s", "--sprint", type=SPRINT_ID, help="Only this sprint (`active` for the active one)."
)
@click.option("-l", "--label", help="Only tasks with this label.")
@click.option("--assignee", help="Only tasks assigned to this agent.")
@click.option("--parent", type=TASK_ID, help="Only children of this task.")
@click.option("-q", "--search", help="Only tasks whose title or description contains this.")
@click.option(
    "-n", "--limit", type=Count(), default=50, show_default=True, help="At most this many (0: all)."
)
@click.option("--after", help="Start after this id (the cursor printed below a page).")
@json_option
@pass_env
def task_list(
    env: Env,
    statuses: tuple[str, ...],
    all_: bool,
    types: tuple[str, ...],
    priorities: tuple[str, ...],
    sprint: str | None,
    label: str | None,
    assignee: str | None,
    parent: str | None,
    search: str | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> None:
    """List tasks in id order; open ones unless --all or --status."""
    wanted = tuple(parse_enum(TaskStatus, s, "statuses") for s in split_values(statuses))
    if not wanted and not all_:
        wanted = OPEN_STATUSES

    async def act(orch: Orchestron) -> list[Task]:
        sprint_id = sprint
        if sprint and sprint.lower() == "active":
            active = await orch.active_sprint()
            if active is None:
                return []
            sprint_id = active.id
        flt = TaskFilter(
            statuses=wanted,
            types=[parse_enum(TaskType, t, "types") for t in split_values(types)],
            priorities=[parse_enum(Priority, p, "priorities") for p in split_values(priorities)],
            sprint=normalise_id(sprint_id) if sprint_id else None,
            label=label.strip().lower() if label else None,
            assignee=assignee,
            parent=normalise_id(parent) if parent else None,
            text=search,
        )
        return await orch.list_tasks(
            flt, after=after, limit=min(limit + 1, MAX_NUMBER) if limit > 0 else None
        )

    found = env.read(act)
    more = limit > 0 and len(found) > limit
    page = found[:limit] if limit > 0 else found
    cursor = page[-1].id if more and page else None
    if as_json:
        print_json({"tasks": [to_jsonable(t) for t in page], "next_after": cursor})
        return
    if not page:
        say("no tasks match" + ("" if all_ or statuses else " (open ones; --all for every task)"))
        return
    table(task_columns(), (task_row(t) for t in page))
    if cursor:
        say(f"more: orchestron task list --after {cursor}  (or --limit 0 for all)", "dim")


@task.command("show")
@click.argument("task_id", type=TASK_ID)
@json_option
@pass_env
def task_show(env: Env, task_id: str, as_json: bool) -> None:
    """Show one task: fields, checkpoints, dependencies, recent events."""

    async def act(orch: Orchestron) -> dict[str, Any]:
        t = await orch.get_task(task_id)
        prereqs, dependents = await orch.dependencies(t.id)
        blockers = await orch.blockers(t.id)
        events = await orch.events(entity=t.id)
        return {
            "task": t,
            "depends_on": prereqs,
            "dependents": dependents,
            "blocked_by": [b.id for b in blockers],
            "events": events[-10:],
        }

    found = env.read(act)
    t: Task = found["task"]
    if as_json:
        print_json({k: to_jsonable(v) for k, v in found.items()})
        return
    heading(f"{t.id}  {t.title}")
    fields(
        [
            ("type", t.type.value),
            ("status", _status_line(t)),
            ("priority", t.priority.value),
            ("progress", f"{t.progress}%"),
            ("parent", t.parent or ""),
            ("sprint", t.sprint or ""),
            ("labels", ", ".join(t.labels)),
            ("estimate", f"{t.estimate:g}" if t.estimate is not None else ""),
            ("assignee", t.assignee or ""),
            ("claimed by", t.claimed_by or ""),
            ("depends on", ", ".join(found["depends_on"])),
            ("blocked by", ", ".join(found["blocked_by"])),
            ("dependents", ", ".join(found["dependents"])),
            ("created", f"{t.created_at:%Y-%m-%d %H:%M} ({ago(t.created_at)})"),
            ("updated", f"{ago(t.updated_at)} by {t.updated_by}" if t.updated_by else ""),
            ("version", str(t.version)),
        ],
        styles={"status": STATUS_STYLE.get(t.status.value, ""), "blocked by": "red"},
    )
    if t.description:
        say("")
        say(t.description)
    if t.checkpoints:
        say("")
        heading("checkpoints")
        for n, c in enumerate(t.checkpoints, 1):
            mark = "[x]" if c.done else "[ ]"
            say(f"  {n}. {mark} {c.title}", "green" if c.done and is_tty() else "")
    if found["events"]:
        say("")
        heading("recent events")
        for e in found["events"]:
            line = f"  #{e.seq} {e.at:%Y-%m-%d %H:%M:%S} {e.actor} {e.kind} {event_summary(e)}"
            say(line.rstrip())


def _status_line(t: Task) -> str:
    if t.paused_from:
        return f"{t.status.value} (from {t.paused_from.value})"
    if t.status is TaskStatus.IN_PROGRESS and t.claimed_by is None and t.type.value != "EPIC":
        return f"{t.status.value} (unfinished, nobody on it: the next agent carries it on)"
    return t.status.value


def force_options(command: Any) -> Any:
    """--force and --reason: a person moves a task past its open prerequisites."""
    command = click.option(
        "-r",
        "--reason",
        "force_reason",
        metavar="TEXT",
        help="Why you force the move (kept in the event log); goes with --force.",
    )(command)
    return click.option(
        "--force", is_flag=True, help="Move it even though a prerequisite is open."
    )(command)


def forced(force: bool, reason: str | None) -> str | None:
    """The reason a forced move is logged with; None when not forced."""
    if force and not (reason or "").strip():
        raise click.UsageError("--force needs --reason TEXT: why (it is kept in the event log)")
    if reason is not None and not force:
        raise click.UsageError("--reason goes with --force")
    return reason if force else None


@task.command("edit")
@click.argument("task_id", type=TASK_ID)
@click.option("--title")
@click.option("-d", "--description")
@click.option("-t", "--type", "type_", help="EPIC, STORY, TASK, BUG or SPIKE.")
@click.option("-p", "--priority", help="CRITICAL, HIGH, MEDIUM or LOW.")
@click.option(
    "-l",
    "--label",
    "--labels",
    "labels",
    help="Replace the labels (a,b,c; empty string for none).",
)
@click.option("-e", "--estimate", type=float)
@click.option("--parent", type=TASK_ID, help="New parent task id.")
@click.option("--no-parent", is_flag=True, help="Detach from its parent.")
@click.option("--progress", type=Count(), help="0-100 (only for a task without checkpoints).")
@click.option("--status", help="Move to this status by the workflow rules.")
@force_options
@click.option("-s", "--sprint", type=SPRINT_ID, help="Move into this sprint.")
@click.option("--no-sprint", is_flag=True, help="Take it out of its sprint.")
@click.option("--version", type=Count(low=1), help="Fail if the task changed since this version.")
@json_option
@pass_env
def task_edit(
    env: Env,
    task_id: str,
    title: str | None,
    description: str | None,
    type_: str | None,
    priority: str | None,
    labels: str | None,
    estimate: float | None,
    parent: str | None,
    no_parent: bool,
    progress: int | None,
    status: str | None,
    force: bool,
    force_reason: str | None,
    sprint: str | None,
    no_sprint: bool,
    version: int | None,
    as_json: bool,
) -> None:
    """Change a task's fields, status or sprint."""
    reason = forced(force, force_reason)
    if parent and no_parent:
        raise click.UsageError("give --parent or --no-parent, not both")
    if sprint and no_sprint:
        raise click.UsageError("give --sprint or --no-sprint, not both")

    def given(value: object) -> Any:
        return UNSET if value is None else value

    async def act(orch: Orchestron) -> Task:
        # Fields and status in one unit of work: a refused move leaves the fields too.
        changed = await orch.change_task(
            task_id,
            version=version,
            fields=checked_fields(
                title=given(title),
                description=given(description),
                type=given(type_),
                priority=given(priority),
                labels=given(labels),
                estimate=given(estimate),
                progress=given(progress),
            ),
            parent=None if no_parent else given(parent),
            status=status,
            force=reason,
        )
        t = changed.task
        if sprint is not None:
            t = (await orch.add_to_sprint(sprint, [t.id]))[0]
        if no_sprint and t.sprint:
            t = (await orch.remove_from_sprint(t.sprint, [t.id]))[0]
        return t

    _done("Updated", env.run(act), as_json)


@task.command("start")
@click.argument("task_id", type=TASK_ID)
@force_options
@json_option
@pass_env
def task_start(
    env: Env, task_id: str, force: bool, force_reason: str | None, as_json: bool
) -> None:
    """Start a task (TODO -> IN_PROGRESS); its prerequisites must be done first."""
    reason = forced(force, force_reason)
    _done("Started", env.run(lambda orch: orch.start_task(task_id, force=reason)), as_json)


@task.command("done")
@click.argument("task_id", type=TASK_ID)
@force_options
@json_option
@pass_env
def task_done(env: Env, task_id: str, force: bool, force_reason: str | None, as_json: bool) -> None:
    """Mark a task DONE; its prerequisites must be done first."""
    reason = forced(force, force_reason)
    _done("Done:", env.run(lambda orch: orch.complete_task(task_id, force=reason)), as_json)


@task.command("cancel")
@click.argument("task_id", type=TASK_ID)
@json_option
@pass_env
def task_cancel(env: Env, task_id: str, as_json: bool) -> None:
    """Cancel a task (it no longer blocks its dependents)."""
    _done("Cancelled", env.run(lambda orch: orch.transition(task_id, "task_cancelled")), as_json)


@task.command("reopen")
@click.argument("task_id", type=TASK_ID)
@json_option
@pass_env
def task_reopen(env: Env, task_id: str, as_json: bool) -> None:
    """Reopen a DONE or CANCELLED task (it is TODO again)."""
    _done("Reopened", env.run(lambda orch: orch.transition(task_id, "task_reopened")), as_json)


@task.group("dep")
def dep() -> None:
    """Add or remove a dependency between two tasks."""


@dep.command("add")
@click.argument("task_id", type=TASK_ID)
@click.argument("depends_on", type=TASK_ID)
@pass_env
def dep_add(env: Env, task_id: str, depends_on: str) -> None:
    """TASK_ID cannot start until DEPENDS_ON is done."""
    env.run(lambda orch: orch.add_dependency(task_id, depends_on))
    say(f"{normalise_id(task_id)} now depends on {normalise_id(depends_on)}", "green")


@dep.command("rm")
@click.argument("task_id", type=TASK_ID)
@click.argument("depends_on", type=TASK_ID)
@pass_env
def dep_rm(env: Env, task_id: str, depends_on: str) -> None:
    """Remove the dependency of TASK_ID on DEPENDS_ON."""
    removed = env.run(lambda orch: orch.remove_dependency(task_id, depends_on))
    a, b = normalise_id(task_id), normalise_id(depends_on)
    say(f"{a} no longer depends on {b}" if removed else f"{a} did not depend on {b}")
