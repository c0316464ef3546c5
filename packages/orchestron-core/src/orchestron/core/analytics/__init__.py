"""Analytics and forecasts: pure functions over the event log.

Fold the log once with `build_history` (or feed a `HistoryBuilder` page by page),
then ask: `compute_stats`, `burndown`, `forecast`, `estimate_duration`,
`success_metrics`, or the smaller pieces they are made of. Nothing here does I/O
or reads a clock: `now` is passed in. Every result has `to_dict()` for the doors.
docs/analytics.md says what each number means and which events it reads.
"""

from orchestron.core.analytics._accuracy import (
    AccuracyGroup,
    DurationEstimate,
    EstimateAccuracy,
    estimate_accuracy,
    estimate_duration,
)
from orchestron.core.analytics._base import (
    MIN_FINISHED,
    MIN_HISTORY_DAYS,
    MIN_SAMPLES,
    DayCount,
    Result,
    WeekCount,
)
from orchestron.core.analytics._burndown import Burndown, BurndownDay, burndown
from orchestron.core.analytics._flow import (
    BlockedTime,
    SprintVelocity,
    blocked_time,
    cycle_times,
    done_between,
    lead_times,
    throughput_daily,
    throughput_weekly,
    velocity,
)
from orchestron.core.analytics._forecast import (
    MAX_FORECAST_DAYS,
    Forecast,
    forecast,
    remaining_work,
    simulate,
    throughput_history,
)
from orchestron.core.analytics._history import (
    KINDS,
    SESSION_KINDS,
    TASK_KINDS,
    Block,
    History,
    HistoryBuilder,
    TaskTimeline,
    build_history,
)
from orchestron.core.analytics._percentile import Summary, nearest_rank, percentile, summarise
from orchestron.core.analytics._stats import Stats, compute_stats
from orchestron.core.analytics._success import (
    CONTEXT_TARGET_BYTES,
    SuccessMetric,
    SuccessMetrics,
    success_metrics,
)

__all__ = [
    "CONTEXT_TARGET_BYTES",
    "KINDS",
    "MAX_FORECAST_DAYS",
    "MIN_FINISHED",
    "MIN_HISTORY_DAYS",
    "MIN_SAMPLES",
    "SESSION_KINDS",
    "TASK_KINDS",
    "AccuracyGroup",
    "Block",
    "BlockedTime",
    "Burndown",
    "BurndownDay",
    "DayCount",
    "DurationEstimate",
    "EstimateAccuracy",
    "Forecast",
    "History",
    "HistoryBuilder",
    "Result",
    "SprintVelocity",
    "Stats",
    "SuccessMetric",
    "SuccessMetrics",
    "Summary",
    "TaskTimeline",
    "WeekCount",
    "blocked_time",
    "build_history",
    "burndown",
    "compute_stats",
    "cycle_times",
    "done_between",
    "estimate_accuracy",
    "estimate_duration",
    "forecast",
    "lead_times",
    "nearest_rank",
    "percentile",
    "remaining_work",
    "simulate",
    "success_metrics",
    "summarise",
    "throughput_daily",
    "throughput_history",
    "throughput_weekly",
    "velocity",
]
