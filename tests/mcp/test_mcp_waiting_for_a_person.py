"""An agent whose task waits for a person goes on with other work (found by bench/continuity.py).

Through the real door: the installed `orchestron-mcp` over stdio with its
default agent id, and a person acting through the core as the CLI does.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from mcp_helpers import call

from mcp import Client, StdioServerParameters
from orchestron.runtime import open_orchestron

pytestmark = pytest.mark.anyio


def _server(db: Path) -> Client:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert found, "orchestron-mcp is not installed in this environment"
    return Client(StdioServerParameters(command=found, args=["--db", str(db)]))


@pytest.mark.parametrize("waits", ["asked a person", "paused by a person"])
async def test_task_next_another_gives_other_work_while_a_task_waits_for_a_person(
    tmp_path: Path, waits: str
) -> None:
    db = tmp_path / "orchestron.db"
    async with open_orchestron(str(db), actor="human:ana", create=True) as person:
        first = await person.create_task("Orders API", checkpoints=["schema", "endpoints"])
        other = await person.create_task("Receipts")
    async with _server(db) as agent:
        package = await call(agent, "resume")
        assert package["task"]["id"] == first.id and package["claimed"]
        if waits == "asked a person":
            asked = await call(agent, "ask_human", {"question": "Which?", "taskId": first.id})
            assert "carry on with other work" in asked["next"]
        else:
            async with open_orchestron(str(db), actor="human:ana") as person:
                await person.pause(first.id, "hold on")
        held = await call(agent, "task_next")
        assert held["kind"] == "held" and "another=true" in held["hint"]

        second = await call(agent, "task_next", {"another": True})

    assert second["task"]["id"] == other.id, second
    assert second["kind"] == "next"
