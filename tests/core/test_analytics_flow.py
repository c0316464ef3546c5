"""Throughput, cycle and lead time, blocked time, velocity: synthetic logs, known answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from analytics_log import Log, at

from orchestron.core.analytics import (
    build_history,
    compute_stats,
    cycle_times,
    lead_times,
    throughput_daily,
    throughput_weekly,
    velocity,
)
from orchestron.core.analytics._base import day_end, day_start
from orchestron.core.domain import Sprint, SprintStatus


def _window(first: int, last: int) -> tuple[datetime, datetime]:
    return day_start(at(first).date()), day_end(at(last).date())


def test_throughput_counts_done_tasks_per_day_with_zero_days() -> None:
    log = Log()
    log.done_task("TASK-001", at(0, 9), at(0, 10), at(1, 12))
    log.done_task("TASK-002", at(0, 9), at(0, 10), at(1, 23.5))
    log.done_task("TASK-003", at(0, 9), at(2, 10), at(3, 1))
    log.create("TASK-004", at(0, 9)).start("TASK-004", at(1, 9))  # not done
    h = build_history(log.events)
    daily = throughput_daily(h, at(0).date(), at(4).date())
    assert [(d.day.day, d.count) for d in daily] == [(5, 0), (6, 2), (7, 0), (8, 1), (9, 0)]


def test_weekly_throughput_uses_iso_weeks_and_says_how_many_days_each_covers() -> None:
    log = Log()
    # T0 is Monday 2026-01-05 (ISO week 2). Day 6 is Sunday, day 7 Monday of week 3.
    for i, day in enumerate((0, 3, 6, 7, 8)):
        log.done_task(f"TASK-{i + 1:03d}", at(0), at(0, 1), at(day, 12))
    h = build_history(log.events)
    daily = throughput_daily(h, at(-2).date(), at(8).date())
    weeks = throughput_weekly(daily)
    assert [(w.week, w.start, w.count, w.days) for w in weeks] == [
        ("2026-W01", date(2025, 12, 29), 0, 2),
        ("2026-W02", date(2026, 1, 5), 3, 7),
        ("2026-W03", date(2026, 1, 12), 2, 2),
    ]


def test_cycle_and_lead_time_in_hours() -> None:
    log = Log()
    log.done_task("TASK-001", at(0, 8), at(0, 10), at(0, 12))  # cycle 2, lead 4
    log.done_task("TASK-002", at(0, 8), at(1, 0), at(1, 4))  # cycle 4, lead 20
    log.create("TASK-003", at(0, 8)).finish("TASK-003", at(0, 9), frm="TODO")  # lead 1, no cycle
    h = build_history(log.events)
    start, end = _window(0, 1)
    assert sorted(cycle_times(h, start, end)) == [2.0, 4.0]
    assert sorted(lead_times(h, start, end)) == [1.0, 4.0, 20.0]


def test_cycle_time_runs_from_the_first_start_to_the_last_done() -> None:
    log = Log()
    log.done_task("TASK-001", at(0, 0), at(0, 1), at(0, 2))
    log.move("TASK-001", at(0, 3), "DONE", "TODO", "task_reopened")
    log.start("TASK-001", at(0, 4)).finish("TASK-001", at(0, 6))
    h = build_history(log.events)
    assert h.tasks["TASK-001"].cycle_hours == 5.0
    assert throughput_daily(h, at(0).date(), at(0).date())[0].count == 1


def test_a_reopened_task_is_not_done() -> None:
    log = Log()
    log.done_task("TASK-001", at(0, 0), at(0, 1), at(0, 2))
    log.move("TASK-001", at(0, 3), "DONE", "TODO", "task_reopened")
    h = build_history(log.events)
    assert not h.tasks["TASK-001"].done
    assert h.tasks["TASK-001"].cycle_hours is None


def test_parents_are_not_counted_twice() -> None:
    log = Log()
    log.create("TASK-001", at(0), type="EPIC")
    log.done_task("TASK-002", at(0), at(0, 1), at(0, 3), parent="TASK-001")
    log.finish("TASK-001", at(0, 3), frm="TODO")  # auto-completed with its child
    h = build_history(log.events)
    assert h.containers == {"TASK-001"}
    assert throughput_daily(h, at(0).date(), at(0).date())[0].count == 1


def test_a_lease_release_moves_the_task_back_to_todo() -> None:
    log = Log()
    log.create("TASK-001", at(0)).start("TASK-001", at(0, 1))
    log.add(at(0, 2), "TASK-001", "task.released", session="S-1", reason="lease", status="TODO")
    assert build_history(log.events).tasks["TASK-001"].status == "TODO"


def test_a_release_that_leaves_the_status_alone_changes_nothing() -> None:
    log = Log().done_task("TASK-001", at(0), at(0, 1), at(0, 2))
    log.add(at(0, 3), "TASK-001", "task.released", session="S-1", reason="ended", status="DONE")
    t = build_history(log.events).tasks["TASK-001"]
    assert t.done_at == at(0, 2) and len(t.status_changes) == 2


def test_time_blocked_waiting_for_a_person() -> None:
    log = Log()
    log.create("TASK-001", at(0)).start("TASK-001", at(0, 1))
    log.block("TASK-001", at(0, 2)).unblock("TASK-001", at(0, 5))  # 3 h
    log.block("TASK-001", at(0, 6)).unblock("TASK-001", at(0, 7))  # 1 h
    log.finish("TASK-001", at(0, 8))
    log.create("TASK-002", at(0)).start("TASK-002", at(0, 1))
    log.block("TASK-002", at(1, 20))  # still blocked: 4 h to midnight, 6 more by now
    h = build_history(log.events)
    now = at(2, 6)
    assert h.tasks["TASK-001"].blocked_hours(now) == 4.0
    assert h.tasks["TASK-002"].blocked_hours(now) == 10.0
    stats = compute_stats(h, now=now, days=3)
    b = stats.blocked
    assert (b.total_hours, b.blocks, b.tasks, b.ongoing) == (14.0, 3, 2, 1)
    assert (b.median_hours, b.longest_hours, b.longest_task) == (3.0, 10.0, "TASK-002")
    assert stats.blocked_now == 1
    # Clipped to a window: only day 1 (TASK-002's first 4 hours).
    inner = compute_stats(h, now=at(1, 23), days=1).blocked
    assert inner.total_hours == pytest.approx(3.0)


def test_velocity_counts_what_was_done_inside_each_sprint() -> None:
    log = Log()
    log.create("TASK-001", at(0), estimate=3, sprint="SPRINT-001")
    log.create("TASK-002", at(0), estimate=5, sprint="SPRINT-001")
    log.create("TASK-003", at(0))
    log.add(at(0, 1), "SPRINT-001", "sprint.task_added", task="TASK-003")
    log.add(at(0, 2), "SPRINT-001", "sprint.started", tasks=3)
    log.create("TASK-004", at(1), estimate=1, sprint="SPRINT-001")  # added after the start
    log.start("TASK-001", at(1)).finish("TASK-001", at(2))
    log.start("TASK-003", at(1)).finish("TASK-003", at(3))
    log.start("TASK-004", at(1)).finish("TASK-004", at(3))
    log.add(
        at(5),
        "SPRINT-001",
        "sprint.closed",
        finished=["TASK-001", "TASK-003", "TASK-004"],
        carried_over=["TASK-002"],
    )
    log.start("TASK-002", at(6)).finish("TASK-002", at(7))  # done later, in the backlog
    h = build_history(log.events)
    sprint = Sprint(
        id="SPRINT-001",
        name="One",
        created_at=at(0),
        updated_at=at(5),
        status=SprintStatus.CLOSED,
        start_date=at(0).date(),
        end_date=at(4).date(),
        started_at=at(0, 2),
        closed_at=at(5),
    )
    (v,) = velocity(h, [sprint])
    assert (v.committed_tasks, v.committed_points) == (3, 8.0)
    assert (v.done_tasks, v.done_points, v.unestimated) == (3, 4.0, 1)
    assert h.tasks["TASK-002"].done_sprint is None
    stats = compute_stats(h, now=at(9), sprint=sprint, sprints=[sprint])
    assert (stats.start, stats.end, stats.finished) == (at(0).date(), at(5).date(), 3)
    assert stats.sprint == "SPRINT-001" and len(stats.velocity) == 1


def test_stats_window_and_json_shape() -> None:
    log = Log()
    for i in range(10):
        log.done_task(f"TASK-{i + 1:03d}", at(i, 1), at(i, 2), at(i, 2 + i))
    h = build_history(log.events)
    stats = compute_stats(h, now=at(9, 23), days=5)
    assert (stats.start, stats.end, stats.days, stats.finished) == (
        at(5).date(),
        at(9).date(),
        5,
        5,
    )
    assert stats.throughput_mean == 1.0
    assert stats.cycle_time.count == 5 and stats.cycle_time.median == 7.0
    data = stats.to_dict()
    assert data["throughput_daily"][0] == {"day": "2026-01-10", "count": 1}
    assert data["estimate_accuracy"]["enough_data"] is False
    assert data["cycle_time"]["p85"] == pytest.approx(8.4)


def test_empty_history_gives_empty_stats() -> None:
    h = build_history([])
    stats = compute_stats(h, now=at(0), days=7)
    assert stats.finished == 0 and stats.cycle_time.count == 0 and stats.cycle_time.median is None
    assert [d.count for d in stats.throughput_daily] == [0] * 7
    assert stats.estimate_accuracy.reason is not None
    assert stats.days == 7 and stats.start == at(0).date() - timedelta(days=6)
