"""A real headless Chromium (Debian's, driven by Playwright) against the real server.

It opens the board, answers a clarification from the inbox, pauses a task,
and sees changes made by another process appear without a reload. Each page
is saved as a screenshot under test-artifacts/dashboard/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from orchestron.core import Orchestron, RequestStatus, TaskStatus

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIVE_SECONDS = 2.0


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no `chromium` on PATH: .ci/run must install it")
        pytest.skip("no `chromium` on PATH (apt-get install -y chromium); browser tests skipped")
    return path


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = _chromium()
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("playwright is not installed (uv sync installs the dev group)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def seed(orch: Orchestron) -> dict[str, str]:
    """A small project in motion: a sprint, a dependency chain, an agent at work
    holding a task, a question waiting for an answer and a call for help."""
    today = orch.clock.now().date()
    sprint = await orch.create_sprint(
        "Parser sprint",
        goal="ship the config parser",
        start_date=today,
        end_date=today + timedelta(days=6),
    )
    parse = await orch.create_task(
        "Parse the config file",
        priority="high",
        labels=["core"],
        estimate=5,
        checkpoints=["read TOML", "validate keys", "report errors"],
        description="Read .orchestron/config.toml and validate every key.",
    )
    cli = await orch.create_task("Wire `orchestron init`", depends_on=[parse.id], estimate=3)
    docs = await orch.create_task("Document the config keys", depends_on=[cli.id], estimate=2)
    await orch.create_task("Migration guide", depends_on=[parse.id], estimate=1)
    await orch.create_task("Fix flaky lease test", type="bug", priority="critical", estimate=1)
    await orch.create_task("Spike: PostgreSQL LISTEN", type="spike", priority="low")
    review = await orch.create_task("Add --json to list", labels=["cli"], estimate=2)
    done = await orch.create_task("Set up the workspace", estimate=3)
    await orch.add_to_sprint(sprint.id, [parse.id, cli.id, docs.id, review.id, done.id])
    await orch.start_sprint(sprint.id)
    await orch.complete_task(done.id)
    session = await orch.start_session("claude-1", client="claude-code")
    await orch.claim(parse.id, session.id)
    await orch.complete_checkpoint(parse.id, 1)
    await orch.save_context(
        session.id,
        {
            "current_task": parse.id,
            "completed_steps": ["read TOML"],
            "next_steps": ["validate keys", "report errors"],
            "critical_decisions": {"format": "TOML, not YAML"},
        },
        task_id=parse.id,
    )
    helper = await orch.start_session("claude-2", client="claude-code")
    await orch.claim(review.id, helper.id)
    await orch.transition(review.id, "review_requested")
    question = await orch.request_clarification(
        cli.id, "Should `init` overwrite an existing config.toml?", session_id=session.id
    )
    await orch.request_intervention(
        "The lease test fails one run in ten; may I rewrite it?",
        kind="HELP",
        session_id=helper.id,
        urgency="HIGH",
    )
    return {"parse": parse.id, "cli": cli.id, "question": question.id, "sprint": sprint.id}


async def shoot(page: Any, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def seen_within(page: Any, selector: str, started: float) -> float:
    await page.wait_for_selector(selector, timeout=LIVE_SECONDS * 1000 + 500)
    return time.monotonic() - started


async def test_board_inbox_pause_and_live_changes(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    ids = await seed(other)
    url = run_server()
    page = await browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The board, connected to the live stream.
    await page.goto(url)
    await page.wait_for_selector("#live.on")
    assert await page.locator('[data-status="IN_PROGRESS"] .card').count() == 1
    await shoot(page, "board")

    # Another process adds a task and starts one: the board shows both without a reload.
    started = time.monotonic()
    fresh = await other.create_task("Appeared from another process", priority="high")
    took = await seen_within(page, 'text="Appeared from another process"', started)
    assert took < LIVE_SECONDS
    started = time.monotonic()
    await other.start_task(fresh.id)
    took = await seen_within(page, f'[data-status="IN_PROGRESS"] [data-task="{fresh.id}"]', started)
    assert took < LIVE_SECONDS

    # The inbox: the question is there, most urgent first; answer it in place.
    await page.click('nav a[href="/inbox"]')
    await page.wait_for_selector("#live.on")
    card = page.locator(f'[data-request="{ids["question"]}"]')
    assert await card.count() == 1
    await shoot(page, "inbox")
    await card.locator('input[name="answer"]').fill("No: refuse and say how to use --force.")
    await card.locator("button").click()
    await card.wait_for(state="detached", timeout=3000)
    answered = (await other.clarifications(ids["cli"]))[0]
    assert answered.status is RequestStatus.ANSWERED
    assert answered.answer == "No: refuse and say how to use --force."

    # The task page: pause it with a reason.
    await page.goto(f"{url}tasks/{ids['parse']}")
    await page.wait_for_selector("#live.on")
    await shoot(page, "task")
    pause = page.locator(f'form[data-action="/api/tasks/{ids["parse"]}/pause"]')
    await pause.locator('input[name="reason"]').fill("Hold on: the config format may change.")
    await pause.locator("button").click()
    await page.wait_for_selector(".task-head .status-paused", timeout=3000)
    assert (await other.get_task(ids["parse"])).status is TaskStatus.PAUSED
    assert await page.locator(f'form[data-action="/api/tasks/{ids["parse"]}/resume"]').count() == 1

    # A change by the agent's process shows up on the open task page too.
    started = time.monotonic()
    await other.acting_as("claude-1").request_clarification(
        ids["parse"], "Is YAML allowed as well?", blocking=False
    )
    took = await seen_within(page, 'text="Is YAML allowed as well?"', started)
    assert took < LIVE_SECONDS
    await shoot(page, "task-paused")

    for path, name in [("graph", "graph"), ("sessions", "sessions"), ("sprints", "sprints")]:
        await page.goto(url + path)
        await shoot(page, name)
    await page.goto(f"{url}sprints/{ids['sprint']}")
    assert await page.locator("svg.burndown").count() == 1
    await shoot(page, "sprint")
    await page.goto(url + "graph")
    assert await page.locator("svg.dag .node.crit").count() >= 3
    assert errors == []


async def test_login_with_a_token(
    browser: Any, run_server: Callable[..., str], other: Orchestron
) -> None:
    await other.create_task("Behind the login")
    url = run_server(token="browser-test-token")
    page = await browser.new_page(viewport={"width": 1280, "height": 720})
    await page.goto(url)
    assert "/login" in page.url
    await shoot(page, "login")
    await page.fill('input[name="token"]', "wrong")
    await page.click('button[type="submit"]')
    assert await page.locator(".form-error.shown").count() == 1
    await page.fill('input[name="token"]', "browser-test-token")
    await page.click('button[type="submit"]')
    await page.wait_for_selector('text="Behind the login"')
    await page.wait_for_selector("#live.on")
    # A page action works with the cookie and the CSRF header the page script adds.
    await page.goto(f"{url}tasks/TASK-001")
    form = page.locator('form[data-action="/api/tasks/TASK-001/priority"]')
    await form.locator("select").select_option("CRITICAL")
    await form.locator("button").click()
    await page.wait_for_selector(".task-head .prio-critical", timeout=3000)
    assert (await other.get_task("TASK-001")).priority.value == "CRITICAL"
