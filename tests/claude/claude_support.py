"""Helpers for the Claude Code integration tests: a real project on SQLite, hooks to run.

`run_hook` calls `orchestron hook` in this process (fast); `hook_process` runs
it as Claude Code does, as a separate process reading stdin.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from orchestron.core import Orchestron

T = TypeVar("T")

SID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def has_sqlite() -> bool:
    try:
        from orchestron import sqlite
    except ImportError:
        return False
    return hasattr(sqlite, "SqliteStorage")


needs_sqlite = pytest.mark.skipif(
    not has_sqlite(), reason="the hooks run on the SQLite store (orchestron-sqlite not built)"
)


class Project:
    """A temporary Orchestron project folder and ways to act on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / ".orchestron" / "orchestron.db"

    def act(self, action: Callable[[Orchestron], Awaitable[T]], actor: str = "human:ann") -> T:
        from orchestron.runtime import open_orchestron

        async def go() -> T:
            async with open_orchestron(cwd=self.root, actor=actor, create=True) as orch:
                return await action(orch)

        return asyncio.run(go())

    def payload(self, event: str, **extra: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "session_id": SID,
            "transcript_path": str(self.root / "transcript.jsonl"),
            "cwd": str(self.root),
            "hook_event_name": event,
        }
        data.update(extra)
        return data

    def config(self, text: str) -> None:
        (self.root / ".orchestron" / "config.toml").write_text(text, encoding="utf-8")


class HookRun:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data


def run_hook(
    event: str, payload: dict[str, Any] | str, env: dict[str, str] | None = None
) -> HookRun:
    """`orchestron hook EVENT` in this process, stdin and stdout captured."""
    from orchestron.cli._hooks import run

    text = payload if isinstance(payload, str) else json.dumps(payload)
    out, err = io.StringIO(), io.StringIO()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRON_", "CLAUDE_"))}
    environ["ORCHESTRON_HOOK_WAIT"] = "1"  # SessionEnd in the foreground, to check its work
    environ.update(env or {})
    saved = sys.stderr
    sys.stderr = err
    try:
        code = run([event], stdin=io.StringIO(text), stdout=out, environ=environ)
    finally:
        sys.stderr = saved
    return HookRun(code, out.getvalue(), err.getvalue())


def hook_process(
    event: str, payload: dict[str, Any] | str, env: dict[str, str] | None = None
) -> HookRun:
    """`orchestron hook EVENT` as its own process, as Claude Code runs it."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRON_", "CLAUDE_"))}
    environ.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "orchestron.cli._hooks", event],
        input=text,
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )
    return HookRun(done.returncode, done.stdout, done.stderr)
