"""Estimate accuracy and a task's likely duration from similar finished tasks."""

from __future__ import annotations

from analytics_log import Log, at

from orchestron.core.analytics import build_history, estimate_accuracy, estimate_duration
from orchestron.core.analytics._base import day_end, day_start
from orchestron.core.domain import Task, TaskStatus, TaskType

# (id, type, label, estimate, cycle hours)
DONE = [
    ("TASK-001", "TASK", "api", 1.0, 2.0),
    ("TASK-002", "TASK", "api", 2.0, 4.0),
    ("TASK-003", "TASK", "api", 4.0, 8.0),
    ("TASK-004", "TASK", "api", 1.0, 10.0),
    ("TASK-005", "BUG", "ui", 1.0, 4.0),
    ("TASK-006", "BUG", "ui", 2.0, 8.0),
    ("TASK-007", "TASK", "ui", 1.0, 1.0),
    ("TASK-008", "TASK", "api", None, 3.0),  # no estimate: left out of accuracy
    ("TASK-009", "TASK", "api", 0.0, 3.0),  # zero estimate: left out of accuracy
]


def _history():  # type: ignore[no-untyped-def]
    log = Log()
    for tid, kind, label, est, cycle in DONE:
        log.done_task(
            tid, at(0, 1), at(0, 2), at(0, 2 + cycle), type=kind, labels=(label,), estimate=est
        )
    return build_history(log.events)


def test_estimate_accuracy_by_type_and_label() -> None:
    acc = estimate_accuracy(_history(), day_start(at(0).date()), day_end(at(1).date()))
    # hours per point: 2, 2, 2, 10, 4, 4, 1 -> median 2
    assert (acc.tasks, acc.hours_per_point, acc.reason) == (7, 2.0, None)
    by_type = {
        g.key: (g.tasks, g.median_hours_per_point, g.median_ratio, g.within_2x) for g in acc.by_type
    }
    assert by_type == {"BUG": (2, 4.0, 2.0, 1.0), "TASK": (5, 2.0, 1.0, 0.8)}
    by_label = {
        g.key: (g.tasks, g.median_hours_per_point, g.median_ratio, g.within_2x)
        for g in acc.by_label
    }
    assert by_label == {"api": (4, 2.0, 1.0, 0.75), "ui": (3, 4.0, 2.0, 1.0)}


def test_estimate_accuracy_needs_enough_tasks() -> None:
    log = Log().done_task("TASK-001", at(0), at(0, 1), at(0, 2), estimate=1)
    acc = estimate_accuracy(
        build_history(log.events), day_start(at(0).date()), day_end(at(0).date())
    )
    assert acc.hours_per_point is None and acc.by_type == ()
    assert acc.reason == "1 finished task has both an estimate and a cycle time; need at least 5"


def _task(**kw: object) -> Task:
    base: dict[str, object] = {
        "id": "TASK-100",
        "title": "new",
        "created_at": at(1),
        "updated_at": at(1),
    }
    base.update(kw)
    return Task(**base)  # type: ignore[arg-type]


def test_duration_from_similar_tasks_loosens_the_likeness_step_by_step() -> None:
    task = _task(labels=("api",), estimate=2.0)
    est = estimate_duration(_history(), task, now=at(2))
    # Shared label and estimate 1-4: 4 tasks (too few); shared label: 6 (TASK-008/009 count:
    # they have cycle times) -> enough.
    assert est.basis == "same type TASK, shared label"
    assert est.samples == 6
    # cycle hours 2, 4, 8, 10, 3, 3 -> sorted 2 3 3 4 8 10
    assert est.median_hours == 3.5  # h = 2.5
    assert est.low_hours == 2.75  # h = 0.75 -> 2 + 0.75 * 1
    assert est.high_hours == 8.5  # h = 4.25 -> 8 + 0.25 * 2
    assert est.reason is None and est.elapsed_hours is None
    assert set(est.similar) == {
        "TASK-001",
        "TASK-002",
        "TASK-003",
        "TASK-004",
        "TASK-008",
        "TASK-009",
    }


def test_duration_by_estimate_alone() -> None:
    task = _task(labels=("db",), estimate=1.0)  # no finished task shares "db"
    est = estimate_duration(_history(), task, now=at(2))
    # estimate 0.5-2: TASK-001 (2h), TASK-002 (4h), TASK-004 (10h), TASK-007 (1h) = 4 -> too few
    assert est.basis == "same type TASK, type alone"
    assert est.samples == 7
    assert est.median_hours == 3.0  # 1 2 3 3 4 8 10


def test_duration_says_when_there_are_too_few_similar_tasks() -> None:
    task = _task(type=TaskType.SPIKE, status=TaskStatus.IN_PROGRESS, started_at=at(1, 9))
    est = estimate_duration(_history(), task, now=at(1, 12))
    assert est.median_hours is None and est.samples == 0
    assert est.reason == "0 finished SPIKE tasks with a cycle time; need at least 5"
    assert est.elapsed_hours == 3.0
    assert est.to_dict()["enough_data"] is False
