"""`export` and `import`: a lossless round trip through the documented JSON."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
from cli_harness import Cli, open_project

from orchestron.core import Orchestron


def build_a_busy_project(cli: Cli) -> None:
    """Tasks, a sprint, dependencies, checkpoints, a session with context and a handoff,
    a question answered, an intervention delivered, a pause: every kind of record."""
    cli("task", "add", "Epic", "-t", "epic")
    cli("task", "add", "Schema", "--parent", "TASK-001", "-c", "draft", "-c", "review", "-e", "2")
    cli("task", "add", "API", "--parent", "TASK-001", "--depends-on", "TASK-002", "-l", "api")
    cli("task", "add", "Docs", "-p", "low")
    cli(
        "sprint",
        "create",
        "S1",
        "-g",
        "ship the schema",
        "--task",
        "TASK-002",
        "--task",
        "TASK-003",
    )
    cli("sprint", "start", "SPRINT-001")
    cli("checkpoint", "done", "TASK-002", "1")

    async def agent_works(orch: Orchestron) -> None:
        session = await orch.start_session("claude-1", client="claude-code")
        await orch.claim("TASK-002", session.id)
        await orch.save_context(session.id, {"next_steps": ["review the schema"], "notes": "é ✓"})
        await orch.request_clarification("TASK-002", "Which database?")

    async def agent_continues(orch: Orchestron) -> None:
        sid = (await orch.list_sessions(limit=1))[0].id
        await orch.take_messages(sid)
        await orch.prepare_handoff(sid, note="schema nearly done")

    def as_agent(action: object) -> None:
        async def go() -> None:
            async with open_project(cli, actor="claude-1") as orch:
                await action(orch)  # type: ignore[operator]

        anyio.run(go)

    as_agent(agent_works)
    cli("clarify", "TASK-002", "PostgreSQL 16")
    cli("intervene", "TASK-002", "--message", "Index the orders table")
    as_agent(agent_continues)
    cli("pause", "TASK-004", "--reason", "later")


def test_export_import_export_is_identical(cli: Cli, bare_second: Cli) -> None:
    build_a_busy_project(cli)
    first = cli("export")
    document = json.loads(first)
    for section in ("tasks", "sprints", "sessions", "contexts", "handoffs", "requests"):
        assert document[section], f"the test project should hold {section}"
    assert any(m["delivered_at"] for m in document["messages"])

    bare_second("init")
    source = bare_second.cwd / "board.json"
    source.write_text(first, encoding="utf-8")
    out = bare_second("import", str(source))
    assert out.startswith("Imported 4 tasks, 1 dependency, 1 sprint, 1 session, 1 context")
    assert bare_second("export") == first  # byte for byte

    # and the imported project keeps working where the original left off
    assert bare_second.json("task", "add", "next one")["id"] == "TASK-005"
    assert bare_second.json("sprint", "create", "S2")["id"] == "SPRINT-002"


def test_export_to_a_file_and_import_from_stdin(cli: Cli, bare_second: Cli) -> None:
    cli("task", "add", "only one")
    target = cli.cwd / "out" / "board.json"
    target.parent.mkdir()
    done = cli.run("export", "-o", str(target))
    assert done.returncode == 0 and done.stdout == ""
    assert "Exported" in done.stderr
    bare_second("init")
    assert "Imported 1 task" in bare_second("import", "-", input=target.read_text())
    assert bare_second("export") == target.read_text()


def test_import_refuses_a_project_that_is_not_empty(cli: Cli) -> None:
    cli("task", "add", "already here")
    exported = cli("export")
    source = cli.cwd / "board.json"
    source.write_text(exported)
    err = cli.fails("import", str(source))
    assert err.startswith("error: this project is not empty (1 task, ")
    assert "orchestron --db NEW.db init" in err
    assert len(cli.json("task", "list")["tasks"]) == 1  # nothing written


def test_import_of_a_bad_file_names_the_problem(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert "is not JSON" in cli.fails("import", str(bad))
    bad.write_text(json.dumps({"format": "something-else"}))
    assert "not an Orchestron export" in cli.fails("import", str(bad))
    bad.write_text(
        json.dumps({"format": "orchestron-export", "version": 1, "tasks": [{"id": "TASK-001"}]})
    )
    err = cli.fails("import", str(bad))
    assert err.startswith("error: tasks[0]:")
    assert cli.json("events")["events"] == []  # nothing written
    cli.fails("import", str(tmp_path / "missing.json"), code=2)
