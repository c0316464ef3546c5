"""Bad arguments for every tool get a clear error naming the field, and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_helpers import call, error, snapshot

from conftest import Env
from mcp import Client

pytestmark = pytest.mark.anyio

# (tool, arguments, words the error must contain). Cases: missing, wrong type,
# unknown id, out of range, plus the odd refused value.
CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("task_create", {}, ("'title' is required",)),
    ("task_create", {"title": 42}, ("'title'", "string")),
    ("task_create", {"title": "x", "estimate": "lots"}, ("'estimate'",)),
    ("task_create", {"title": "x", "estimate": -1}, ("'estimate'", "greater than or equal to 0")),
    ("task_create", {"title": "x", "priority": "urgent"}, ("'priority'", "CRITICAL, HIGH")),
    ("task_create", {"title": "x", "type": "chore"}, ("'type'", "EPIC")),
    ("task_create", {"title": "x", "parent": "TASK-404"}, ("TASK-404 not found",)),
    ("task_create", {"title": "x", "dependsOn": ["TASK-404"]}, ("TASK-404 not found",)),
    ("task_create", {"title": "x", "sprint": "SPRINT-404"}, ("SPRINT-404 not found",)),
    ("task_create", {"title": "   "}, ("'title'", "empty")),
    ("task_create", {"title": "x", "colour": "red"}, ("unknown argument 'colour'", "title")),
    ("task_update", {"progress": 5}, ("'taskId' is required",)),
    ("task_update", {"taskId": "TASK-001", "progress": "half"}, ("'progress'", "integer")),
    ("task_update", {"taskId": "TASK-001", "progress": 101}, ("'progress'", "100")),
    ("task_update", {"taskId": "TASK-001", "progress": -1}, ("'progress'", "0")),
    ("task_update", {"taskId": "TASK-404", "progress": 5}, ("TASK-404 not found",)),
    ("task_update", {"taskId": "TASK-001", "status": "FINISHED"}, ("'status'", "IN_PROGRESS")),
    (
        "task_update",
        {"taskId": "TASK-001", "status": "IN_REVIEW"},
        ("TODO to IN_REVIEW", "allowed:"),
    ),
    ("task_update", {"taskId": "TASK-001", "event": "shipped"}, ("'event'", "task_started")),
    ("task_update", {"taskId": "TASK-001", "event": "review_approved"}, ("allowed:",)),
    (
        "task_update",
        {"taskId": "TASK-001", "version": 9, "progress": 5},
        ("version 9", "version 1"),
    ),
    ("task_update", {"taskId": "TASK-001", "checkpointsDone": [3]}, ("'checkpointsDone'",)),
    ("task_update", {"taskId": "TASK-001", "dependsOnAdd": ["TASK-404"]}, ("TASK-404 not found",)),
    (
        "task_update",
        {"taskId": "TASK-002", "dependsOnAdd": ["TASK-001", "TASK-003"]},
        ("cycle TASK-002 -> TASK-003 -> TASK-002",),
    ),
    ("task_update", {"taskId": "TASK-002", "dependsOnAdd": ["TASK-002"]}, ("itself",)),
    ("task_update", {"taskId": "TASK-001", "priority": "soon", "progress": 5}, ("'priority'",)),
    ("task_update", {"taskId": "TASK-001"}, ("nothing to change",)),
    (
        "task_update",
        {"taskId": "TASK-001", "percent": 5},
        ("unknown argument 'percent'", "progress"),
    ),
    ("task_get", {}, ("'taskId' is required",)),
    ("task_get", {"taskId": 7}, ("'taskId'", "string")),
    ("task_get", {"taskId": "TASK-404"}, ("TASK-404 not found",)),
    ("task_get", {"taskId": "TASK-001", "fields": "colour"}, ("'fields'", "title")),
    ("task_list", {"limit": "many"}, ("'limit'", "integer")),
    ("task_list", {"limit": 0}, ("'limit'", "1")),
    ("task_list", {"limit": 500}, ("'limit'", "200")),
    ("task_list", {"status": "bogus"}, ("'status'", "TODO")),
    ("task_list", {"fields": "id,colour"}, ("'fields'",)),
    ("task_next", {"claim": "maybe"}, ("'claim'", "boolean")),
    ("task_complete", {}, ("'taskId' is required",)),
    ("task_complete", {"taskId": ["TASK-001"]}, ("'taskId'", "string")),
    ("task_complete", {"taskId": "TASK-404"}, ("TASK-404 not found",)),
    ("sprint", {}, ("'action' is required",)),
    ("sprint", {"action": "explode"}, ("'action'", "'create'")),
    ("sprint", {"action": "get", "sprintId": "SPRINT-404"}, ("SPRINT-404 not found",)),
    ("sprint", {"action": "get"}, ("'sprintId'",)),
    ("sprint", {"action": "create"}, ("'name'",)),
    ("sprint", {"action": "create", "name": "S", "startDate": "tomorrow"}, ("'startDate'",)),
    ("sprint", {"action": "add", "sprintId": "SPRINT-001"}, ("'taskIds'",)),
    ("sprint", {"action": "add", "sprintId": "SPRINT-001", "taskIds": ["TASK-404"]}, ("TASK-404",)),
    ("session", {}, ("'action' is required",)),
    ("session", {"action": "pause"}, ("'action'", "'status'")),
    ("context_save", {}, ("'context' is required",)),
    ("context_save", {"context": 5}, ("'context'", "dictionary")),
    ("context_load", {"taskId": 5}, ("'taskId'", "string")),
    ("handoff", {}, ("'action' is required",)),
    ("handoff", {"action": "give"}, ("'action'", "'prepare'")),
    ("handoff", {"action": "accept"}, ("'handoffId'",)),
    ("resume", {"verbose": "very"}, ("'verbose'", "boolean")),
    ("resume", {"agent": "x"}, ("unknown argument 'agent'",)),
    ("ask_human", {}, ("'question' is required",)),
    (
        "ask_human",
        {"question": "Which DB?", "kind": "gossip"},
        ("'kind'", "'CLARIFICATION'", "'gossip'"),
    ),
    ("ask_human", {"question": "Which DB?", "urgency": "ASAP"}, ("'urgency'", "'HIGH'")),
    ("ask_human", {"question": ""}, ("'question'",)),
    ("clarifications", {}, ("'taskId' is required",)),
    ("clarifications", {"taskId": 3}, ("'taskId'", "string")),
]

SESSION_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("context_save", {"context": {"step": "x"}, "taskId": "TASK-404"}, ("TASK-404 not found",)),
    ("context_load", {"taskId": "TASK-404"}, ("TASK-404 not found",)),
    ("context_load", {"taskId": "TASK-001", "agentId": "a"}, ("'taskId'", "one of")),
    ("handoff", {"action": "accept", "handoffId": "HO-404"}, ("HO-404",)),
    ("handoff", {"action": "prepare", "toAgent": "not an id!"}, ("'toAgent'",)),
]

HUMAN_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("ask_human", {"question": "Which DB?"}, ("'taskId'",)),
    ("ask_human", {"question": "Which DB?", "taskId": "TASK-404"}, ("TASK-404 not found",)),
    ("clarifications", {"taskId": "TASK-404"}, ("TASK-404 not found",)),
]


def _id(case: tuple[str, dict[str, Any], tuple[str, ...]]) -> str:
    tool, args, _ = case
    return f"{tool}-{'-'.join(f'{k}={v}' for k, v in args.items())[:50] or 'none'}"


async def _check(env: Env, tool: str, args: dict[str, Any], words: tuple[str, ...]) -> None:
    await env.orch.create_task("Schema", checkpoints=["models", "routes"])
    await env.orch.create_task("API")
    await env.orch.create_task("Docs", depends_on=["TASK-002"])
    await env.orch.create_sprint("Sprint 1")
    async with Client(env.server(agent="claude-1")) as client:
        await call(client, "task_list", {"limit": 1})  # the session is up before we look
        before = await snapshot(env.orch)
        message = await error(client, tool, args)
        after = await snapshot(env.orch)
    assert message.startswith(f"{tool}: "), message
    for word in words:
        assert word in message, message
    assert "errors.pydantic.dev" not in message
    assert after == before, f"{tool}({args}) changed the store"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
async def test_bad_arguments_are_refused_clearly(
    env: Env, case: tuple[str, dict[str, Any], tuple[str, ...]]
) -> None:
    await _check(env, *case)


@pytest.mark.parametrize("case", SESSION_CASES, ids=[_id(c) for c in SESSION_CASES])
async def test_bad_session_arguments_are_refused_clearly(
    env: Env, case: tuple[str, dict[str, Any], tuple[str, ...]]
) -> None:
    await _check(env, *case)


@pytest.mark.parametrize("case", HUMAN_CASES, ids=[_id(c) for c in HUMAN_CASES])
async def test_bad_human_arguments_are_refused_clearly(
    env: Env, case: tuple[str, dict[str, Any], tuple[str, ...]]
) -> None:
    await _check(env, *case)
