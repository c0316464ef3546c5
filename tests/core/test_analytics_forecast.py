"""Monte Carlo forecasts on synthetic histories with known answers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from analytics_log import Log, at

from orchestron.core.analytics import (
    Forecast,
    History,
    build_history,
    forecast,
    remaining_work,
    simulate,
    throughput_history,
)
from orchestron.core.domain import Task, TaskStatus


def _history(per_day: list[int]) -> History:
    """Day i of the list finishes per_day[i] tasks (day 0 is T0's date)."""
    log = Log()
    n = 0
    for day, count in enumerate(per_day):
        for k in range(count):
            n += 1
            tid = f"TASK-{n:03d}"
            log.done_task(tid, at(day, 1), at(day, 2), at(day, 3 + k * 0.5))
    if not per_day or sum(per_day) == 0:
        log.create("TASK-999", at(0, 1))
    return build_history(log.events)


def _ids(n: int) -> list[str]:
    return [f"NEW-{i:03d}" for i in range(n)]


def test_fixed_throughput_forecasts_the_true_date() -> None:
    h = _history([2] * 30)
    now = at(30, 9)
    f = forecast(h, _ids(10), now=now, scope="tasks")
    # 10 tasks at exactly 2 a day from today (day 30): done on day 34.
    true_date = at(34).date()
    assert f.status == "ok" and f.reason is None
    assert (f.history_days, f.history_finished, f.daily_mean) == (30, 60, 2.0)
    assert f.p50 == f.p85 == f.p95 == true_date
    assert f.histogram[0].day == true_date and f.histogram[0].count == 10_000


def test_variable_throughput_range_contains_the_true_date() -> None:
    h = _history([1, 3] * 15)  # alternating, mean 2 a day
    f = forecast(h, _ids(10), now=at(30, 9), scope="tasks")
    # Keeping the alternation (day 30 is a "1" day): 1,3,1,3,1,3 -> done on day 35.
    true_date = at(35).date()
    assert f.p50 is not None and f.p95 is not None
    assert f.p50 <= true_date <= f.p95
    # Hand-computed: P(done within 5 days) = 1/2, within 6 = 57/64, within 8 = 255/256.
    assert f.p50 in (at(34).date(), at(35).date())
    assert f.p85 == at(35).date()
    assert f.p95 == at(37).date()


def test_the_85_percent_date_is_calibrated() -> None:
    rng = random.Random(42)
    past = [rng.choice([0, 1, 2, 3, 4, 5]) for _ in range(30)]
    h = _history(past)
    f = forecast(h, _ids(40), now=at(30, 9), scope="tasks", seed=7)
    assert f.p85 is not None
    # Futures drawn from the same days: about 85% of them finish by the 85% date.
    futures = 4000
    on_time = 0
    for _ in range(futures):
        done, day = 0, 0
        while done < 40:
            done += rng.choice(past)
            day += 1
        on_time += at(30).date() + timedelta(days=day - 1) <= f.p85
    assert 0.82 <= on_time / futures <= 0.92


def test_same_seed_same_answer() -> None:
    h = _history([0, 1, 4, 2, 3] * 6)
    a = forecast(h, _ids(25), now=at(30, 9), scope="tasks", seed=3, trials=2000)
    b = forecast(h, _ids(25), now=at(30, 9), scope="tasks", seed=3, trials=2000)
    assert a == b
    assert a.to_dict() == b.to_dict()


def test_empty_history_says_not_enough_data() -> None:
    f = forecast(build_history([]), _ids(5), now=at(30, 9), scope="sprint SPRINT-001")
    assert f.status == "not_enough_data"
    assert f.reason == "0 complete days of history; need at least 5"
    assert f.p50 is None and f.p85 is None and f.p95 is None and f.at_risk is None
    assert f.to_dict()["enough_data"] is False


def test_too_few_finished_tasks_says_not_enough_data() -> None:
    f = forecast(_history([1, 0, 0, 1, 0, 1, 1] + [0] * 23), _ids(5), now=at(30, 9), scope="x")
    assert f.status == "not_enough_data"
    assert f.reason == "4 tasks finished in the last 30 days; need at least 5"


def test_too_few_days_says_not_enough_data() -> None:
    f = forecast(_history([5, 5, 5]), _ids(5), now=at(3, 9), scope="x")
    assert f.status == "not_enough_data" and f.history_days == 3


def test_history_never_reaches_before_the_log() -> None:
    h = _history([2] * 10)
    past = throughput_history(h, at(10).date(), days=30)
    assert len(past) == 10 and past[0].day == at(0).date()


def test_nothing_left_needs_no_forecast() -> None:
    f = forecast(_history([2] * 30), [], now=at(30, 9), scope="x")
    assert f.status == "nothing_left" and f.reason is None and f.p50 is None


def test_a_far_future_is_not_simulated() -> None:
    f = forecast(_history([5] + [0] * 29), _ids(10_000), now=at(30, 9), scope="x")
    assert f.status == "too_far" and f.reason is not None and "60000 days" in f.reason


def test_at_risk_when_the_85_percent_date_is_after_the_deadline() -> None:
    h = _history([2] * 30)
    tight = forecast(h, _ids(10), now=at(30, 9), scope="x", deadline=at(33).date())
    assert tight.at_risk is True and tight.chance_by_deadline == 0.0
    easy = forecast(h, _ids(10), now=at(30, 9), scope="x", deadline=at(34).date())
    assert easy.at_risk is False and easy.chance_by_deadline == 1.0


def test_simulate_counts_days_needed() -> None:
    assert simulate([2], 10, trials=3, seed=0) == [5, 5, 5]
    assert simulate([2], 11, trials=1, seed=0) == [6]
    assert simulate([0, 4], 0, trials=2, seed=0) == [0, 0]


def test_remaining_work_expands_parents_into_unfinished_leaves() -> None:
    def task(tid: str, parent: str | None = None, status: TaskStatus = TaskStatus.TODO) -> Task:
        return Task(
            id=tid, title=tid, created_at=at(0), updated_at=at(0), parent=parent, status=status
        )

    tasks = [
        task("TASK-001"),  # epic
        task("TASK-002", "TASK-001"),  # story
        task("TASK-003", "TASK-002"),
        task("TASK-004", "TASK-002", TaskStatus.DONE),
        task("TASK-005", "TASK-001", TaskStatus.IN_PROGRESS),
        task("TASK-006", "TASK-001", TaskStatus.CANCELLED),
        task("TASK-007"),
        task("TASK-008", status=TaskStatus.DONE),
    ]
    assert remaining_work(tasks, ["TASK-001"]) == ["TASK-003", "TASK-005"]
    assert remaining_work(tasks, ["TASK-007", "TASK-008", "TASK-003"]) == ["TASK-007", "TASK-003"]
    assert remaining_work(tasks, ["TASK-002", "TASK-001"]) == ["TASK-003", "TASK-005"]


def test_forecast_json_shape() -> None:
    f = forecast(_history([2] * 30), _ids(4), now=at(30, 9), scope="x", deadline=date(2026, 3, 1))
    data = f.to_dict()
    assert isinstance(f, Forecast)
    assert data["p85"] == "2026-02-05" and data["start"] == "2026-02-04"
    assert data["enough_data"] is True and data["status"] == "ok"
    assert data["histogram"] == [{"day": "2026-02-05", "count": 10_000}]
