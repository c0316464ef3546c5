"""Helpers for the Claude Code integration tests: a real project on SQLite, hooks to run.

`run_hook` calls `orchestron hook` in this process (fast); `hook_process` runs
it as Claude Code does, as a separate process reading stdin.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from orchestron.core import NotFoundError, Orchestron

T = TypeVar("T")

SID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
CLAUDE_VERSION = "2.1.328"
DEFAULT_BIN = (
    Path.home() / ".cache" / "orchestron-ci" / f"claude-code-{CLAUDE_VERSION}"
    / "node_modules" / ".bin" / "claude"
)  # fmt: skip
REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent


def claude_bin() -> str:
    path = os.environ.get("ORCHESTRON_CLAUDE_BIN") or str(DEFAULT_BIN)
    if not Path(path).exists():
        reason = f"Claude Code {CLAUDE_VERSION} is not installed at {path} (.ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


class Claude:
    """`claude` and `orchestron` run as a person would, in a temporary HOME."""

    def __init__(self, home: Path, project: Project) -> None:
        self.bin = claude_bin()
        self.home = home
        self.project = project
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRON_", "CLAUDE"))
        }
        self.env.update(
            HOME=str(home),
            PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}",
            ORCHESTRON_AGENT="claude-1",
            ORCHESTRON_ACTOR="ann",
        )

    def orchestron(self, *args: str) -> str:
        done = subprocess.run(
            ["orchestron", *args],
            cwd=self.project.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.bin, *args],
            cwd=self.project.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def prompt(self, text: str, *options: str) -> str:
        """`claude -p TEXT`; the session id it ran as."""
        done = self.run("-p", text, "--output-format", "json", *options)
        result = json.loads(done.stdout)
        assert "Not logged in" in result.get("result", ""), done.stdout + done.stderr
        session: str = result["session_id"]
        return session

    def transcript(self, session_id: str) -> list[dict[str, Any]]:
        folder = re.sub(r"[^A-Za-z0-9]", "-", str(self.project.root.resolve()))
        path = self.home / ".claude" / "projects" / folder / f"{session_id}.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def hook_output(self, session_id: str, event: str) -> str:
        """What the hooks for `event` gave the model in that session ('' for nothing):
        a command hook's output, or the `additionalContext` of hook JSON (which is
        what the `mcp_tool` hooks answer with)."""
        said = []
        for entry in self.transcript(session_id):
            attachment = entry.get("attachment") or {}
            if attachment.get("hookEvent") != event:
                continue
            if attachment.get("type") == "hook_success":
                said.append(str(attachment.get("stdout") or ""))
            elif attachment.get("type") == "hook_additional_context":
                said.extend(str(c) for c in attachment.get("content") or [])
        return "\n".join(s for s in said if s)

    def wait_ended(self, session_id: str, timeout: float = 30) -> None:
        """The SessionEnd hook finishes in its own process after Claude Code exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status = self.project.act(lambda o: o.get_session(session_id)).status.value
            except NotFoundError:  # the SessionStart hook has not run (yet)
                status = ""
            if status == "ENDED":
                return
            time.sleep(0.2)
        raise AssertionError(f"session {session_id} did not end")

    def trust(self) -> None:
        """What accepting the trust dialog and approving .mcp.json would record."""
        config = self.home / ".claude.json"
        data = json.loads(config.read_text()) if config.exists() else {}
        data.setdefault("projects", {})[str(self.project.root.resolve())] = {
            "hasTrustDialogAccepted": True,
            "enabledMcpjsonServers": ["orchestron"],
        }
        config.write_text(json.dumps(data))


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


class FakeMessagesApi:
    """A stand-in for the Anthropic Messages API, on 127.0.0.1, for `claude -p` runs that
    need a model to call tools (`ANTHROPIC_BASE_URL`; any `ANTHROPIC_API_KEY`).

    `steps` are the model's turns, in order: each a list of content blocks
    (`{"type": "text", "text": ...}` or `{"type": "tool_use", "name": ..., "input": ...}`).
    The turn answered is the number of tool results the request already holds, so
    a step with two tool calls is followed by the step two further on. Every request
    body is kept in `requests`, to read what the model was sent.
    """

    def __init__(self, steps: list[list[dict[str, Any]]]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.steps = steps
        self.requests: list[dict[str, Any]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_POST(self) -> None:
                size = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(size) or b"{}")
                api.requests.append(body)
                data, kind = api.answer(body)
                self.send_response(200)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        return {"ANTHROPIC_BASE_URL": self.url, "ANTHROPIC_API_KEY": "sk-ant-fake-for-tests"}

    def answer(self, body: dict[str, Any]) -> tuple[bytes, str]:
        results = sum(
            1
            for m in body.get("messages", [])
            if isinstance(m.get("content"), list)
            for block in m["content"]
            if block.get("type") == "tool_result"
        )
        tools = {t.get("name") for t in body.get("tools", [])}
        blocks: list[dict[str, Any]] = [{"type": "text", "text": "Done."}]
        if "Edit" in tools and results < len(self.steps):
            blocks = self.steps[results]  # the agent's own loop; side requests get text
        blocks = [
            {**b, "id": b.get("id") or f"toolu_{results}_{i}"} if b["type"] == "tool_use" else b
            for i, b in enumerate(blocks)
        ]
        stop = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
        if not body.get("stream"):
            message = {**_message_head(), "content": blocks, "stop_reason": stop}
            return json.dumps(message).encode(), "application/json"
        events: list[dict[str, Any]] = [
            {"type": "message_start", "message": {**_message_head(), "content": []}}
        ]
        for i, block in enumerate(blocks):
            if block["type"] == "text":
                events.append(
                    {
                        "type": "content_block_start",
                        "index": i,
                        "content_block": {"type": "text", "text": ""},
                    }
                )
                delta = {"type": "text_delta", "text": block["text"]}
            else:
                start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
                events.append({"type": "content_block_start", "index": i, "content_block": start})
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            events.append({"type": "content_block_delta", "index": i, "delta": delta})
            events.append({"type": "content_block_stop", "index": i})
        events.append(
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": 5},
            }
        )
        events.append({"type": "message_stop"})
        text = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
        return text.encode(), "text/event-stream"

    def sent(self) -> str:
        """Everything the model was sent, as one text to search."""
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in self.requests)


def _message_head() -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
