"""Differential tests: the same operations on MemoryStorage (the reference) and PostgreSQL
give the same answers, the same errors and the same stored state."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from orchestron.core import Orchestron, checked_fields
from orchestron.core.domain import (
    ContextRecord,
    Event,
    Handoff,
    HandoffStatus,
    HumanRequest,
    Message,
    MessageKind,
    Notification,
    RequestKind,
    RequestStatus,
    Session,
    SessionStatus,
    TaskStatus,
)
from orchestron.core.ports import Storage, TaskFilter
from orchestron.core.serialize import to_jsonable
from orchestron.core.testing import FixedClock, MemoryStorage
from orchestron.postgres import PostgresStorage
from orchestron.runtime import snapshot

pytestmark = pytest.mark.anyio

Op = Callable[[Orchestron], Awaitable[Any]]


async def _same_contents(pg: Storage, ref: Storage) -> None:
    """Every repository holds the same; counters are checked through next_number instead
    (PostgreSQL reports them exactly, the reference only through the ids it holds)."""
    got, want = await snapshot(pg), await snapshot(ref)
    got.pop("counters")
    want.pop("counters")
    assert got == want


async def _outcome(op: Op, orch: Orchestron) -> Any:
    try:
        return ("ok", to_jsonable(await op(orch)))
    except Exception as exc:  # noqa: BLE001  (any error is an outcome to compare)
        return ("error", type(exc).__name__, str(exc))


def _workload(seed: int, steps: int) -> list[tuple[str, Op, float]]:
    """A random but reproducible mix of the task, graph and sprint use cases."""
    rng = random.Random(seed)
    ops: list[tuple[str, Op, float]] = []
    created = 0

    def tid() -> str:
        return f"TASK-{rng.randint(1, max(created, 1)):03d}"

    for _ in range(steps):
        roll = rng.random()
        tick = rng.choice([0.0, 0.0, 1.0, 30.0])
        if roll < 0.25 or created < 5:
            created += 1
            kw = {
                "priority": rng.choice(["critical", "high", "medium", "low"]),
                "labels": rng.sample(["api", "ui", "db", "ops"], rng.randint(0, 2)),
                "checkpoints": [f"step {i}" for i in range(rng.randint(0, 2))],
                "description": rng.choice(["", "Fix the Café ÉCLAIR parser", "ümlaut ß"]),
            }
            ops.append(("create", lambda o, k=kw, n=created: o.create_task(f"T{n}", **k), tick))
        elif roll < 0.40:
            a, b = tid(), tid()
            ops.append(("dep", lambda o, a=a, b=b: o.add_dependency(a, b), tick))
        elif roll < 0.45:
            a, b = tid(), tid()
            ops.append(("undep", lambda o, a=a, b=b: o.remove_dependency(a, b), tick))
        elif roll < 0.55:
            t = tid()
            ops.append(("start", lambda o, t=t: o.start_task(t), tick))
        elif roll < 0.63:
            t = tid()
            ops.append(("complete", lambda o, t=t: o.complete_task(t), tick))
        elif roll < 0.68:
            t, when = tid(), rng.choice(["task_paused", "task_resumed", "task_cancelled"])
            ops.append(("transition", lambda o, t=t, w=when: o.transition(t, w), tick))
        elif roll < 0.72:
            t, version = tid(), rng.randint(1, 3)
            ops.append(
                (
                    "update",
                    lambda o, t=t, v=version: o.change_task(
                        t, version=v, fields=checked_fields(title="renamed")
                    ),
                    tick,
                )
            )
        elif roll < 0.75:
            t = tid()
            ops.append(("checkpoint", lambda o, t=t: o.complete_checkpoint(t, 1), tick))
        elif roll < 0.78:
            name = f"S{rng.random():.3f}"
            ops.append(("sprint", lambda o, n=name: o.create_sprint(n), tick))
        elif roll < 0.81:
            t, s = tid(), f"SPRINT-{rng.randint(1, 3):03d}"
            ops.append(("add_to_sprint", lambda o, t=t, s=s: o.add_to_sprint(s, [t]), tick))
        elif roll < 0.83:
            s = f"SPRINT-{rng.randint(1, 3):03d}"
            ops.append(("start_sprint", lambda o, s=s: o.start_sprint(s), tick))
        elif roll < 0.84:
            s = f"SPRINT-{rng.randint(1, 3):03d}"
            ops.append(("close_sprint", lambda o, s=s: o.close_sprint(s), tick))
        elif roll < 0.90:
            ops.append(("ready", lambda o: o.ready_tasks(limit=5), tick))
        elif roll < 0.93:
            ops.append(("next", lambda o: o.next_task(), tick))
        elif roll < 0.96:
            flt = TaskFilter(
                statuses=rng.sample(list(TaskStatus), rng.randint(0, 2)),
                label=rng.choice([None, "api", "db"]),
                text=rng.choice([None, "café", "ÜMLAUT", "t1"]),
            )
            after = rng.choice([None, "TASK-002", "TASK-010"])
            ops.append(
                (
                    "list",
                    lambda o, f=flt, a=after: o.list_tasks(f, after=a, limit=7),
                    tick,
                )
            )
        else:
            t = tid()
            ops.append(("deps_of", lambda o, t=t: o.dependencies(t), tick))
    return ops


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_use_cases_agree_with_the_reference(pg_storage: PostgresStorage, seed: int) -> None:
    memory = MemoryStorage()
    clocks = (FixedClock(), FixedClock())
    ref = Orchestron(memory, clocks[0], actor="human:ref")
    pg = Orchestron(pg_storage, clocks[1], actor="human:ref")
    for step, (name, op, tick) in enumerate(_workload(seed, 220)):
        for clock in clocks:
            clock.advance(tick)
        want = await _outcome(op, ref)
        got = await _outcome(op, pg)
        assert got == want, f"step {step} ({name}) differs"
    await _same_contents(pg_storage, memory)
    events = await pg.events(after=3, kinds=["task.created"], limit=4)
    assert to_jsonable(events) == to_jsonable(
        await ref.events(after=3, kinds=["task.created"], limit=4)
    )


async def _both(stores: tuple[Storage, Storage], fn: Callable[[Any], Awaitable[Any]]) -> Any:
    results = []
    for store in stores:
        try:
            async with store.transaction() as tx:
                results.append(("ok", to_jsonable(await fn(tx))))
        except Exception as exc:  # noqa: BLE001  (any error is an outcome to compare)
            results.append(("error", type(exc).__name__, str(exc)))
    assert results[1] == results[0]
    return results[0]


async def test_sessions_contexts_handoffs_agree_with_the_reference(
    pg_storage: PostgresStorage,
) -> None:
    stores: tuple[Storage, Storage] = (MemoryStorage(), pg_storage)
    t0 = FixedClock().now()
    s1 = Session(id="s-1", agent_id="claude-1", started_at=t0, last_seen=t0,
                 lease_expires=t0 + timedelta(minutes=5), client="claude-code")  # fmt: skip
    s2 = Session(id="s-2", agent_id="claude-1", started_at=t0 + timedelta(seconds=1),
                 last_seen=t0, lease_expires=t0 + timedelta(seconds=30))  # fmt: skip
    await _both(stores, lambda tx: tx.sessions.add(s1))
    await _both(stores, lambda tx: tx.sessions.add(s2))
    await _both(stores, lambda tx: tx.sessions.add(s1))  # already there
    await _both(stores, lambda tx: tx.sessions.update(s1.changed(last_seen=t0)))
    await _both(stores, lambda tx: tx.sessions.update(s1.changed(last_seen=t0)))  # stale
    await _both(stores, lambda tx: tx.sessions.get("s-1"))
    await _both(stores, lambda tx: tx.sessions.get("nope"))
    await _both(stores, lambda tx: tx.sessions.list())
    await _both(stores, lambda tx: tx.sessions.list(limit=1))
    await _both(stores, lambda tx: tx.sessions.lapsed(t0 + timedelta(minutes=1)))
    await _both(stores, lambda tx: tx.sessions.latest_for_agent("claude-1"))
    await _both(stores, lambda tx: tx.sessions.latest_for_agent("claude-1", exclude="s-2"))
    await _both(
        stores,
        lambda tx: tx.sessions.update(
            s2.changed(status=SessionStatus.ABANDONED, ended_at=t0 + timedelta(seconds=30))
        ),
    )

    for i, (sid, task) in enumerate([("s-1", "TASK-001"), ("s-2", None), ("s-1", None)]):
        record = ContextRecord(
            session_id=sid,
            agent_id="claude-1",
            saved_at=t0 + timedelta(seconds=i),
            data={"next_steps": [f"step {i}"], "nested": {"ok": True, "n": 1.5}, "z": 1, "a": 2},
            task_id=task,
            size_bytes=40 + i,
        )
        await _both(stores, lambda tx, r=record: tx.contexts.add(r))
    await _both(stores, lambda tx: tx.contexts.latest_for_session("s-1"))
    await _both(stores, lambda tx: tx.contexts.latest_for_agent("claude-1"))
    await _both(stores, lambda tx: tx.contexts.latest_for_task("TASK-001"))
    await _both(stores, lambda tx: tx.contexts.latest_for_task("TASK-404"))
    await _both(stores, lambda tx: tx.contexts.all())

    h1 = Handoff(id="HANDOFF-001", from_session="s-1", from_agent="claude-1", created_at=t0,
                 package={"task": "TASK-001", "when": "now"}, task_id="TASK-001")  # fmt: skip
    h2 = Handoff(id="HANDOFF-002", from_session="s-1", from_agent="claude-1", created_at=t0,
                 to_agent="claude-2")  # fmt: skip
    h3 = Handoff(id="HANDOFF-010", from_session="s-2", from_agent="claude-1", created_at=t0,
                 to_agent="claude-3")  # fmt: skip
    for h in (h1, h2, h3):
        await _both(stores, lambda tx, h=h: tx.handoffs.add(h))
    await _both(stores, lambda tx: tx.handoffs.pending())
    await _both(
        stores,
        lambda tx: tx.handoffs.update(
            h1.changed(status=HandoffStatus.ACCEPTED, accepted_by="s-3", accepted_at=t0)
        ),
    )
    await _both(stores, lambda tx: tx.handoffs.update(h1.changed(accepted_by="again")))  # stale
    await _both(stores, lambda tx: tx.handoffs.pending())
    await _both(stores, lambda tx: tx.handoffs.list())
    await _both(stores, lambda tx: tx.handoffs.list(limit=2))
    await _both(stores, lambda tx: tx.handoffs.get("HANDOFF-001"))
    await _same_contents(pg_storage, stores[0])


async def test_human_channel_events_and_outbox_agree_with_the_reference(
    pg_storage: PostgresStorage,
) -> None:
    stores: tuple[Storage, Storage] = (MemoryStorage(), pg_storage)
    t0 = FixedClock().now()
    r1 = HumanRequest(id="REQ-001", kind=RequestKind.CLARIFICATION, text="which db?",
                      created_at=t0, task_id="TASK-001", blocking=True)  # fmt: skip
    r2 = HumanRequest(id="REQ-002", kind=RequestKind.APPROVAL, text="ship it?", created_at=t0)
    for r in (r1, r2):
        await _both(stores, lambda tx, r=r: tx.requests.add(r))
    await _both(
        stores,
        lambda tx: tx.requests.update(
            r1.changed(status=RequestStatus.ANSWERED, answer="postgres", answered_at=t0)
        ),
    )
    await _both(stores, lambda tx: tx.requests.update(r1.changed(answer="stale")))
    await _both(stores, lambda tx: tx.requests.list())
    await _both(stores, lambda tx: tx.requests.list(status=RequestStatus.OPEN))
    await _both(stores, lambda tx: tx.requests.list(task_id="TASK-001"))
    await _both(stores, lambda tx: tx.requests.get("REQ-001"))

    msgs = [
        Message(id="MSG-001", kind=MessageKind.ANSWER, text="use postgres", author="ann",
                created_at=t0, task_id="TASK-001"),
        Message(id="MSG-002", kind=MessageKind.PAUSE, text="stop", author="ann",
                created_at=t0, session_id="s-1"),
        Message(id="MSG-003", kind=MessageKind.NOTICE, text="hi", author="ann",
                created_at=t0 + timedelta(seconds=1), agent_id="claude-1"),
        Message(id="MSG-004", kind=MessageKind.NOTICE, text="other", author="ann",
                created_at=t0, agent_id="claude-9"),
    ]  # fmt: skip
    for m in msgs:
        await _both(stores, lambda tx, m=m: tx.messages.add(m))
    await _both(
        stores,
        lambda tx: tx.messages.undelivered(
            session_id="s-1", agent_id="claude-1", task_ids=["TASK-001"]
        ),
    )
    await _both(
        stores,
        lambda tx: tx.messages.mark_delivered(
            ["MSG-003", "MSG-001", "MSG-003", "MSG-404"], to="s-1", via="tool", at=t0
        ),
    )
    await _both(
        stores, lambda tx: tx.messages.mark_delivered(["MSG-001"], to="s-1", via="hook", at=t0)
    )
    await _both(stores, lambda tx: tx.messages.list())
    await _both(stores, lambda tx: tx.messages.list(task_id="TASK-001"))

    for i in range(5):
        event = Event(at=t0, actor="claude-1", entity=f"TASK-00{i % 2}", kind=f"k{i % 3}",
                      data={"i": i, "list": [1, "two"], "none": None})  # fmt: skip
        await _both(stores, lambda tx, e=event: tx.events.append(e))
    await _both(stores, lambda tx: tx.events.list(after=1, entity="TASK-001"))
    await _both(stores, lambda tx: tx.events.list(kinds=["k0", "k2"], limit=2))
    await _both(stores, lambda tx: tx.events.last_seq())

    note = Notification(kind="request.opened", title="which db?", at=t0, task_id="TASK-001")
    await _both(stores, lambda tx: tx.outbox.add(note))
    await _both(stores, lambda tx: tx.outbox.add(note))
    await _both(stores, lambda tx: tx.outbox.mark_failed(1, "webhook 500"))
    await _both(stores, lambda tx: tx.outbox.mark_sent(2, t0))
    await _both(stores, lambda tx: tx.outbox.pending())
    await _both(stores, lambda tx: tx.next_number("HANDOFF"))
    await _both(stores, lambda tx: tx.next_number("HANDOFF"))
    await _same_contents(pg_storage, stores[0])


async def test_a_failed_unit_of_work_leaves_nothing_behind(pg_storage: PostgresStorage) -> None:
    orch = Orchestron(pg_storage, FixedClock())
    await orch.create_task("kept")
    before = await snapshot(pg_storage)
    with pytest.raises(RuntimeError):
        async with pg_storage.transaction() as tx:
            await tx.next_number("TASK")
            await tx.events.append(Event(at=FixedClock().now(), actor="x", entity="e", kind="k"))
            raise RuntimeError("boom")
    assert await snapshot(pg_storage) == before
    assert (await orch.create_task("next")).id == "TASK-002"


async def test_ready_order_follows_edges_changed_earlier_in_the_same_unit_of_work(
    pg_storage: PostgresStorage,
) -> None:
    orch = Orchestron(pg_storage, FixedClock())
    a, b, c = [(await orch.create_task(n)).id for n in "ABC"]
    await orch.add_dependency(c, b)  # B unblocks C: B first
    assert (await orch.next_task()).task.id == b  # type: ignore[union-attr]
    async with pg_storage.transaction() as tx:
        await tx.deps.remove(c, b)
        assert [r.task.id for r in await tx.tasks.ready(orch.clock.now(), limit=3)] == [a, b, c]
        await tx.deps.add(b, a)  # now A unblocks B
        await tx.deps.add(c, a)
        ranked = await tx.tasks.ready(orch.clock.now(), limit=3)
        assert [(r.task.id, r.downstream) for r in ranked] == [(a, 2)]
    assert (await orch.next_task()).task.id == a  # type: ignore[union-attr]
