"""Burndown of a hand-made sprint."""

from __future__ import annotations

from analytics_log import Log, at

from orchestron.core.analytics import build_history, burndown
from orchestron.core.domain import Sprint, SprintStatus


def _sprint(**kw: object) -> Sprint:
    base: dict[str, object] = {
        "id": "SPRINT-001",
        "name": "Five days",
        "created_at": at(0),
        "updated_at": at(0),
        "status": SprintStatus.ACTIVE,
        "start_date": at(0).date(),
        "end_date": at(4).date(),
        "started_at": at(0, 9),
    }
    base.update(kw)
    return Sprint(**base)  # type: ignore[arg-type]


def _log() -> Log:
    log = Log()
    s = "SPRINT-001"
    log.create("TASK-001", at(0, 8), estimate=2, sprint=s)  # A
    log.create("TASK-002", at(0, 8), estimate=3, sprint=s)  # B
    log.create("TASK-003", at(0, 8), estimate=5, sprint=s)  # C
    log.create("TASK-005", at(0, 8), estimate=1)  # E, added before the start
    log.add(at(0, 8.5), s, "sprint.task_added", task="TASK-005")
    log.add(at(0, 9), s, "sprint.started", tasks=4)
    log.start("TASK-001", at(0, 10)).finish("TASK-001", at(0, 15))
    log.add(at(1, 10), s, "sprint.task_removed", task="TASK-005")
    log.create("TASK-004", at(2, 9), estimate=1, sprint=s)  # D, added mid-sprint
    log.start("TASK-002", at(1, 9)).finish("TASK-002", at(2, 16))
    log.start("TASK-004", at(3, 9)).finish("TASK-004", at(3, 10))
    log.add(
        at(3, 11),
        "TASK-003",
        "task.updated",
        changes={"estimate": 8.0},
        before={"estimate": 5.0},
    )
    return log


def test_burndown_of_a_hand_made_sprint() -> None:
    b = burndown(build_history(_log().events), _sprint(), now=at(3, 12))
    assert b.reason is None
    assert (b.start, b.end) == (at(0).date(), at(4).date())
    assert (b.committed_tasks, b.committed_points) == (4, 11.0)
    rows = [
        (
            d.day.day,
            d.ideal_tasks,
            d.ideal_points,
            d.remaining_tasks,
            d.remaining_points,
            d.scope_tasks,
            d.scope_points,
        )
        for d in b.days
    ]
    assert rows == [
        (5, 3.2, 8.8, 3, 9.0, 4, 11.0),  # A done
        (6, 2.4, 6.6, 2, 8.0, 3, 10.0),  # E removed
        (7, 1.6, 4.4, 2, 6.0, 4, 11.0),  # D added, B done
        (8, 0.8, 2.2, 1, 8.0, 4, 14.0),  # today: D done, C re-estimated 5 -> 8
        (9, 0.0, 0.0, None, None, None, None),  # the future: ideal only
    ]


def test_a_closed_sprint_ends_with_what_it_left_undone() -> None:
    log = _log()
    log.add(
        at(4, 18), "SPRINT-001", "sprint.closed", finished=["TASK-001"], carried_over=["TASK-003"]
    )
    sprint = _sprint(status=SprintStatus.CLOSED, closed_at=at(4, 18))
    b = burndown(build_history(log.events), sprint, now=at(9))
    last = b.days[-1]
    assert (last.day, last.remaining_tasks, last.remaining_points) == (at(4).date(), 1, 8.0)
    assert len(b.days) == 5


def test_a_sprint_without_dates_or_start_says_why() -> None:
    sprint = _sprint(start_date=None, end_date=None, started_at=None, status=SprintStatus.PLANNED)
    b = burndown(build_history([]), sprint, now=at(0))
    assert b.days == () and b.reason == "SPRINT-001 has no start date and has not started"
    assert b.to_dict()["enough_data"] is False


def test_a_sprint_without_an_end_date_runs_to_today() -> None:
    b = burndown(build_history(_log().events), _sprint(end_date=None), now=at(2, 12))
    assert [d.day.day for d in b.days] == [5, 6, 7]
    assert b.days[-1].ideal_tasks == 0.0


def test_a_sprint_dated_before_it_was_filled_burns_down_from_its_total() -> None:
    """Start date three days back, tasks put in and the sprint started today: the days
    before hold the whole commitment, so the line falls from 3 instead of climbing."""
    log = Log()
    s = "SPRINT-001"
    for n in (1, 2, 3):
        log.create(f"TASK-00{n}", at(3, 8), estimate=0)
        log.add(at(3, 8.5), s, "sprint.task_added", task=f"TASK-00{n}")
    log.add(at(3, 9), s, "sprint.started", tasks=3)
    log.start("TASK-001", at(3, 10)).finish("TASK-001", at(3, 11))
    sprint = _sprint(start_date=at(0).date(), end_date=at(6).date(), started_at=at(3, 9))
    b = burndown(build_history(log.events), sprint, now=at(3, 12))
    assert b.committed_tasks == 3
    actual = [d.remaining_tasks for d in b.days if d.remaining_tasks is not None]
    assert actual == [3, 3, 3, 2]
    assert actual == sorted(actual, reverse=True)
    assert b.days[0].ideal_tasks > b.days[-1].ideal_tasks == 0.0


def test_a_sprint_started_empty_and_filled_that_day_commits_to_what_it_holds() -> None:
    log = Log()
    s = "SPRINT-001"
    log.add(at(0, 9), s, "sprint.started", tasks=0)
    for n in (1, 2):
        log.create(f"TASK-00{n}", at(0, 10), estimate=0, sprint=s)
    b = burndown(build_history(log.events), _sprint(started_at=at(0, 9)), now=at(1, 12))
    assert (b.committed_tasks, b.days[0].ideal_tasks) == (2, 1.6)
    assert [d.remaining_tasks for d in b.days[:2]] == [2, 2]
