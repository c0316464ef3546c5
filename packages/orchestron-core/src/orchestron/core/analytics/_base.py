"""What every analytics result shares: the JSON shape, day counts, thresholds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs
from attrs import frozen
from cattrs.gen import make_dict_unstructure_fn

from orchestron.core.serialize import converter as _core_converter

__all__ = [
    "MIN_FINISHED",
    "MIN_HISTORY_DAYS",
    "MIN_SAMPLES",
    "DayCount",
    "Result",
    "WeekCount",
    "day_end",
    "day_start",
    "days_between",
    "hours",
]

MIN_FINISHED = 5
"""Fewer finished tasks than this in the history window: no forecast."""

MIN_HISTORY_DAYS = 5
"""Fewer complete days of history than this: no forecast."""

MIN_SAMPLES = 5
"""Fewer cases than this behind a share or a range: say so instead of a number."""


class Result:
    """Mixin for result types: `to_dict()` gives JSON-ready data.

    Dates and datetimes become ISO 8601 strings, tuples become lists. A result with
    a `reason` field also gets `enough_data`, at any depth: false when `reason` says
    why there is no number.
    """

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _converter.unstructure(self)
        return data


_converter = _core_converter.copy()


def _has_reason(cls: type) -> bool:
    return (
        isinstance(cls, type)
        and issubclass(cls, Result)
        and attrs.has(cls)
        and "reason" in attrs.fields_dict(cls)
    )


def _flagged(cls: type) -> Any:
    plain: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(cls, _converter)

    def unstructure(obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = plain(obj)
        data["enough_data"] = obj.reason is None
        return data

    return unstructure


_converter.register_unstructure_hook_factory(_has_reason, _flagged)


@frozen
class DayCount(Result):
    """Tasks counted on one UTC calendar day."""

    day: date
    count: int


@frozen
class WeekCount(Result):
    """Tasks counted in one ISO week; `days` says how many of its days the window covers."""

    week: str
    start: date
    count: int
    days: int


def day_start(d: date) -> datetime:
    """Midnight UTC at the start of `d`."""
    return datetime.combine(d, time.min, UTC)


def day_end(d: date) -> datetime:
    """Midnight UTC at the end of `d` (exclusive bound)."""
    return day_start(d + timedelta(days=1))


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included (empty when last < first)."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def hours(start: datetime, end: datetime) -> float:
    """Hours from `start` to `end`, never negative (clocks of two processes may disagree)."""
    return max(0.0, (end - start).total_seconds() / 3600.0)
