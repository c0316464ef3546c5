"""`sprint create | start | close | list | show | add | remove`."""

from __future__ import annotations

from cli_harness import Cli


def test_sprint_lifecycle(cli: Cli) -> None:
    assert "no sprints yet" in cli("sprint", "list")
    cli("task", "add", "a")
    cli("task", "add", "b")
    created = cli(
        "sprint", "create", "Sprint 1", "-g", "ship it", "--end", "2030-01-31", "--task", "TASK-001"
    )
    assert created.strip() == "Created SPRINT-001 [PLANNED]: Sprint 1"
    assert "TASK-002 in SPRINT-001" in cli("sprint", "add", "sprint-1", "TASK-002")
    listing = cli("sprint", "list")
    assert listing.splitlines()[1].split()[:2] == ["SPRINT-001", "PLANNED"]
    assert "Started SPRINT-001 [ACTIVE]" in cli("sprint", "start", "1")  # a bare number will do
    cli("task", "done", "TASK-001")
    shown = cli("sprint", "show")  # the active one
    assert "SPRINT-001  Sprint 1" in shown and "1/2 finished" in shown
    data = cli.json("sprint", "show", "SPRINT-001")
    assert data["sprint"]["goal"] == "ship it" and data["sprint"]["end_date"] == "2030-01-31"
    assert [t["id"] for t in data["tasks"]] == ["TASK-001", "TASK-002"]
    assert [t["id"] for t in cli.json("task", "list", "--sprint", "active")["tasks"]] == [
        "TASK-002"
    ]
    assert "Closed SPRINT-001 [CLOSED]" in cli("sprint", "close", "SPRINT-001")
    assert cli.json("task", "show", "TASK-002")["task"]["sprint"] is None  # carried over
    assert [s["status"] for s in cli.json("sprint", "list")["sprints"]] == ["CLOSED"]


def test_sprint_errors(cli: Cli) -> None:
    err = cli.fails("sprint", "create", "S", "--start", "2030-02-01", "--end", "2030-01-01", code=2)
    assert err.startswith("error: --end") or "end_date" in err
    cli.fails("sprint", "create", "S", "--end", "tomorrow", code=2)
    cli("sprint", "create", "A")
    cli("sprint", "create", "B")
    cli("sprint", "start", "SPRINT-001")
    err = cli.fails("sprint", "start", "SPRINT-002")
    assert "SPRINT-001 (A) is already active" in err
    assert "try `orchestron sprint close SPRINT-001`" in err
    assert "sprint SPRINT-009 not found" in cli.fails("sprint", "show", "SPRINT-009")
    cli("sprint", "close", "SPRINT-001")
    cli.fails("sprint", "show", code=2)  # none active: say which to show
    cli("task", "add", "x")
    cli("sprint", "add", "SPRINT-002", "TASK-001")
    assert "back in the backlog" in cli("sprint", "remove", "SPRINT-002", "TASK-001")
