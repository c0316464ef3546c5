"""The analytics use cases through the Orchestron facade, on the fakes, with real use cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from orchestron.core import InvalidInputError, NotFoundError, Orchestron
from orchestron.core.services import analytics as analytics_service
from orchestron.core.testing import FixedClock, MemoryStorage


def _app() -> tuple[Orchestron, FixedClock]:
    clock = FixedClock()  # 2026-01-01 09:00 UTC
    return Orchestron(MemoryStorage(), clock), clock


async def _steady_history(app: Orchestron, clock: FixedClock, days: int = 20) -> None:
    """Two tasks a day: created at 09:00, started, blocked an hour now and then, done 3 h later."""
    for day in range(days):
        for k in range(2):
            t = await app.create_task(
                f"work {day}-{k}", labels=["api" if k else "ui"], estimate=1 + k
            )
            await app.start_task(t.id)
            if day % 10 == 0 and k == 0:
                clock.advance(hours=1)
                await app.transition(t.id, "blocked_on_human")
                clock.advance(hours=1)
                await app.transition(t.id, "human_answered")
            clock.advance(hours=1 + k)
            await app.complete_task(t.id)
        clock.set(clock.now().replace(hour=9) + timedelta(days=1))


@pytest.mark.anyio
async def test_stats_from_real_use_cases() -> None:
    app, clock = _app()
    await _steady_history(app, clock)
    stats = await app.stats(days=7)
    assert stats.finished == 12  # 6 complete days + today's none (it is 09:00)
    assert stats.days == 7 and stats.end == clock.now().date()
    assert stats.cycle_time.count == 12
    assert stats.cycle_time.median == 1.5 and stats.cycle_time.max == 2.0
    full = await app.stats(days=30)
    assert full.finished == 40
    assert (full.blocked.blocks, full.blocked.total_hours) == (2, 2.0)
    assert full.estimate_accuracy.hours_per_point is not None
    weeks = full.to_dict()["throughput_weekly"]
    assert [(w["week"], w["days"]) for w in weeks][:2] == [("2025-W52", 6), ("2026-W01", 7)]


@pytest.mark.anyio
async def test_forecast_of_the_active_sprint_and_its_risk() -> None:
    app, clock = _app()
    await _steady_history(app, clock)
    today = clock.now().date()
    sprint = await app.create_sprint("next", end_date=today + timedelta(days=2))
    ids = [(await app.create_task(f"todo {i}", sprint=sprint.id)).id for i in range(10)]
    await app.start_sprint(sprint.id)
    f = await app.forecast()
    # 2 a day from today: 10 tasks are done on the 5th day.
    assert f.scope == f"sprint {sprint.id}" and f.remaining == 10 and set(f.tasks) == set(ids)
    assert f.p50 == f.p85 == f.p95 == today + timedelta(days=4)
    assert f.deadline == today + timedelta(days=2) and f.at_risk is True
    assert f.chance_by_deadline == 0.0
    assert await app.forecast(sprint=sprint.id.lower()) == f


@pytest.mark.anyio
async def test_forecast_of_an_epic_and_of_tasks() -> None:
    app, clock = _app()
    await _steady_history(app, clock)
    epic = await app.create_task("epic", type="EPIC")
    story = await app.create_task("story", type="STORY", parent=epic.id)
    leaves = [(await app.create_task(f"leaf {i}", parent=story.id)).id for i in range(3)]
    other = await app.create_task("loose")
    f = await app.forecast(epic=epic.id)
    assert f.scope == f"epic {epic.id}" and f.tasks == tuple(leaves)
    assert f.p95 == clock.now().date() + timedelta(days=1)
    g = await app.forecast(task_ids=[other.id, leaves[0]], seed=1, trials=500)
    assert g.remaining == 2 and g.trials == 500 and g.p50 == clock.now().date()
    assert g.scope == f"tasks {other.id}, {leaves[0]}"


@pytest.mark.anyio
async def test_forecast_with_no_active_sprint_is_of_the_open_backlog() -> None:
    app, clock = _app()
    await _steady_history(app, clock)
    epic = await app.create_task("epic", type="EPIC")
    leaves = [(await app.create_task(f"leaf {i}", parent=epic.id)).id for i in range(2)]
    loose = await app.create_task("loose")
    done = await app.create_task("finished")
    await app.complete_task(done.id)
    closed = await app.create_sprint("over")
    await app.start_sprint(closed.id)
    await app.close_sprint(closed.id)
    f = await app.forecast()
    assert f.scope == "the open backlog" and f.deadline is None
    assert set(f.tasks) == {*leaves, loose.id} and f.remaining == 3
    assert f.status == "ok" and f.p95 == clock.now().date() + timedelta(days=1)
    empty, _ = _app()
    nothing = await empty.forecast()
    assert (nothing.scope, nothing.remaining, nothing.status) == (
        "the open backlog",
        0,
        "nothing_left",
    )


@pytest.mark.anyio
async def test_forecast_with_no_history_says_not_enough_data() -> None:
    app, _ = _app()
    t = await app.create_task("only")
    f = await app.forecast(task_ids=[t.id])
    assert f.status == "not_enough_data" and f.p85 is None and f.reason is not None


@pytest.mark.anyio
async def test_forecast_input_errors() -> None:
    app, _ = _app()
    t = await app.create_task("x")
    with pytest.raises(InvalidInputError) as err:
        await app.forecast(epic=t.id, task_ids=[t.id])
    assert err.value.field == "task_ids"
    with pytest.raises(InvalidInputError) as err:
        await app.forecast(task_ids=[t.id], trials=0)
    assert err.value.field == "trials"
    with pytest.raises(InvalidInputError, match="at least one task"):
        await app.forecast(task_ids=[])
    with pytest.raises(NotFoundError):
        await app.forecast(sprint="SPRINT-404")
    with pytest.raises(InvalidInputError) as err:
        await app.stats(days=0)
    assert err.value.field == "days"


@pytest.mark.anyio
async def test_burndown_through_the_facade() -> None:
    app, clock = _app()
    start = clock.now().date()
    sprint = await app.create_sprint("s", start_date=start, end_date=start + timedelta(days=3))
    a = await app.create_task("a", estimate=2, sprint=sprint.id)
    b = await app.create_task("b", estimate=3, sprint=sprint.id)
    await app.start_sprint(sprint.id)
    clock.advance(hours=2)
    await app.complete_task(a.id)
    clock.advance(days=1)
    await app.start_task(b.id)
    bd = await app.burndown(sprint.id)
    assert (bd.committed_tasks, bd.committed_points) == (2, 5.0)
    assert [(d.remaining_tasks, d.remaining_points) for d in bd.days] == [
        (1, 3.0),
        (1, 3.0),
        (None, None),
        (None, None),
    ]
    assert [d.ideal_points for d in bd.days] == [3.75, 2.5, 1.25, 0.0]
    with pytest.raises(NotFoundError):
        await app.burndown("SPRINT-009")


@pytest.mark.anyio
async def test_estimate_duration_through_the_facade() -> None:
    app, clock = _app()
    await _steady_history(app, clock)
    t = await app.create_task("new api work", labels=["api"], estimate=2)
    await app.start_task(t.id)
    clock.advance(minutes=30)
    est = await app.estimate_duration(t.id.lower())
    assert est.basis == "same type TASK, shared label and estimate within 2x"
    assert est.samples == 20 and est.median_hours == 2.0 and est.elapsed_hours == 0.5
    assert est.to_dict()["enough_data"] is True


@pytest.mark.anyio
async def test_success_metrics_without_sessions_yet() -> None:
    app, clock = _app()
    await _steady_history(app, clock)
    m = await app.success_metrics()
    blocks = m.get("finished_without_block")
    assert (blocks.numerator, blocks.denominator, blocks.value, blocks.met) == (38, 40, 0.95, True)
    assert m.get("needed_human").value == 0.05
    for name in ("context_restored", "context_size", "handoffs_accepted"):
        assert m.get(name).value is None and m.get(name).reason is not None


@pytest.mark.anyio
async def test_the_log_is_read_page_by_page(monkeypatch: pytest.MonkeyPatch) -> None:
    app, clock = _app()
    await _steady_history(app, clock, days=6)
    whole = await app.stats(days=10)
    monkeypatch.setattr(analytics_service, "EVENT_PAGE", 7)
    monkeypatch.setattr(analytics_service, "_TASK_PAGE", 3)
    assert await app.stats(days=10) == whole
    t = await app.create_task("later")
    assert (await app.forecast(task_ids=[t.id])).history_finished == 12
    assert (whole.start, whole.end) == (date(2025, 12, 29), date(2026, 1, 7))


@pytest.mark.anyio
async def test_the_human_channel_counts_as_needing_a_human() -> None:
    app, clock = _app()
    ids = [(await app.create_task(f"t{i}")).id for i in range(6)]
    for tid in ids:
        await app.start_task(tid)
    asked = await app.request_clarification(ids[0], "Which database?")  # blocking
    await app.request_intervention("Please review", task_id=ids[1])  # not blocking
    clock.advance(hours=2)
    await app.answer_request(asked.id, "SQLite")
    for tid in ids:
        await app.complete_task(tid)
    m = await app.success_metrics()
    blocks, human = m.get("finished_without_block"), m.get("needed_human")
    assert (blocks.numerator, blocks.denominator) == (5, 6)
    assert (human.numerator, human.denominator) == (2, 6)
    stats = await app.stats(days=1)
    assert (stats.blocked.blocks, stats.blocked.total_hours) == (1, 2.0)
