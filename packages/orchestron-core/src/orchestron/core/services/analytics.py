"""Analytics use cases: read the log and the tasks, hand them to the pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from orchestron.core.domain.ids import MAX_NUMBER, parse_count
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Task
from orchestron.core.errors import InvalidInputError, NotFoundError
from orchestron.core.ports import TaskFilter
from orchestron.core.services._base import Service, Work, normalise_id

if TYPE_CHECKING:
    from orchestron.core.analytics import (
        Burndown,
        DurationEstimate,
        Forecast,
        History,
        Stats,
        SuccessMetrics,
    )

# The analytics package costs a noticeable share of a CLI call's start-up, and
# most calls never use it: each method imports it when it runs.

__all__ = ["EVENT_PAGE", "AnalyticsService"]

EVENT_PAGE = 20_000
"""Events read per call to the event log."""

_TASK_PAGE = 5_000
MAX_TRIALS = 1_000_000


class AnalyticsService(Service):
    """Figures from the event log and the tasks."""

    async def stats(self, *, sprint: str | None = None, days: int = 30) -> Stats:
        """Throughput, cycle and lead time, blocked time, estimate accuracy, velocity.

        Over the last `days` days (today included), or over `sprint`'s days and tasks.
        """
        days = parse_count(days, "days", low=1, high=3650)
        from orchestron.core import analytics

        async with self._read() as work:
            history = await _history(work)
            sprints = await work.tx.sprints.list()
            chosen = await _sprint(work, sprint) if sprint else None
            return analytics.compute_stats(
                history, now=work.now, days=days, sprints=sprints, sprint=chosen
            )

    async def forecast(
        self,
        *,
        sprint: str | None = None,
        epic: str | None = None,
        task_ids: Sequence[str] | None = None,
        seed: int = 0,
        trials: int = 10_000,
    ) -> Forecast:
        """When a sprint, an epic (its unfinished descendants) or a set of tasks will be done.

        Name at most one of them; with none, the active sprint, or the open backlog
        (every unfinished task) when no sprint is active.
        """
        if task_ids is not None and not task_ids:
            raise InvalidInputError("task_ids", "name at least one task, or leave it out")
        named = [n for n, v in (("sprint", sprint), ("epic", epic), ("task_ids", task_ids)) if v]
        if len(named) > 1:
            words = {"sprint": "a sprint", "epic": "an epic", "task_ids": "tasks"}
            given = " and ".join(words[n] for n in named)
            raise InvalidInputError(
                named[1], f"name one of a sprint, an epic or tasks, not {given}"
            )
        trials = parse_count(trials, "trials", low=1, high=MAX_TRIALS)
        seed = parse_count(seed, "seed", low=-MAX_NUMBER)
        from orchestron.core import analytics

        async with self._read() as work:
            tasks = await _all_tasks(work)
            deadline = None
            if task_ids:
                roots = [(await work.task(t)).id for t in task_ids]
                scope = "tasks " + ", ".join(roots)
            elif epic:
                root = await work.task(epic)
                roots, scope = [root.id], f"epic {root.id}"
            else:
                chosen = await _sprint(work, sprint) if sprint else await work.tx.sprints.active()
                if chosen is None:
                    # No sprint running: the whole open backlog, top-level tasks down.
                    roots = [t.id for t in tasks if t.parent is None]
                    scope = "the open backlog"
                else:
                    roots = [t.id for t in tasks if t.sprint == chosen.id]
                    scope, deadline = f"sprint {chosen.id}", chosen.end_date
            history = await _history(work)
            return analytics.forecast(
                history,
                analytics.remaining_work(tasks, roots),
                now=work.now,
                scope=scope,
                deadline=deadline,
                seed=seed,
                trials=trials,
            )

    async def burndown(self, sprint_id: str) -> Burndown:
        """Per day of the sprint: the ideal line and the remaining tasks and points."""
        from orchestron.core import analytics

        async with self._read() as work:
            chosen = await _sprint(work, sprint_id)
            return analytics.burndown(await _history(work), chosen, work.now)

    async def success_metrics(self) -> SuccessMetrics:
        """The plan's five success metrics, each with numerator, denominator and target."""
        from orchestron.core import analytics

        async with self._read() as work:
            return analytics.success_metrics(await _history(work, analytics.KINDS))

    async def estimate_duration(self, task_id: str) -> DurationEstimate:
        """A task's likely cycle time from similar finished tasks, as a p15-p85 range."""
        from orchestron.core import analytics

        async with self._read() as work:
            task = await work.task(task_id)
            return analytics.estimate_duration(await _history(work), task, work.now)


async def _history(work: Work, kinds: Sequence[str] | None = None) -> History:
    """Fold the log page by page, reading only `kinds` (by default those about tasks)."""
    from orchestron.core import analytics

    builder = analytics.HistoryBuilder()
    if kinds is None:
        kinds = analytics.TASK_KINDS
    after = 0
    while True:
        page = await work.tx.events.list(after=after, kinds=kinds, limit=EVENT_PAGE)
        builder.add_all(page)
        if len(page) < EVENT_PAGE:
            return builder.history
        last = page[-1].seq
        if last is None or last <= after:
            return builder.history
        after = last


async def _all_tasks(work: Work) -> list[Task]:
    out: list[Task] = []
    after: str | None = None
    while True:
        page = await work.tx.tasks.list(TaskFilter(), after=after, limit=_TASK_PAGE)
        out.extend(page)
        if len(page) < _TASK_PAGE:
            return out
        after = page[-1].id


async def _sprint(work: Work, sprint_id: str) -> Sprint:
    found = await work.tx.sprints.get(normalise_id(sprint_id))
    if found is None:
        raise NotFoundError("sprint", sprint_id)
    return found
