"""The dashboard as a person sees it, in a real headless Chromium against the real server:
the board fits 1280 px, cancelled tasks wait behind a filter, a task's page lists every
request about it, clicks are logged under the person's login as the CLI logs them, the
burndown burns down, and ended sessions are greyed out.

Screenshots of the board, a task, the inbox and a sprint at 1280x800 and 1920x1080 go
to test-artifacts/dashboard/ (`layout-<page>-<width>.png`) for a person to look at.
"""

from __future__ import annotations

import getpass
import os
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from test_dashboard_browser import ARTIFACTS, browser, seed

from orchestron.core import Orchestron, TaskStatus

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
__all__ = ["browser"]  # the fixture, shared with the other browser tests

SIZES = [(1280, 800), (1920, 1080)]
LONG = "Rewrite the lease renewal so a laptop that sleeps never loses its claim on a task"


async def more(orch: Orchestron, sprint_id: str) -> dict[str, str]:
    """On top of `seed`: a cancelled task, an approval asked on a task in review, a
    call for help about a task, a long title, and an agent whose session has ended."""
    gone = await orch.create_task("Drop the YAML loader")
    await orch.transition(gone.id, "task_cancelled")
    await orch.create_task(LONG, priority="high", labels=["sessions", "leases"])
    review = next(t for t in await orch.list_tasks() if t.status is TaskStatus.IN_REVIEW)
    helper = await orch.list_sessions(active_only=True)
    agent = next(s for s in helper if s.agent_id == "claude-2")
    approval = await orch.request_intervention(
        "Ready to merge --json for list?",
        kind="APPROVAL",
        task_id=review.id,
        session_id=agent.id,
    )
    help_ = await orch.request_intervention(
        "CI lacks PostgreSQL; may I skip those tests here?",
        kind="HELP",
        task_id=review.id,
        session_id=agent.id,
        urgency="LOW",
    )
    late = await orch.create_task("Benchmark the board query", estimate=1)
    await orch.add_to_sprint(sprint_id, [late.id])
    gone_session = await orch.start_session("claude-3", client="claude-code")
    await orch.claim(late.id, gone_session.id)
    await orch.end_session(gone_session.id)
    return {
        "cancelled": gone.id,
        "review": review.id,
        "approval": approval.id,
        "help": help_.id,
        "late": late.id,
        "ended": gone_session.id,
    }


async def shoot_at(page: Any, name: str, width: int) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)


async def test_pages_at_laptop_and_desktop_widths(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    ids = await seed(other)
    extra = await more(other, ids["sprint"])
    url = run_server()
    for width, height in SIZES:
        page = await browser.new_page(viewport={"width": width, "height": height})
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))

        # The board: every column on screen, nothing to scroll sideways.
        await page.goto(url)
        await page.wait_for_selector("#live.on")
        board = page.locator("#board")
        fits = await board.evaluate("b => b.scrollWidth <= b.clientWidth")
        assert fits, f"the board scrolls sideways at {width} px"
        done = await page.locator('[data-status="DONE"]').bounding_box()
        todo = await page.locator('[data-status="TODO"]').bounding_box()
        assert done is not None and done["x"] + done["width"] <= width
        assert todo is not None and done["y"] == todo["y"], "one row of columns"
        title = await page.locator(".card-title", has_text=LONG).bounding_box()
        assert title is not None and title["x"] + title["width"] <= width
        await shoot_at(page, "board", width)

        # The task in review: the approval and the call for help are on its page.
        await page.goto(f"{url}tasks/{extra['review']}")
        for text in ("Ready to merge --json for list?", "CI lacks PostgreSQL"):
            assert await page.locator(".request", has_text=text).count() == 1
        assert await page.locator(".request .kind", has_text="approval").count() == 1
        await shoot_at(page, "task", width)

        await page.goto(f"{url}inbox")
        assert await page.locator(f'[data-request="{extra["approval"]}"]').count() == 1
        await shoot_at(page, "inbox", width)

        await page.goto(f"{url}sprints/{ids['sprint']}")
        assert await page.locator("svg.burndown .actual").count() == 1
        await shoot_at(page, "sprint", width)
        assert errors == []
        await page.close()


async def test_cancelled_tasks_are_behind_a_filter(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    kept = await other.create_task("Still wanted")
    gone = await other.create_task("Not wanted any more")
    await other.transition(gone.id, "task_cancelled")
    url = run_server()
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(url)
    assert await page.locator(f'[data-task="{kept.id}"]').count() == 1
    assert await page.locator(f'[data-task="{gone.id}"]').count() == 0
    box = page.locator('input[name="cancelled"]')
    assert "(1)" in await page.locator("label.check").inner_text()
    await box.check()
    await page.click('form.filters button[type="submit"]')
    await page.wait_for_selector(f'[data-status="CANCELLED"] [data-task="{gone.id}"]')
    assert "cancelled=1" in page.url
    assert await board_fits(page), "seven columns must fit 1280 px too"
    todo = await page.locator('[data-status="TODO"]').bounding_box()
    cancelled = await page.locator('[data-status="CANCELLED"]').bounding_box()
    assert todo is not None and cancelled is not None
    assert cancelled["y"] == todo["y"], "CANCELLED is a seventh column, not a second row"
    assert cancelled["x"] + cancelled["width"] <= 1280
    await shoot_at(page, "board-cancelled", 1280)


async def board_fits(page: Any) -> bool:
    fits: bool = await page.locator("#board").evaluate("b => b.scrollWidth <= b.clientWidth")
    return fits


async def test_a_click_is_logged_under_the_persons_login_as_the_cli_logs_it(
    browser: Any,
    run_server: Callable[..., str],
    other: Orchestron,
    db_path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ORCHESTRON_ACTOR", raising=False)
    task = await other.create_task("Steer me")
    await other.start_task(task.id)
    url = run_server()
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(f"{url}tasks/{task.id}")
    pause = page.locator(f'form[data-action="/api/tasks/{task.id}/pause"]')
    await pause.locator('input[name="reason"]').fill("hold on")
    await pause.locator("button").click()
    await page.wait_for_selector(".task-head .status-paused")
    env = {k: v for k, v in os.environ.items() if k != "ORCHESTRON_ACTOR"}
    cli = shutil.which("orchestron", path=str(Path(sys.executable).parent))
    assert cli, "the orchestron command is not installed"
    done = await anyio.run_process([cli, "--db", db_path, "resume", task.id], env=env)
    assert done.returncode == 0, done.stderr
    moves = await other.events(entity=task.id, kinds=["task.status_changed"])
    by = {(e.data["from"], e.data["to"]): e.actor for e in moves}
    person = f"human:{getpass.getuser()}"
    assert by[("IN_PROGRESS", "PAUSED")] == person  # the click in the browser
    assert by[("PAUSED", "IN_PROGRESS")] == person  # the same person at the CLI


async def test_the_burndown_falls_from_the_sprints_total(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    """A sprint dated three days back, filled and started today, one task done."""
    today = other.clock.now().date()
    sprint = await other.create_sprint(
        "Back-dated", start_date=today - timedelta(days=3), end_date=today + timedelta(days=4)
    )
    tasks = [await other.create_task(f"t{n}") for n in range(4)]
    await other.add_to_sprint(sprint.id, [t.id for t in tasks])
    await other.start_sprint(sprint.id)
    await other.complete_task(tasks[0].id)
    url = run_server()
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(f"{url}sprints/{sprint.id}")
    titles = await page.locator("svg.burndown circle.dot title").evaluate_all(
        "titles => titles.map(t => t.textContent)"
    )
    left = [float(t.split(": ")[1].split()[0]) for t in titles]
    assert left == [4.0, 4.0, 4.0, 4.0, 3.0], titles
    assert titles[0].startswith("start: ") and titles[-1].startswith(f"end of {today}: ")
    ys = [
        float(y)
        for y in await page.locator("svg.burndown circle.dot").evaluate_all(
            "dots => dots.map(d => d.getAttribute('cy'))"
        )
    ]
    assert ys == sorted(ys), "remaining work must fall (y grows downward), never climb"
    await shoot_at(page, "sprint-backdated", 1280)


async def test_ended_sessions_are_greyed_out(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    live_task = await other.create_task("Held by a live agent")
    gone_task = await other.create_task("Left by an agent that stopped")
    live = await other.start_session("claude-1")
    gone = await other.start_session("claude-2")
    await other.claim(live_task.id, live.id)
    await other.claim(gone_task.id, gone.id)
    await other.end_session(gone.id)
    url = run_server()
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(url)
    held = page.locator(f'[data-task="{live_task.id}"] .who')
    left = page.locator(f'[data-task="{gone_task.id}"] .who')
    assert (await held.inner_text()).startswith("●")
    assert (await left.inner_text()).startswith("○")
    assert await colour(held) != await colour(left)
    await page.goto(url + "sessions")
    assert await page.locator(f'[data-session="{live.id}"]').count() == 1
    assert await page.locator(f'[data-session="{gone.id}"]').count() == 0
    row = page.locator("tr.ended", has_text=gone.id)
    assert await row.count() == 1
    assert await colour(row.locator("td").first) == await colour(page.locator(".muted").first)
    await shoot_at(page, "sessions", 1280)


async def colour(locator: Any) -> str:
    value: str = await locator.evaluate("el => getComputedStyle(el).color")
    return value
