"""`stats` and `forecast`: flow metrics and Monte Carlo forecasts from the event log."""

from __future__ import annotations

from typing import Any

import click

from orchestron.cli._command import SPRINT_ID, TASK_ID, Command, Count
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    Column,
    fields,
    heading,
    json_option,
    plural,
    print_json,
    say,
    table,
)
from orchestron.core.domain.ids import MAX_NUMBER

__all__ = ["forecast", "stats"]


def hours(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 48:
        return f"{value / 24:.1f} d"
    return f"{value:.1f} h"


def _summary(s: Any) -> str:
    if not s.count:
        return "no finished tasks yet"
    return f"median {hours(s.median)}, 85% within {hours(s.p85)} ({plural(s.count, 'task')})"


@click.command(cls=Command)
@click.option("-s", "--sprint", type=SPRINT_ID, help="Over this sprint's days and tasks.")
@click.option("--days", type=Count(), default=30, show_default=True, help="Over the last N days.")
@json_option
@pass_env
def stats(env: Env, sprint: str | None, days: int, as_json: bool) -> None:
    """Throughput, cycle and lead time, blocked time, estimate accuracy and velocity."""
    result = env.read(lambda orch: orch.stats(sprint=sprint, days=days))
    if as_json:
        print_json(result.to_dict())
        return
    scope = f"sprint {result.sprint}" if result.sprint else f"the last {plural(result.days, 'day')}"
    heading(f"flow over {scope} ({result.start} to {result.end})")
    acc = result.estimate_accuracy
    blocked = result.blocked
    fields(
        [
            ("finished", f"{result.finished} ({result.throughput_mean:.2f} a day)"),
            ("in progress", str(result.wip)),
            ("blocked now", str(result.blocked_now)),
            ("cycle time", _summary(result.cycle_time)),
            ("lead time", _summary(result.lead_time)),
            (
                "blocked",
                f"{hours(blocked.total_hours)} in {plural(blocked.blocks, 'block')} "
                f"on {plural(blocked.tasks, 'task')}"
                if blocked.blocks
                else "never",
            ),
            (
                "estimates",
                f"{hours(acc.hours_per_point)} per point ({plural(acc.tasks, 'task')})"
                if acc.reason is None
                else str(acc.reason),
            ),
        ]
    )
    if result.throughput_weekly:
        say("")
        table(
            [Column("week"), Column("from"), Column("finished", justify="right")],
            ([w.week, str(w.start), str(w.count)] for w in result.throughput_weekly),
            title="throughput by week",
        )
    if result.velocity:
        say("")
        table(
            [
                Column("sprint"),
                Column("status"),
                Column("committed", justify="right"),
                Column("done", justify="right"),
                Column("points done", justify="right"),
                Column("name"),
            ],
            (
                [
                    v.sprint,
                    v.status,
                    str(v.committed_tasks),
                    str(v.done_tasks),
                    f"{v.done_points:g}/{v.committed_points:g}",
                    v.name,
                ]
                for v in result.velocity
            ),
            title="velocity",
        )


@click.command(cls=Command)
@click.option(
    "-s",
    "--sprint",
    type=SPRINT_ID,
    help="This sprint (default: the active one, else the open backlog).",
)
@click.option("--epic", type=TASK_ID, help="This epic's unfinished descendants.")
@click.option("--task", "task_ids", multiple=True, type=TASK_ID, help="These tasks (repeat).")
@click.option(
    "--seed",
    type=Count(low=-MAX_NUMBER),
    default=0,
    show_default=True,
    help="Random seed (same seed, same answer).",
)
@click.option(
    "--trials", type=Count(), default=10_000, show_default=True, help="Monte Carlo trials."
)
@json_option
@pass_env
def forecast(
    env: Env,
    sprint: str | None,
    epic: str | None,
    task_ids: tuple[str, ...],
    seed: int,
    trials: int,
    as_json: bool,
) -> None:
    """When a sprint, an epic or some tasks will likely be done, as a range of dates.

    With none named: the active sprint, or the whole open backlog when no
    sprint is active.
    """
    result = env.read(
        lambda orch: orch.forecast(
            sprint=sprint, epic=epic, task_ids=list(task_ids) or None, seed=seed, trials=trials
        )
    )
    if as_json:
        print_json(result.to_dict())
        return
    heading(f"forecast for {result.scope}: {plural(result.remaining, 'work item')} left")
    if result.status != "ok":
        say(str(result.reason or "nothing left to do"))
        return
    pairs = [
        ("50% by", str(result.p50)),
        ("85% by", str(result.p85)),
        ("95% by", str(result.p95)),
    ]
    if result.deadline is not None and result.chance_by_deadline is not None:
        risk = "  AT RISK" if result.at_risk else ""
        pairs.append(
            ("deadline", f"{result.deadline}: {result.chance_by_deadline:.0%} chance{risk}")
        )
    pairs.append(
        (
            "based on",
            (
                f"{result.history_finished} finished in {plural(result.history_days, 'day')} "
                f"({result.daily_mean or 0:.2f} a day), {plural(result.trials, 'trial')}"
            ),
        )
    )
    fields(pairs, styles={"deadline": "red" if result.at_risk else "green"})
