"""A notification committed by a process killed before it could send is sent by the next.

Real processes on a real SQLite file, a real HTTP server for the webhook, and
SIGKILL (no cleanup, no atexit) between the commit and the send.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from webhook_server import WebhookServer

try:
    from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]
except ImportError:
    SqliteStorage = None

pytestmark = pytest.mark.skipif(
    SqliteStorage is None, reason="needs the SQLite adapter (orchestron.sqlite.SqliteStorage)"
)

CHILD = Path(__file__).with_name("outbox_child.py")


@pytest.fixture
def server() -> Iterator[WebhookServer]:
    with WebhookServer() as running:
        yield running


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ORCHESTRON_DB", None)
    return env


def dispatch(project: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(CHILD), "dispatch", str(project)],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_an_outbox_entry_survives_a_process_killed_between_commit_and_send(
    tmp_path: Path, server: WebhookServer
) -> None:
    folder = tmp_path / ".orchestron"
    folder.mkdir()
    (folder / "config.toml").write_text(
        f'[[notify.webhooks]]\nurl = "{server.url}"\nretries = 0\n', encoding="utf-8"
    )
    with subprocess.Popen(
        [sys.executable, str(CHILD), "commit-then-hang", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env(),
    ) as doomed:
        assert doomed.stdout is not None
        try:
            # printed by the notifier: the commit is done and sending has begun
            line = doomed.stdout.readline()
        finally:
            doomed.send_signal(signal.SIGKILL)
            rest = doomed.stdout.read()
            doomed.wait(10)
    assert line.startswith("SENDING CLARIFICATION_REQUESTED"), line + rest
    assert doomed.returncode == -signal.SIGKILL
    assert server.requests == []

    first = dispatch(tmp_path)
    assert first == {"sent": 1, "inbox": ["Which database?"]}
    [body] = server.bodies
    assert (body["kind"], body["text"], body["actor"]) == (
        "CLARIFICATION_REQUESTED",
        "Which database?",
        "claude-1",
    )

    again = dispatch(tmp_path)
    assert again["sent"] == 0
    assert len(server.requests) == 1
