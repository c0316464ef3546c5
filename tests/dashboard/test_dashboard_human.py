"""The human channel over HTTP: answer, pause/resume, approve/reject, intervene, priority,
the inbox, and agents asking for help; bad input names the field and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from orchestron.core import MessageKind, Orchestron, RequestStatus, TaskStatus

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_clarify_answers_the_open_question(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Pick a format")
    await other.start_task(task.id)
    asked = await other.request_clarification(task.id, "TOML or YAML?")
    assert (await other.get_task(task.id)).status is TaskStatus.BLOCKED
    r = await client.post(f"/api/tasks/{task.id}/clarify", json={"answer": "TOML"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == asked.id and body["status"] == "ANSWERED" and body["answer"] == "TOML"
    assert (await other.get_task(task.id)).status is TaskStatus.IN_PROGRESS
    assert [r.answer for r in await other.clarifications(task.id) if r.answer] == ["TOML"]


async def test_inbox_lists_open_requests_most_urgent_first(
    client: Client, other: Orchestron
) -> None:
    task = await other.create_task("Risky change")
    low = await other.request_intervention("FYI only", urgency="low")
    high = await other.request_intervention("Need a decision", urgency="critical", task_id=task.id)
    items = (await client.get("/api/inbox")).json()["items"]
    assert [i["id"] for i in items] == [high.id, low.id]
    r = await client.post(f"/api/requests/{low.id}/answer", json={"answer": "thanks"})
    assert r.status_code == 200 and r.json()["status"] == "ANSWERED"
    assert [i["id"] for i in (await client.get("/api/inbox")).json()["items"]] == [high.id]
    page = await client.get("/inbox")
    assert "Need a decision" in page.text and "FYI only" not in page.text


async def test_agent_asks_for_help_over_http(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Flaky test")
    r = await client.post(
        "/api/intervention/request",
        json={
            "reason": "Tests fail at random",
            "task_id": "task-1",
            "urgency": "high",
            "agent": "claude-9",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "HELP" and body["urgency"] == "HIGH" and body["task_id"] == task.id
    assert (await other.inbox())[0].id == body["id"]
    events = await other.events(kinds=["request.opened"])
    assert events and events[-1].actor == "claude-9"


async def test_pause_and_resume(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Refactor")
    await other.start_task(task.id)
    r = await client.post(f"/api/tasks/{task.id}/pause", json={"reason": "wait for review"})
    assert r.status_code == 200 and r.json()["status"] == "PAUSED"
    messages = await other.messages_for(task.id)
    assert messages[-1].kind is MessageKind.PAUSE and messages[-1].text == "wait for review"
    r = await client.post(f"/api/tasks/{task.id}/resume", json={})
    assert r.status_code == 200 and r.json()["status"] == "IN_PROGRESS"
    r = await client.post(f"/api/tasks/{task.id}/resume")
    assert r.status_code == 409 and r.json()["error"] == "refused"


async def test_approve_and_reject(client: Client, other: Orchestron) -> None:
    a = await other.create_task("A")
    b = await other.create_task("B")
    for t in (a, b):
        await other.start_task(t.id)
        await other.transition(t.id, "review_requested")
    r = await client.post(f"/api/tasks/{a.id}/approve", json={"feedback": ""})
    assert r.status_code == 200 and r.json()["status"] == "DONE"
    r = await client.post(f"/api/tasks/{b.id}/reject", json={"feedback": "add tests"})
    assert r.status_code == 200 and r.json()["status"] == "IN_PROGRESS"
    assert (await other.messages_for(b.id))[-1].text.endswith("add tests")


async def test_intervene_and_priority(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Tune it")
    r = await client.post(f"/api/tasks/{task.id}/intervene", json={"message": "use the cache"})
    assert r.status_code == 200 and r.json()["kind"] == "INTERVENTION"
    r = await client.post(f"/api/tasks/{task.id}/priority", json={"priority": "critical"})
    assert r.status_code == 200 and r.json()["priority"] == "CRITICAL"
    listed = (await client.get(f"/api/tasks/{task.id}/requests")).json()
    assert [m["kind"] for m in listed["messages"]] == ["INTERVENTION", "PRIORITY"]


@pytest.mark.parametrize(
    ("url", "payload", "status", "field"),
    [
        ("/api/tasks/TASK-001/priority", {"priority": "URGENT"}, 400, "priority"),
        ("/api/tasks/TASK-001/priority", {"priority": 3}, 400, "priority"),
        ("/api/tasks/TASK-001/priority", {}, 400, "priority"),
        ("/api/tasks/TASK-001/pause", {"reason": "  "}, 400, "reason"),
        ("/api/tasks/TASK-001/intervene", {"message": ""}, 400, "message"),
        ("/api/tasks/TASK-001/reject", {"feedback": ""}, 400, "feedback"),
        ("/api/tasks/TASK-001/clarify", {"answer": "x", "colour": 1}, 400, "colour"),
        ("/api/tasks/TASK-999/priority", {"priority": "LOW"}, 404, None),
        ("/api/tasks/TASK-999/pause", {"reason": "why"}, 404, None),
        ("/api/tasks/TASK-999/clarify", {"answer": "x"}, 404, None),
        ("/api/requests/REQ-999/answer", {"answer": "x"}, 404, None),
        ("/api/intervention/request", {"reason": "x", "urgency": "panic"}, 400, "urgency"),
        ("/api/intervention/request", {"reason": "x", "blocking": True}, 400, "blocking"),
        ("/api/tasks/TASK-001/approve", {}, 409, None),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: Client,
    other: Orchestron,
    url: str,
    payload: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    await other.create_task("Target")
    before = await other.last_event_seq()
    r = await client.post(url, json=payload)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["message"]
    if field is not None:
        assert body["field"] == field, body
    if status == 404:
        assert "999" in body["message"]
    assert await other.last_event_seq() == before
    assert await other.messages_for("TASK-001") == []
    assert (await other.get_task("TASK-001")).priority.value == "MEDIUM"


async def test_oversized_answer_is_413_and_writes_nothing(
    client: Client, other: Orchestron
) -> None:
    task = await other.create_task("Q")
    asked = await other.request_clarification(task.id, "Why?")
    before = await other.last_event_seq()
    r = await client.post(f"/api/tasks/{task.id}/clarify", json={"answer": "x" * 100_000})
    assert r.status_code == 413
    assert await other.last_event_seq() == before
    assert (await other.clarifications(task.id))[0].status is RequestStatus.OPEN
    assert asked.status is RequestStatus.OPEN


async def test_task_page_shows_the_channel(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Shape the API")
    await other.request_clarification(task.id, "REST or RPC?", blocking=False)
    await other.intervene(task.id, "prefer REST")
    html = (await client.get(f"/tasks/{task.id}")).text
    assert "REST or RPC?" in html and "prefer REST" in html
    assert 'data-action="/api/requests/REQ-001/answer"' in html
    badge = (await client.get("/", headers={"X-Fragment": "inbox_badge"})).text
    assert ">1<" in badge
