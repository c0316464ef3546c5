"""What the per-prompt hooks hand over and keep alive, seen from the store afterwards.

(These replace the tests of the lean SQLite path, which is gone: the hooks go
through the core, so they are held to what a person and an agent would see.)
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_support import SID, Project, run_hook

from orchestron.core import Orchestron
from orchestron.runtime import SystemClock, hook_settings, load_config, locate_store, open_storage

AGENT = "claude-0f1e2d"
OTHER = "11111111-aaaa-bbbb-cccc-222222222222"


async def _scene(orch: Orchestron) -> None:
    """Messages addressed every way a message can be: session, agent, task, someone else."""
    mine = await orch.create_task("Mine")
    free = await orch.create_task("Nobody's yet")
    theirs = await orch.create_task("Theirs")
    me = orch.acting_as(AGENT)
    await me.start_session(AGENT, session_id=SID)
    await me.claim(mine.id, SID)
    other = orch.acting_as("claude-other")
    await other.start_session("claude-other", session_id=OTHER)
    await other.claim(theirs.id, OTHER)
    await orch.intervene(mine.id, "to my session")
    await orch.intervene(free.id, "to whoever takes the free task")
    await orch.intervene(theirs.id, "to the other session")
    await orch.pause(theirs.id, "their pause")
    await me.release(mine.id, SID)
    await orch.intervene(mine.id, "after release")
    await me.claim(mine.id, SID)
    # Said to a session that then ended unread: it follows the task to its next holder.
    handed = await orch.create_task("Handed on")
    gone = orch.acting_as("claude-gone")
    await gone.start_session("claude-gone", session_id="gone-session")
    await gone.claim(handed.id, "gone-session")
    await orch.intervene(handed.id, "to the session that left")
    await gone.prepare_handoff("gone-session")
    await gone.end_session("gone-session")
    taken = await me.pick_next(SID, another=True)
    assert taken is not None and taken.kind == "handoff" and taken.task.id == handed.id


def test_the_prompt_hook_hands_over_what_the_core_addresses_to_the_session(
    project: Project,
) -> None:
    project.act(_scene)
    expected = project.act(lambda o: o.peek_messages(SID))
    assert {m.text for m in expected} == {
        "to my session",
        "after release",
        "to the session that left",
    }
    out = run_hook("UserPromptSubmit", project.payload("UserPromptSubmit")).json()
    said = out["hookSpecificOutput"]["additionalContext"]
    assert "3 new messages" in said
    for message in expected:
        assert message.text in said
    for elsewhere in ("to whoever takes the free task", "to the other session", "their pause"):
        assert elsewhere not in said
    assert project.act(lambda o: o.peek_messages(SID)) == []
    assert len(project.act(lambda o: o.peek_messages(OTHER))) == 2  # theirs, untouched


def _started_earlier(project: Project, seconds: float) -> None:
    """Start the session as if `seconds` ago, so its lease has that much less left."""

    class Earlier(SystemClock):
        def now(self) -> datetime:
            return super().now() - timedelta(seconds=seconds)

    async def go() -> None:
        location = locate_store(cwd=project.root)
        storage = await open_storage(location)
        try:
            settings = load_config(location).settings  # the project's lease
            orch = Orchestron(storage, Earlier(), settings=settings, actor=AGENT)
            await orch.start_session(AGENT, session_id=SID)
        finally:
            await storage.close()

    asyncio.run(go())


def test_a_prompt_renews_the_sessions_lease_once_half_of_it_has_run(project: Project) -> None:
    project.config("[sessions]\nlease_seconds = 60\n")
    _started_earlier(project, 40)  # 20 s left of 60
    run_hook("UserPromptSubmit", project.payload("UserPromptSubmit"))
    renewed = project.act(lambda o: o.get_session(SID)).lease_expires
    assert 55 < (renewed - datetime.now(UTC)).total_seconds() <= 60
    run_hook("UserPromptSubmit", project.payload("UserPromptSubmit"))
    assert project.act(lambda o: o.get_session(SID)).lease_expires == renewed  # plenty left


def test_a_lapsed_lease_is_left_for_the_core_to_reap(project: Project) -> None:
    project.config("[sessions]\nlease_seconds = 60\n")
    _started_earlier(project, 61)
    run_hook("UserPromptSubmit", project.payload("UserPromptSubmit"))
    assert project.act(lambda o: o.get_session(SID)).status.value == "ABANDONED"


def test_the_default_configs_hooks_section_is_understood(tmp_path: Path) -> None:
    from orchestron.core.config import DEFAULT_CONFIG_TOML, ProjectConfig

    setting = re.compile(r"^# (\[|[a-z_]+ = )")
    lines = [ln[2:] if setting.match(ln) else ln for ln in DEFAULT_CONFIG_TOML.splitlines()]
    settings = hook_settings(ProjectConfig.from_toml("\n".join(lines)).hooks)
    assert settings.problems == []
    assert settings.enabled["PreToolUse"] is True
    assert settings.denies("Bash") and not settings.denies("Read")
    untouched = hook_settings(ProjectConfig.from_toml(DEFAULT_CONFIG_TOML).hooks)
    assert untouched.deny_tools == hook_settings({}).deny_tools
