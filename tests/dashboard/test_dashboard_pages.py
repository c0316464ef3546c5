"""Pages render, fragments render alone, and errors read well."""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


async def seed(orch: Orchestron) -> None:
    a = await orch.create_task(
        "Parse the config", priority="high", labels=["core"], estimate=3, checkpoints=["read", "ok"]
    )
    b = await orch.create_task("Wire the CLI", depends_on=[a.id], estimate=2)
    await orch.create_task("Write <the> docs", depends_on=[b.id], description="with <b>html</b>")
    sprint = await orch.create_sprint("Sprint one", goal="ship it")
    await orch.add_to_sprint(sprint.id, [a.id, b.id])
    await orch.start_sprint(sprint.id)
    await orch.start_task(a.id)
    await orch.complete_checkpoint(a.id, 1)


async def test_board_shows_tasks_by_status(client: Client, other: Orchestron) -> None:
    await seed(other)
    r = await client.get("/")
    assert r.status_code == 200
    html = r.text
    assert "Parse the config" in html and "Wire the CLI" in html
    todo = html.index('data-status="TODO"')
    doing = html.index('data-status="IN_PROGRESS"')
    assert todo < html.index("Wire the CLI") < doing < html.index("Parse the config")
    assert "Write &lt;the&gt; docs" in html  # escaped
    assert re.search(r'<body data-seq="\d+">', html)


async def test_board_filters(client: Client, other: Orchestron) -> None:
    await seed(other)
    html = (await client.get("/", params={"label": "core"})).text
    assert "Parse the config" in html and "Wire the CLI" not in html
    html = (await client.get("/", params={"sprint": "SPRINT-001"})).text
    assert "Wire the CLI" in html and "docs" not in html
    html = (await client.get("/", params={"q": "wire"})).text
    assert "Wire the CLI" in html and "Parse the config" not in html
    html = (await client.get("/", params={"assignee": "nobody"})).text
    assert "Parse the config" not in html


async def test_board_fragment_is_only_the_board(client: Client, other: Orchestron) -> None:
    await seed(other)
    r = await client.get("/", headers={"X-Fragment": "board"})
    assert r.status_code == 200
    assert "<html" not in r.text and 'data-status="TODO"' in r.text
    r = await client.get("/", headers={"X-Fragment": "inbox_badge"})
    assert r.status_code == 200 and "<html" not in r.text
    r = await client.get("/", headers={"X-Fragment": "nope"})
    assert r.status_code == 404


async def test_task_page(client: Client, other: Orchestron) -> None:
    await seed(other)
    html = (await client.get("/tasks/task-1")).text
    assert "TASK-001" in html and "Parse the config" in html
    assert "✓" in html  # the done checkpoint
    assert "Wire the CLI" in html  # what it unblocks
    assert "task.status_changed" in html  # history
    assert 'data-action="/api/tasks/TASK-001/pause"' in html
    html = (await client.get("/tasks/TASK-003")).text
    assert "with &lt;b&gt;html&lt;/b&gt;" in html


async def test_unknown_task_page_is_a_readable_404(client: Client) -> None:
    r = await client.get("/tasks/TASK-404")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert "task TASK-404 not found" in r.text


async def test_graph_page_draws_the_critical_path(client: Client, other: Orchestron) -> None:
    await seed(other)
    html = (await client.get("/graph")).text
    assert "<svg" in html and 'class="dag"' in html
    assert html.count('class="node status-') == 3
    assert html.count(" crit") >= 3  # nodes and edges on the path
    assert "Critical path" in html


async def test_sprint_pages(client: Client, other: Orchestron) -> None:
    await seed(other)
    html = (await client.get("/sprints")).text
    assert "Sprint one" in html and "0/2" in html
    html = (await client.get("/sprints/sprint-1")).text
    assert 'class="burndown"' in html
    assert "Wire the CLI" in html


async def test_task_list_pages_with_a_cursor(client: Client, other: Orchestron) -> None:
    for i in range(7):
        await other.create_task(f"t{i}")
    html = (await client.get("/tasks", params={"limit": 5})).text
    assert "t4" in html and "t5" not in html
    match = re.search(r'href="/tasks\?([^"]+)"', html)
    assert match
    html = (await client.get("/tasks?" + match.group(1).replace("&amp;", "&"))).text
    assert "t5" in html and "t6" in html and "t4" not in html


async def test_empty_project_pages(client: Client) -> None:
    for url in ["/", "/graph", "/sprints", "/tasks"]:
        r = await client.get(url)
        assert r.status_code == 200, url


async def test_a_full_column_links_to_the_rest(client: Client, other: Orchestron) -> None:
    for i in range(45):
        await other.create_task(f"todo {i}")
    html = (await client.get("/")).text
    assert "+ 5 more" in html
    assert 'href="/tasks?status=TODO&amp;after=TASK-040"' in html
    rest = (await client.get("/tasks?status=TODO&after=TASK-040")).text
    assert "todo 44" in rest and "todo 39" not in rest


async def test_analytics_results_are_reused_briefly() -> None:
    from orchestron.dashboard._cache import RecentResults

    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    recent = RecentResults(max_age=0.0, max_age_idle=60.0)
    assert await recent.get("k", 5, compute) == 1
    assert await recent.get("k", 5, compute) == 1  # the log has not moved
    assert await recent.get("k", 6, compute) == 2  # it has, and max_age is over
    busy = RecentResults(max_age=60.0)
    assert await busy.get("k", 1, compute) == 3
    assert await busy.get("k", 2, compute) == 3  # moved, but computed moments ago
