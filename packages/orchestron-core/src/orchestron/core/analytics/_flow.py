"""Flow metrics: throughput, cycle and lead time, time blocked, velocity per sprint.

Every function reads a `History` (see `_history`) and counts work items only:
tasks that are nobody's parent. A parent's work is its children's; counting both
would count the same work twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from attrs import frozen

from orchestron.core.analytics._base import (
    DayCount,
    Result,
    WeekCount,
    day_end,
    day_start,
    days_between,
)
from orchestron.core.analytics._history import History, TaskTimeline, value_at
from orchestron.core.analytics._percentile import percentile
from orchestron.core.domain.sprint import Sprint

__all__ = [
    "BlockedTime",
    "SprintVelocity",
    "blocked_time",
    "cycle_times",
    "done_between",
    "lead_times",
    "throughput_daily",
    "throughput_weekly",
    "velocity",
]


def _items(history: History, scope: Collection[str] | None) -> list[TaskTimeline]:
    items = history.work_items()
    if scope is None:
        return items
    return [t for t in items if t.id in scope]


def done_between(
    history: History, start: datetime, end: datetime, scope: Collection[str] | None = None
) -> list[TaskTimeline]:
    """Work items whose (last) move to DONE falls in [start, end)."""
    return [
        t
        for t in _items(history, scope)
        if t.done and t.done_at is not None and start <= t.done_at < end
    ]


def throughput_daily(
    history: History, first: date, last: date, scope: Collection[str] | None = None
) -> tuple[DayCount, ...]:
    """Work items finished (DONE) on each UTC day from `first` to `last`, zero days included."""
    counts = dict.fromkeys(days_between(first, last), 0)
    for t in done_between(history, day_start(first), day_end(last), scope):
        if t.done_at is not None:
            counts[t.done_at.date()] += 1
    return tuple(DayCount(day=d, count=n) for d, n in counts.items())


def throughput_weekly(daily: Sequence[DayCount]) -> tuple[WeekCount, ...]:
    """Sum daily counts into ISO weeks (`2026-W02`); edge weeks may cover fewer than 7 days."""
    weeks: dict[tuple[int, int], list[DayCount]] = {}
    for dc in daily:
        year, week, _ = dc.day.isocalendar()
        weeks.setdefault((year, week), []).append(dc)
    return tuple(
        WeekCount(
            week=f"{year}-W{week:02d}",
            start=date.fromisocalendar(year, week, 1),
            count=sum(d.count for d in days),
            days=len(days),
        )
        for (year, week), days in weeks.items()
    )


def cycle_times(
    history: History, start: datetime, end: datetime, scope: Collection[str] | None = None
) -> list[float]:
    """Hours from first IN_PROGRESS to DONE, for work items done in [start, end).

    A task completed straight from TODO never started, so it has no cycle time.
    """
    out = []
    for t in done_between(history, start, end, scope):
        c = t.cycle_hours
        if c is not None:
            out.append(c)
    return out


def lead_times(
    history: History, start: datetime, end: datetime, scope: Collection[str] | None = None
) -> list[float]:
    """Hours from creation to DONE, for work items done in [start, end)."""
    out = []
    for t in done_between(history, start, end, scope):
        lead = t.lead_hours
        if lead is not None:
            out.append(lead)
    return out


@frozen
class BlockedTime(Result):
    """Time tasks spent BLOCKED, waiting for a person, within a window (hours)."""

    total_hours: float
    blocks: int
    tasks: int
    ongoing: int
    median_hours: float | None = None
    p85_hours: float | None = None
    longest_hours: float | None = None
    longest_task: str | None = None


def blocked_time(
    history: History, start: datetime, end: datetime, scope: Collection[str] | None = None
) -> BlockedTime:
    """BLOCKED stretches that overlap [start, end), clipped to it; a block still open
    runs to `end` (pass `now` as `end` for the current state)."""
    spans: list[tuple[float, str]] = []
    tasks: set[str] = set()
    ongoing = 0
    for t in _items(history, scope):
        for b in t.blocks:
            b_end = b.end or end
            if b_end <= start or b.start >= end:
                continue
            lo, hi = max(b.start, start), min(b_end, end)
            spans.append(((hi - lo).total_seconds() / 3600.0, t.id))
            tasks.add(t.id)
            if b.end is None:
                ongoing += 1
    if not spans:
        return BlockedTime(total_hours=0.0, blocks=0, tasks=0, ongoing=0)
    values = [s for s, _ in spans]
    longest = max(spans)
    return BlockedTime(
        total_hours=round(sum(values), 3),
        blocks=len(spans),
        tasks=len(tasks),
        ongoing=ongoing,
        median_hours=round(percentile(values, 0.5), 3),
        p85_hours=round(percentile(values, 0.85), 3),
        longest_hours=round(longest[0], 3),
        longest_task=longest[1],
    )


@frozen
class SprintVelocity(Result):
    """What one sprint committed to at its start and what it finished, in tasks and points.

    Points are the tasks' estimates; `unestimated` counts done tasks with none.
    """

    sprint: str
    name: str
    status: str
    start_date: date | None
    end_date: date | None
    committed_tasks: int
    committed_points: float
    done_tasks: int
    done_points: float
    unestimated: int


def velocity(history: History, sprints: Sequence[Sprint]) -> tuple[SprintVelocity, ...]:
    """Per sprint: work items that became DONE while in it, and what it held at its start."""
    done: dict[str, list[TaskTimeline]] = {s.id: [] for s in sprints}
    committed: dict[str, list[TaskTimeline]] = {s.id: [] for s in sprints}
    started = {s.id: s.started_at for s in sprints if s.started_at is not None}
    for t in history.work_items():
        if t.done and t.done_sprint in done:
            done[t.done_sprint].append(t)
        for sprint_id in {s for _, s in t.sprint_changes if s in started}:
            if value_at(t.sprint_changes, started[sprint_id], None, inclusive=True) == sprint_id:
                committed[sprint_id].append(t)
    return tuple(
        SprintVelocity(
            sprint=s.id,
            name=s.name,
            status=s.status.value,
            start_date=s.start_date,
            end_date=s.end_date,
            committed_tasks=len(committed[s.id]),
            committed_points=_points(committed[s.id]),
            done_tasks=len(done[s.id]),
            done_points=_points(done[s.id]),
            unestimated=sum(1 for t in done[s.id] if t.estimate is None),
        )
        for s in sprints
    )


def _points(tasks: Sequence[TaskTimeline]) -> float:
    return round(sum(t.estimate or 0.0 for t in tasks), 3)
