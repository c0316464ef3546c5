"""SessionStart, PreCompact and SessionEnd: resume without asking, and hand on what is left."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from claude_support import SID, Project, hook_process, run_hook

from orchestron.cli._transcript import files_touched, merge_files
from orchestron.core import Orchestron

AGENT = "claude-0f1e2d"


async def _task_in_progress(orch: Orchestron) -> str:
    task = await orch.create_task("Build the login API", checkpoints=["schema", "handler"])
    me = orch.acting_as(AGENT)
    await me.start_session(AGENT, session_id=SID, client="claude-code")
    await me.claim(task.id, SID)
    await me.save_context(
        SID,
        {
            "next_steps": ["write the password hashing", "add the rate limit"],
            "critical_decisions": {"hash": "argon2id"},
            "files_touched": ["src/models.py"],
        },
    )
    return task.id


def _tool_use(name: str, **tool_input: Any) -> str:
    return json.dumps(
        {
            "type": "assistant",
            "sessionId": SID,
            "message": {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Let me change that."},
                    {"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input},
                ],
            },
        }
    )


def write_transcript(project: Project) -> Path:
    """A transcript as Claude Code writes it, with a few lines it would not."""
    root = project.root
    lines = [
        json.dumps({"type": "user", "message": {"role": "user", "content": "add login"}}),
        _tool_use("Read", file_path=str(root / "src/readme_only.py")),
        _tool_use("Edit", file_path=str(root / "src/auth.py"), old_string="a", new_string="b"),
        "this line is not JSON at all",
        _tool_use("Write", file_path=str(root / "tests/test_auth.py"), content="..."),
        _tool_use("MultiEdit", file_path="/etc/elsewhere.conf", edits=[]),
        _tool_use("NotebookEdit", notebook_path=str(root / "nb/explore.ipynb"), new_source="x"),
        json.dumps(
            {
                "type": "user",
                "message": {"content": [{"type": "tool_result", "content": '"tool_use"'}]},
            }
        ),
        _tool_use("Edit", file_path=str(root / "src/auth.py"), old_string="b", new_string="c"),
        _tool_use("Bash", command="rm -rf build"),
    ]
    path = root / "transcript.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- the transcript ----------------------------------------------------------------------------


def test_files_touched_come_from_edit_and_write_calls(project: Project) -> None:
    path = write_transcript(project)
    assert files_touched(str(path), str(project.root)) == [
        "tests/test_auth.py",
        "/etc/elsewhere.conf",
        "nb/explore.ipynb",
        "src/auth.py",
    ]
    assert files_touched(str(project.root / "missing.jsonl")) == []
    assert files_touched("") == []


def test_merging_files_keeps_each_once_at_its_latest_place() -> None:
    assert merge_files(["a", "b", 3, ""], ["c", "a"]) == ["b", "c", "a"]
    assert merge_files([], [f"f{i}" for i in range(50)], limit=3) == ["f47", "f48", "f49"]


# -- SessionStart ------------------------------------------------------------------------------


def test_session_start_gives_the_task_in_progress_and_its_next_steps(project: Project) -> None:
    project.act(_task_in_progress)
    result = run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    assert result.code == 0, result.err
    out = result.out
    assert "TASK-001" in out
    assert "write the password hashing; add the rate limit" in out
    assert "hash: argon2id" in out
    assert "task_update" in out and "context_save" in out
    assert len(out.encode()) <= 2048


def test_session_start_lists_the_project_memory_tied_to_the_task(project: Project) -> None:
    async def setup(orch: Orchestron) -> None:
        await _task_in_progress(orch)
        await orch.remember(
            "The test database needs TZ=UTC",
            kind="gotcha",
            topic="test-db",
            files=["src/models.py"],
        )
        await orch.remember("We deploy on Fridays only", kind="convention", topic="deploys")

    project.act(setup)
    result = run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    assert result.code == 0, result.err
    assert "Project memory" in result.out
    assert "test-db" in result.out
    assert len(result.out.encode()) <= 2048


def test_at_startup_messages_are_left_to_the_prompt_hook_that_follows(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Use PostgreSQL instead"))
    start = run_hook("SessionStart", project.payload("SessionStart", source="resume"))
    assert "TASK-001" in start.out
    assert "Use PostgreSQL instead" not in start.out
    first = run_hook("UserPromptSubmit", project.payload("UserPromptSubmit", prompt="go"))
    assert "Use PostgreSQL instead" in first.out
    assert run_hook("UserPromptSubmit", project.payload("UserPromptSubmit")).out == ""
    again = run_hook("SessionStart", project.payload("SessionStart", source="resume"))
    assert "Use PostgreSQL instead" not in again.out


def test_after_a_compaction_session_start_hands_over_messages_once(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Mind the migration"))
    first = run_hook("SessionStart", project.payload("SessionStart", source="compact"))
    assert "Mind the migration" in first.out
    again = run_hook("SessionStart", project.payload("SessionStart", source="compact"))
    assert "Mind the migration" not in again.out
    assert run_hook("PostToolUse", project.payload("PostToolUse", tool_name="Read")).out == ""
    messages = project.act(lambda o: o.messages_for(task_id))
    assert [m.delivered_via for m in messages] == ["resume"]


def test_session_start_offers_the_next_task_without_claiming_it(project: Project) -> None:
    project.act(lambda o: o.create_task("Write the docs"))
    result = run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    assert 'Start TASK-001 "Write the docs"' in result.out
    assert "task_next" in result.out
    task = project.act(lambda o: o.get_task("TASK-001"))
    assert (task.status.value, task.claimed_by) == ("TODO", None)
    session = project.act(lambda o: o.get_session(SID))
    assert (session.agent_id, session.client) == (AGENT, "claude-code")


def test_claim_next_in_the_config_claims_it(project: Project) -> None:
    project.act(lambda o: o.create_task("Write the docs"))
    project.config("[hooks]\nclaim_next = true\n")
    result = run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    assert "claimed for your session" in result.out
    task = project.act(lambda o: o.get_task("TASK-001"))
    assert (task.status.value, task.claimed_by) == ("IN_PROGRESS", SID)


def test_orchestron_agent_names_the_agent(project: Project) -> None:
    result = run_hook(
        "SessionStart",
        project.payload("SessionStart", source="startup"),
        env={"ORCHESTRON_AGENT": "claude-7"},
    )
    assert "as agent claude-7" in result.out
    assert project.act(lambda o: o.get_session(SID)).agent_id == "claude-7"


def test_session_start_stays_within_2_kb_whatever_was_saved(project: Project) -> None:
    async def crowded(orch: Orchestron) -> None:
        task_id = await _task_in_progress(orch)
        await orch.acting_as(AGENT).save_context(
            SID,
            {
                "next_steps": [f"step {i} " + "x" * 150 for i in range(20)],
                "critical_decisions": {f"d{i}": "y" * 150 for i in range(15)},
                "open_questions": ["q" * 200] * 5,
                "files_touched": [f"src/f{i}.py" for i in range(30)],
                "notes": "n" * 900,
            },
        )
        for i in range(6):
            await orch.intervene(task_id, f"message {i} " + "z" * 1200)

    project.act(crowded)
    out = run_hook("SessionStart", project.payload("SessionStart", source="compact")).out
    assert len(out.encode()) <= 2048
    assert "TASK-001" in out
    assert "6 new messages" in out
    assert "message 5" in out
    assert "task_update" in out


def test_a_handoff_from_an_ended_session_is_picked_up_by_the_next(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    write_transcript(project)
    end = run_hook("SessionEnd", project.payload("SessionEnd", reason="prompt_input_exit"))
    assert (end.code, end.out) == (0, ""), end.err
    handoffs = project.act(lambda o: o.list_handoffs(pending_only=True))
    assert [(h.from_session, h.task_id) for h in handoffs] == [(SID, task_id)]
    assert "prompt_input_exit" in handoffs[0].package["note"]
    context = handoffs[0].package["context"]
    assert "src/auth.py" in context["files_touched"]
    assert "src/models.py" in context["files_touched"]
    assert context["next_steps"] == ["write the password hashing", "add the rate limit"]
    assert project.act(lambda o: o.get_session(SID)).status.value == "ENDED"

    new_sid = "9a8b7c6d-0000-1111-2222-333344445555"
    start = run_hook("SessionStart", project.payload("SessionStart", session_id=new_sid))
    assert f"Take over {task_id}" in start.out
    assert "write the password hashing" in start.out
    task = project.act(lambda o: o.get_task(task_id))
    assert (task.claimed_by, task.assignee) == (new_sid, "claude-9a8b7c")


def test_session_end_without_work_just_ends_the_session(project: Project) -> None:
    run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    run_hook("SessionEnd", project.payload("SessionEnd", reason="other"))
    assert project.act(lambda o: o.list_handoffs()) == []
    assert project.act(lambda o: o.get_session(SID)).status.value == "ENDED"


def test_session_end_for_a_session_orchestron_never_saw_does_nothing(project: Project) -> None:
    before = project.db.read_bytes()
    result = run_hook("SessionEnd", project.payload("SessionEnd", reason="other"))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert project.act(lambda o: o.last_event_seq()) == 0
    assert project.db.read_bytes() == before


def test_session_end_after_the_session_was_ended_still_hands_the_task_on(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.end_session(SID), actor=AGENT)  # as the MCP server does on close
    write_transcript(project)
    run_hook("SessionEnd", project.payload("SessionEnd", reason="other"))
    handoffs = project.act(lambda o: o.list_handoffs(pending_only=True))
    assert [h.task_id for h in handoffs] == [task_id]
    assert "src/auth.py" in handoffs[0].package["context"]["files_touched"]
    assert project.act(lambda o: o.get_session(SID)).status.value == "ENDED"
    assert project.act(lambda o: o.get_task(task_id)).claimed_by is None


def test_a_task_released_before_the_session_ended_is_not_taken_back(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.release(task_id, SID), actor=AGENT)
    project.act(lambda o: o.end_session(SID), actor=AGENT)
    run_hook("SessionEnd", project.payload("SessionEnd", reason="other"))
    assert project.act(lambda o: o.list_handoffs()) == []
    assert project.act(lambda o: o.get_task(task_id)).status.value == "TODO"


# -- PreCompact, then SessionStart(compact) ----------------------------------------------------


def test_pre_compact_saves_a_snapshot_with_the_files_touched(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    write_transcript(project)
    result = run_hook("PreCompact", project.payload("PreCompact", trigger="auto"))
    assert (result.code, result.out) == (0, ""), result.err
    saved = project.act(lambda o: o.load_context(session_id=SID))
    assert saved is not None
    assert saved.task_id == task_id
    assert saved.data["files_touched"] == [
        "src/models.py",
        "tests/test_auth.py",
        "/etc/elsewhere.conf",
        "nb/explore.ipynb",
        "src/auth.py",
    ]
    assert saved.data["next_steps"] == ["write the password hashing", "add the rate limit"]
    assert "PreCompact hook before a auto compaction" in saved.data["notes"]

    # Twice does not pile up notes.
    run_hook("PreCompact", project.payload("PreCompact", trigger="manual"))
    again = project.act(lambda o: o.load_context(session_id=SID))
    assert again is not None
    assert again.data["notes"].count("Snapshot by Orchestron") == 1

    after = run_hook("SessionStart", project.payload("SessionStart", source="compact"))
    assert "after the compaction" in after.out
    assert "What was saved before the compaction:" in after.out
    assert "src/auth.py" in after.out
    assert "write the password hashing" in after.out
    assert project.act(lambda o: o.get_task(task_id)).claimed_by == SID


def test_pre_compact_with_nothing_to_save_saves_nothing(project: Project) -> None:
    run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    run_hook("PreCompact", project.payload("PreCompact", trigger="auto"))
    assert project.act(lambda o: o.load_context(session_id=SID)) is None


def test_session_end_returns_at_once_and_finishes_in_its_own_process(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    started = time.monotonic()
    result = hook_process("SessionEnd", project.payload("SessionEnd", reason="logout"))
    assert (result.code, result.out, result.err) == (0, "", "")
    deadline = started + 30
    while time.monotonic() < deadline:
        if project.act(lambda o: o.get_session(SID)).status.value == "ENDED":
            break
        time.sleep(0.1)
    handoffs = project.act(lambda o: o.list_handoffs(pending_only=True))
    assert [h.task_id for h in handoffs] == [task_id]
    assert project.act(lambda o: o.get_session(SID)).status.value == "ENDED"
