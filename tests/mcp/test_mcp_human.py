"""The human channel through MCP: asking, and a person's words riding on the next reply."""

from __future__ import annotations

import pytest
from mcp_helpers import body, call, error

from conftest import Env
from mcp import Client
from orchestron.core import TaskStatus

pytestmark = [
    pytest.mark.anyio,
]


async def test_a_message_rides_on_the_next_reply_once(env: Env) -> None:
    await env.orch.create_task("Build the API")
    async with Client(env.server(agent="claude-1")) as client:
        await call(client, "task_next")
        await env.orch.intervene("TASK-001", "Use PostgreSQL, not MySQL")
        result = await client.call_tool("task_list", {})
        assert len(result.content) == 2
        block = result.content[1]
        assert block.type == "text"
        assert block.text.startswith("[orchestron] 1 new message from a person")
        assert "INTERVENTION on TASK-001" in block.text and "Use PostgreSQL" in block.text
        body(result)  # the reply itself is untouched
        again = await client.call_tool("task_list", {})
        assert len(again.content) == 1


async def test_a_message_rides_on_an_error_reply_too(env: Env) -> None:
    await env.orch.create_task("Build the API")
    async with Client(env.server(agent="claude-1")) as client:
        await call(client, "task_next")
        await env.orch.intervene("TASK-001", "Stop and write tests first")
        message = await error(client, "task_get", {"taskId": "TASK-404"})
    assert "TASK-404 not found" in message and "Stop and write tests first" in message


async def test_ask_a_clarification_and_get_the_answer(env: Env) -> None:
    await env.orch.create_task("Build the API")
    async with Client(env.server(agent="claude-1")) as client:
        await call(client, "task_next")
        asked = await call(
            client, "ask_human", {"question": "REST or GraphQL?", "taskId": "TASK-001"}
        )
        assert asked["kind"] == "CLARIFICATION" and asked["status"] == "OPEN"
        assert (await env.orch.get_task("TASK-001")).status is TaskStatus.BLOCKED
        await env.orch.add_clarification("TASK-001", "REST")
        result = await client.call_tool("task_get", {"taskId": "TASK-001"})
        assert "REST" in result.content[-1].text  # type: ignore[union-attr]
        read = await call(client, "clarifications", {"taskId": "TASK-001"})
    assert read["requests"][0]["answer"] == "REST"
    assert (await env.orch.get_task("TASK-001")).status is TaskStatus.IN_PROGRESS


async def test_ask_for_help_and_approval(env: Env) -> None:
    await env.orch.create_task("Deploy")
    async with Client(env.server(agent="claude-1")) as client:
        helped = await call(
            client, "ask_human", {"question": "CI is red", "kind": "help", "urgency": "HIGH"}
        )
        approval = await call(
            client,
            "ask_human",
            {"question": "May I deploy?", "kind": "approval", "taskId": "TASK-001"},
        )
    assert helped["kind"] == "HELP" and approval["kind"] == "APPROVAL"
    assert len(await env.orch.inbox()) == 2
