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

    `ideal_*` falls in a straight line from the commitment (what the sprint held at the
    end of the day it started) to 0 at the end of its last day. `remaining_*` counts
    work items in the sprint not yet DONE or CANCELLED; `scope_*` counts every work item
    in the sprint (scope grows when tasks are added). Days before the sprint started
    (a start date in the past) hold the commitment as it stood when it started, so the
    line falls from the sprint's total rather than climbing from 0 while it was
    filled. Today's values are as of now; days after today (or after the sprint
    closed) have no actual values (None).
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
    # Committed: what the sprint held at the end of the day it started (else of its
    # first day), so tasks put in just after starting it count, as do those already in.
    begin = sprint.started_at or day_start(start)
    commit_at = min(day_end(begin.date()), _just_after(now), _just_after(sprint.closed_at or now))
    commitment = [t for t in members if _state(t, sprint.id, commit_at)[0]]
    committed = [_state(t, sprint.id, commit_at)[2] for t in commitment]
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
        if at < begin:
            states = [_before_start(t, sprint.id, begin, commit_at) for t in commitment]
        else:
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


def _before_start(
    t: TaskTimeline, sprint_id: str, begin: datetime, commit_at: datetime
) -> tuple[bool, bool, float]:
    """A committed task on a day before the sprint started: open as it was at the start,
    with the estimate it was committed with."""
    _, still_open, _ = _state(t, sprint_id, _just_after(begin))
    return True, still_open, _state(t, sprint_id, commit_at)[2]


def _just_after(at: datetime) -> datetime:
    return at + timedelta(microseconds=1)
