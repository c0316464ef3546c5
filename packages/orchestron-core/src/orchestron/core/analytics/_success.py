"""The plan's success metrics, measured from the event log.

Each metric gives its numerator and denominator, its value, the plan's target, and
whether the target is met. With too few cases (fewer than MIN_SAMPLES in the
denominator, including none because the log has no events of that kind yet) the
value is None and `reason` says why: never a 0% made of missing data.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from orchestron.core.analytics._base import MIN_SAMPLES, Result
from orchestron.core.analytics._history import History

__all__ = ["CONTEXT_TARGET_BYTES", "SuccessMetric", "SuccessMetrics", "success_metrics"]


@frozen
class SuccessMetric(Result):
    """One metric. `goal` is "at_least" or "below": how `value` must compare with `target`.

    `unit` is "share" (0 to 1) or "bytes".
    """

    name: str
    description: str
    numerator: float
    denominator: int
    value: float | None
    target: float
    goal: str
    unit: str
    met: bool | None = None
    reason: str | None = None


@frozen
class SuccessMetrics(Result):
    metrics: tuple[SuccessMetric, ...]

    def get(self, name: str) -> SuccessMetric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(name)


def _metric(
    name: str,
    description: str,
    numerator: float,
    denominator: int,
    *,
    target: float,
    goal: str,
    unit: str = "share",
    cases: str,
) -> SuccessMetric:
    if denominator < MIN_SAMPLES:
        return SuccessMetric(
            name=name,
            description=description,
            numerator=numerator,
            denominator=denominator,
            value=None,
            target=target,
            goal=goal,
            unit=unit,
            reason=f"not enough data: {denominator} {cases} so far; need at least {MIN_SAMPLES}",
        )
    value = numerator / denominator
    met = value >= target if goal == "at_least" else value < target
    return SuccessMetric(
        name=name,
        description=description,
        numerator=numerator,
        denominator=denominator,
        value=round(value, 4) if unit == "share" else round(value, 1),
        target=target,
        goal=goal,
        unit=unit,
        met=met,
    )


CONTEXT_TARGET_BYTES = 4096
"""The plan's target for the average saved context: under 4 KB."""


def success_metrics(history: History, *, since: datetime | None = None) -> SuccessMetrics:
    """The five success metrics over the whole log (tasks: those done since `since`)."""
    done = [
        t
        for t in history.work_items()
        if t.done and t.done_at is not None and (since is None or t.done_at >= since)
    ]
    resumed = history.resumed
    prepared = history.handoffs_prepared
    sizes = history.context_sizes
    return SuccessMetrics(
        metrics=(
            _metric(
                "context_restored",
                "share of resumed sessions whose saved context was restored",
                sum(1 for ok in resumed.values() if ok),
                len(resumed),
                target=0.95,
                goal="at_least",
                cases="resumed sessions",
            ),
            _metric(
                "finished_without_block",
                "share of finished tasks that were never BLOCKED",
                sum(1 for t in done if not t.blocks),
                len(done),
                target=0.80,
                goal="at_least",
                cases="finished tasks",
            ),
            _metric(
                "needed_human",
                "share of finished tasks that were BLOCKED or asked a person something",
                sum(1 for t in done if t.needed_human),
                len(done),
                target=0.20,
                goal="below",
                cases="finished tasks",
            ),
            _metric(
                "context_size",
                "average size of a saved context, in bytes",
                sum(sizes),
                len(sizes),
                target=float(CONTEXT_TARGET_BYTES),
                goal="below",
                unit="bytes",
                cases="saved contexts",
            ),
            _metric(
                "handoffs_accepted",
                "share of prepared handoffs that another session accepted",
                sum(1 for h in prepared if h in history.handoffs_accepted),
                len(prepared),
                target=0.90,
                goal="at_least",
                cases="prepared handoffs",
            ),
        )
    )
