"""`next` (the task to do next, and why) and `checkpoint add | done`."""

from __future__ import annotations

import click

from orchestron.cli._command import TASK_ID, Command, Count, Group
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    PRIORITY_STYLE,
    Column,
    fields,
    heading,
    json_option,
    plural,
    print_json,
    say,
    table,
)
from orchestron.cli._tasks import task_columns, task_row
from orchestron.core import Orchestron, ReadyTask, Task, to_jsonable

__all__ = ["checkpoint", "next_cmd"]


@click.command("next", cls=Command)
@click.option(
    "-n",
    "--limit",
    "--count",
    "count",
    type=Count(low=1),
    default=1,
    show_default=True,
    help="Show this many ready tasks.",
)
@json_option
@pass_env
def next_cmd(env: Env, count: int, as_json: bool) -> None:
    """Show the task to do next, and why (nothing is claimed).

    Work in progress that a session left (it ended or stopped answering) comes
    first: the next agent carries it on, before new work.
    """
    if count > 1:

        async def both(orch: Orchestron) -> tuple[list[Task], list[ReadyTask]]:
            return await orch.unfinished_tasks(limit=count), await orch.ready_tasks(limit=count)

        unfinished, ready = env.read(both)
        ready = ready[: max(0, count - len(unfinished))]
        if as_json:
            print_json(
                {
                    "unfinished": [to_jsonable(t) for t in unfinished],
                    "ready": [
                        {
                            "task": to_jsonable(r.task),
                            "downstream": r.downstream,
                            "in_active_sprint": r.in_active_sprint,
                        }
                        for r in ready
                    ],
                }
            )
            return
        if not ready and not unfinished:
            say("no task is ready")
            return
        cols = [
            *task_columns()[:4],
            Column("unblocks", justify="right"),
            Column("title", flex=True),
        ]
        rows = [[*task_row(t)[:4], "unfinished", t.title] for t in unfinished]
        rows += [[*task_row(r.task)[:4], str(r.downstream), r.task.title] for r in ready]
        table(cols, rows)
        return
    choice = env.read(lambda orch: orch.next_task())
    if as_json:
        print_json(
            {"task": None, "reason": "no task is ready", "downstream": 0}
            if choice is None
            else {
                "task": to_jsonable(choice.task),
                "kind": choice.kind,
                "reason": choice.reason,
                "downstream": choice.downstream,
                "next_steps": list((choice.context or {}).get("next_steps") or []),
            }
        )
        return
    if choice is None:
        say("no task is ready: every open task waits on a dependency, is claimed, or has started")
        return
    t = choice.task
    lead = {"unfinished": "unfinished work", "handoff": "handed on"}.get(choice.kind)
    heading(f"{t.id}  {t.title}" + (f"  ({lead})" if lead else ""))
    steps = [str(s) for s in (choice.context or {}).get("next_steps") or []]
    fields(
        [
            ("status", t.status.value if choice.kind != "next" else ""),
            ("priority", t.priority.value),
            ("type", t.type.value),
            ("sprint", t.sprint or ""),
            ("unblocks", plural(choice.downstream, "task") if choice.downstream else ""),
            ("why", choice.reason),
            ("next steps", "; ".join(steps[:5])),
        ],
        styles={"priority": PRIORITY_STYLE.get(t.priority.value, "")},
    )


@click.group(cls=Group)
def checkpoint() -> None:
    """Add a checkpoint to a task, or tick one off (progress follows)."""


@checkpoint.command("add")
@click.argument("task_id", type=TASK_ID)
@click.argument("title")
@json_option
@pass_env
def checkpoint_add(env: Env, task_id: str, title: str, as_json: bool) -> None:
    """Add a step at the end of TASK_ID's checkpoints."""
    t = env.run(lambda orch: orch.change_task(task_id, checkpoints_add=[title])).task
    if as_json:
        print_json(to_jsonable(t))
        return
    say(f"{t.id}: checkpoint {len(t.checkpoints)} added ({t.progress}% done)", "green")


@checkpoint.command("done")
@click.argument("task_id", type=TASK_ID)
@click.argument("step", metavar="NUMBER|TITLE")
@click.option("--undo", is_flag=True, help="Mark it not done again.")
@json_option
@pass_env
def checkpoint_done(env: Env, task_id: str, step: str, undo: bool, as_json: bool) -> None:
    """Tick off checkpoint NUMBER (1-based) or TITLE of TASK_ID."""
    t = env.run(lambda orch: orch.complete_checkpoint(task_id, step, done=not undo))
    if as_json:
        print_json(to_jsonable(t))
        return
    done = sum(1 for c in t.checkpoints if c.done)
    say(f"{t.id}: {done}/{len(t.checkpoints)} checkpoints done ({t.progress}%)", "green")
