"""Size budgets with 500 tasks in the store: the tool list under 12 KB, each reply under 8 KB."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp_helpers import body, text
from mcp_types import TextResourceContents

from conftest import Env
from mcp import Client
from orchestron.mcp import REPLY_BUDGET

pytestmark = pytest.mark.anyio

TOOLS_BUDGET = 12 * 1024
TASKS = 500
LONG = "A long description. " * 1000  # 20,000 characters, the most a task takes


async def _seed(env: Env) -> None:
    orch = env.orch
    sprint = await orch.create_sprint("Big sprint")
    for i in range(TASKS):
        await orch.create_task(
            f"Task number {i} with a reasonably long title to make lines realistic",
            description=LONG if i < 3 else "Some detail.",
            labels=["api", "backend"],
            checkpoints=[f"step {n}" for n in range(30)] if i == 0 else [],
            sprint=sprint.id,
        )
    await orch.start_sprint(sprint.id)


def _size(result: Any) -> int:
    return sum(len(block.text.encode()) for block in result.content)


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("task_list", {"limit": 200}),
    (
        "task_list",
        {
            "limit": 200,
            "fields": "title,type,status,priority,progress,labels,sprint,description",
        },
    ),
    ("task_list", {"ready": True, "limit": 200, "fields": "title,description,checkpoints"}),
    ("task_list", {"status": "TODO", "text": "task", "limit": 200}),
    ("task_get", {"taskId": "TASK-001"}),
    ("task_get", {"taskId": "TASK-002", "fields": "description,checkpoints"}),
    ("task_next", {"claim": False}),
    ("sprint", {"action": "get", "sprintId": "SPRINT-001"}),
    ("sprint", {"action": "list"}),
    ("task_update", {"taskId": "TASK-003", "description": LONG[:19000]}),
]


async def test_budgets_with_500_tasks(env: Env) -> None:
    """The tool list under 12 KB, and every reply and resource under 8 KB."""
    await _seed(env)
    over: list[str] = []
    async with Client(env.server()) as client:
        tools = (await client.list_tools()).tools
        wire = json.dumps(
            {"tools": [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools]},
            separators=(",", ":"),
        )
        assert len(wire.encode()) < TOOLS_BUDGET, len(wire.encode())
        for tool, args in CALLS:
            result = await client.call_tool(tool, args)
            assert not result.is_error, text(result)
            if _size(result) > REPLY_BUDGET:
                over.append(f"{tool}({args}) gave {_size(result)} bytes")
            reply = body(result)
            if tool == "task_list" and args.get("limit") == 200 and "ready" not in args:
                assert reply["count"] < 200 and reply["next"]  # cut short, with the way on
                rest = await client.call_tool(tool, {**args, "cursor": reply["next"]})
                assert not rest.is_error and _size(rest) <= REPLY_BUDGET
        for uri in (
            "orchestron://board",
            "orchestron://stats",
            "orchestron://sprints/active",
            "orchestron://tasks/TASK-001",
        ):
            content = (await client.read_resource(uri)).contents[0]
            assert isinstance(content, TextResourceContents)
            if len(content.text.encode()) > REPLY_BUDGET:
                over.append(f"{uri} gave {len(content.text.encode())} bytes")
            if uri == "orchestron://board":
                board = json.loads(content.text)
                assert board["counts"] == {"TODO": TASKS}
                assert board["sprint"]["done"] == f"0/{TASKS}"
        for tool, args in [
            ("resume", {}),
            ("context_save", {"context": {"notes": LONG, "next_steps": [LONG[:500]] * 40}}),
            ("context_load", {}),
            ("handoff", {"action": "prepare", "note": "over to you"}),
            ("handoff", {"action": "list"}),
            ("session", {"action": "status"}),
        ]:
            result = await client.call_tool(tool, args)
            assert not result.is_error, text(result)
            if _size(result) > REPLY_BUDGET:
                over.append(f"{tool}({args}) gave {_size(result)} bytes")
    assert not over, over


async def test_verbose_lifts_the_budget(env: Env) -> None:
    await env.orch.create_task("Long", description=LONG)
    async with Client(env.server()) as client:
        cut = body(await client.call_tool("task_get", {"taskId": "TASK-001"}))
        full = await client.call_tool("task_get", {"taskId": "TASK-001", "verbose": True})
    assert len(cut["description"]) < len(LONG)
    assert body(full)["description"] == LONG.strip()
    assert _size(full) > REPLY_BUDGET
