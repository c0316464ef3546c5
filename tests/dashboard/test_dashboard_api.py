"""The JSON API against a real SQLite file: shapes, paging, and bad input that writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


async def seed(orch: Orchestron) -> None:
    a = await orch.create_task("Parse the config", priority="high", labels=["core"], estimate=3)
    b = await orch.create_task("Wire the CLI", depends_on=[a.id], estimate=2, labels=["cli"])
    await orch.create_task("Write the docs", depends_on=[b.id])
    await orch.create_task("Unrelated chore", priority="low")
    sprint = await orch.create_sprint("Sprint one", goal="ship the parser")
    await orch.add_to_sprint(sprint.id, [a.id, b.id])
    await orch.start_sprint(sprint.id)
    await orch.start_task(a.id)


async def event_count(orch: Orchestron) -> int:
    return await orch.last_event_seq()


async def test_list_tasks_short_shape_by_default(client: Client, other: Orchestron) -> None:
    await seed(other)
    r = await client.get("/api/tasks")
    assert r.status_code == 200
    body = r.json()
    assert body["next"] is None
    assert [t["id"] for t in body["items"]] == ["TASK-001", "TASK-002", "TASK-003", "TASK-004"]
    assert set(body["items"][0]) == {"id", "title", "status", "priority", "progress", "assignee"}
    assert body["items"][0]["status"] == "IN_PROGRESS"


async def test_list_tasks_fields_and_filters(client: Client, other: Orchestron) -> None:
    await seed(other)
    r = await client.get("/api/tasks", params={"fields": "labels,estimate", "label": "core"})
    assert r.json()["items"] == [{"id": "TASK-001", "labels": ["core"], "estimate": 3.0}]
    r = await client.get("/api/tasks", params={"status": "todo,in_progress", "sprint": "sprint-1"})
    assert [t["id"] for t in r.json()["items"]] == ["TASK-001", "TASK-002"]
    r = await client.get("/api/tasks", params={"priority": "LOW"})
    assert [t["id"] for t in r.json()["items"]] == ["TASK-004"]
    r = await client.get("/api/tasks", params={"q": "docs", "fields": "all"})
    (only,) = r.json()["items"]
    assert only["title"] == "Write the docs" and "created_at" in only


async def test_cursor_paging_covers_everything_once(client: Client, other: Orchestron) -> None:
    for i in range(123):
        await other.create_task(f"task {i}")
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 50}
        if after:
            params["after"] = after
        body = (await client.get("/api/tasks", params=params)).json()
        seen += [t["id"] for t in body["items"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
    assert pages == 3
    assert len(seen) == 123 == len(set(seen))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "DOING"}, "status"),
        ({"priority": "urgent"}, "priority"),
        ({"type": "novel"}, "type"),
        ({"fields": "title,colour"}, "fields"),
        ({"limit": "0"}, "limit"),
        ({"limit": "lots"}, "limit"),
    ],
)
async def test_bad_list_parameters_name_the_field(
    client: Client, params: dict[str, str], field: str
) -> None:
    r = await client.get("/api/tasks", params=params)
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "invalid_input"
    assert body["field"] == field, body
    assert field in body["message"]


async def test_get_task_in_full(client: Client, other: Orchestron) -> None:
    await seed(other)
    r = await client.get("/api/tasks/task-2")
    assert r.status_code == 200
    body = r.json()
    assert body["task"]["id"] == "TASK-002"
    assert body["depends_on"] == ["TASK-001"]
    assert body["dependents"] == ["TASK-003"]
    assert body["blockers"] == ["TASK-001"]
    history = (await client.get("/api/tasks/TASK-002/events")).json()["items"]
    assert history[0]["kind"] == "task.created"


async def test_unknown_task_is_404_naming_it(client: Client, other: Orchestron) -> None:
    await seed(other)
    before = await event_count(other)
    for method, url, payload in [
        ("GET", "/api/tasks/TASK-999", None),
        ("POST", "/api/tasks/TASK-999/status", {"status": "DONE"}),
        ("GET", "/api/tasks/TASK-999/events", None),
    ]:
        r = await client.request(method, url, json=payload)
        assert r.status_code == 404, (url, r.text)
        assert r.json()["error"] == "not_found"
        assert "TASK-999" in r.json()["message"]
    assert await event_count(other) == before


async def test_create_task_and_bad_input_writes_nothing(client: Client, other: Orchestron) -> None:
    r = await client.post("/api/tasks", json={"title": "New one", "priority": "high"})
    assert r.status_code == 201
    assert r.json()["id"] == "TASK-001" and r.json()["priority"] == "HIGH"
    before = await event_count(other)
    cases: list[tuple[Any, str]] = [
        ({"title": "x", "priority": "URGENT"}, "priority"),
        ({"title": "   "}, "title"),
        ({"title": "x", "priority": 5}, "priority"),
        ({"title": "x", "colour": "red"}, "colour"),
        ({"title": "x", "depends_on": ["TASK-404"]}, ""),
        ({"priority": "HIGH"}, "title"),
    ]
    for payload, field in cases:
        r = await client.post("/api/tasks", json=payload)
        assert 400 <= r.status_code < 500, (payload, r.text)
        body = r.json()
        assert body["message"], body
        if field:
            assert body.get("field") == field, (payload, body)
    assert await event_count(other) == before
    assert len(await other.list_tasks()) == 1


async def test_oversized_body_is_413_and_writes_nothing(client: Client, other: Orchestron) -> None:
    await seed(other)
    before = await event_count(other)
    huge = {"title": "x", "description": "y" * 200_000}
    r = await client.post("/api/tasks", json=huge)
    assert r.status_code == 413
    assert r.json()["error"] == "too_large"
    assert "nothing was written" in r.json()["message"]
    assert await event_count(other) == before


async def test_refused_transition_is_409_with_what_is_allowed(
    client: Client, other: Orchestron
) -> None:
    await seed(other)
    before = await event_count(other)
    r = await client.post("/api/tasks/TASK-004/status", json={"status": "IN_REVIEW"})
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "refused"
    assert "TODO" in body["message"] and body["allowed"]
    assert await event_count(other) == before
    r = await client.post("/api/tasks/TASK-004/status", json={"status": "IN_PROGRESS"})
    assert r.status_code == 200 and r.json()["status"] == "IN_PROGRESS"


async def test_a_blocked_move_is_refused_unless_the_person_forces_it(
    client: Client, other: Orchestron
) -> None:
    await seed(other)
    before = await event_count(other)
    r = await client.post("/api/tasks/TASK-002/status", json={"status": "DONE"})
    assert r.status_code == 409 and "TASK-001 (IN_PROGRESS)" in r.json()["message"]
    assert await event_count(other) == before
    r = await client.post(
        "/api/tasks/TASK-002/status", json={"status": "DONE", "force": "done in the hotfix"}
    )
    assert r.status_code == 200 and r.json()["status"] == "DONE"
    [moved] = await other.events(entity="TASK-002", kinds=["task.status_changed"])
    assert moved.data["forced"] == "done in the hotfix" and moved.data["blockers"] == ["TASK-001"]


async def test_graph_has_the_critical_path(client: Client, other: Orchestron) -> None:
    await seed(other)
    body = (await client.get("/api/graph")).json()
    assert {e["task"] for e in body["edges"]} == {"TASK-002", "TASK-003"}
    assert body["critical_path"] == ["TASK-001", "TASK-002", "TASK-003"]
    assert {n["id"] for n in body["nodes"]} == {"TASK-001", "TASK-002", "TASK-003"}


async def test_sprints_and_events(client: Client, other: Orchestron) -> None:
    await seed(other)
    sprints = (await client.get("/api/sprints")).json()["items"]
    assert sprints[0]["id"] == "SPRINT-001" and sprints[0]["status"] == "ACTIVE"
    detail = (await client.get("/api/sprints/SPRINT-001")).json()
    assert detail["counts"]["IN_PROGRESS"] == 1 and detail["counts"]["TODO"] == 1
    page = (await client.get("/api/events", params={"limit": 3})).json()
    assert [e["seq"] for e in page["items"]] == [1, 2, 3]
    rest = (await client.get("/api/events", params={"after": page["last_seq"]})).json()
    assert rest["items"][0]["seq"] == 4
    only = (await client.get("/api/events", params={"entity": "task-4"})).json()["items"]
    assert {e["entity"] for e in only} == {"TASK-004"}
    assert (await client.get("/api/sprints/SPRINT-404")).status_code == 404


async def test_openapi_schema_lists_the_api(client: Client) -> None:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ["/api/tasks", "/api/tasks/{task_id}", "/api/graph", "/api/events", "/live"]:
        assert path in paths, path
    assert "/" not in paths  # pages stay out of the API schema


async def test_a_big_graph_keeps_unfinished_work_first(other: Orchestron) -> None:
    from orchestron.dashboard._graph import graph_data

    ids: list[str] = []
    for i in range(8):
        task = await other.create_task(f"step {i}", depends_on=ids[-1:])
        ids.append(task.id)
    await other.create_task("alone")
    for task_id in ids[:3]:
        await other.complete_task(task_id)
    data = await graph_data(other, max_nodes=5)
    assert [t.id for t in data.tasks] == ids[3:]
    assert data.truncated and data.total_nodes == 8
    assert data.critical_path == ids[3:]
    assert all(a in ids[3:] and b in ids[3:] for a, b in data.edges)
    everything = await graph_data(other, include_isolated=True, max_nodes=6)
    assert [t.id for t in everything.tasks] == [*ids[3:], "TASK-009"]
    assert everything.total_nodes == 9
    small = await graph_data(other)
    assert len(small.tasks) == 8 and not small.truncated
