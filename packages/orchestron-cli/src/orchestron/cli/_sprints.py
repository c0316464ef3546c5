"""`sprint create | start | close | list | show | add | remove`."""

from __future__ import annotations

from datetime import date

import click

from orchestron.cli._command import SPRINT_ID, TASK_ID, Group
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    STATUS_STYLE,
    Column,
    fields,
    heading,
    json_option,
    print_json,
    say,
    table,
)
from orchestron.cli._tasks import task_columns, task_row
from orchestron.core import Orchestron, Sprint, Task, to_jsonable

__all__ = ["sprint"]


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-12-01") from None


def _done(message: str, sp: Sprint, as_json: bool) -> None:
    if as_json:
        print_json(to_jsonable(sp))
    else:
        say(f"{message} {sp.id} [{sp.status.value}]: {sp.name}", "green")


@click.group(cls=Group)
def sprint() -> None:
    """Create, start, close, list and show sprints."""


@sprint.command("create")
@click.argument("name")
@click.option("-g", "--goal", default="", help="What the sprint is for.")
@click.option("--start", "start_date", callback=_date, help="Start date (YYYY-MM-DD).")
@click.option("--end", "end_date", callback=_date, help="End date (YYYY-MM-DD).")
@click.option("--task", "tasks", multiple=True, type=TASK_ID, help="Task id to put in it (repeat).")
@json_option
@pass_env
def sprint_create(
    env: Env,
    name: str,
    goal: str,
    start_date: date | None,
    end_date: date | None,
    tasks: tuple[str, ...],
    as_json: bool,
) -> None:
    """Plan a sprint."""

    async def act(orch: Orchestron) -> Sprint:
        sp = await orch.create_sprint(name, goal=goal, start_date=start_date, end_date=end_date)
        if tasks:
            await orch.add_to_sprint(sp.id, list(tasks))
        return sp

    _done("Created", env.run(act), as_json)


@sprint.command("start")
@click.argument("sprint_id", type=SPRINT_ID)
@json_option
@pass_env
def sprint_start(env: Env, sprint_id: str, as_json: bool) -> None:
    """Start a planned sprint (only one is active at a time)."""
    _done("Started", env.run(lambda orch: orch.start_sprint(sprint_id)), as_json)


@sprint.command("close")
@click.argument("sprint_id", type=SPRINT_ID)
@json_option
@pass_env
def sprint_close(env: Env, sprint_id: str, as_json: bool) -> None:
    """Close a sprint; its unfinished tasks go back to the backlog."""
    _done("Closed", env.run(lambda orch: orch.close_sprint(sprint_id)), as_json)


@sprint.command("add")
@click.argument("sprint_id", type=SPRINT_ID)
@click.argument("task_ids", nargs=-1, required=True, type=TASK_ID)
@pass_env
def sprint_add(env: Env, sprint_id: str, task_ids: tuple[str, ...]) -> None:
    """Put tasks into a sprint."""
    moved = env.run(lambda orch: orch.add_to_sprint(sprint_id, list(task_ids)))
    say(f"{', '.join(t.id for t in moved)} in {moved[0].sprint}", "green")


@sprint.command("remove")
@click.argument("sprint_id", type=SPRINT_ID)
@click.argument("task_ids", nargs=-1, required=True, type=TASK_ID)
@pass_env
def sprint_remove(env: Env, sprint_id: str, task_ids: tuple[str, ...]) -> None:
    """Take tasks out of a sprint."""
    moved = env.run(lambda orch: orch.remove_from_sprint(sprint_id, list(task_ids)))
    say(f"{', '.join(t.id for t in moved)} back in the backlog", "green")


@sprint.command("list")
@json_option
@pass_env
def sprint_list(env: Env, as_json: bool) -> None:
    """List sprints."""
    sprints = env.read(lambda orch: orch.list_sprints())
    if as_json:
        print_json({"sprints": [to_jsonable(s) for s in sprints]})
        return
    if not sprints:
        say("no sprints yet: orchestron sprint create NAME")
        return
    table(
        [
            Column("id"),
            Column("status", style=STATUS_STYLE),
            Column("start"),
            Column("end"),
            Column("name"),
            Column("goal", flex=True),
        ],
        (
            [
                s.id,
                s.status.value,
                s.start_date.isoformat() if s.start_date else "",
                s.end_date.isoformat() if s.end_date else "",
                s.name,
                s.goal,
            ]
            for s in sprints
        ),
    )


@sprint.command("show")
@click.argument("sprint_id", required=False, type=SPRINT_ID)
@json_option
@pass_env
def sprint_show(env: Env, sprint_id: str | None, as_json: bool) -> None:
    """Show a sprint (the active one by default) and its tasks."""

    async def act(orch: Orchestron) -> tuple[Sprint, list[Task]]:
        wanted = sprint_id
        if wanted is None:
            active = await orch.active_sprint()
            if active is None:
                raise click.UsageError("no sprint is active; name one: orchestron sprint show ID")
            wanted = active.id
        return await orch.get_sprint(wanted)

    sp, tasks = env.read(act)
    if as_json:
        print_json({"sprint": to_jsonable(sp), "tasks": [to_jsonable(t) for t in tasks]})
        return
    done = sum(1 for t in tasks if t.status.finished)
    heading(f"{sp.id}  {sp.name}")
    fields(
        [
            ("status", sp.status.value),
            ("goal", sp.goal),
            ("start", sp.start_date.isoformat() if sp.start_date else ""),
            ("end", sp.end_date.isoformat() if sp.end_date else ""),
            ("tasks", f"{done}/{len(tasks)} finished"),
        ],
        styles={"status": STATUS_STYLE.get(sp.status.value, "")},
    )
    if tasks:
        say("")
        table(task_columns(), (task_row(t) for t in tasks))
