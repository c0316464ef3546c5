"""The flow numbers of a window, or of one sprint, in one result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from attrs import frozen

from orchestron.core.analytics._accuracy import EstimateAccuracy, estimate_accuracy
from orchestron.core.analytics._base import DayCount, Result, WeekCount, day_end, day_start
from orchestron.core.analytics._flow import (
    BlockedTime,
    SprintVelocity,
    blocked_time,
    cycle_times,
    lead_times,
    throughput_daily,
    throughput_weekly,
    velocity,
)
from orchestron.core.analytics._history import History
from orchestron.core.analytics._percentile import Summary, summarise
from orchestron.core.domain.sprint import Sprint

__all__ = ["Stats", "compute_stats"]

_WIP = frozenset({"IN_PROGRESS", "IN_REVIEW"})


@frozen
class Stats(Result):
    """Flow metrics over the UTC days `start` to `end`.

    `finished` and the throughput count work items that became DONE in the window;
    cycle and lead times (hours) are those of the same tasks; `blocked` is BLOCKED
    time overlapping the window; `wip` and `blocked_now` are the state now.
    With `sprint`, the window is the sprint's days and only its tasks count.
    """

    start: date
    end: date
    days: int
    sprint: str | None
    finished: int
    throughput_mean: float
    throughput_daily: tuple[DayCount, ...]
    throughput_weekly: tuple[WeekCount, ...]
    cycle_time: Summary
    lead_time: Summary
    blocked: BlockedTime
    estimate_accuracy: EstimateAccuracy
    velocity: tuple[SprintVelocity, ...]
    wip: int
    blocked_now: int


def _sprint_window(sprint: Sprint, now: datetime) -> tuple[date, date]:
    last = sprint.closed_at.date() if sprint.closed_at else now.date()
    first = sprint.start_date or (
        sprint.started_at.date() if sprint.started_at else sprint.created_at.date()
    )
    return min(first, last), last


def compute_stats(
    history: History,
    *,
    now: datetime,
    days: int = 30,
    sprints: Sequence[Sprint] = (),
    sprint: Sprint | None = None,
) -> Stats:
    """Stats of the last `days` days up to today (included), or of `sprint`."""
    scope: set[str] | None = None
    if sprint is not None:
        first, last = _sprint_window(sprint, now)
        scope = {
            t.id
            for t in history.tasks.values()
            if t.done_sprint == sprint.id or any(s == sprint.id for _, s in t.sprint_changes)
        }
        sprints = [sprint]
    else:
        last = now.date()
        first = last - timedelta(days=days - 1)
    start, end = day_start(first), min(day_end(last), now)
    daily = throughput_daily(history, first, last, scope)
    finished = sum(d.count for d in daily)
    items = [t for t in history.work_items() if scope is None or t.id in scope]
    return Stats(
        start=first,
        end=last,
        days=len(daily),
        sprint=sprint.id if sprint else None,
        finished=finished,
        throughput_mean=round(finished / len(daily), 3) if daily else 0.0,
        throughput_daily=daily,
        throughput_weekly=throughput_weekly(daily),
        cycle_time=summarise(cycle_times(history, start, end, scope)),
        lead_time=summarise(lead_times(history, start, end, scope)),
        blocked=blocked_time(history, start, end, scope),
        estimate_accuracy=estimate_accuracy(history, start, end, scope),
        velocity=velocity(history, sprints),
        wip=sum(1 for t in items if t.status in _WIP),
        blocked_now=sum(1 for t in items if t.status == "BLOCKED"),
    )
