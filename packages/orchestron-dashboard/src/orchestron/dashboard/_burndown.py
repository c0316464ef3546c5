"""A sprint's burndown: remaining work per day, drawn as SVG.

The numbers come from the analytics use case `burndown(sprint_id)`, which
replays the event log (so scope changes count on the day they happened). When
it has no days to give (no start date yet), a simple series is computed here
from the sprint's tasks: a task stops counting on the day it was done, and a
cancelled task never counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from orchestron.core import Orchestron, Sprint, Task, TaskStatus
from orchestron.core.analytics import Burndown as AnalyticsBurndown
from orchestron.dashboard._svg import BurnPoint, burndown_svg

__all__ = ["Burndown", "burndown", "simple_series"]


@frozen
class Burndown:
    actual: Sequence[BurnPoint]
    ideal: Sequence[BurnPoint]
    unit: str
    source: str
    svg: str

    @property
    def remaining(self) -> float:
        return self.actual[-1][1] if self.actual else 0.0

    @property
    def remaining_label(self) -> str:
        v = self.remaining
        return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


async def burndown(
    orch: Orchestron,
    sprint: Sprint,
    tasks: Sequence[Task],
    *,
    computed: AnalyticsBurndown | None = None,
) -> Burndown:
    """The analytics' burndown (`computed`, or asked for now); the simple series when
    the analytics has no days to give."""
    series = _from_analytics(computed or await orch.burndown(sprint.id))
    source = "from the event log"
    if series is None:
        series = simple_series(sprint, tasks, today=orch.clock.now().date())
        source = "from task completion dates"
    actual, ideal, unit = series
    return Burndown(actual, ideal, unit, source, burndown_svg(actual, ideal, unit=unit))


def simple_series(
    sprint: Sprint, tasks: Sequence[Task], *, today: date
) -> tuple[list[BurnPoint], list[BurnPoint], str]:
    counted = [t for t in tasks if t.status is not TaskStatus.CANCELLED]
    unit = "points" if any(t.estimate for t in counted) else "tasks"

    def weight(t: Task) -> float:
        return (t.estimate or 0.0) if unit == "points" else 1.0

    start = sprint.start_date or (sprint.started_at.date() if sprint.started_at else None)
    if start is None or not counted:
        return [], [], unit
    end = sprint.end_date
    last = min(today, end) if end else today
    total = sum(weight(t) for t in counted)
    actual: list[BurnPoint] = []
    day = start
    while day <= last:
        left = sum(
            weight(t)
            for t in counted
            if not (t.status is TaskStatus.DONE and t.done_at and t.done_at.date() <= day)
        )
        actual.append((day, left))
        day = date.fromordinal(day.toordinal() + 1)
    ideal: list[BurnPoint] = [(start, total), (end, 0.0)] if end and end > start else []
    return actual, ideal, unit


def _from_analytics(
    result: AnalyticsBurndown,
) -> tuple[list[BurnPoint], list[BurnPoint], str] | None:
    """Per day, `ideal_*` and `remaining_*` (None after today), in points when the
    sprint had estimates, else in tasks."""
    if not result.days:
        return None
    points = result.committed_points > 0
    actual: list[BurnPoint] = []
    ideal: list[BurnPoint] = []
    for day in result.days:
        ideal.append((day.day, day.ideal_points if points else day.ideal_tasks))
        remaining = day.remaining_points if points else day.remaining_tasks
        if remaining is not None:
            actual.append((day.day, float(remaining)))
    return actual, ideal, "points" if points else "tasks"
