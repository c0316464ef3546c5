"""The dashboard speaks its own words: hints as its buttons and pages, a person's clicks
logged as the CLI logs them, every request on its task's page, cancelled tasks behind
a filter, and the task page's moves taken from the workflow rules."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from orchestron.core import Act, ForbiddenError, Hint, Orchestron, TaskStatus, hint
from orchestron.dashboard._errors import describe_error
from orchestron.dashboard._hints import RENDERERS, menu_moves, render_hints
from orchestron.runtime import person_actor

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


def test_every_action_has_a_rendering_here() -> None:
    assert set(RENDERERS) == set(Act)
    for act in Act:
        for step in render_hints([Hint(act, "TASK-001")]):
            assert step.href.startswith("/"), (act, step)


def test_a_refused_move_names_the_buttons_on_the_tasks_page() -> None:
    moves = [
        hint(Act.MOVE, "TASK-7", event="review_approved", to="DONE"),
        hint(Act.MOVE, "TASK-7", event="task_completed", to="DONE"),
        hint(Act.MOVE, "TASK-7", event="task_cancelled", to="CANCELLED"),
        hint(Act.MOVE, "TASK-7", event="blocked_on_human", to="BLOCKED"),
    ]
    status, body = describe_error(ForbiddenError("TASK-7 is IN_REVIEW", hints=moves))
    assert status == 409 and body["error"] == "refused"
    assert body["next"] == [
        {"label": "Approve", "href": "/tasks/TASK-7"},
        {"label": "Move to CANCELLED", "href": "/tasks/TASK-7"},
    ]
    assert body["message"] == (
        "TASK-7 is IN_REVIEW (allowed: Approve (/tasks/TASK-7), Move to CANCELLED (/tasks/TASK-7))"
    )
    assert menu_moves(moves) == ["CANCELLED"]  # DONE is the Approve button's


async def test_an_unknown_entry_points_at_the_page_that_lists_them(client: Client) -> None:
    r = await client.get("/api/memory/MEM-099")
    assert r.status_code == 404
    assert r.json()["next"] == [{"label": "Memory", "href": "/memory"}]
    assert r.json()["message"] == "memory MEM-099 not found; try Memory (/memory)"


async def test_a_click_is_the_persons_as_the_cli_names_them(
    client: Client, other: Orchestron
) -> None:
    task = await other.create_task("t")
    await other.start_task(task.id)
    assert (await client.post(f"/api/tasks/{task.id}/pause", json={"reason": "wait"})).is_success
    [paused] = [
        e
        for e in await other.events(entity=task.id, kinds=["task.status_changed"])
        if e.data["to"] == "PAUSED"
    ]
    assert paused.actor == person_actor() and paused.actor.startswith("human:")
    assert paused.actor != "human"


async def test_the_task_page_lists_every_request_about_it(
    client: Client, other: Orchestron
) -> None:
    task = await other.create_task("Ship it")
    await other.start_task(task.id)
    await other.request_clarification(task.id, "Which branch?", blocking=False)
    await other.request_intervention("May I merge?", kind="APPROVAL", task_id=task.id)
    await other.request_intervention("Tests are flaky, help", kind="HELP", task_id=task.id)
    await other.request_intervention("Not about this task", kind="HELP")
    html = (await client.get(f"/tasks/{task.id}")).text
    for text in ("Which branch?", "May I merge?", "Tests are flaky, help"):
        assert text in html
    assert "Not about this task" not in html
    kinds = [
        i["kind"] for i in (await client.get(f"/api/tasks/{task.id}/requests")).json()["items"]
    ]
    assert sorted(kinds) == ["APPROVAL", "CLARIFICATION", "HELP"]


async def test_the_task_page_offers_the_rules_moves(client: Client, other: Orchestron) -> None:
    task = await other.create_task("t")
    html = (await client.get(f"/tasks/{task.id}")).text
    menu = html[html.index(f'data-action="/api/tasks/{task.id}/status"') :]
    menu = menu[: menu.index("</form>")]
    assert [v for v in ("IN_PROGRESS", "DONE", "CANCELLED") if f'value="{v}"' in menu] == [
        "IN_PROGRESS",
        "DONE",
        "CANCELLED",
    ]
    assert 'value="BLOCKED"' not in menu and 'value="PAUSED"' not in menu  # agent's; Pause
    await other.complete_task(task.id)
    html = (await client.get(f"/tasks/{task.id}")).text
    assert 'value="TODO"' in html  # reopen
    r = await client.post(f"/api/tasks/{task.id}/status", json={"status": "TODO"})
    assert r.status_code == 200 and r.json()["status"] == "TODO"


async def test_cancelled_tasks_show_only_when_asked(client: Client, other: Orchestron) -> None:
    gone = await other.create_task("Dropped")
    await other.transition(gone.id, "task_cancelled")
    plain = (await client.get("/")).text
    assert 'data-status="CANCELLED"' not in plain and "Dropped" not in plain
    assert "Cancelled (1)" in plain
    shown = (await client.get("/?cancelled=1")).text
    assert 'data-status="CANCELLED"' in shown and "Dropped" in shown
    assert (await other.get_task(gone.id)).status is TaskStatus.CANCELLED
