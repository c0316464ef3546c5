"""A sprint's burndown: remaining work per day, drawn as SVG.

The numbers come from the analytics use case `burndown(sprint_id)` when the
core offers it; until then (or if it fails) a simple series is computed here
from the sprint's tasks: a task stops counting on the day it was done, and a
cancelled task never counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from attrs import frozen

from orchestron.core import Orchestron, OrchestronError, Sprint, Task, TaskStatus
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


async def burndown(orch: Orchestron, sprint: Sprint, tasks: Sequence[Task]) -> Burndown:
    fn = getattr(orch, "burndown", None)
    if fn is not None:
        try:
            series = _from_analytics(await fn(sprint.id))
        except (OrchestronError, TypeError, ValueError, AttributeError, KeyError):
            # analytics is optional here: fall back to the simple series
            series = None
        if series is not None:
            actual, ideal, unit = series
            return Burndown(
                actual, ideal, unit, "from analytics", burndown_svg(actual, ideal, unit=unit)
            )
    actual, ideal, unit = simple_series(sprint, tasks, today=orch.clock.now().date())
    return Burndown(
        actual, ideal, unit, "from task completion dates", burndown_svg(actual, ideal, unit=unit)
    )


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


def _from_analytics(result: Any) -> tuple[list[BurnPoint], list[BurnPoint], str] | None:
    """Accept the analytics result as an object or a mapping with `points`/`ideal`."""
    get = result.get if isinstance(result, dict) else lambda k, d=None: getattr(result, k, d)
    points = get("points") or get("actual") or get("series")
    if not points:
        return None
    actual = [p for p in (_point(x) for x in points) if p is not None]
    ideal = [p for p in (_point(x, ideal=True) for x in (get("ideal") or [])) if p is not None]
    if not ideal:
        ideal = [p for p in (_point(x, ideal=True) for x in points) if p is not None]
    unit = str(get("unit") or "points")
    return (actual, ideal, unit) if actual else None


def _point(item: Any, *, ideal: bool = False) -> BurnPoint | None:
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    if isinstance(item, list | tuple) and len(item) >= 2:
        day, value = item[0], item[1]
    else:
        day = get("day") or get("date")
        value = get("ideal") if ideal else get("remaining")
    if day is None or value is None:
        return None
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    elif isinstance(day, datetime):
        day = day.date()
    return (day, float(value))
