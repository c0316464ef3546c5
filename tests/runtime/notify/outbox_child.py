"""A separate Orchestron process for the outbox crash test.

python outbox_child.py commit-then-hang PROJECT   commits a clarification, then hangs
                                                  while "sending" its notification
python outbox_child.py dispatch PROJECT           sends what is pending, prints JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio

from orchestron.core import Notification
from orchestron.runtime import open_orchestron


class HangingNotifier:
    """Stands for a process that dies between the commit and the send."""

    async def notify(self, notification: Notification) -> None:
        print("SENDING", notification.kind, flush=True)
        await anyio.sleep_forever()


async def commit_then_hang(project: Path) -> None:
    async with open_orchestron(cwd=project, notifier=HangingNotifier(), create=True) as app:
        task = await app.create_task("Build the API")
        await app.transition(task.id, "task_started")
        await app.acting_as("claude-1").request_clarification(task.id, "Which database?")
        print("NOT REACHED", flush=True)


async def dispatch(project: Path) -> None:
    async with open_orchestron(cwd=project) as app:
        sent = await app.dispatch_outbox()
        inbox = [r.text for r in await app.inbox()]
    print(json.dumps({"sent": sent, "inbox": inbox}), flush=True)


if __name__ == "__main__":
    mode, where = sys.argv[1], Path(sys.argv[2])
    anyio.run(commit_then_hang if mode == "commit-then-hang" else dispatch, where)
