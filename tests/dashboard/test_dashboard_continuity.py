"""The person's view of continuity in a real Chromium: unfinished work is marked, and a
task that waits for a prerequisite is marked done only with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_dashboard_browser import ARTIFACTS, browser, shoot

from orchestron.core import Orchestron, TaskStatus

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
__all__ = ["browser"]  # the fixture, shared with the other browser tests


async def test_unfinished_work_is_marked_and_a_forced_done_needs_a_reason(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    left = await other.create_task("Left by an agent")
    schema = await other.create_task("Schema")
    api = await other.create_task("API", depends_on=[schema.id])
    session = await other.start_session("claude-code-1a2b")
    await other.claim(left.id, session.id)
    await other.end_session(session.id)
    url = run_server()
    page = await browser.new_page(viewport={"width": 1280, "height": 800})

    await page.goto(url)
    card = page.locator(f'[data-status="IN_PROGRESS"] [data-task="{left.id}"]')
    assert await card.locator(".unfinished").count() == 1
    await page.goto(f"{url}tasks/{left.id}")
    assert "unfinished, nobody on it" in await page.locator(".task-head").inner_text()

    await page.goto(f"{url}tasks/{api.id}")
    force = page.locator("form.force")
    assert schema.id in await force.inner_text()
    await force.locator('input[name="force"]').fill("built together with the schema")
    await force.locator("button").click()
    await page.wait_for_selector(".task-head .status-done", timeout=3000)
    await page.get_by_text("forced: built together with the schema").wait_for(timeout=3000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await shoot(page, "task-forced-done")
    done = await other.get_task(api.id)
    assert done.status is TaskStatus.DONE
    [moved] = await other.events(entity=api.id, kinds=["task.status_changed"])
    assert moved.data["forced"] == "built together with the schema"
    assert moved.actor.startswith("human")
