"""Forecasts by Monte Carlo simulation over past daily throughput.

Method: take the daily counts of finished work items over the last `history_days`
complete days before the forecast starts (zero days included; fewer days when the
log is younger). One trial replays the future as a run of days, each drawing its
throughput at random, with replacement, from those past days, until the remaining
work items are done; the trial's answer is the day that happens. Many trials
(10,000 by default) give a distribution of finishing days, read at 50, 85 and 95%
by nearest rank. A seed makes it reproducible.

It assumes the near future looks like the recent past, that the whole team's
throughput goes to this scope, and that the scope does not grow. It says "not
enough data" rather than guess when the history is too short or too thin.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from attrs import evolve, frozen

from orchestron.core.analytics._base import (
    MIN_FINISHED,
    MIN_HISTORY_DAYS,
    DayCount,
    Result,
)
from orchestron.core.analytics._flow import throughput_daily
from orchestron.core.analytics._history import History
from orchestron.core.analytics._percentile import nearest_rank
from orchestron.core.domain.task import Task
from orchestron.core.domain.words import plural

__all__ = [
    "MAX_FORECAST_DAYS",
    "Forecast",
    "forecast",
    "remaining_work",
    "simulate",
    "throughput_history",
]

MAX_FORECAST_DAYS = 3650
"""Beyond about ten years at the recent pace, a forecast says so instead of simulating."""


@frozen
class Forecast(Result):
    """When the remaining work items of a scope will likely be done.

    `status`: "ok" (dates given), "nothing_left" (every work item is finished),
    "not_enough_data" or "too_far" (`reason` says why; no dates). `p50`/`p85`/`p95`
    are the days by which 50/85/95% of the trials finished. With a `deadline` (a
    sprint's end date), `chance_by_deadline` is the share of trials done on or before
    it and `at_risk` is true when the 85% date falls after it. `histogram` counts
    trials by the day they finished.
    """

    scope: str
    status: str
    remaining: int
    start: date
    trials: int
    seed: int
    history_days: int
    history_finished: int
    daily_mean: float | None = None
    p50: date | None = None
    p85: date | None = None
    p95: date | None = None
    deadline: date | None = None
    chance_by_deadline: float | None = None
    at_risk: bool | None = None
    tasks: tuple[str, ...] = ()
    histogram: tuple[DayCount, ...] = ()
    reason: str | None = None


def throughput_history(history: History, start: date, days: int = 30) -> tuple[DayCount, ...]:
    """Finished work items per complete day in the `days` days before `start`.

    The window never reaches before the first day of the log.
    """
    if history.first_at is None:
        return ()
    first = max(start - timedelta(days=days), history.first_at.date())
    return throughput_daily(history, first, start - timedelta(days=1))


def simulate(samples: Sequence[int], remaining: int, *, trials: int, seed: int) -> list[int]:
    """Days needed (1 = done on the first day) in each of `trials` trials, sorted.

    `samples` are past daily throughputs, drawn with replacement; their sum must be
    above 0 (else the work never finishes).
    """
    if remaining <= 0:
        return [0] * trials
    pool = list(samples)
    mean = sum(pool) / len(pool)
    if mean <= 0:
        raise ValueError("past throughput is all zero days")
    rng = random.Random(seed)
    chunk = max(16, int(remaining / mean * 1.25) + 8)
    out = []
    for _ in range(trials):
        done, days = 0, 0
        while True:
            running = list(itertools.accumulate(rng.choices(pool, k=chunk), initial=done))
            if running[-1] >= remaining:
                out.append(days + bisect.bisect_left(running, remaining))
                break
            done, days = running[-1], days + chunk
    out.sort()
    return out


def forecast(
    history: History,
    remaining: Sequence[str],
    *,
    now: datetime,
    scope: str,
    deadline: date | None = None,
    seed: int = 0,
    trials: int = 10_000,
    history_days: int = 30,
) -> Forecast:
    """Forecast the finishing day of the work items `remaining` (their ids).

    The simulation starts today (`now`'s UTC date counts as the first day); the
    history is the complete days before today.
    """
    start = now.date()
    past = throughput_history(history, start, history_days)
    finished = sum(d.count for d in past)
    base = Forecast(
        scope=scope,
        status="ok",
        remaining=len(remaining),
        start=start,
        trials=trials,
        seed=seed,
        history_days=len(past),
        history_finished=finished,
        daily_mean=round(finished / len(past), 3) if past else None,
        deadline=deadline,
        tasks=tuple(remaining),
    )
    if not remaining:
        return _replace(base, status="nothing_left", trials=0)
    if len(past) < MIN_HISTORY_DAYS:
        return _replace(
            base,
            status="not_enough_data",
            reason=f"{plural(len(past), 'complete day')} of history; need at least {MIN_HISTORY_DAYS}",
        )
    if finished < MIN_FINISHED:
        return _replace(
            base,
            status="not_enough_data",
            reason=f"{plural(finished, 'task')} finished in the last {plural(len(past), 'day')}; "
            f"need at least {MIN_FINISHED}",
        )
    expected = len(remaining) / (finished / len(past))
    if expected > MAX_FORECAST_DAYS:
        return _replace(
            base,
            status="too_far",
            reason=f"at {finished / len(past):.2f} tasks a day, {plural(len(remaining), 'task')} take "
            f"about {expected:.0f} days; too far out to forecast",
        )
    days = simulate([d.count for d in past], len(remaining), trials=trials, seed=seed)

    def day(n: int) -> date:
        return start + timedelta(days=n - 1)

    p85 = day(nearest_rank(days, 0.85))
    chance: float | None = None
    at_risk: bool | None = None
    if deadline is not None:
        on_time = bisect.bisect_right(days, (deadline - start).days + 1)
        chance = round(on_time / len(days), 4)
        at_risk = p85 > deadline
    return _replace(
        base,
        p50=day(nearest_rank(days, 0.5)),
        p85=p85,
        p95=day(nearest_rank(days, 0.95)),
        chance_by_deadline=chance,
        at_risk=at_risk,
        histogram=tuple(DayCount(day=day(n), count=c) for n, c in sorted(Counter(days).items())),
    )


def _replace(f: Forecast, **changes: object) -> Forecast:
    return evolve(f, **changes)  # type: ignore[arg-type]


def remaining_work(tasks: Sequence[Task], roots: Iterable[str]) -> list[str]:
    """The unfinished work items under `roots`: a root with children stands for its
    unfinished leaf descendants, a root without children for itself."""
    by_id = {t.id: t for t in tasks}
    children: dict[str, list[str]] = {}
    for t in tasks:
        if t.parent is not None:
            children.setdefault(t.parent, []).append(t.id)
    out: list[str] = []
    seen: set[str] = set()
    stack = list(reversed(list(roots)))
    while stack:
        ident = stack.pop()
        if ident in seen:
            continue
        seen.add(ident)
        kids = children.get(ident)
        if kids:
            stack.extend(reversed(kids))
            continue
        task = by_id.get(ident)
        if task is not None and not task.status.finished:
            out.append(ident)
    return out
