"""Percentiles, and the summary of a set of durations.

Two methods, each where it fits:

- `percentile` (durations): linear interpolation between the closest ranks, the
  method numpy calls "linear" and spreadsheets call PERCENTILE.INC. For sorted
  values x[0..n-1] the q-th percentile sits at h = (n - 1) * q and is
  x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
- `nearest_rank` (forecast outcomes): the smallest value v such that at least a
  share q of the values are <= v, i.e. x[ceil(q * n) - 1]. It always returns one
  of the values (a real simulated day), which is what "85% sure by this date" means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

from attrs import frozen

from orchestron.core.analytics._base import Result

__all__ = ["Summary", "nearest_rank", "percentile", "summarise"]

T = TypeVar("T", int, float)


def _check_q(q: float) -> None:
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be a share from 0 to 1, not {q}")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (q from 0 to 1) by linear interpolation; values need not be sorted."""
    _check_q(q)
    if not values:
        raise ValueError("no values")
    xs = sorted(values)
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def nearest_rank(sorted_values: Sequence[T], q: float) -> T:
    """The smallest value with at least a share q of `sorted_values` at or below it."""
    _check_q(q)
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


@frozen
class Summary(Result):
    """Durations in hours: how many, and their middle and spread (None when there are none)."""

    count: int
    mean: float | None = None
    median: float | None = None
    p85: float | None = None
    min: float | None = None
    max: float | None = None


def summarise(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(count=0)
    xs = sorted(values)
    return Summary(
        count=len(xs),
        mean=round(sum(xs) / len(xs), 3),
        median=round(percentile(xs, 0.5), 3),
        p85=round(percentile(xs, 0.85), 3),
        min=round(xs[0], 3),
        max=round(xs[-1], 3),
    )
