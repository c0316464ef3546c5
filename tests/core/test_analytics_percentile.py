"""Percentiles against hand-computed answers."""

from __future__ import annotations

import statistics

import pytest

from orchestron.core.analytics import Summary, nearest_rank, percentile, summarise


def test_linear_interpolation_matches_a_hand_computed_case() -> None:
    values = [7, 1, 10, 4, 2, 9, 3, 8, 6, 5]  # 1..10, unsorted
    # h = (n - 1) q: median h = 4.5 -> 5 + 0.5 * (6 - 5) = 5.5
    assert percentile(values, 0.5) == 5.5
    # p85: h = 9 * 0.85 = 7.65 -> x[7] + 0.65 * (x[8] - x[7]) = 8 + 0.65 = 8.65
    assert percentile(values, 0.85) == pytest.approx(8.65)
    # p15: h = 1.35 -> 2 + 0.35 = 2.35
    assert percentile(values, 0.15) == pytest.approx(2.35)
    assert percentile(values, 0.0) == 1
    assert percentile(values, 1.0) == 10


def test_linear_interpolation_is_the_inclusive_method_of_the_stdlib() -> None:
    values = [2.0, 4.0, 6.0, 8.0, 30.0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    assert percentile(values, 0.85) == pytest.approx(cuts[84])
    assert percentile(values, 0.85) == pytest.approx(16.8)  # 8 + 0.4 * (30 - 8)


def test_one_value_is_every_percentile() -> None:
    assert percentile([3.0], 0.85) == 3.0
    assert nearest_rank([3], 0.95) == 3


def test_nearest_rank_returns_an_observed_value() -> None:
    days = list(range(1, 11))
    assert nearest_rank(days, 0.5) == 5  # ceil(5.0) = 5th
    assert nearest_rank(days, 0.85) == 9  # ceil(8.5) = 9th
    assert nearest_rank(days, 0.95) == 10  # ceil(9.5) = 10th
    assert nearest_rank(days, 0.0) == 1


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)
    with pytest.raises(ValueError):
        nearest_rank([], 0.5)


def test_summary_of_durations() -> None:
    assert summarise([]) == Summary(count=0)
    s = summarise([2.0, 4.0, 6.0, 8.0, 30.0])
    assert (s.count, s.mean, s.median, s.p85, s.min, s.max) == (5, 10.0, 6.0, 16.8, 2.0, 30.0)
    assert s.to_dict() == {
        "count": 5,
        "mean": 10.0,
        "median": 6.0,
        "p85": 16.8,
        "min": 2.0,
        "max": 30.0,
    }
