"""`remember` and `recall` over stdio (the installed orchestron-mcp as Claude Code runs it):
judgement by meaning with its reason, and issue 18's memory findings."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from mcp_helpers import call, text

from mcp import Client, StdioServerParameters

pytestmark = [pytest.mark.anyio]


def server(db: Path, agent: str = "claude-1", **env: str) -> Client:
    command = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert command, "orchestron-mcp is not installed in this environment"
    base = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRON_")}
    params = StdioServerParameters(
        command=command, args=["--db", str(db), "--agent", agent], env={**base, **env}
    )
    return Client(params)


async def remember(client: Client, text_: str, topic: str, kind: str = "fact") -> dict[str, object]:
    reply: dict[str, object] = await call(
        client, "remember", {"text": text_, "kind": kind, "topic": topic}
    )
    return reply


async def test_texts_without_words_c_sharp_and_a_topic_in_any_script(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with server(db) as client:
        rocket = await remember(client, "🚀🚀🚀", "deploy")
        ticks = await remember(client, "✅✅", "tests")
        assert (rocket["outcome"], ticks["outcome"]) == ("added", "added")
        assert rocket["id"] != ticks["id"]
        cpp = await remember(client, "Format the code with clang-format", "C++", "convention")
        cs = await remember(client, "Format the code with dotnet format", "C#", "convention")
        assert (cpp["topic"], cs["topic"]) == ("c++", "c#")
        assert cs["outcome"] == "added" and cs["status"] == "ACTIVE"
        db_topic = await remember(client, "We use PostgreSQL", "数据库", "decision")
        assert db_topic["topic"] == "数据库" and db_topic["outcome"] == "added"
        result = await client.call_tool(
            "remember", {"text": "We use SQLite", "kind": "decision", "topic": "???"}
        )
        assert result.is_error and "a bug in" not in text(result)
        assert "topic" in text(result) and "no letters or digits" in text(result)
        listed = await call(client, "recall", {"query": "PostgreSQL"})
        assert listed["entries"] == ["MEM-005 DECISION 数据库: We use PostgreSQL"]


async def test_remember_judges_and_says_why_and_recall_finds_by_meaning(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with server(db, "claude-1") as one, server(db, "claude-2") as two:
        first = await remember(one, "Background jobs run on Celery", "queue", "decision")
        again = await remember(two, "We use Celery for background jobs", "jobs", "decision")
        assert again["outcome"] == "merged" and again["id"] == first["id"]
        assert str(again["why"]).startswith(f"the same claim as {first['id']}")
        assert again["by"] == ["claude-1", "claude-2"] and "judged" not in again
        clash = await remember(two, "Background jobs run on RQ", "queue", "decision")
        assert clash["outcome"] == "disputed" and clash["request"] == "REQ-001"
        assert "RQ vs Celery" in str(clash["why"])
        beside = await remember(one, "Celery workers are restarted every night", "queue")
        assert beside["outcome"] == "added" and "a claim of its own" in str(beside["why"])
        maybe = await remember(one, "The worker retries failed jobs", "retries")
        more = await remember(one, "The worker retries failed jobs 3 times", "retries")
        assert more["outcome"] == "added" and more["maybeSameAs"] == maybe["id"]
        await remember(one, "The test DB needs TZ=UTC", "tests", "gotcha")
        found = await call(two, "recall", {"query": "timezone"})
        assert found["entries"][0].endswith("The test DB needs TZ=UTC")
        assert "matched" not in found


async def test_without_a_model_replies_say_words_only(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with server(db, ORCHESTRON_EMBEDDER="none") as client:
        said = await remember(client, "Use ruff for linting", "lint", "convention")
        assert "by words only" in str(said["judged"])
        found = await call(client, "recall", {"query": "linting"})
        assert "by words only" in found["matched"]


async def test_resume_over_stdio_lists_an_entry_found_by_meaning(tmp_path: Path) -> None:
    """The memory index in `resume` ranks by the task's meaning too: an entry sharing no
    word with the task's title is listed before unrelated ones."""
    db = tmp_path / "orchestron.db"
    async with server(db, "claude-1") as client:
        await call(client, "task_create", {"title": "Find the right timezone for reports"})
        for n in range(12):
            await remember(client, f"Colour {n} is reserved for widget {n}", f"ui-{n}")
        tz = await remember(client, "The test DB needs TZ=UTC", "tests", "gotcha")
        for n in range(12, 24):
            await remember(client, f"Colour {n} is reserved for widget {n}", f"ui-{n}")
    async with server(db, "claude-2") as client:
        package = await call(client, "resume", {})
        lines = package["memory"]
        assert lines[0].startswith(f"{tz['id']} tests: ")
