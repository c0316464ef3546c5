"""`task add | list | show | edit | start | done | cancel | dep`, `next`, `checkpoint`."""

from __future__ import annotations

import pytest
from cli_harness import Cli, open_project


def test_add_then_list_show_it(cli: Cli) -> None:
    out = cli("task", "add", "Build the API", "-p", "high", "-l", "api,backend", "-e", "3")
    assert out.strip() == "Created TASK-001 [TODO, 0%]: Build the API"
    cli("task", "add", "Write docs", "--type", "story")
    listing = cli("task", "list")
    lines = listing.splitlines()
    # No task has an owner yet, so the OWNER column is left out (issue 17: empty columns
    # are dropped); test_cli_readable checks it comes back once a task has one.
    assert lines[0].split() == ["ID", "TYPE", "STATUS", "PRIORITY", "PROGRESS", "TITLE"]
    assert lines[1].split()[:5] == ["TASK-001", "TASK", "TODO", "HIGH", "0%"]
    assert lines[1].endswith("Build the API")
    assert lines[2].split()[:2] == ["TASK-002", "STORY"]
    assert "\x1b[" not in listing  # piped: no colour codes


def test_add_json_has_every_field(cli: Cli) -> None:
    t = cli.json("task", "add", "Parent", "-t", "epic")
    child = cli.json("task", "add", "Child", "--parent", "task-1", "-c", "design", "-c", "build")
    assert t["id"] == "TASK-001" and t["type"] == "EPIC"
    assert child["parent"] == "TASK-001"
    assert [c["title"] for c in child["checkpoints"]] == ["design", "build"]
    assert set(child) >= {"id", "title", "status", "priority", "progress", "version", "labels"}


def test_list_filters_and_json(cli: Cli) -> None:
    cli("task", "add", "a", "-p", "low", "-l", "x")
    cli("task", "add", "b", "-p", "critical")
    cli("task", "add", "c")
    cli("task", "done", "TASK-003")
    assert [t["id"] for t in cli.json("task", "list")["tasks"]] == ["TASK-001", "TASK-002"]
    every = cli.json("task", "list", "--all")["tasks"]
    assert [t["id"] for t in every] == ["TASK-001", "TASK-002", "TASK-003"]
    done = cli.json("task", "list", "--status", "done")["tasks"]
    assert [t["id"] for t in done] == ["TASK-003"]
    assert [t["id"] for t in cli.json("task", "list", "--label", "x")["tasks"]] == ["TASK-001"]
    crit = cli.json("task", "list", "--priority", "critical")["tasks"]
    assert [t["id"] for t in crit] == ["TASK-002"]
    assert [t["id"] for t in cli.json("task", "list", "-q", "B")["tasks"]] == ["TASK-002"]


def test_list_pages_with_a_cursor(cli: Cli) -> None:
    for i in range(5):
        cli("task", "add", f"t{i}")
    page = cli.json("task", "list", "--limit", "2")
    assert [t["id"] for t in page["tasks"]] == ["TASK-001", "TASK-002"]
    assert page["next_after"] == "TASK-002"
    rest = cli.json("task", "list", "--limit", "2", "--after", "TASK-004")
    assert [t["id"] for t in rest["tasks"]] == ["TASK-005"] and rest["next_after"] is None
    text = cli("task", "list", "--limit", "2")
    assert "more: orchestron task list --after TASK-002" in text


def test_show(cli: Cli) -> None:
    cli("task", "add", "first")
    cli("task", "add", "second", "--depends-on", "TASK-001", "-d", "The long story.")
    out = cli("task", "show", "task-2")
    assert out.splitlines()[0] == "TASK-002  second"
    assert "depends on: TASK-001" in out
    assert "blocked by: TASK-001" in out
    assert "The long story." in out
    assert "task.created" in out
    shown = cli.json("task", "show", "TASK-002")
    assert shown["task"]["id"] == "TASK-002"
    assert shown["depends_on"] == ["TASK-001"] and shown["blocked_by"] == ["TASK-001"]
    assert shown["events"][0]["kind"] == "task.created"
    assert cli.json("task", "show", "2")["task"]["id"] == "TASK-002"  # a bare number will do


def test_edit_fields_status_and_sprint(cli: Cli) -> None:
    cli("task", "add", "old title")
    cli("sprint", "create", "S1")
    t = cli.json(
        "task",
        "edit",
        "TASK-001",
        "--title",
        "new title",
        "-p",
        "high",
        "--labels",
        "a,b",
        "--progress",
        "40",
        "--sprint",
        "SPRINT-001",
    )
    assert (t["title"], t["priority"], t["labels"], t["progress"], t["sprint"]) == (
        "new title",
        "HIGH",
        ["a", "b"],
        40,
        "SPRINT-001",
    )
    t = cli.json("task", "edit", "TASK-001", "--status", "in_progress", "--no-sprint")
    assert t["status"] == "IN_PROGRESS" and t["sprint"] is None


def test_edit_with_a_stale_version_is_refused(cli: Cli) -> None:
    cli("task", "add", "x")
    cli("task", "edit", "TASK-001", "--title", "y")
    err = cli.fails("task", "edit", "TASK-001", "--title", "z", "--version", "1")
    assert "changed since you read it" in err and "version 2" in err


def test_an_edit_whose_status_move_is_refused_changes_no_field(cli: Cli) -> None:
    cli("task", "add", "kept title")
    err = cli.fails("task", "edit", "TASK-001", "--title", "lost", "--status", "IN_REVIEW")
    assert "cannot move from TODO to IN_REVIEW" in err
    assert cli.json("task", "show", "TASK-001", "--json")["task"]["title"] == "kept title"


def test_start_done_cancel(cli: Cli) -> None:
    cli("task", "add", "a")
    cli("task", "add", "b")
    assert "Started TASK-001 [IN_PROGRESS" in cli("task", "start", "TASK-001")
    assert "Done: TASK-001 [DONE, 100%]" in cli("task", "done", "TASK-001")
    assert "Cancelled TASK-002 [CANCELLED" in cli("task", "cancel", "TASK-002")


def test_a_refused_transition_names_the_rule(cli: Cli) -> None:
    cli("task", "add", "a")
    cli("task", "done", "TASK-001")
    err = cli.fails("task", "start", "TASK-001")
    assert err.startswith("error: TASK-001 is DONE")
    assert "allowed:" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("task", "add", "x", "-p", "urgent"), "error: --priority: 'urgent' is not one of"),
        (("task", "add", "x", "-t", "chore"), "error: --type: 'chore' is not one of"),
        (("task", "add", " "), "error: TITLE: must not be empty"),
        (("task", "show", "TASK-042"), "error: task TASK-042 not found"),
        (("task", "list", "--status", "nope"), "error: --status: 'nope' is not one of"),
        (("task", "edit", "TASK-001", "--progress", "120"), "error: --progress: must be from"),
    ],
)
def test_bad_input_is_one_line_naming_the_option(
    cli: Cli, args: tuple[str, ...], needle: str
) -> None:
    cli("task", "add", "exists")
    if args[:2] == ("task", "show"):  # an id that names nothing: refused, exit 1
        err = cli.fails(*args)
        assert err.startswith(needle), err
        assert err.count("\n") == 1 and "Traceback" not in err
        return
    # A value the command cannot take is a usage error (exit 2), as click's own are:
    # the one error line, then the command's usage line.
    err = cli.fails(*args, code=2)
    assert err.startswith(needle), err
    lines = err.splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"usage: orchestron {args[0]} {args[1]}")
    assert "Traceback" not in err


def test_dependencies_and_cycles(cli: Cli) -> None:
    for name in "abc":
        cli("task", "add", name)
    assert "TASK-002 now depends on TASK-001" in cli("task", "dep", "add", "TASK-2", "TASK-1")
    cli("task", "dep", "add", "TASK-003", "TASK-002")
    err = cli.fails("task", "dep", "add", "TASK-001", "TASK-003")
    assert "cycle TASK-001 -> TASK-003 -> TASK-002 -> TASK-001" in err
    assert "no longer depends" in cli("task", "dep", "rm", "TASK-003", "TASK-002")
    assert "did not depend" in cli("task", "dep", "rm", "TASK-003", "TASK-002")


def test_next_explains_its_choice(cli: Cli) -> None:
    assert "no task is ready" in cli("next")
    assert cli.json("next") == {"task": None, "reason": "no task is ready", "downstream": 0}
    cli("task", "add", "low one", "-p", "low")
    cli("task", "add", "high one", "-p", "high")
    cli("task", "add", "after high", "--depends-on", "TASK-002")
    out = cli("next")
    assert out.splitlines()[0] == "TASK-002  high one"
    assert "why:" in out and "HIGH" in out
    choice = cli.json("next")
    assert choice["task"]["id"] == "TASK-002" and choice["downstream"] == 1
    ready = cli.json("next", "-n", "5")["ready"]
    assert [r["task"]["id"] for r in ready] == ["TASK-002", "TASK-001"]
    assert "TASK-001" in cli("next", "-n", "5")


def test_checkpoints_drive_progress(cli: Cli) -> None:
    cli("task", "add", "steps", "-c", "one")
    assert "checkpoint 2 added" in cli("checkpoint", "add", "TASK-001", "two")
    assert "1/2 checkpoints done (50%)" in cli("checkpoint", "done", "TASK-001", "1")
    t = cli.json("checkpoint", "done", "TASK-001", "two")
    assert t["progress"] == 100
    t = cli.json("checkpoint", "done", "TASK-001", "1", "--undo")
    assert t["progress"] == 50
    err = cli.fails("checkpoint", "done", "TASK-001", "9")
    assert "has checkpoints 1 to 2" in err


@pytest.mark.anyio
async def test_what_the_cli_writes_the_core_reads(cli: Cli) -> None:
    cli("task", "add", "seen from the core", "-p", "critical")
    cli("task", "start", "TASK-001")
    async with open_project(cli) as orch:
        t = await orch.get_task("TASK-001")
        events = await orch.events(entity="TASK-001")
    assert t.title == "seen from the core" and t.status.value == "IN_PROGRESS"
    assert {e.actor for e in events} == {"human:tester"}
