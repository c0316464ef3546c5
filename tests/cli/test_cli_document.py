"""The export document and the import writer, on the in-memory store (no subprocess)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orchestron.cli._document import from_document, to_document
from orchestron.core import (
    ContextRecord,
    Handoff,
    HumanRequest,
    InvalidInputError,
    Message,
    MessageKind,
    Orchestron,
    RequestKind,
    Session,
    Urgency,
)
from orchestron.core.testing import FixedClock, MemoryStorage
from orchestron.runtime import read_contents, write_contents

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


async def populated() -> Orchestron:
    orch = Orchestron(MemoryStorage(), FixedClock(T0), actor="human:ann")
    epic = await orch.create_task("Epic", type="epic")
    a = await orch.create_task("A", parent=epic.id, checkpoints=["x", "y"], labels=["api"])
    b = await orch.create_task("B", depends_on=[a.id], estimate=2.5)
    await orch.complete_checkpoint(a.id, 1)
    sprint = await orch.create_sprint("S1", goal="g")
    await orch.add_to_sprint(sprint.id, [a.id, b.id])
    await orch.start_sprint(sprint.id)
    await orch.start_task(a.id)
    async with orch.storage.transaction() as tx:
        session = Session(
            id="SESSION-001",
            agent_id="claude-1",
            started_at=T0,
            last_seen=T0,
            lease_expires=T0 + timedelta(minutes=5),
        )
        await tx.sessions.add(session)
        await tx.sessions.update(session.changed(last_seen=T0 + timedelta(minutes=1)))
        await tx.contexts.add(
            ContextRecord(
                session_id="SESSION-001",
                agent_id="claude-1",
                saved_at=T0,
                data={"next_steps": ["write tests"], "notes": "é"},
                task_id=a.id,
                size_bytes=52,
            )
        )
        await tx.handoffs.add(
            Handoff(
                id="HANDOFF-001",
                from_session="SESSION-001",
                from_agent="claude-1",
                created_at=T0,
                package={"task": a.id},
            )
        )
        await tx.requests.add(
            HumanRequest(
                id="REQ-001",
                kind=RequestKind.CLARIFICATION,
                text="Which DB?",
                created_at=T0,
                urgency=Urgency.HIGH,
                task_id=a.id,
                blocking=True,
            )
        )
        await tx.messages.add(
            Message(
                id="MSG-001",
                kind=MessageKind.INTERVENTION,
                text="Use PostgreSQL",
                author="human:ann",
                created_at=T0,
                task_id=a.id,
            )
        )
        await tx.messages.mark_delivered(
            ["MSG-001"], to="SESSION-001", via="tool", at=T0 + timedelta(seconds=5)
        )
    return orch


async def export(orch: Orchestron) -> dict[str, Any]:
    async with orch.storage.transaction(write=False) as tx:
        return to_document(await read_contents(tx))


async def test_round_trip_through_an_empty_store_is_exact() -> None:
    original = await export(await populated())
    contents, counters = from_document(original)
    copy = Orchestron(MemoryStorage(), FixedClock(T0))
    async with copy.storage.transaction() as tx:
        await write_contents(tx, contents, counters)
    assert await export(copy) == original
    assert original["counters"] == {
        "HANDOFF": 1,
        "MSG": 1,
        "REQ": 1,
        "SESSION": 1,
        "SPRINT": 1,
        "TASK": 3,
    }
    assert original["messages"][0]["delivered_via"] == "tool"
    # the id sequences carry on where the original left off
    assert (await copy.create_task("next")).id == "TASK-004"
    assert (await copy.create_sprint("S2")).id == "SPRINT-002"


async def test_the_document_is_deterministic() -> None:
    orch = await populated()
    assert await export(orch) == await export(orch)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": "something-else"}, "format"),
        ({"version": 99}, "version"),
        ({"tasks": {}}, "tasks"),
        ({"tasks": [{"id": "TASK-001"}]}, "tasks[0]"),
        ({"dependencies": [{"task": "TASK-001"}]}, "dependencies[0]"),
        ({"counters": {"TASK": -1}}, "counters"),
    ],
)
async def test_a_bad_document_names_the_spot(change: dict[str, Any], field: str) -> None:
    document = {**(await export(await populated())), **change}
    with pytest.raises(InvalidInputError) as info:
        from_document(document)
    assert info.value.field == field


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        from_document([1, 2])
