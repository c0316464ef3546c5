"""`orchestron hook EVENT` fed the JSON Claude Code sends, on a real SQLite project."""

from __future__ import annotations

import json
from pathlib import Path

from claude_support import SID, Project, hook_process, run_hook

from orchestron.core import Orchestron

AGENT = "claude-0f1e2d"  # what a session id starting 0f1e2d… is called without ORCHESTRON_AGENT


async def _task_in_progress(orch: Orchestron) -> str:
    """TASK-001 held by the Claude Code session, with a saved context."""
    task = await orch.create_task("Build the login API", checkpoints=["schema", "handler"])
    me = orch.acting_as(AGENT)
    await me.start_session(AGENT, session_id=SID, client="claude-code")
    await me.claim(task.id, SID)
    await me.save_context(
        SID,
        {
            "next_steps": ["write the password hashing", "add the rate limit"],
            "critical_decisions": {"hash": "argon2id"},
        },
    )
    return task.id


# -- no project, bad input -------------------------------------------------------------------


def test_outside_a_project_every_hook_is_silent(tmp_path: Path) -> None:
    payload = {"session_id": SID, "cwd": str(tmp_path), "prompt": "hi", "tool_name": "Edit"}
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "SessionEnd"):
        result = run_hook(event, payload)
        assert (result.code, result.out, result.err) == (0, "", "")


def test_garbage_on_stdin_exits_0_and_writes_nothing(project: Project) -> None:
    project.act(_task_in_progress)
    before = project.db.read_bytes()
    for garbage in ("{not json", "[1, 2]", "\x00\x01", '"a string"'):
        for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PreCompact", "SessionEnd"):
            result = run_hook(event, garbage, env={"CLAUDE_PROJECT_DIR": str(project.root)})
            assert result.code == 0
            assert result.out == ""
            assert len(result.err.strip().splitlines()) == 1, result.err
    assert project.db.read_bytes() == before


def test_an_unknown_event_says_so_on_stderr_and_exits_0(project: Project) -> None:
    result = run_hook("Teleport", project.payload("Teleport"))
    assert result.code == 0
    assert result.out == ""
    assert "unknown event 'Teleport'" in result.err


def test_garbage_in_a_separate_process_exits_0(project: Project) -> None:
    result = hook_process("UserPromptSubmit", "{{{", env={"CLAUDE_PROJECT_DIR": str(project.root)})
    assert result.code == 0
    assert result.out == ""


# -- messages: UserPromptSubmit and PostToolUse ----------------------------------------------


def test_user_prompt_submit_prints_nothing_when_there_is_nothing_to_say(project: Project) -> None:
    project.act(_task_in_progress)
    result = run_hook("UserPromptSubmit", project.payload("UserPromptSubmit", prompt="go on"))
    assert (result.code, result.out, result.err) == (0, "", "")


def test_a_message_is_delivered_once_by_user_prompt_submit(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Use PostgreSQL instead"))
    first = run_hook("UserPromptSubmit", project.payload("UserPromptSubmit", prompt="go on"))
    assert "Use PostgreSQL instead" in first.out
    assert "INTERVENTION on TASK-001 from human:ann" in first.out
    again = run_hook("UserPromptSubmit", project.payload("UserPromptSubmit", prompt="go on"))
    assert again.out == ""
    messages = project.act(lambda o: o.messages_for(task_id))
    assert [(m.delivered_to, m.delivered_via) for m in messages] == [(SID, "hook")]
    events = project.act(lambda o: o.events(kinds=["messages.delivered"]))
    assert [(e.entity, e.data) for e in events] == [
        (SID, {"messages": [messages[0].id], "via": "hook"})
    ]


def test_post_tool_use_gives_messages_as_additional_context(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    quiet = run_hook("PostToolUse", project.payload("PostToolUse", tool_name="Read"))
    assert quiet.out == ""
    project.act(lambda o: o.transition(task_id, "review_requested"), actor=AGENT)
    project.act(lambda o: o.reject(task_id, "Tests are missing"), actor="human:bo")
    project.act(lambda o: o.intervene(task_id, "And mind the timeouts"))
    result = run_hook("PostToolUse", project.payload("PostToolUse", tool_name="Read"))
    specific = result.json()["hookSpecificOutput"]
    assert specific["hookEventName"] == "PostToolUse"
    assert "2 new messages" in specific["additionalContext"]
    assert "And mind the timeouts" in specific["additionalContext"]
    assert run_hook("PostToolUse", project.payload("PostToolUse", tool_name="Read")).out == ""


def test_a_message_taken_by_the_hook_is_not_in_the_next_tool_reply(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Stop after the schema"))
    assert "Stop after the schema" in run_hook("UserPromptSubmit", project.payload("x")).out
    assert project.act(lambda o: o.take_messages(SID, via="tool")) == []


def test_the_session_id_comes_from_the_environment_when_stdin_has_none(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Hello from the env"))
    env = {"CLAUDE_CODE_SESSION_ID": SID, "CLAUDE_PROJECT_DIR": str(project.root)}
    result = run_hook("UserPromptSubmit", {"prompt": "hi"}, env=env)
    assert "Hello from the env" in result.out


def test_a_turned_off_hook_does_nothing(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.intervene(task_id, "Anyone there?"))
    project.config("[hooks]\nuser_prompt_submit = false\n")
    assert run_hook("UserPromptSubmit", project.payload("UserPromptSubmit")).out == ""
    project.config("")
    assert "Anyone there?" in run_hook("UserPromptSubmit", project.payload("x")).out


# -- PreToolUse: pause means stop ------------------------------------------------------------


def test_pre_tool_use_denies_edit_on_a_paused_task_and_allows_read(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, "Wait for the security review"))
    edit = run_hook(
        "PreToolUse",
        project.payload("PreToolUse", tool_name="Edit", tool_input={"file_path": "/x/a.py"}),
    )
    specific = edit.json()["hookSpecificOutput"]
    assert specific["hookEventName"] == "PreToolUse"
    assert specific["permissionDecision"] == "deny"
    reason = specific["permissionDecisionReason"]
    assert "Wait for the security review" in reason
    assert "TASK-001" in reason
    assert "human:ann" in reason
    read = run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Read"))
    assert (read.code, read.out) == (0, "")


def test_pre_tool_use_denies_orchestrons_own_writing_tools_but_not_saving(
    project: Project,
) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, "Hold on"))
    for tool in (
        "mcp__orchestron__task_update",
        "mcp__plugin_orchestron_orchestron__task_complete",
    ):
        assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name=tool)).out
    for tool in ("mcp__orchestron__context_save", "mcp__orchestron__ask_human", "Grep"):
        assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name=tool)).out == ""


def test_resuming_the_task_lets_the_tools_through_again(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, "Hold on"))
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Bash")).out
    project.act(lambda o: o.resume_task(task_id))
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Bash")).out == ""


def test_pre_tool_use_denies_while_the_task_waits_for_an_answer(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(
        lambda o: o.request_clarification(task_id, "Which OAuth provider?", session_id=SID),
        actor=AGENT,
    )
    result = run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Write"))
    reason = result.json()["hookSpecificOutput"]["permissionDecisionReason"]
    assert "Which OAuth provider?" in reason
    assert "waits for a person's answer" in reason
    project.act(lambda o: o.add_clarification(task_id, "GitHub"))
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Write")).out == ""


def test_the_deny_list_is_configurable(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, "Hold on"))
    project.config('[hooks]\ndeny_tools = ["Edit", "WebFetch"]\n')
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="WebFetch")).out
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Bash")).out == ""
    project.config('[hooks]\nallow_tools = ["Bash"]\n')
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Bash")).out == ""
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Edit")).out
    project.config("[hooks]\npre_tool_use = false\n")
    assert run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Edit")).out == ""


def test_a_bad_hooks_setting_is_reported_and_the_default_used(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, "Hold on"))
    project.config('[hooks]\ndeny_tools = "Edit"\nsesion_start = false\n')
    result = run_hook("PreToolUse", project.payload("PreToolUse", tool_name="Edit"))
    assert result.json()["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "hooks.deny_tools must be a list" in result.err
    assert "hooks.sesion_start is not a setting" in result.err


def test_another_sessions_pause_does_not_stop_this_one(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, "Hold on"))
    other = project.payload("PreToolUse", tool_name="Edit", session_id="another-session")
    assert run_hook("PreToolUse", other).out == ""


# -- the command and the MCP server's hook tool are one implementation ------------------------


def test_the_mcp_hook_tool_and_the_command_give_the_same_answers(project: Project) -> None:
    """The `hook` tool of the session's orchestron-mcp, called as Claude Code's mcp_tool
    hooks call it, beside `orchestron hook EVENT`, on one project."""
    import anyio

    from mcp import Client
    from orchestron.mcp import ServerOptions, create_server

    task_id = project.act(_task_in_progress)
    prompt = {"event": "UserPromptSubmit", "session_id": SID}
    edit = {"event": "PreToolUse", "session_id": SID, "tool_name": "Edit"}

    def command(event: str, **extra: str) -> dict[str, object]:
        out = run_hook(event, project.payload(event, **extra)).out
        return json.loads(out) if out else {}

    async def scene() -> None:
        options = ServerOptions(db=str(project.db), cwd=project.root, session_id=SID)
        async with Client(create_server(options)) as client:

            async def served(arguments: dict[str, str]) -> dict[str, object]:
                result = await client.call_tool("hook", arguments)
                assert not result.is_error, result
                reply: dict[str, object] = json.loads(result.content[0].text)  # type: ignore[union-attr]
                return reply

            async def by_command(event: str, **extra: str) -> dict[str, object]:
                return await anyio.to_thread.run_sync(lambda: command(event, **extra))

            async def say(text: str) -> None:
                await anyio.to_thread.run_sync(
                    lambda: project.act(lambda o: o.intervene(task_id, text))
                )

            await say("Through the server")
            first = await served(prompt)
            assert "Through the server" in str(first["hookSpecificOutput"])
            assert await served(prompt) == {} and await served(edit) == {}
            assert await by_command("UserPromptSubmit") == {}
            # The same words twice: one door each, the same answer.
            await say("Use PostgreSQL instead")
            by_server = await served(prompt)
            await say("Use PostgreSQL instead")
            assert by_server == await by_command("UserPromptSubmit") != {}
            await anyio.to_thread.run_sync(
                lambda: project.act(lambda o: o.pause(task_id, "Server pause"))
            )
            denied = await served(edit)
            assert denied == await by_command("PreToolUse", tool_name="Edit")
            assert "Server pause" in str(denied["hookSpecificOutput"])
            assert await served({**edit, "tool_name": "Read"}) == {}

    anyio.run(scene)
    messages = project.act(lambda o: o.messages_for(task_id))
    assert {(m.delivered_to, m.delivered_via) for m in messages if m.kind.value != "PAUSE"} == {
        (SID, "hook")
    }


def test_the_output_is_plain_json_claude_code_can_read(project: Project) -> None:
    task_id = project.act(_task_in_progress)
    project.act(lambda o: o.pause(task_id, 'Quote "this" and ünïcode'))
    result = hook_process(
        "PreToolUse",
        project.payload("PreToolUse", tool_name="Edit"),
        env={"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"},
    )
    assert result.code == 0
    reason = json.loads(result.out)["hookSpecificOutput"]["permissionDecisionReason"]
    assert 'Quote "this" and ünïcode' in reason
