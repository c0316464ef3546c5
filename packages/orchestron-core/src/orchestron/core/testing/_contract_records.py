"""Storage contract: sprints, sessions, context, handoffs and the human channel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from orchestron.core.domain.enums import (
    HandoffStatus,
    MessageKind,
    RequestKind,
    RequestStatus,
    SessionStatus,
    SprintStatus,
    Urgency,
)
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message
from orchestron.core.domain.sprint import Sprint
from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.core.ports import message_is_for
from orchestron.core.testing._contract_kit import (
    T0,
    Check,
    StorageFactory,
    at,
    commit,
    raises,
    session,
)

__all__ = ["RECORD_CHECKS"]


async def check_sprints(make: StorageFactory) -> None:
    planned = Sprint(
        id="SPRINT-10",
        name="Later",
        created_at=T0,
        updated_at=T0,
        goal="ship",
        start_date=date(2026, 2, 1),
        end_date=date(2026, 2, 14),
    )
    first = Sprint(id="SPRINT-9", name="Now", created_at=T0, updated_at=T0)
    async with make() as storage:
        async with storage.transaction() as tx:
            await tx.sprints.add(planned)
            await tx.sprints.add(first)
            assert await tx.sprints.active() is None
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.sprints.add(first))
        started = first.changed(at(1), "lead", status=SprintStatus.ACTIVE, started_at=at(1))
        await commit(storage, lambda tx: tx.sprints.update(started))
        with raises(ConflictError) as caught:
            await commit(storage, lambda tx: tx.sprints.update(first.changed(at(2), "other")))
        assert (caught[0].current_version, caught[0].changed_by) == (2, "lead")
        ghost = Sprint(id="SPRINT-404", name="ghost", created_at=T0, updated_at=T0, version=2)
        with raises(NotFoundError):
            await commit(storage, lambda tx: tx.sprints.update(ghost))
        async with storage.transaction(write=False) as tx:
            assert await tx.sprints.get("SPRINT-10") == planned
            assert await tx.sprints.get("SPRINT-404") is None
            assert await tx.sprints.list() == [started, planned]
            assert await tx.sprints.active() == started


async def check_sessions(make: StorageFactory) -> None:
    now = at(30)
    old = session("S-1", "claude-1", lease=now - timedelta(minutes=1), started=T0)
    mid = session("S-2", "claude-1", lease=now, started=at(10))
    new = session("S-3", "claude-1", lease=now + timedelta(minutes=5), started=at(20))
    ended = session("S-0", "claude-2", lease=now, started=at(5), status=SessionStatus.ENDED)
    async with make() as storage:
        async with storage.transaction() as tx:
            for s in (old, mid, new, ended):
                await tx.sessions.add(s)
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.sessions.add(old))
        renewed = new.changed(last_seen=at(25), lease_expires=now + timedelta(minutes=10))
        await commit(storage, lambda tx: tx.sessions.update(renewed))
        with raises(ConflictError) as caught:
            await commit(storage, lambda tx: tx.sessions.update(new.changed(client="x")))
        assert caught[0].current_version == 2
        async with storage.transaction(write=False) as tx:
            assert await tx.sessions.get("S-3") == renewed
            assert await tx.sessions.get("S-404") is None
            assert [s.id for s in await tx.sessions.list()] == ["S-3", "S-2", "S-0", "S-1"]
            assert [s.id for s in await tx.sessions.list(limit=2)] == ["S-3", "S-2"]
            assert [s.id for s in await tx.sessions.lapsed(now)] == ["S-1", "S-2"]
            assert await tx.sessions.latest_for_agent("claude-1") == renewed
            assert await tx.sessions.latest_for_agent("claude-1", exclude="S-3") == mid
            assert await tx.sessions.latest_for_agent("claude-9") is None


async def check_contexts(make: StorageFactory) -> None:
    def record(sid: str, agent: str, task_id: str | None, n: int) -> ContextRecord:
        data = {"next_steps": [f"step {n}"], "notes": {"n": n}}
        return ContextRecord(sid, agent, at(n), data, task_id=task_id, size_bytes=10 * n)

    async with make() as storage:
        async with storage.transaction() as tx:
            a = await tx.contexts.add(record("S-1", "claude-1", "TASK-001", 1))
            b = await tx.contexts.add(record("S-1", "claude-1", None, 2))
            c = await tx.contexts.add(record("S-2", "claude-2", "TASK-001", 3))
        assert [a.id, b.id, c.id] == [1, 2, 3]
        assert c.data == {"next_steps": ["step 3"], "notes": {"n": 3}}
        async with storage.transaction(write=False) as tx:
            assert await tx.contexts.latest_for_session("S-1") == b
            assert await tx.contexts.latest_for_agent("claude-2") == c
            assert await tx.contexts.latest_for_task("TASK-001") == c
            assert await tx.contexts.latest_for_session("S-404") is None
            assert await tx.contexts.all() == [a, b, c]


async def check_handoffs(make: StorageFactory) -> None:
    def handoff(ident: str, minute: int, to: str | None) -> Handoff:
        return Handoff(ident, "S-1", "claude-1", at(minute), {"next": [ident]}, to_agent=to)

    h1, h2, h3, h4 = (
        handoff("H-1", 3, None),
        handoff("H-2", 1, "claude-2"),
        handoff("H-3", 2, "claude-3"),
        handoff("H-4", 4, "claude-2"),
    )
    async with make() as storage:
        async with storage.transaction() as tx:
            for h in (h1, h2, h3, h4):
                await tx.handoffs.add(h)
        taken = h4.changed(status=HandoffStatus.ACCEPTED, accepted_by="claude-2", accepted_at=at(5))
        await commit(storage, lambda tx: tx.handoffs.update(taken))
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.handoffs.update(h4.changed(accepted_by="x")))
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.handoffs.add(h1))
        async with storage.transaction(write=False) as tx:
            assert await tx.handoffs.get("H-4") == taken
            assert await tx.handoffs.pending() == [h2, h3, h1]
            assert [h.id for h in await tx.handoffs.list()] == ["H-4", "H-1", "H-3", "H-2"]
            assert [h.id for h in await tx.handoffs.list(limit=1)] == ["H-4"]


async def check_requests(make: StorageFactory) -> None:
    def request(ident: str, minute: int, task_id: str | None) -> HumanRequest:
        return HumanRequest(
            ident,
            RequestKind.CLARIFICATION,
            f"question {ident}",
            at(minute),
            urgency=Urgency.HIGH,
            task_id=task_id,
            blocking=True,
        )

    r1, r2, r3 = (
        request("REQ-1", 2, "TASK-001"),
        request("REQ-2", 1, "TASK-001"),
        request("REQ-3", 3, None),
    )
    async with make() as storage:
        async with storage.transaction() as tx:
            for r in (r1, r2, r3):
                await tx.requests.add(r)
        answered = r2.changed(
            status=RequestStatus.ANSWERED, answer="yes", answered_by="human", answered_at=at(4)
        )
        await commit(storage, lambda tx: tx.requests.update(answered))
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.requests.update(r2.changed(answer="no")))
        async with storage.transaction(write=False) as tx:
            assert await tx.requests.get("REQ-2") == answered
            assert await tx.requests.list() == [answered, r1, r3]
            assert await tx.requests.list(status=RequestStatus.OPEN) == [r1, r3]
            assert await tx.requests.list(task_id="TASK-001") == [answered, r1]
            assert await tx.requests.list(status=RequestStatus.OPEN, task_id="TASK-001") == [r1]


async def check_messages_delivered_exactly_once(make: StorageFactory) -> None:
    """Undelivered messages follow the work (`message_is_for`); each is marked once."""

    def message(ident: str, minute: int, **to: Any) -> Message:
        return Message(ident, MessageKind.INTERVENTION, f"say {ident}", "human", at(minute), **to)

    to_session = message("MSG-1", 1, session_id="S-1")
    to_agent = message("MSG-2", 2, agent_id="claude-1")
    to_task = message("MSG-3", 3, task_id="TASK-001")
    elsewhere = message("MSG-4", 4, session_id="S-2")
    # Addressed to whoever held TASK-001 before: it follows the task to its holder now.
    other_agent = message("MSG-5", 5, agent_id="claude-2", task_id="TASK-001")
    other_task = message("MSG-6", 0, task_id="TASK-002")
    # Addressed to this agent, but about a task it does not hold: that task's next holder's.
    agent_other_task = message("MSG-7", 6, agent_id="claude-1", task_id="TASK-002")
    gone_session = message("MSG-8", 7, session_id="S-9", task_id="TASK-001")
    everything = (
        to_session,
        to_agent,
        to_task,
        elsewhere,
        other_agent,
        other_task,
        agent_other_task,
        gone_session,
    )
    async with make() as storage:
        async with storage.transaction() as tx:
            for m in everything:
                await tx.messages.add(m)
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.messages.add(to_task))
        mine = {"session_id": "S-1", "agent_id": "claude-1", "task_ids": ["TASK-001"]}
        async with storage.transaction(write=False) as tx:
            assert await tx.messages.undelivered(**mine) == [  # type: ignore[arg-type]
                to_session,
                to_agent,
                to_task,
                other_agent,
                gone_session,
            ]
            for m in everything:
                expected = message_is_for(m, **mine)  # type: ignore[arg-type]
                assert (m in await tx.messages.undelivered(**mine)) is expected, m.id  # type: ignore[arg-type]
            assert await tx.messages.undelivered_without_task() == [to_session, to_agent, elsewhere]
            assert await tx.messages.get("MSG-5") == other_agent
            assert await tx.messages.get("MSG-404") is None
            assert await tx.messages.list(task_id="TASK-001") == [
                to_task,
                other_agent,
                gone_session,
            ]
            assert [m.id for m in await tx.messages.list()] == [
                "MSG-6",
                "MSG-1",
                "MSG-2",
                "MSG-3",
                "MSG-4",
                "MSG-5",
                "MSG-7",
                "MSG-8",
            ]
        ids = ["MSG-2", "MSG-1", "MSG-2", "MSG-404"]
        async with storage.transaction() as tx:
            marked = await tx.messages.mark_delivered(ids, to="S-1", via="hook", at=at(9))
        assert marked == ["MSG-2", "MSG-1"]
        async with storage.transaction() as tx:
            again = await tx.messages.mark_delivered(ids, to="S-1", via="tool", at=at(10))
        assert again == []
        async with storage.transaction(write=False) as tx:
            assert await tx.messages.undelivered(**mine) == [  # type: ignore[arg-type]
                to_task,
                other_agent,
                gone_session,
            ]
            assert await tx.messages.undelivered_without_task() == [elsewhere]
            delivered = next(m for m in await tx.messages.list() if m.id == "MSG-2")
            assert (delivered.delivered_at, delivered.delivered_to, delivered.delivered_via) == (
                at(9),
                "S-1",
                "hook",
            )


RECORD_CHECKS: tuple[Check, ...] = (
    check_sprints,
    check_sessions,
    check_contexts,
    check_handoffs,
    check_requests,
    check_messages_delivered_exactly_once,
)
