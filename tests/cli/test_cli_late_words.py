"""A person's word about a task nobody will work on again is not silently lost.

Found by bench/continuity.py: the person lists the tasks in progress, one is
completed a moment later, and `intervene` on it says "queued for the agent";
no agent ever holds a finished task again, so the message is never delivered,
and `orchestron inbox` does not show it either.
"""

from __future__ import annotations

import pytest
from cli_harness import Cli


@pytest.mark.parametrize("target", ["a finished task", "an epic"])
def test_intervening_on_a_task_no_agent_will_hold_is_refused_or_waits_in_the_inbox(
    cli: Cli, target: str
) -> None:
    if target == "an epic":
        cli("task", "add", "Checkout", "-t", "EPIC")
        cli("task", "add", "Cart", "--parent", "TASK-001")
    else:
        cli("task", "add", "Orders API")
        cli("task", "done", "TASK-001")

    said = cli.run("intervene", "TASK-001", "--message", "Use PostgreSQL")

    if said.returncode == 0:
        assert "Use PostgreSQL" in cli("inbox"), said.stdout
    else:
        assert said.returncode == 1 and "TASK-001" in said.stderr
