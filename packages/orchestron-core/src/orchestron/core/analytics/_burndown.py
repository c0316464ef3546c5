"""Burndown of one sprint: per day, the ideal line and what actually remained."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from attrs import frozen

from orchestron.core.analytics._base import Result, day_end, day_start, days_between
from orchestron.core.analytics._history import DONE, History, TaskTimeline, value_at
from orchestron.core.domain.sprint import Sprint

__all__ = ["Burndown", "BurndownDay", "burndown"]

_GONE = frozenset({DONE, "CANCELLED"})


@frozen
class BurndownDay(Result):
    """The state at the end of one day (UTC midnight).

    `ideal_*` falls in a straight line from what the sprint held when it started to 0
    at the end of its last day. `remaining_*` counts work items in the sprint not yet
    DONE or CANCELLED; `scope_*` counts every work item in the sprint (scope grows when
    tasks are added). Today's values are as of now; days after today (or after the
    sprint closed) have no actual values (None).
    """

    day: date
    ideal_tasks: float
    ideal_points: float
    remaining_tasks: int | None = None
    remaining_points: float | None = None
    scope_tasks: int | None = None
    scope_points: float | None = None


@frozen
class Burndown(Result):
    sprint: str
    name: str
    start: date | None
    end: date | None
    committed_tasks: int = 0
    committed_points: float = 0.0
    days: tuple[BurndownDay, ...] = ()
    reason: str | None = None


def _state(t: TaskTimeline, sprint_id: str, at: datetime) -> tuple[bool, bool, float]:
    """(in the sprint, still open, points) just before `at`."""
    inside = value_at(t.sprint_changes, at, None) == sprint_id
    status = value_at(t.status_changes, at, "TODO")
    points = value_at(t.estimate_changes, at, None) or 0.0
    return inside, status not in _GONE, points


def burndown(history: History, sprint: Sprint, now: datetime) -> Burndown:
    """Day by day from the sprint's start date to its end date.

    Start: `start_date`, else the day it started. End: `end_date`, else the day it
    closed, else today. Days after today, or after the day it closed, carry only the
    ideal line.
    """
    start = sprint.start_date or (sprint.started_at.date() if sprint.started_at else None)
    end = sprint.end_date or (sprint.closed_at.date() if sprint.closed_at else now.date())
    if start is None:
        return Burndown(
            sprint=sprint.id,
            name=sprint.name,
            start=None,
            end=sprint.end_date,
            reason=f"{sprint.id} has no start date and has not started",
        )
    end = max(end, start)
    members = [t for t in history.work_items() if any(s == sprint.id for _, s in t.sprint_changes)]
    # Committed: what the sprint held when it started (just after, so tasks added in
    # the same instant count), else at the start of its first day.
    begin = sprint.started_at or day_start(start)
    at_start = [_state(t, sprint.id, _just_after(begin)) for t in members]
    committed = [points for inside, _, points in at_start if inside]
    c_tasks = len(committed)
    c_points = round(sum(committed), 3)
    days = days_between(start, end)
    last_actual = min(now.date(), sprint.closed_at.date() if sprint.closed_at else end)
    out = []
    for i, d in enumerate(days):
        share = (len(days) - 1 - i) / len(days)
        ideal_t, ideal_p = round(c_tasks * share, 3), round(c_points * share, 3)
        if d > last_actual:
            out.append(BurndownDay(day=d, ideal_tasks=ideal_t, ideal_points=ideal_p))
            continue
        at = min(day_end(d), _just_after(now), _just_after(sprint.closed_at or day_end(d)))
        states = [s for s in (_state(t, sprint.id, at) for t in members) if s[0]]
        out.append(
            BurndownDay(
                day=d,
                ideal_tasks=ideal_t,
                ideal_points=ideal_p,
                remaining_tasks=sum(1 for _, o, _ in states if o),
                remaining_points=round(sum(p for _, o, p in states if o), 3),
                scope_tasks=len(states),
                scope_points=round(sum(p for _, _, p in states), 3),
            )
        )
    return Burndown(
        sprint=sprint.id,
        name=sprint.name,
        start=start,
        end=end,
        committed_tasks=c_tasks,
        committed_points=c_points,
        days=tuple(out),
    )


def _just_after(at: datetime) -> datetime:
    return at + timedelta(microseconds=1)
