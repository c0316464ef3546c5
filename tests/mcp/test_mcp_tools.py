"""The tool matrix, in-process through the SDK's client: what each tool does."""

from __future__ import annotations

import json

import pytest
from mcp_helpers import call, text

from conftest import Env
from mcp import Client
from orchestron.core import TaskStatus

pytestmark = pytest.mark.anyio

TOOLS = {
    "task_create",
    "task_update",
    "task_get",
    "task_list",
    "task_next",
    "task_complete",
    "sprint",
    "session",
    "context_save",
    "context_load",
    "handoff",
    "resume",
    "ask_human",
    "clarifications",
    "remember",
    "recall",
}


async def test_lists_the_tools_with_compact_schemas(env: Env) -> None:
    async with Client(env.server()) as client:
        tools = (await client.list_tools()).tools
    seen = {t.name: ((t.meta or {}).get("ui") or {}).get("visibility") for t in tools}
    assert {name for name, shown in seen.items() if shown is None} == TOOLS
    assert {name: shown for name, shown in seen.items() if shown} == {"hook": ["app"]}  # host's
    for tool in tools:
        assert not _titles(tool.input_schema), tool.name
        assert '{"type": "null"}' not in json.dumps(tool.input_schema), tool.name
        assert tool.description and len(tool.description) < 300, tool.name


def _titles(node: object) -> list[str]:
    """Schema `title` keywords anywhere (a property *named* title is fine)."""
    if isinstance(node, list):
        return [t for item in node for t in _titles(item)]
    if not isinstance(node, dict):
        return []
    found = [node["title"]] if isinstance(node.get("title"), str) else []
    for key, value in node.items():
        if key == "properties":
            found += [t for sub in value.values() for t in _titles(sub)]
        elif key != "title":
            found += _titles(value)
    return found


@pytest.mark.parametrize(
    ("keyword", "tool"),
    [
        ("progress", "task_update"),
        ("create", "task_create"),
        ("next", "task_next"),
        ("done", "task_complete"),
        ("search", "task_list"),
        ("sprint", "sprint"),
        ("handoff", "handoff"),
        ("resume", "resume"),
        ("context", "context_save"),
        ("human", "ask_human"),
        ("checkpoint", "task_update"),
        ("dependenc", "task_update"),
    ],
)
async def test_tools_are_found_by_keyword(env: Env, keyword: str, tool: str) -> None:
    async with Client(env.server()) as client:
        tools = {
            t.name: f"{t.name} {t.description}".lower() for t in (await client.list_tools()).tools
        }
    assert keyword in tools[tool]


async def test_declares_the_claude_channel_capability(env: Env) -> None:
    for mode in ("auto", "legacy"):
        async with Client(env.server(), mode=mode) as client:
            caps = client.server_capabilities
            assert caps.experimental is not None and "claude/channel" in caps.experimental
            assert client.instructions and "resume" in client.instructions


async def test_create_update_get_complete(env: Env) -> None:
    async with Client(env.server(agent="claude-1")) as client:
        made = await call(
            client,
            "task_create",
            {"title": "Build the API", "priority": "high", "labels": ["api"], "estimate": 3},
        )
        assert made["id"] == "TASK-001" and made["version"] == 1
        assert made["created"] == "TASK-001 TODO HIGH 0% Build the API"
        updated = await call(client, "task_update", {"taskId": "task-1", "progress": 50})
        assert updated["progress"] == 50 and updated["applied"] == ["progress 0 -> 50"]
        got = await call(client, "task_get", {"taskId": "TASK-001"})
        assert got["progress"] == 50 and got["labels"] == ["api"] and got["estimate"] == 3
        assert got["updatedBy"] == "claude-1"
        moved = await call(client, "task_update", {"taskId": "TASK-001", "status": "IN_PROGRESS"})
        assert moved["status"] == "IN_PROGRESS"
        done = await call(client, "task_complete", {"taskId": "TASK-001", "note": "shipped"})
        assert done["status"] == "DONE" and done["progress"] == 100
    assert (await env.orch.get_task("TASK-001")).status is TaskStatus.DONE


async def test_update_moves_by_workflow_event_and_edits_fields(env: Env) -> None:
    await env.orch.create_task("Write docs")
    async with Client(env.server()) as client:
        await call(client, "task_update", {"taskId": "TASK-001", "event": "task_started"})
        out = await call(
            client,
            "task_update",
            {"taskId": "TASK-001", "event": "tests_pass", "title": "Write the docs", "version": 2},
        )
    assert out["status"] == "IN_REVIEW"
    assert "title Write docs -> Write the docs" in out["applied"]
    task = await env.orch.get_task("TASK-001")
    assert task.title == "Write the docs" and task.status is TaskStatus.IN_REVIEW


async def test_update_checkpoints_and_dependencies(env: Env) -> None:
    await env.orch.create_task("Schema")
    await env.orch.create_task("API")
    async with Client(env.server()) as client:
        out = await call(
            client,
            "task_update",
            {"taskId": "TASK-002", "checkpointsAdd": ["models", "routes"], "checkpointsDone": [1]},
        )
        assert out["progress"] == 50
        await call(client, "task_update", {"taskId": "TASK-002", "checkpointsDone": ["routes"]})
        await call(client, "task_update", {"taskId": "TASK-002", "dependsOnAdd": ["TASK-001"]})
        got = await call(client, "task_get", {"taskId": "TASK-002"})
        assert got["dependsOn"] == ["TASK-001"] and got["blockedBy"] == ["TASK-001"]
        assert got["checkpoints"] == ["[x] 1. models", "[x] 2. routes"]
        assert got["progress"] == 100
        await call(client, "task_update", {"taskId": "TASK-002", "dependsOnRemove": ["TASK-001"]})
        got = await call(client, "task_get", {"taskId": "TASK-002"})
        assert "dependsOn" not in got


async def test_complete_names_what_it_unblocked(env: Env) -> None:
    await env.orch.create_task("Schema")
    await env.orch.create_task("API", depends_on=["TASK-001"])
    async with Client(env.server()) as client:
        done = await call(client, "task_complete", {"taskId": "TASK-001"})
    assert done["nowReady"] == ["TASK-002"]


async def test_list_pages_with_a_cursor_and_takes_fields(env: Env) -> None:
    for i in range(7):
        await env.orch.create_task(f"Task {i}", priority="high" if i % 2 else "low")
    async with Client(env.server()) as client:
        first = await call(client, "task_list", {"limit": 3})
        assert first["tasks"] == [
            "TASK-001 TODO LOW 0% Task 0",
            "TASK-002 TODO HIGH 0% Task 1",
            "TASK-003 TODO LOW 0% Task 2",
        ]
        assert first["next"] == "TASK-003"
        second = await call(client, "task_list", {"limit": 3, "cursor": first["next"]})
        third = await call(client, "task_list", {"limit": 3, "cursor": second["next"]})
        assert [t.split()[0] for t in third["tasks"]] == ["TASK-007"] and "next" not in third
        high = await call(client, "task_list", {"priority": "HIGH", "fields": "title,progress"})
        assert high["tasks"][0] == {"id": "TASK-002", "title": "Task 1", "progress": 0}
        assert high["count"] == 3
        ready = await call(client, "task_list", {"ready": True, "limit": 2})
        assert [t.split()[0] for t in ready["tasks"]] == ["TASK-002", "TASK-004"]
        found = await call(client, "task_list", {"text": "task 6"})
        assert [t.split()[0] for t in found["tasks"]] == ["TASK-007"]


async def test_next_without_claim_explains_the_choice(env: Env) -> None:
    await env.orch.create_task("Low", priority="low")
    await env.orch.create_task("Urgent", priority="critical")
    async with Client(env.server()) as client:
        out = await call(client, "task_next", {"claim": False})
    assert out["task"]["id"] == "TASK-002" and "CRITICAL" in out["reason"]
    assert out["claimed"] is False


async def test_next_claims_and_starts_the_best_task(env: Env) -> None:
    await env.orch.create_task("Low", priority="low")
    await env.orch.create_task("Urgent", priority="critical")
    async with Client(env.server(agent="claude-1")) as client:
        out = await call(client, "task_next")
        assert out["task"]["id"] == "TASK-002" and out["claimed"] is True
        mine = await call(client, "task_list", {"mine": True})
        assert [t.split()[0] for t in mine["tasks"]] == ["TASK-002"]
        held = await call(client, "task_next")
        assert held["task"]["id"] == "TASK-002" and held["kind"] == "held"
        assert "another=true" in held["hint"]
        second = await call(client, "task_next", {"another": True})
        assert second["task"]["id"] == "TASK-001" and second["kind"] == "next"
        empty = await call(client, "task_next", {"another": True})
        assert empty["task"] is None and "no task is ready" in empty["reason"]
    task = await env.orch.get_task("TASK-002")
    assert task.status is TaskStatus.IN_PROGRESS


async def test_sprint_actions(env: Env) -> None:
    await env.orch.create_task("A")
    await env.orch.create_task("B")
    async with Client(env.server()) as client:
        made = await call(
            client,
            "sprint",
            {"action": "create", "name": "Sprint 1", "goal": "API", "endDate": "2030-01-31"},
        )
        assert made["created"] == {
            "id": "SPRINT-001",
            "name": "Sprint 1",
            "status": "PLANNED",
            "goal": "API",
            "end": "2030-01-31",
        }
        added = await call(
            client,
            "sprint",
            {"action": "add", "sprintId": "SPRINT-001", "taskIds": ["TASK-001", "TASK-002"]},
        )
        assert added["added"] == ["TASK-001", "TASK-002"]
        await call(
            client,
            "sprint",
            {"action": "remove", "sprintId": "SPRINT-001", "taskIds": ["TASK-002"]},
        )
        started = await call(client, "sprint", {"action": "start", "sprintId": "SPRINT-001"})
        assert started["started"]["status"] == "ACTIVE"
        got = await call(client, "sprint", {"action": "get", "sprintId": "sprint-1"})
        assert got["done"] == "0/1" and got["tasks"] == ["TASK-001 TODO MEDIUM 0% A"]
        listed = await call(client, "sprint", {"action": "list"})
        assert [s["id"] for s in listed["sprints"]] == ["SPRINT-001"]
        await call(client, "task_complete", {"taskId": "TASK-001"})
        closed = await call(client, "sprint", {"action": "close", "sprintId": "SPRINT-001"})
        assert closed["closed"]["status"] == "CLOSED" and closed["done"] == ["TASK-001"]


async def test_replies_are_plain_compact_json(env: Env) -> None:
    async with Client(env.server()) as client:
        result = await client.call_tool("task_create", {"title": "One"})
    assert result.structured_content is None
    assert "\n" not in text(result) and ": " not in text(result)
