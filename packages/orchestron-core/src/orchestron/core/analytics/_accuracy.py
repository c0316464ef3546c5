"""How estimates compare with what tasks took, and how long a task will likely take.

Estimates are points, not hours, so accuracy is judged against the project's own
exchange rate: the median of hours-per-point (cycle hours / estimate) over the
finished, estimated work items. A task's ratio is its own hours-per-point over
that median: 1.0 means "took as long as its estimate suggested", 2.0 "twice as long"
(under-estimated), 0.5 "half as long" (over-estimated).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime

from attrs import frozen

from orchestron.core.analytics._base import MIN_SAMPLES, Result, hours
from orchestron.core.analytics._flow import done_between
from orchestron.core.analytics._history import History, TaskTimeline
from orchestron.core.analytics._percentile import percentile
from orchestron.core.domain.task import Task
from orchestron.core.domain.words import plural

__all__ = [
    "AccuracyGroup",
    "DurationEstimate",
    "EstimateAccuracy",
    "estimate_accuracy",
    "estimate_duration",
]


@frozen
class AccuracyGroup(Result):
    """Estimate accuracy of one type or one label.

    `within_2x` is the share of its tasks whose ratio lies from 0.5 to 2.
    """

    key: str
    tasks: int
    median_hours_per_point: float
    median_ratio: float | None
    within_2x: float | None


@frozen
class EstimateAccuracy(Result):
    tasks: int
    hours_per_point: float | None
    by_type: tuple[AccuracyGroup, ...] = ()
    by_label: tuple[AccuracyGroup, ...] = ()
    reason: str | None = None


def estimate_accuracy(
    history: History, start: datetime, end: datetime, scope: Collection[str] | None = None
) -> EstimateAccuracy:
    """Accuracy over work items done in [start, end) with an estimate above 0 and a cycle time."""
    samples: list[tuple[TaskTimeline, float]] = []
    for t in done_between(history, start, end, scope):
        cycle = t.cycle_hours
        if cycle is not None and t.estimate:
            samples.append((t, cycle / t.estimate))
    if len(samples) < MIN_SAMPLES:
        return EstimateAccuracy(
            tasks=len(samples),
            hours_per_point=None,
            reason=f"{plural(len(samples), 'finished task')} "
            f"{'has' if len(samples) == 1 else 'have'} both an estimate and a cycle time; "
            f"need at least {MIN_SAMPLES}",
        )
    rate = percentile([hpp for _, hpp in samples], 0.5)

    def group(key_of: Callable[[TaskTimeline], Iterable[str]]) -> tuple[AccuracyGroup, ...]:
        groups: dict[str, list[float]] = {}
        for t, hpp in samples:
            for key in key_of(t):
                groups.setdefault(key, []).append(hpp)
        return tuple(_group(k, v, rate) for k, v in sorted(groups.items()))

    return EstimateAccuracy(
        tasks=len(samples),
        hours_per_point=round(rate, 3),
        by_type=group(lambda t: (t.type,)),
        by_label=group(lambda t: t.labels),
    )


def _group(key: str, values: list[float], rate: float) -> AccuracyGroup:
    if rate <= 0:
        ratio, within = None, None
    else:
        ratios = [v / rate for v in values]
        ratio = round(percentile(ratios, 0.5), 3)
        within = round(sum(1 for r in ratios if 0.5 <= r <= 2.0) / len(ratios), 3)
    return AccuracyGroup(
        key=key,
        tasks=len(values),
        median_hours_per_point=round(percentile(values, 0.5), 3),
        median_ratio=ratio,
        within_2x=within,
    )


@frozen
class DurationEstimate(Result):
    """A task's likely cycle time (hours) from similar finished tasks, as a range.

    `low` and `high` are the 15th and 85th percentiles of the similar tasks' cycle
    times; `basis` says which likeness was used; `similar` names up to ten of them.
    `elapsed_hours` is how long the task has been in progress, when it has started.
    """

    task: str
    samples: int
    basis: str
    median_hours: float | None = None
    low_hours: float | None = None
    high_hours: float | None = None
    elapsed_hours: float | None = None
    similar: tuple[str, ...] = ()
    reason: str | None = None


def _similar_estimate(a: float, b: float | None) -> bool:
    if b is None:
        return False
    if a == 0 or b == 0:
        return a == b
    return 0.5 <= b / a <= 2.0


def estimate_duration(history: History, task: Task, now: datetime) -> DurationEstimate:
    """Cycle times of finished work items like `task`, loosening the likeness step by step.

    Always the same type; then, in order, tried until at least MIN_SAMPLES match:
    shared label and estimate within a factor of 2, shared label, estimate within a
    factor of 2, type alone. Labels (estimate) are only asked for when the task has some.
    """
    kind = task.type.value
    labels = set(task.labels)
    est = task.estimate
    pool = [
        t
        for t in history.work_items()
        if t.id != task.id and t.type == kind and t.cycle_hours is not None
    ]
    tiers: list[tuple[str, Callable[[TaskTimeline], bool]]] = []
    if labels and est is not None:
        tiers.append(
            (
                "shared label and estimate within 2x",
                lambda t: bool(labels & set(t.labels)) and _similar_estimate(est, t.estimate),
            )
        )
    if labels:
        tiers.append(("shared label", lambda t: bool(labels & set(t.labels))))
    if est is not None:
        tiers.append(("estimate within 2x", lambda t: _similar_estimate(est, t.estimate)))
    tiers.append(("type alone", lambda t: True))
    elapsed = (
        round(hours(task.started_at, now), 3)
        if task.started_at is not None and not task.status.finished
        else None
    )
    for name, keep in tiers:
        found = [t for t in pool if keep(t)]
        if len(found) >= MIN_SAMPLES:
            return _duration(task.id, f"same type {kind}, {name}", found, elapsed)
    return DurationEstimate(
        task=task.id,
        samples=len(pool),
        basis=f"same type {kind}",
        elapsed_hours=elapsed,
        reason=f"{plural(len(pool), f'finished {kind} task')} with a cycle time; "
        f"need at least {MIN_SAMPLES}",
    )


def _duration(
    task_id: str, basis: str, found: Sequence[TaskTimeline], elapsed: float | None
) -> DurationEstimate:
    values = [t.cycle_hours for t in found if t.cycle_hours is not None]
    # Every task here has a cycle time, so a done time: newest first.
    latest = sorted((t for t in found if t.done_at is not None), key=_done_key, reverse=True)
    return DurationEstimate(
        task=task_id,
        samples=len(values),
        basis=basis,
        median_hours=round(percentile(values, 0.5), 3),
        low_hours=round(percentile(values, 0.15), 3),
        high_hours=round(percentile(values, 0.85), 3),
        elapsed_hours=elapsed,
        similar=tuple(t.id for t in latest[:10]),
    )


def _done_key(t: TaskTimeline) -> tuple[datetime, str]:
    return (t.done_at or datetime.min, t.id)
