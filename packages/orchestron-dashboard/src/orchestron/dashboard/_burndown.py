"""A sprint's burndown: remaining work falling from the sprint's total, drawn as SVG.

The numbers come from the analytics use case `burndown(sprint_id)`, which
replays the event log (so scope changes count on the day they happened). Each
of its days is the state at the end of that day; the chart puts it on the
boundary where that day ends, and starts both lines at the sprint's total on
the boundary where the sprint begins, so the line can only be read one way:
down from everything the sprint holds, towards 0 on its last evening.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from attrs import frozen

from orchestron.core import Orchestron, Sprint, Task
from orchestron.core.analytics import Burndown as AnalyticsBurndown
from orchestron.dashboard._svg import BurnPoint, burndown_svg

__all__ = ["Burndown", "burndown"]

_DAY = timedelta(days=1)


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
    """The analytics' burndown (`computed`, or asked for now) as a chart's two lines."""
    result = computed or await orch.burndown(sprint.id)
    actual, ideal, unit = _series(result)
    return Burndown(
        actual, ideal, unit, "from the event log", burndown_svg(actual, ideal, unit=unit)
    )


def _series(result: AnalyticsBurndown) -> tuple[list[BurnPoint], list[BurnPoint], str]:
    """Points on day boundaries: (the day after, value) for each day's end, and the
    sprint's total where it begins; in points when the sprint had estimates, else tasks."""
    if not result.days:
        return [], [], "tasks"
    points = result.committed_points > 0
    total = float(result.committed_points if points else result.committed_tasks)
    begins = result.days[0].day
    ideal: list[BurnPoint] = [(begins, total)]
    actual: list[BurnPoint] = []
    for day in result.days:
        ideal.append((day.day + _DAY, day.ideal_points if points else day.ideal_tasks))
        remaining = day.remaining_points if points else day.remaining_tasks
        if remaining is not None:
            actual.append((day.day + _DAY, float(remaining)))
    if actual:
        actual.insert(0, (begins, total))
    return actual, ideal, "points" if points else "tasks"
