"""`orchestron hook EVENT` through the core: every event.

SessionStart, PreCompact and SessionEnd run once a session or a compaction;
UserPromptSubmit, PreToolUse and PostToolUse are answered by
`orchestron.runtime.answer_hook`, the code the `hook` tool of the session's
`orchestron-mcp` runs for Claude Code's `mcp_tool` hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from orchestron.cli._hook_input import HookInput, warn
from orchestron.cli._transcript import files_touched, merge_files
from orchestron.core import Orchestron
from orchestron.core.errors import InvalidInputError, NotFoundError, OrchestronError
from orchestron.runtime import (
    PER_CALL_EVENTS,
    HookSettings,
    StoreLocation,
    acting_for_session,
    answer_hook,
    format_start,
    locate_store,
    open_orchestron,
    project_hook_settings,
)

__all__ = ["answer", "find_project", "settings_for"]

T = TypeVar("T")
SNAPSHOT_MARK = "Snapshot by Orchestron's"


def find_project(hook: HookInput, environ: Mapping[str, str]) -> StoreLocation | None:
    """The project's store, found as every door finds it; None outside a project."""
    try:
        return locate_store(cwd=Path(hook.project_dir), env=dict(environ))
    except NotFoundError:
        return None
    except InvalidInputError as exc:
        warn(f"ORCHESTRON_DB: {exc.message}")
        return None


def settings_for(project: StoreLocation) -> HookSettings:
    """The `[hooks]` settings; the defaults (and why, on stderr) when the config is bad."""
    settings = project_hook_settings(project)
    for problem in settings.problems:
        warn(problem)
    return settings


def answer(
    hook: HookInput, project: StoreLocation, settings: HookSettings, environ: Mapping[str, str]
) -> str:
    """The hook's stdout for one event, through the core."""
    if hook.event in PER_CALL_EVENTS:
        if hook.event == "PreToolUse" and not settings.denies(hook.tool_name):
            return ""  # read-only tools go on without opening the store

        async def per_call(orch: Orchestron) -> str:
            out = await answer_hook(
                orch,
                hook.event,
                hook.session_id,
                tool_name=hook.tool_name,
                settings=settings,
                environ=environ,
            )
            return json.dumps(out, ensure_ascii=False) if out else ""

        return _with_project(project, per_call, "", meaning=False)
    handlers: dict[str, Callable[[Orchestron], Awaitable[str]]] = {
        "SessionStart": lambda orch: session_start(orch, hook, settings, environ),
        "PreCompact": lambda orch: pre_compact(orch, hook, environ),
        "SessionEnd": lambda orch: session_end(orch, hook),
    }
    return _with_project(project, handlers[hook.event], "")


# -- the events ------------------------------------------------------------------------------


async def session_start(
    orch: Orchestron, hook: HookInput, settings: HookSettings, environ: Mapping[str, str]
) -> str:
    """The resume package: handoff > own unfinished task > next ready task; plus messages."""
    me, agent = await _start(orch, hook, environ)
    sid = hook.session_id
    # Preview first: a session that only asks a question should not claim the next
    # ready task (unless [hooks] claim_next = true). Its own or handed-on work it takes.
    preview = await me.resume(agent)
    take = (
        preview.kind in ("handoff", "unfinished")
        or (preview.kind == "next" and settings.claim_next)
        or bool(await me.session_tasks(sid))
    )
    # People's messages: after a compaction, now (no prompt may follow soon); at startup,
    # resume and clear, the UserPromptSubmit hook that runs next delivers them, once.
    mid_work = hook.source == "compact"
    package = await me.resume(agent, session_id=sid, with_messages=mid_work) if take else preview
    messages: list[Any] = list(package.messages)
    if mid_work and not take:
        messages = list(await me.take_messages(sid, via="hook"))
    context = package.context
    if hook.source == "compact":
        record = await me.load_context(session_id=sid)
        if record is not None and record.data:
            context = record.data
    # Still open now: one answered since a handoff was packaged is not listed.
    requests: list[Any] = [
        {"id": r.id, "kind": r.kind.value, "text": r.text, "urgency": r.urgency.value}
        for r in package.requests
    ]
    return format_start(
        agent=agent,
        session_id=sid,
        kind=package.kind,
        instruction=package.instruction,
        context=context,
        messages=messages,
        requests=requests,
        memory=package.memory,
        source=hook.source or "startup",
        claimed=package.claimed,
    )


async def pre_compact(orch: Orchestron, hook: HookInput, environ: Mapping[str, str]) -> str:
    """Save a context snapshot (with the files touched) before the conversation is summarised."""
    me, _agent = await _start(orch, hook, environ)
    trigger = hook.text("trigger") or hook.source or "context"
    await _snapshot(me, hook, f"before a {trigger} compaction")
    return ""


async def session_end(orch: Orchestron, hook: HookInput) -> str:
    """A task still in hand gets a handoff with the last context; then the session ends.

    The MCP server of the same Claude Code session may have ended it first (its
    connection closes as Claude Code exits): then the tasks that ending released
    are taken back for a moment, so they are handed on all the same.
    """
    sid = hook.session_id
    try:
        session = await orch.get_session(sid)
    except NotFoundError:
        return ""  # Orchestron never saw this session: nothing to hand on
    agent = session.agent_id
    me = orch.acting_as(agent).for_session(sid)
    live = session.status.value == "ACTIVE"
    if not live and session.status.value == "ENDED":
        released = await _released_at_end(me, sid, agent)
        if released:
            await me.start_session(agent, session_id=sid, client=session.client)
            for task_id in released:
                with contextlib.suppress(OrchestronError):
                    await me.claim(task_id, sid)
            live = True
    if not live:
        return ""
    reason = hook.text("reason") or "exit"
    if await me.session_tasks(sid):
        await _snapshot(me, hook, "at the end of the Claude Code session")
        await me.prepare_handoff(
            sid, note=f"The Claude Code session ended ({reason}) with this task unfinished."
        )
    await me.end_session(sid)
    return ""


async def _released_at_end(me: Orchestron, sid: str, agent: str) -> list[str]:
    """Unfinished tasks of `agent` that ending session `sid` let go, still unclaimed."""
    last = await me.last_event_seq()
    events = await me.events(after=max(0, last - 5000), kinds=("task.released",))
    ids = [
        e.entity
        for e in events
        if e.data.get("session") == sid and e.data.get("reason") == "session ended"
    ]
    found = []
    for task_id in dict.fromkeys(ids):
        try:
            task = await me.get_task(task_id)
        except NotFoundError:
            continue
        if not task.status.finished and task.assignee == agent and task.claimed_by is None:
            found.append(task.id)
    return found


# -- helpers ---------------------------------------------------------------------------------


async def _start(
    orch: Orchestron, hook: HookInput, environ: Mapping[str, str]
) -> tuple[Orchestron, str]:
    """Start (or re-activate) the Claude Code session as an Orchestron session."""
    me = await acting_for_session(orch, hook.session_id, environ=environ)
    await me.start_session(me.actor, session_id=hook.session_id, client="claude-code")
    return me, me.actor


async def _snapshot(me: Orchestron, hook: HookInput, why: str) -> None:
    """Save the latest context again with the files the transcript shows touched."""
    sid = hook.session_id
    held = await me.session_tasks(sid)
    task = max(held, key=lambda t: t.updated_at) if held else None
    record = await me.load_context(session_id=sid)
    if record is None and task is not None:
        record = await me.load_context(task_id=task.id)
    files = files_touched(hook.transcript_path, hook.project_dir)
    if record is None and task is None and not files:
        return  # nothing worth a snapshot
    data: dict[str, Any] = dict(record.data) if record is not None else {}
    data.pop("dropped", None)
    data["files_touched"] = merge_files(_listed(data.get("files_touched")), files)
    if task is not None:
        data["current_task"] = task.id
    data["notes"] = _with_note(data.get("notes"), f"{SNAPSHOT_MARK} {hook.event} hook {why}.")
    await me.save_context(sid, data, task_id=task.id if task is not None else None)


def _with_note(notes: object, note: str) -> str:
    kept = [
        line
        for line in (notes if isinstance(notes, str) else "").splitlines()
        if line.strip() and not line.startswith(SNAPSHOT_MARK)
    ]
    return "\n".join([*kept, note])


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _with_project(
    project: StoreLocation,
    work: Callable[[Orchestron], Awaitable[T]],
    empty: T,
    *,
    meaning: bool = True,
) -> T:
    """Open the project's store through the runtime, run `work`, close it.

    `meaning` False: the work never compares meanings, so no embedding model is loaded.
    """

    home = project.project_dir.parent if project.project_dir else None

    async def main() -> T:
        try:
            async with open_orchestron(
                project.url or str(project.path),
                cwd=home,
                actor="orchestron-hook",
                embedder=meaning,
            ) as orch:
                return await work(orch)
        except NotFoundError as exc:
            if exc.entity in ("database", "project"):
                return empty  # no database yet: nothing to do
            raise

    return asyncio.run(main())
