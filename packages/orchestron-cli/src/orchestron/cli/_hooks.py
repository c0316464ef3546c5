"""`orchestron hook EVENT`: Claude Code's hooks, acting as the agent's Orchestron session.

Claude Code runs the command with its hook JSON on stdin. The hooks and the
`orchestron-mcp` process of one Claude Code session share its session id, so
they act as one Orchestron session.

- SessionStart: the resume package and the tools to call (after a compaction,
  unread messages too; otherwise the UserPromptSubmit hook that follows brings them).
- UserPromptSubmit, PostToolUse: unread messages from people, each once;
  nothing at all when there are none.
- PreToolUse: while the session's task is paused by a person or waits for a
  person's answer, tools that change things are denied with the reason.
- PreCompact: a context snapshot with the files the transcript shows touched.
- SessionEnd: a handoff for the task still in hand; the session ends.

With `orchestron setup claude`, Claude Code runs UserPromptSubmit, PreToolUse
and PostToolUse as `mcp_tool` hooks on the session's own `orchestron-mcp`;
this command serves them for clients without `mcp_tool`, through the same
code (`orchestron.runtime.answer_hook`). Every event goes through the core.

A hook never breaks the agent's session: whatever goes wrong, it exits 0 with
one line on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from orchestron.cli._hook_input import EVENTS, HookInput, HookInputError, event_name, warn
from orchestron.cli._hook_once import ONCE_EVENTS, first_run, stands_aside

__all__ = ["run"]

CLAIMED = "ORCHESTRON_HOOK_CLAIMED"
"""Set for the process a SessionEnd hook starts: its parent already claimed the run."""


def run(
    argv: Sequence[str],
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run one hook; always 0, so that Claude Code carries on whatever happens here."""
    event = event_name(argv[0]) if argv else None
    if event is None:
        given = argv[0] if argv else "nothing"
        warn(f"unknown event {given!r}; one of {', '.join(EVENTS)}")
        return 0
    env = os.environ if environ is None else environ
    out = stdout or sys.stdout
    try:
        text = _read(stdin or sys.stdin)
        answer = handle(event, text, env)
        if answer:
            _write(out, answer if answer.endswith("\n") else answer + "\n")
    except HookInputError as exc:
        warn(f"{event}: {exc}; nothing done")
    except Exception as exc:  # a hook must never break the agent's session
        if env.get("ORCHESTRON_DEBUG"):
            raise
        warn(f"{event}: skipped after an internal error ({type(exc).__name__}: {exc})")
    return 0


def handle(event: str, text: str, environ: Mapping[str, str]) -> str:
    """The hook's stdout for one event ('' for none)."""
    hook = HookInput.parse(event, text, environ)
    if hook is None:
        return ""
    aside = stands_aside(event, hook.project_dir, environ)
    if aside:
        if event == "SessionStart":
            warn(f"{aside} runs the Orchestron hooks; the plugin's copies stand aside")
        return ""
    from orchestron.cli._hook_core import answer, find_project, settings_for

    project = find_project(hook, environ)
    if project is None:
        return ""  # not an Orchestron project: stay out of the way
    settings = settings_for(project)
    if not settings.enabled.get(event, True):
        return ""
    folder = str(project.project_dir or "")
    if (
        event in ONCE_EVENTS
        and not environ.get(CLAIMED)
        and not first_run(event, hook.session_id, hook.data, folder)
    ):
        return ""  # another copy of this hook (plugin and project both set up) does it
    if event == "SessionEnd" and not environ.get("ORCHESTRON_HOOK_WAIT"):
        detach(event, text, folder, environ)
        return ""
    return answer(hook, project, settings, environ)


def detach(event: str, text: str, project_dir: str, environ: Mapping[str, str]) -> None:
    """Run the hook again in a process of its own, and return at once.

    Claude Code gives SessionEnd hooks little time (1.5 s unless a settings
    file asks for more, and a plugin's hooks cannot), then exits; preparing a
    handoff through the core can take longer on a busy machine. The child
    outlives Claude Code; what it has to say goes to `.orchestron/hooks.log`.
    """
    import subprocess

    env = dict(environ)
    env["ORCHESTRON_HOOK_WAIT"] = "1"
    env[CLAIMED] = "1"
    log = subprocess.DEVNULL
    if project_dir and os.path.isdir(project_dir):
        try:
            log = os.open(
                os.path.join(project_dir, "hooks.log"),
                os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                0o644,
            )
        except OSError:
            log = subprocess.DEVNULL
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "orchestron.cli._hooks", event],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    finally:
        if log != subprocess.DEVNULL:
            os.close(log)
    assert child.stdin is not None
    with child.stdin:
        child.stdin.write(text.encode("utf-8"))


def _read(stream: TextIO) -> str:
    """Claude Code's JSON, as UTF-8 whatever the locale says."""
    try:
        if stream.isatty():
            return ""  # run by hand: there is no hook JSON to wait for
    except (AttributeError, ValueError):
        pass
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        data: bytes = raw.read()
        return data.decode("utf-8", errors="replace")
    return stream.read()


def _write(stream: TextIO, text: str) -> None:
    """UTF-8 out, whatever the locale says: Claude Code reads it as UTF-8."""
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        stream.flush()
        raw.write(text.encode("utf-8"))
        raw.flush()
    else:
        stream.write(text)
        stream.flush()


if __name__ == "__main__":  # `python -m orchestron.cli._hooks EVENT`, the same as `orchestron hook`
    sys.exit(run(sys.argv[1:]))
