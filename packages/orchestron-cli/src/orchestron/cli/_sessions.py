"""`session list | show | end`, `context show`, `handoff [list | create]`."""

from __future__ import annotations

from typing import Any

import click

from orchestron.cli._command import TASK_ID, Count, Group
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    STATUS_STYLE,
    Column,
    ago,
    fields,
    heading,
    json_option,
    mapping_lines,
    print_json,
    say,
    table,
)
from orchestron.cli._tasks import task_columns, task_row
from orchestron.core import Orchestron, to_jsonable

__all__ = ["context", "handoff", "session"]


def session_status(s: Any, now: Any) -> str:
    """The status as the core reports it (a lapsed lease already reads ABANDONED)."""
    status = s.effective_status(now) if now is not None else s.status
    return str(status.value)


@click.group(cls=Group)
def session() -> None:
    """List, show and end agent sessions."""


@session.command("list")
@click.option("--active", is_flag=True, help="Only live sessions.")
@click.option(
    "-n", "--limit", type=Count(), default=20, show_default=True, help="At most this many (0: all)."
)
@json_option
@pass_env
def session_list(env: Env, active: bool, limit: int, as_json: bool) -> None:
    """Sessions, newest first."""

    async def act(orch: Orchestron) -> tuple[list[Any], Any]:
        found = await orch.list_sessions(active_only=active, limit=limit or None)
        return list(found), orch.clock.now()

    sessions, now = env.read(act)
    if as_json:
        print_json(
            {
                "sessions": [
                    {**to_jsonable(s), "effective_status": session_status(s, now)} for s in sessions
                ]
            }
        )
        return
    if not sessions:
        say("no sessions" + (" are active" if active else " yet"))
        return
    table(
        [
            Column("id"),
            Column("agent"),
            Column("status", style=STATUS_STYLE),
            Column("started"),
            Column("last seen"),
            Column("client"),
        ],
        (
            [
                s.id,
                s.agent_id,
                session_status(s, now),
                ago(s.started_at, now),
                ago(s.last_seen, now),
                s.client,
            ]
            for s in sessions
        ),
    )


@session.command("show")
@click.argument("session_id")
@json_option
@pass_env
def session_show(env: Env, session_id: str, as_json: bool) -> None:
    """One session: its state, its tasks and its latest saved context."""

    async def act(orch: Orchestron) -> dict[str, Any]:
        s = await orch.get_session(session_id)
        return {
            "session": s,
            "tasks": await orch.session_tasks(s.id),
            "context": await orch.load_context(session_id=s.id),
            "now": orch.clock.now(),
        }

    found = env.read(act)
    s, now = found["session"], found.pop("now")
    if as_json:
        print_json({k: to_jsonable(v) for k, v in found.items()})
        return
    heading(f"session {s.id}")
    fields(
        [
            ("agent", s.agent_id),
            ("status", session_status(s, now)),
            ("client", s.client),
            ("started", f"{s.started_at:%Y-%m-%d %H:%M} ({ago(s.started_at, now)})"),
            ("last seen", ago(s.last_seen, now)),
            ("lease", _lease(s, now)),
            ("ended", ago(s.ended_at, now)),
        ],
        styles={"status": STATUS_STYLE.get(session_status(s, now), "")},
    )
    if found["tasks"]:
        say("")
        table(task_columns(), (task_row(t) for t in found["tasks"]), title="tasks")
    if found["context"] is not None:
        say("")
        _show_context(found["context"])


def _lease(s: Any, now: Any) -> str:
    """`expires in 4m` for a live session, `lapsed 3m ago` for an abandoned one, and
    nothing for one that ended: its lease no longer means anything."""
    status = session_status(s, now)
    if status == "ACTIVE":
        return f"expires {ago(s.lease_expires, now)}"
    if status == "ABANDONED" and s.ended_at is None:
        return f"lapsed {ago(s.lease_expires, now)}"
    return ""


@session.command("end")
@click.argument("session_id")
@json_option
@pass_env
def session_end(env: Env, session_id: str, as_json: bool) -> None:
    """End a session; the tasks it holds are released."""
    ended = env.run(lambda orch: orch.end_session(session_id))
    if as_json:
        print_json(to_jsonable(ended))
        return
    say(f"Ended session {session_id}", "green")


@click.group(cls=Group)
def context() -> None:
    """Show the context an agent saved to survive the end of its session."""


@context.command("show")
@click.option("--session", "session_id", help="The latest context of this session.")
@click.option("--agent", help="The latest context of this agent.")
@click.option("--task", "task_id", type=TASK_ID, help="The latest context saved for this task.")
@json_option
@pass_env
def context_show(
    env: Env, session_id: str | None, agent: str | None, task_id: str | None, as_json: bool
) -> None:
    """The latest saved context (of the newest session unless you say whose)."""

    async def act(orch: Orchestron) -> Any:
        if session_id or agent or task_id:
            return await orch.load_context(session_id=session_id, agent_id=agent, task_id=task_id)
        latest = await orch.list_sessions(limit=1)
        if not latest:
            return None
        return await orch.load_context(session_id=latest[0].id)

    record = env.read(act)
    if as_json:
        print_json({"context": to_jsonable(record) if record is not None else None})
        return
    if record is None:
        say("no saved context" + (" matches" if session_id or agent or task_id else " yet"))
        return
    _show_context(record)


def _show_context(record: Any) -> None:
    heading(f"context saved by {record.agent_id} ({record.session_id}) {ago(record.saved_at)}")
    if record.task_id:
        say(f"  task: {record.task_id}")
    for line in mapping_lines(record.data):
        say(line)


@click.group(cls=Group, invoke_without_command=True)
@click.pass_context
def handoff(ctx: click.Context) -> None:
    """List handoffs (the default), or prepare one from a session."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(handoff_list)


@handoff.command("list")
@click.option("--pending", is_flag=True, help="Only those not yet accepted.")
@click.option("-n", "--limit", type=Count(), default=20, show_default=True)
@json_option
@pass_env
def handoff_list(env: Env, pending: bool = False, limit: int = 20, as_json: bool = False) -> None:
    """Handoffs, newest first."""
    found = env.read(lambda orch: orch.list_handoffs(pending_only=pending, limit=limit or None))
    if as_json:
        print_json({"handoffs": [to_jsonable(h) for h in found]})
        return
    if not found:
        say("no handoffs" + (" pending" if pending else " yet"))
        return
    table(
        [
            Column("id"),
            Column("status", style=STATUS_STYLE),
            Column("from"),
            Column("to"),
            Column("task"),
            Column("created"),
        ],
        (
            [
                h.id,
                h.status.value,
                f"{h.from_agent} ({h.from_session})",
                h.to_agent or "any agent",
                h.task_id or "",
                ago(h.created_at),
            ]
            for h in found
        ),
    )


@handoff.command("create")
@click.argument("session_id")
@click.option("--to", "to_agent", help="Hand over to this agent (default: whoever starts next).")
@click.option("--note", help="A note for the next session.")
@json_option
@pass_env
def handoff_create(
    env: Env, session_id: str, to_agent: str | None, note: str | None, as_json: bool
) -> None:
    """Prepare a handoff from SESSION_ID for the next session."""
    made = env.run(lambda orch: orch.prepare_handoff(session_id, to_agent=to_agent, note=note))
    if as_json:
        print_json(to_jsonable(made))
        return
    say(f"Handoff {made.id} ready for {made.to_agent or 'the next agent'}", "green")
