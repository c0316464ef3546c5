"""The agent's door speaks its own tools: hints as tool calls that work, choices in any case.

Everything here runs the installed `orchestron-mcp` as a real subprocess over stdio.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp_helpers import call, error

from mcp import Client, StdioServerParameters
from orchestron.core import (
    Act,
    Hint,
    RuleSet,
    TaskStatus,
    move_hints,
)
from orchestron.core.testing import task_in
from orchestron.mcp._hints import RENDERERS, render_hint
from orchestron.runtime import open_orchestron

pytestmark = [pytest.mark.anyio]

_ARG = re.compile(r'(\w+)=("[^"]*"|\S+)')


def _server(db: Path) -> Client:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert found, "orchestron-mcp is not installed in this environment"
    return Client(StdioServerParameters(command=found, args=["--db", str(db), "--agent", "a-1"]))


def _as_call(text: str) -> tuple[str, dict[str, Any]]:
    """`task_update taskId=TASK-001 event=task_started` as (tool, arguments)."""
    tool, _, rest = text.partition(" ")
    args: dict[str, Any] = {}
    for name, value in _ARG.findall(rest):
        args[name] = "why?" if value == '"..."' else value.strip('"')
    return tool, args


def test_every_action_has_a_rendering_here() -> None:
    assert set(RENDERERS) == set(Act)
    for act in Act:
        rendered = render_hint(Hint(act, "TASK-001"))
        assert rendered is None or not rendered.startswith("orchestron "), rendered


async def test_each_move_a_refusal_would_list_is_a_tool_call_that_makes_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "orchestron.db"
    async with open_orchestron(str(db), actor="test", create=True) as orch, _server(db) as agent:
        for status in TaskStatus:
            shape = await task_in(orch, status)
            for move in move_hints(RuleSet(), shape):
                text = render_hint(move)
                if text is None:  # only a person moves it so: the agent is told to wait
                    assert move.get("event") == "human_answered"
                    continue
                call_text, _, lands = text.rpartition(" -> ")
                task = await task_in(orch, status)
                tool, args = _as_call(call_text.replace(shape.id, task.id))
                await call(agent, tool, args)
                now = await orch.get_task(task.id)
                assert now.status.value == lands == move.get("to"), (text, now.status)


async def test_choices_are_taken_in_any_case(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with _server(db) as agent:
        made = await call(agent, "task_create", {"title": "t", "priority": "high", "type": "Bug"})
        asked = await call(
            agent,
            "ask_human",
            {"question": "May I?", "kind": "HELP", "urgency": "high", "taskId": made["id"]},
        )
        assert asked["kind"] == "HELP"
        kept = await call(
            agent, "remember", {"text": "Use tabs", "kind": "Convention", "topic": "indent"}
        )
        assert kept["kind"] == "CONVENTION"
        found = await call(agent, "recall", {"kind": "CONVENTION"})
        assert [line.split()[0] for line in found["entries"]] == [kept["id"]]
        assert await call(agent, "sprint", {"action": "LIST"}) == {"sprints": []}
        listed = await call(agent, "task_list", {"status": "todo", "priority": "High"})
        assert [line.split()[0] for line in listed["tasks"]] == [made["id"]]


async def test_refusals_and_unknown_ids_name_the_tools(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with _server(db) as agent:
        message = await error(agent, "sprint", {"action": "get", "sprintId": "SPRINT-009"})
        assert message.endswith("sprint SPRINT-009 not found; try sprint action=list")
        await call(agent, "sprint", {"action": "create", "name": "A"})
        await call(agent, "sprint", {"action": "create", "name": "B"})
        await call(agent, "sprint", {"action": "start", "sprintId": "SPRINT-001"})
        message = await error(agent, "sprint", {"action": "start", "sprintId": "SPRINT-002"})
        assert "try sprint action=close sprintId=SPRINT-001" in message
        message = await error(agent, "recall", {"ids": ["MEM-099"]})
        assert message.endswith("memory MEM-099 not found; try recall")
        for internal in ("list_memory", "pick_next", "resolve_dispute", "get_sprint"):
            assert internal not in message


async def test_a_refused_move_lists_tool_calls(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with _server(db) as agent:
        made = await call(agent, "task_create", {"title": "t"})
        message = await error(
            agent, "task_update", {"taskId": made["id"], "event": "review_approved"}
        )
        assert f"task_update taskId={made['id']} event=task_started -> IN_PROGRESS" in message
