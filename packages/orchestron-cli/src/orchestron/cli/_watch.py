"""`watch` (a live view polling the database) and `events` (the event log)."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from orchestron.cli._command import Command, Count, Seconds
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    STATUS_STYLE,
    Column,
    ago,
    is_tty,
    json_option,
    print_json,
    progress_text,
    say,
    table,
    terminal_json,
    terminal_safe,
)
from orchestron.core import (
    Event,
    Orchestron,
    Task,
    TaskFilter,
    TaskStatus,
    event_summary,
    to_jsonable,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from orchestron.runtime import EventWaker

__all__ = ["event_line", "events", "watch"]

_QUIET_SECONDS = 2.0
"""Longest wait between redraws when new events are pushed rather than polled."""

WORKING = (TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.BLOCKED, TaskStatus.PAUSED)
SESSION_COLUMNS = (
    ("session", 7),
    ("agent", 8),
    ("last seen", 7),
    ("task", 12),
    ("status", 11),
    ("progress", 15),
)
WORKING_COLUMNS = (("task", 8), ("status", 11), ("progress", 15), ("owner", 7), ("title", 10))


def event_line(e: Event) -> str:
    line = f"#{e.seq} {e.at:%H:%M:%S} {e.actor} {e.kind} {e.entity} {event_summary(e)}"
    return terminal_safe(line.rstrip(), lines=False)


@click.command(cls=Command)
@click.option("--after", type=Count(), help="Events after this sequence number.")
@click.option("--entity", help="Only events about this task, sprint or session.")
@click.option("--kind", "kinds", multiple=True, help="Only this kind, e.g. task.status_changed.")
@click.option(
    "-n", "--limit", type=Count(), default=50, show_default=True, help="The last N (0: all)."
)
@json_option
@pass_env
def events(
    env: Env,
    after: int | None,
    entity: str | None,
    kinds: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Print the event log, oldest first (the last --limit events by default)."""

    async def act(orch: Orchestron) -> list[Event]:
        start = after
        if start is None and not entity and not kinds and limit:
            start = max(0, await orch.last_event_seq() - limit)
        found = await orch.events(after=start or 0, entity=entity, kinds=kinds)
        if after is None and limit:
            return found[-limit:]
        return found[:limit] if limit else found

    found = env.run(act)
    if as_json:
        print_json({"events": [to_jsonable(e) for e in found]})
        return
    if not found:
        say("no events")
        return
    for e in found:
        say(event_line(e))


class Snapshot:
    """What one poll saw."""

    def __init__(self) -> None:
        self.now: datetime | None = None
        self.sessions: list[tuple[Any, list[Task]]] = []
        self.working: list[Task] = []
        self.events: deque[Event] = deque(maxlen=500)
        self.error: str = ""


class Watcher:
    """Polls the project and keeps the event stream since it started."""

    def __init__(self, orch: Orchestron, selector: str | None) -> None:
        self.orch = orch
        self.selector = selector
        self.snap = Snapshot()
        self.after = 0

    async def start(self) -> None:
        self.after = await self.orch.last_event_seq()

    async def poll(self) -> list[Event]:
        from orchestron.core.errors import StorageError

        orch, snap = self.orch, self.snap
        try:
            snap.now = orch.clock.now()
            snap.sessions = [(s, await orch.session_tasks(s.id)) for s in await self._sessions()]
            flt = TaskFilter(statuses=WORKING)
            snap.working = await orch.list_tasks(flt, limit=25)
            fresh = await orch.events(after=self.after)
            snap.error = ""
        except StorageError as exc:  # a busy database: show it, try again next poll
            snap.error = str(exc)
            return []
        if fresh:
            self.after = fresh[-1].seq or self.after
        fresh = [e for e in fresh if self._relevant(e)]
        snap.events.extend(fresh)
        return fresh

    async def _sessions(self) -> list[Any]:
        orch = self.orch
        if self.selector in (None, "all"):
            return list(await orch.list_sessions(active_only=True))
        if self.selector == "current":
            live = await orch.list_sessions(active_only=True, limit=1)
            return list(live)
        assert self.selector is not None
        return [await orch.get_session(self.selector)]

    def _relevant(self, e: Event) -> bool:
        if self.selector in (None, "all"):
            return True
        ids = {s.id for s, _ in self.snap.sessions}
        agents = {s.agent_id for s, _ in self.snap.sessions}
        tasks = {t.id for _, ts in self.snap.sessions for t in ts}
        return (
            e.entity in ids
            or e.entity in tasks
            or e.actor in agents
            or e.data.get("session") in ids
        )


@click.command(cls=Command)
@click.option(
    "--session",
    "selector",
    metavar="current|ID",
    help="Follow one session: `current` (the newest live one) or an id. Default: all.",
)
@click.option(
    "--interval",
    type=Seconds(0.05, 3600),
    default=0.5,
    show_default=True,
    help="Seconds between polls.",
)
@click.option("--once", is_flag=True, help="Print one snapshot and exit.")
@json_option
@pass_env
def watch(env: Env, selector: str | None, interval: float, once: bool, as_json: bool) -> None:
    """Live view of active sessions, their tasks and progress, and new events.

    On a terminal the view redraws in place; piped, it prints each new event
    as a line (JSON lines with --json). Ctrl-C quits.
    """
    from orchestron.runtime import EventWaker, open_orchestron

    interval = max(0.1, interval)

    async def go() -> None:
        import anyio

        async with open_orchestron(env.db, actor=env.actor) as orch:
            watcher = Watcher(orch, selector)
            await watcher.start()
            if once:
                watcher.after = max(0, watcher.after - 10)
                await watcher.poll()
                _print_once(watcher.snap, as_json)
                return
            # On PostgreSQL new events are pushed (LISTEN/NOTIFY); elsewhere we poll.
            waker = EventWaker(orch.storage, interval=interval)
            async with anyio.create_task_group() as tg:
                tg.start_soon(waker.run)
                if is_tty() and not as_json:
                    await _live(watcher, waker)
                else:
                    await _stream(watcher, waker, as_json)

    from orchestron.cli._project import run_async

    try:
        run_async(go)
    except KeyboardInterrupt:
        if is_tty() and not as_json:
            say("stopped watching", "dim")


async def _stream(watcher: Watcher, waker: EventWaker, as_json: bool) -> None:
    import json

    sys.stderr.write("watching for new events (Ctrl-C to quit)\n")
    sys.stderr.flush()
    while True:
        for e in await watcher.poll():
            if as_json:
                line = json.dumps(to_jsonable(e), ensure_ascii=False)
                sys.stdout.write(terminal_json(line) + "\n")
            else:
                sys.stdout.write(event_line(e) + "\n")
        sys.stdout.flush()
        await waker.wait(_QUIET_SECONDS)


async def _live(watcher: Watcher, waker: EventWaker) -> None:
    from rich.live import Live

    from orchestron.cli._render import console

    await watcher.poll()
    with Live(_view(watcher), console=console(), auto_refresh=False) as live:
        while True:
            # Redraw at least this often: leases lapse without any event.
            await waker.wait(_QUIET_SECONDS)
            await watcher.poll()
            live.update(_view(watcher), refresh=True)


def _view(watcher: Watcher) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    snap = watcher.snap
    now = snap.now
    height = console_height()
    title = Text.assemble(
        ("orchestron watch", "bold"),
        f"  {now:%H:%M:%S}" if now else "",
        ("  Ctrl-C to quit", "dim"),
    )
    parts: list[RenderableType] = [title]
    if snap.error:
        parts.append(Text(f"database busy: {snap.error}", style="red"))
    sessions = Table(title="sessions", title_justify="left", expand=True, show_edge=False)
    for col, width in SESSION_COLUMNS:
        sessions.add_column(col, no_wrap=True, min_width=width)
    for s, tasks in snap.sessions:
        rows: list[Task | None] = list(tasks) or [None]
        for i, t in enumerate(rows):
            head = [s.id, s.agent_id, ago(s.last_seen, now)] if i == 0 else ["", "", ""]
            if t is None:
                safe = (Text(terminal_safe(cell, lines=False)) for cell in head)
                sessions.add_row(*safe, Text("idle", style="dim"), "", "")
            else:
                sessions.add_row(
                    *(Text(terminal_safe(cell, lines=False)) for cell in head),
                    Text(terminal_safe(f"{t.id} {t.title}", lines=False)),
                    Text(t.status.value, style=STATUS_STYLE.get(t.status.value, "")),
                    progress_text(t.progress),
                )
    if not snap.sessions:
        sessions.add_row(Text("no live sessions", style="dim"), "", "", "", "", "")
    parts.append(sessions)
    working = Table(title="tasks in flight", title_justify="left", expand=True, show_edge=False)
    for col, width in WORKING_COLUMNS:
        working.add_column(col, no_wrap=True, min_width=width)
    for t in snap.working[: max(3, height // 4)]:
        working.add_row(
            t.id,
            Text(t.status.value, style=STATUS_STYLE.get(t.status.value, "")),
            progress_text(t.progress),
            # Text, not str: a str cell is rich markup, and `[link=...]` would plant a link.
            Text(terminal_safe(t.assignee or t.claimed_by or "", lines=False)),
            Text(terminal_safe(t.title, lines=False)),
        )
    if not snap.working:
        working.add_row(Text("nothing in progress", style="dim"), "", "", "", "")
    parts.append(working)
    parts.append(Text("events since start", style="italic"))
    room = max(3, height - 12 - len(snap.sessions) - min(len(snap.working), height // 4))
    shown = list(snap.events)[-room:]
    if not shown:
        parts.append(Text("  waiting for events...", style="dim"))
    for e in shown:
        parts.append(Text(event_line(e), overflow="ellipsis", no_wrap=True))
    return Group(*parts)


def console_height() -> int:
    from orchestron.cli._render import console

    return int(console().size.height)


def _print_once(snap: Snapshot, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "sessions": [
                    {"session": to_jsonable(s), "tasks": [to_jsonable(t) for t in ts]}
                    for s, ts in snap.sessions
                ],
                "in_flight": [to_jsonable(t) for t in snap.working],
                "events": [to_jsonable(e) for e in snap.events],
            }
        )
        return
    rows: Sequence[Sequence[str]] = [
        [s.id, s.agent_id, ", ".join(f"{t.id} {t.progress}%" for t in ts) or "idle"]
        for s, ts in snap.sessions
    ]
    if rows:
        table([Column("session"), Column("agent"), Column("tasks")], rows, title="sessions")
    else:
        say("no live sessions")
    if snap.working:
        table(
            [Column("task"), Column("status"), Column("progress"), Column("title")],
            ([t.id, t.status.value, f"{t.progress}%", t.title] for t in snap.working),
            title="tasks in flight",
        )
    for e in snap.events:
        say(event_line(e))
