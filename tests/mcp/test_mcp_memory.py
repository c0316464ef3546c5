"""Project memory through MCP: remember and recall, disputes told once, the index in resume."""

from __future__ import annotations

import pytest
from mcp_helpers import call, error

from conftest import Env
from mcp import Client
from orchestron.core import MemoryStatus

pytestmark = [pytest.mark.anyio]


async def test_remember_then_recall(env: Env) -> None:
    await env.orch.create_task("Storage")
    async with Client(env.server(agent="claude-1")) as client:
        said = await call(
            client,
            "remember",
            {
                "text": "We use PostgreSQL 16",
                "kind": "decision",
                "topic": "Database",
                "rationale": "row-level locking",
                "taskId": "task-1",
                "files": ["src/db.py"],
            },
        )
        assert (said["outcome"], said["id"], said["topic"], said["status"]) == (
            "added",
            "MEM-001",
            "database",
            "ACTIVE",
        )
        assert said["by"] == ["claude-1"] and said["tasks"] == ["TASK-001"]
        again = await call(
            client,
            "remember",
            {"text": "we use postgresql 16", "kind": "decision", "topic": "database"},
        )
        assert again["outcome"] == "merged" and again["id"] == "MEM-001"
        found = await call(client, "recall", {"query": "locking"})
        assert found == {"entries": ["MEM-001 DECISION database: We use PostgreSQL 16"]}
        full = await call(client, "recall", {"ids": ["mem-1"]})
        assert full["entries"][0]["rationale"] == "row-level locking"
        assert full["entries"][0]["files"] == ["src/db.py"]
    entry = await env.orch.get_memory("MEM-001")
    assert entry.provenance[0].session is not None  # the MCP session said it


async def test_a_conflict_is_disputed_and_the_resolution_reaches_the_agent(env: Env) -> None:
    async with Client(env.server(agent="claude-1")) as one:
        await call(one, "remember", {"text": "Tabs", "kind": "convention", "topic": "indent"})
        async with Client(env.server(agent="claude-2")) as two:
            clash = await call(
                two, "remember", {"text": "Four spaces", "kind": "convention", "topic": "indent"}
            )
            assert clash["outcome"] == "disputed" and clash["request"] == "REQ-001"
            assert clash["others"] == ["MEM-001 CONVENTION indent [DISPUTED]: Tabs"]
            await env.orch.resolve_dispute("REQ-001", keep="MEM-002")
            result = await two.call_tool("recall", {"query": "spaces"})
            assert "settled" in result.content[-1].text  # type: ignore[union-attr]
        result = await one.call_tool("recall", {})
        assert "kept MEM-002" in result.content[-1].text  # type: ignore[union-attr]
    assert (await env.orch.get_memory("MEM-001")).status is MemoryStatus.SUPERSEDED


async def test_bad_memory_arguments_name_the_field(env: Env) -> None:
    async with Client(env.server(agent="claude-1")) as client:
        message = await error(client, "remember", {"text": "é" * 300, "kind": "fact", "topic": "x"})
        assert "text" in message and "500 bytes" in message
        message = await error(
            client, "remember", {"text": "x", "kind": "fact", "topic": "x", "reviewDate": "soon"}
        )
        assert "reviewDate" in message
        message = await error(
            client, "remember", {"text": "x", "kind": "fact", "topic": "x", "supersedes": "MEM-9"}
        )
        assert "supersedes" in message and "MEM-009 does not exist" in message
        assert "kind" in await error(
            client, "remember", {"text": "x", "kind": "rumour", "topic": "x"}
        )
    assert (await env.orch.list_memory()).entries == ()


async def test_resume_lists_the_memory_index(env: Env) -> None:
    task = await env.orch.create_task("Add search", labels=["search"])
    await env.orch.remember("Search uses FTS5", kind="decision", topic="search", task_id=task.id)
    async with Client(env.server(agent="claude-1")) as client:
        package = await call(client, "resume")
    assert package["memory"] == ["MEM-001 search: Search uses FTS5"]
