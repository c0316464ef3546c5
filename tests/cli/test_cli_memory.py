"""`orchestron memory ...` as a person runs it, with agents writing through the core."""

from __future__ import annotations

import json
from typing import Any

import anyio
from cli_harness import Cli, open_project

from orchestron.core import MemoryStatus, Orchestron


def as_agent(cli: Cli, agent: str, action: Any) -> Any:
    async def go() -> Any:
        async with open_project(cli, actor=agent) as orch:
            return await action(orch)

    return anyio.run(go)


def remember(cli: Cli, agent: str, text: str, topic: str, **kw: Any) -> Any:
    async def act(orch: Orchestron) -> Any:
        session = await orch.start_session(agent)
        return await orch.remember(text, kind="decision", topic=topic, session_id=session.id, **kw)

    return as_agent(cli, agent, act)


def test_list_search_show(cli: Cli) -> None:
    remember(cli, "claude-1", "We use PostgreSQL 16", "database", rationale="row locks")
    remember(cli, "claude-1", "Four spaces, no tabs", "indent")
    out = cli("memory", "list")
    assert "MEM-001" in out and "database" in out and "MEM-002" in out
    listed = cli.json("memory", "list", "--limit", "1")
    assert [e["id"] for e in listed["entries"]] == ["MEM-001"] and listed["next"] == "MEM-001"
    found = cli.json("memory", "search", "row", "locks")
    assert [e["id"] for e in found["entries"]] == ["MEM-001"]
    shown = cli("memory", "show", "1")
    assert "We use PostgreSQL 16" in shown and "row locks" in shown and "claude-1" in shown
    assert cli.json("memory", "show", "mem-2")["topic"] == "indent"
    assert "nothing matches" in cli("memory", "search", "zebra")


def test_a_dispute_settled_from_the_terminal_reaches_both_agents(cli: Cli) -> None:
    remember(cli, "claude-1", "We use PostgreSQL", "database")
    clash = remember(cli, "claude-2", "We use SQLite", "database")
    assert clash.outcome == "disputed"
    assert "Memory conflict on topic 'database'" in cli("inbox")
    assert [e["status"] for e in cli.json("memory", "list", "--status", "disputed")["entries"]] == [
        "DISPUTED",
        "DISPUTED",
    ]
    done = cli.json("memory", "resolve", clash.request.id, "--keep", "2", "-m", "one file")
    assert done["keep"] == "MEM-002" and sorted(done["told"]) == ["claude-1", "claude-2"]

    async def taken(orch: Orchestron) -> list[int]:
        counts = []
        for agent in ("claude-1", "claude-2"):
            session = await orch.start_session(agent)
            counts.append(len(await orch.take_messages(session.id)))
        return counts

    assert as_agent(cli, "claude-1", taken) == [1, 1]
    assert cli.json("memory", "show", "MEM-001")["status"] == "SUPERSEDED"


def test_confirm_retire_stale_and_add(cli: Cli) -> None:
    added = cli.json("memory", "add", "Never edit generated/", "-k", "convention", "--topic", "gen")
    assert added["outcome"] == "added" and added["entry"]["id"] == "MEM-001"
    assert "nothing to check" in cli("memory", "stale")
    assert cli.json("memory", "stale") == {"stale": []}
    confirmed = cli.json("memory", "confirm", "MEM-001", "--review-date", "2030-01-01")
    assert confirmed["review_date"] == "2030-01-01"
    assert "Retired" in cli("memory", "retire", "1", "-r", "generated/ is gone")

    async def status(orch: Orchestron) -> MemoryStatus:
        return (await orch.get_memory("MEM-001")).status

    assert as_agent(cli, "claude-1", status) is MemoryStatus.RETIRED


def test_bad_input_names_the_option_and_writes_nothing(cli: Cli) -> None:
    err = cli.fails("memory", "add", "x" * 501, "-k", "fact", "--topic", "t", code=2)
    assert "TEXT: is 501 bytes" in err
    err = cli.fails(
        "memory", "add", "x", "-k", "fact", "--topic", "t", "--review-date", "soon", code=2
    )
    assert "--review-date" in err
    err = cli.fails("memory", "add", "x", "-k", "fact", "--topic", "t", "--supersedes", "9", code=2)
    assert "--supersedes" in err and "MEM-009 does not exist" in err
    err = cli.fails("memory", "add", "x", "-k", "rumour", "--topic", "t", code=2)
    assert "rumour" in err
    err = cli.fails("memory", "resolve", "REQ-001", "--keep", "MEM-001")
    assert "REQ-001" in err
    assert cli.json("memory", "list")["entries"] == []


def test_export_and_import_carry_memory(cli: Cli, bare_second: Cli) -> None:
    remember(cli, "claude-1", "We use PostgreSQL", "database", files=["src/db.py"])
    clash = remember(cli, "claude-2", "We use SQLite", "database")
    cli("memory", "resolve", clash.request.id, "--keep", "MEM-001")
    remember(cli, "claude-3", "Tabs", "indent")
    document = json.loads(cli("export"))
    assert [e["id"] for e in document["memory"]] == ["MEM-001", "MEM-002", "MEM-003"]
    assert document["counters"]["MEM"] == 3
    bare_second("init")
    out = bare_second.run("import", "-", input=json.dumps(document))
    assert out.returncode == 0, out.stderr
    assert "3 memory entries" in out.stdout
    assert json.loads(bare_second("export")) == document
    found = bare_second.json("memory", "search", "postgresql")
    assert [e["id"] for e in found["entries"]] == ["MEM-001"]
    again = bare_second.json("memory", "add", "Spaces", "-k", "convention", "--topic", "whitespace")
    assert again["entry"]["id"] == "MEM-004"
