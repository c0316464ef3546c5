"""Analytics over 10,000 finished tasks and 200,000 events: budget under 1 s.

Run: uv run python bench/bench_analytics.py [--storage]

Synthesises a log in the shapes the services emit (task.created, status changes,
progress, checkpoints, updates, blocks, requests, sprints, sessions, contexts,
handoffs), then times the full computation: fold the log, stats of the last 30
days, and a 10,000-trial forecast of 500 remaining tasks. Prints figures and
PASS/OVER against the budget. With --storage it also times each call a door makes
through the Orchestron facade over MemoryStorage (each call reads the log through
the port, page by page, and folds it afresh).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio

from orchestron.core import Orchestron
from orchestron.core.analytics import (
    build_history,
    burndown,
    compute_stats,
    estimate_duration,
    forecast,
    success_metrics,
)
from orchestron.core.domain import Event, Sprint, SprintStatus, Task, TaskStatus, TaskType
from orchestron.core.testing import FixedClock, MemoryStorage

BUDGET_S = 1.0
TASKS = 10_000
EVENTS = 200_000
REMAINING = 500
TRIALS = 10_000
DAYS = 200
SPRINT_DAYS = 14
T0 = datetime(2026, 1, 1, tzinfo=UTC)
TYPES = ("TASK", "TASK", "TASK", "BUG", "STORY", "SPIKE")
LABELS = ("api", "ui", "db", "docs", "infra", "auth", "perf")


def synthesise(seed: int = 1) -> tuple[list[Event], list[Task], list[Sprint], datetime]:
    rng = random.Random(seed)
    events: list[tuple[datetime, str, str, dict[str, Any]]] = []
    tasks: list[Task] = []
    sprints: list[Sprint] = []
    for s in range(DAYS // SPRINT_DAYS + 1):
        sid = f"SPRINT-{s + 1:03d}"
        start = (T0 + timedelta(days=s * SPRINT_DAYS)).date()
        end = start + timedelta(days=SPRINT_DAYS - 1)
        closed = s < DAYS // SPRINT_DAYS
        sprints.append(
            Sprint(
                id=sid,
                name=f"Sprint {s + 1}",
                created_at=T0,
                updated_at=T0,
                status=SprintStatus.CLOSED if closed else SprintStatus.ACTIVE,
                start_date=start,
                end_date=end,
                started_at=datetime.combine(start, datetime.min.time(), UTC),
                closed_at=datetime.combine(end, datetime.max.time(), UTC) if closed else None,
            )
        )
        events.append((sprints[-1].started_at or T0, sid, "sprint.started", {"tasks": 0}))
    for n in range(TASKS + REMAINING):
        tid = f"TASK-{n + 1:05d}"
        created = T0 + timedelta(days=rng.uniform(0, DAYS - 3))
        kind = rng.choice(TYPES)
        labels = rng.sample(LABELS, rng.randint(0, 2))
        est = float(rng.choice((1, 2, 3, 5, 8)))
        sprint = sprints[min((created - T0).days // SPRINT_DAYS, len(sprints) - 1)].id
        created_data = {
            "title": tid,
            "type": kind,
            "priority": "MEDIUM",
            "parent": None,
            "sprint": sprint,
            "labels": labels,
            "estimate": est,
        }
        events.append((created, tid, "task.created", created_data))
        finished = n < TASKS
        started = created + timedelta(hours=rng.uniform(0.5, 24))
        cycle = timedelta(hours=est * rng.uniform(0.5, 4))
        done = started + cycle
        events.append((started, tid, "task.status_changed", _move("TODO", "IN_PROGRESS")))
        for k in range(8):
            events.append((started + cycle * (k / 9), tid, "task.progress", {"after": 10 * k}))
        for k in range(4):
            events.append((started + cycle * (k / 5), tid, "task.checkpoint_done", {"index": k}))
        events.append((started, tid, "task.updated", {"changes": {"estimate": est}}))
        if rng.random() < 0.2:
            b = started + cycle / 3
            events.append((b, tid, "task.status_changed", _move("IN_PROGRESS", "BLOCKED")))
            events.append((b, f"REQ-{n}", "request.created", {"task_id": tid, "blocking": True}))
            events.append(
                (b + cycle / 6, tid, "task.status_changed", _move("BLOCKED", "IN_PROGRESS"))
            )
        status = TaskStatus.IN_PROGRESS
        if finished:
            events.append((done, tid, "task.status_changed", _move("IN_PROGRESS", "DONE")))
            status = TaskStatus.DONE
        tasks.append(
            Task(
                id=tid,
                title=tid,
                created_at=created,
                updated_at=created,
                type=TaskType(kind),
                labels=labels,
                estimate=est,
                sprint=sprint if not finished else None,
                status=status,
                started_at=started,
            )
        )
    i = 0
    while len(events) < EVENTS:
        when = T0 + timedelta(days=rng.uniform(0, DAYS))
        sid = f"S-{i // 4}"
        kind = ("session.resumed", "context.saved", "handoff.prepared", "handoff.accepted")[i % 4]
        data = {
            "session.resumed": {"kind": "startup", "context_restored": rng.random() < 0.97},
            "context.saved": {"size_bytes": rng.randint(800, 4096)},
            "handoff.prepared": {"handoff": f"H-{i // 4}"},
            "handoff.accepted": {"handoff": f"H-{i // 4}"},
        }[kind]
        events.append((when, sid, kind, data))
        i += 1
    events.sort(key=lambda e: e[0])
    log = [
        Event(at=at, actor="bench", entity=ent, kind=k, data=d, seq=s + 1)
        for s, (at, ent, k, d) in enumerate(events)
    ]
    now = T0 + timedelta(days=DAYS, hours=9)
    return log, tasks, sprints, now


def _move(frm: str, to: str) -> dict[str, str]:
    return {"from": frm, "to": to, "when": "bench"}


Timing = tuple[float, float]
"""(wall seconds, CPU seconds of this process): medians over the repeats."""


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[Timing, Any]:
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return (statistics.median(walls), statistics.median(cpus)), out


def line(label: str, timing: Timing, budget: float | None = None) -> None:
    """Judged on CPU time: on a shared machine, wall time also counts other processes."""
    wall, cpu = timing
    verdict = "" if budget is None else ("  PASS" if cpu <= budget else "  OVER")
    limit = "" if budget is None else f"  budget {budget * 1000:,.0f} ms"
    print(f"{label:<54} {cpu * 1000:7.1f} ms cpu {wall * 1000:7.1f} ms wall{limit}{verdict}")


def pure(events: list[Event], tasks: list[Task], sprints: list[Sprint], now: datetime) -> bool:
    open_ids = [t.id for t in tasks if not t.status.finished]

    def full() -> tuple[Any, Any]:
        h = build_history(events)
        s = compute_stats(h, now=now, days=30, sprints=sprints)
        f = forecast(h, open_ids, now=now, scope="bench", trials=TRIALS)
        return s, f

    t_fold, history = timed(lambda: build_history(events))
    t_stats, stats = timed(lambda: compute_stats(history, now=now, days=30, sprints=sprints))
    t_fc, fc = timed(lambda: forecast(history, open_ids, now=now, scope="bench", trials=TRIALS))
    t_bd, _ = timed(lambda: burndown(history, sprints[-1], now))
    t_sm, _ = timed(lambda: success_metrics(history))
    t_de, de = timed(lambda: estimate_duration(history, tasks[-1], now))
    t_total, _ = timed(full)
    done = sum(1 for t in history.tasks.values() if t.done)
    print(f"log: {len(events):,} events, {done:,} finished tasks, {len(open_ids)} open")
    line(f"fold the log ({len(events):,} events)", t_fold)
    line(f"stats, last 30 days ({stats.finished:,} finished, {len(sprints)} sprints)", t_stats)
    line(f"forecast {len(open_ids)} tasks x {TRIALS:,} trials (p85 {fc.p85})", t_fc)
    line("burndown of one sprint", t_bd)
    line("success metrics", t_sm)
    line(f"duration estimate ({de.samples} similar)", t_de)
    line("TOTAL fold + stats + forecast", t_total, BUDGET_S)
    return t_total[1] <= BUDGET_S


async def via_storage(
    events: list[Event], tasks: list[Task], sprints: list[Sprint], now: datetime
) -> bool:
    storage = MemoryStorage()
    async with storage.transaction() as tx:
        for task in tasks:
            await tx.tasks.add(task)
        for sprint in sprints:
            await tx.sprints.add(sprint)
        for event in events:
            await tx.events.append(event)
    app = Orchestron(storage, FixedClock(now))
    active = next(s for s in sprints if s.status is SprintStatus.ACTIVE)
    ok = True
    calls: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("app.stats(days=30)", lambda: app.stats(days=30)),
        (f"app.forecast(sprint={active.id})", lambda: app.forecast(sprint=active.id)),
        ("app.success_metrics()", app.success_metrics),
    ]
    for label, call in calls:
        walls, cpus = [], []
        for _ in range(3):
            w, c = time.perf_counter(), time.process_time()
            await call()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        timing = (statistics.median(walls), statistics.median(cpus))
        line(f"via MemoryStorage: {label}", timing, BUDGET_S)
        ok = ok and timing[1] <= BUDGET_S
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--storage", action="store_true", help="also time through MemoryStorage")
    args = parser.parse_args()
    t = time.perf_counter()
    events, tasks, sprints, now = synthesise()
    print(f"synthesised in {time.perf_counter() - t:.1f} s (not timed below); today {now.date()}")
    print("each figure: median of 3 runs; PASS/OVER judged on CPU time of this process")
    ok = pure(events, tasks, sprints, now)
    if args.storage:
        ok = anyio.run(via_storage, events, tasks, sprints, now) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
