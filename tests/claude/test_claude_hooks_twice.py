"""A hook Claude Code runs twice (the plugin and the project's own set-up, or the
user's settings and the project's) does its work once.

Claude Code starts every copy at the same moment with the same input, so these
tests start two `orchestron hook` processes together, as it does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from claude_support import SID, Project, hook_process

from orchestron.cli._hook_once import WINDOW_SECONDS
from orchestron.core import Orchestron

AGENT = "claude-0f1e2d"


async def _task_in_progress(orch: Orchestron) -> str:
    task = await orch.create_task("Build the login API")
    me = orch.acting_as(AGENT)
    await me.start_session(AGENT, session_id=SID, client="claude-code")
    await me.claim(task.id, SID)
    await me.save_context(SID, {"next_steps": ["write the password hashing"]})
    return task.id


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRON_", "CLAUDE_"))}
    env.update(extra)
    return env


def twice(event: str, payload: dict[str, Any], *envs: dict[str, str]) -> list[str]:
    """Two copies of `orchestron hook EVENT` started together; their stdouts."""
    text = json.dumps(payload)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "orchestron.cli._hooks", event],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for env in (envs or (_env(), _env()))
    ]
    outs = []
    for proc in procs:
        out, err = proc.communicate(text, timeout=60)
        assert proc.returncode == 0, err
        outs.append(out)
    return outs


def _wait_ended(project: Project) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if project.act(lambda o: o.get_session(SID)).status.value == "ENDED":
            return
        time.sleep(0.1)
    raise AssertionError("the session did not end")


def test_session_start_twice_gives_the_package_once(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    outs = twice("SessionStart", project.payload("SessionStart", source="startup"))
    said = [out for out in outs if out.strip()]
    assert len(said) == 1, outs
    assert task_id in said[0] and "write the password hashing" in said[0]


def test_pre_compact_twice_saves_one_snapshot(project: Project) -> None:
    project.act(_task_in_progress)
    before = project.act(lambda o: o.load_context(session_id=SID))
    assert before is not None
    twice("PreCompact", project.payload("PreCompact", trigger="auto"))
    after = project.act(lambda o: o.load_context(session_id=SID))
    assert before.id is not None and after is not None
    assert after.id == before.id + 1  # one save; two copies would have made it + 2


def test_session_end_twice_prepares_one_handoff(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    twice("SessionEnd", project.payload("SessionEnd", reason="other"))
    _wait_ended(project)
    time.sleep(0.5)  # a second detached process, if any, would have written by now
    handoffs = project.act(lambda o: o.list_handoffs())
    assert [h.task_id for h in handoffs] == [task_id]


def test_a_message_reaches_one_of_two_prompt_hooks_once(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Use PostgreSQL instead"))
    outs = twice("UserPromptSubmit", project.payload("UserPromptSubmit", prompt="go"))
    assert sum(out.count("Use PostgreSQL instead") for out in outs) == 1, outs


def test_the_same_hook_later_is_a_new_run(project: Project) -> None:
    project.act(_task_in_progress)
    payload = project.payload("SessionStart", source="resume")
    first = hook_process("SessionStart", payload)
    assert "Build the login API" in first.out
    assert hook_process("SessionStart", payload).out == ""  # the second copy, just after
    runs = project.root / ".orchestron" / "hook-runs"
    old = time.time() - WINDOW_SECONDS - 1
    for marker in runs.iterdir():
        os.utime(marker, (old, old))
    assert "Build the login API" in hook_process("SessionStart", payload).out


def test_the_plugins_copy_stands_aside_for_the_projects_own_hooks(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "one for the project's hook"))
    plugin = _env(CLAUDE_PLUGIN_ROOT="/plugins/orchestron", CLAUDE_PROJECT_DIR=str(project.root))
    payload = project.payload("UserPromptSubmit", prompt="go")
    # Without a set-up of its own in the project, the plugin's copy does the work.
    alone = hook_process("UserPromptSubmit", payload, env=plugin)
    assert "one for the project's hook" in alone.out
    project.act(lambda o: o.intervene(task_id, "the second message"))
    settings = project.root / ".claude" / "settings.json"
    settings.parent.mkdir()
    hooks = {
        event: [{"hooks": [{"type": "command", "command": f"orchestron hook {event}"}]}]
        for event in ("SessionStart", "UserPromptSubmit")
    }
    settings.write_text(json.dumps({"hooks": hooks}))
    aside = hook_process("UserPromptSubmit", payload, env=plugin)
    assert (aside.code, aside.out) == (0, "")
    project_copy = hook_process("UserPromptSubmit", payload, env=_env())
    assert "the second message" in project_copy.out
    start = hook_process("SessionStart", project.payload("SessionStart"), env=plugin)
    assert start.out == ""
    assert f"{settings} runs the Orchestron hooks; the plugin's copies stand aside" in start.err


def test_markers_stay_in_the_project_folder_that_git_ignores(project: Project) -> None:
    project.act(_task_in_progress)
    hook_process("SessionStart", project.payload("SessionStart"))
    runs = project.root / ".orchestron" / "hook-runs"
    assert len(list(runs.iterdir())) == 1
    assert Path(project.root / ".orchestron").is_dir()
