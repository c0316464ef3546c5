"""The human channel: `inbox`, `clarify`, `intervene`, `pause`, `resume`, `approve`, `reject`.

`resume` has two jobs, told apart by its argument:
- `orchestron resume TASK-007` resumes a paused task (back to the status it
  had before the pause) and tells its agent;
- `orchestron resume --agent claude-1` (or no argument at all) shows the resume
  package an agent starting now would get: its handoff, its unfinished task,
  or else the next task. Without --agent it uses $ORCHESTRON_AGENT, else the
  agent of the most recent session.
"""

from __future__ import annotations

import os
import re
from typing import Any

import click

from orchestron.cli._command import TASK_ID, Command, Count
from orchestron.cli._errors import CliError
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    STATUS_STYLE,
    URGENCY_STYLE,
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
from orchestron.core import Orchestron, normalise_id, to_jsonable

__all__ = [
    "answer",
    "approve",
    "clarify",
    "inbox",
    "intervene",
    "pause",
    "redirect",
    "reject",
    "resume",
]

_TASK_ID = re.compile(r"^task-\d+$", re.IGNORECASE)


def _emit(result: Any, as_json: bool, text: str) -> None:
    if as_json:
        print_json(to_jsonable(result))
    else:
        say(text, "green")


@click.command(cls=Command)
@click.option(
    "-n", "--limit", type=Count(), default=50, show_default=True, help="At most this many."
)
@json_option
@pass_env
def inbox(env: Env, limit: int, as_json: bool) -> None:
    """Open requests from agents (questions, help, approvals), most urgent first.

    Below them, words of a person's that no agent will read as they stand (about
    no task, for a session that is gone): send them on with `orchestron redirect`.
    """

    async def act(orch: Orchestron) -> tuple[list[Any], list[Any]]:
        return await orch.inbox(limit=limit), await orch.waiting_messages()

    requests, waiting = env.read(act)
    if as_json:
        print_json(
            {
                "requests": [to_jsonable(r) for r in requests],
                "waiting_messages": [to_jsonable(m) for m in waiting],
            }
        )
        return
    if not requests and not waiting:
        say("inbox empty: no agent is waiting for you")
        return
    if requests:
        table(
            [
                Column("id"),
                Column("urgency", style=URGENCY_STYLE),
                Column("kind"),
                Column("task"),
                Column("from"),
                Column("age"),
                Column("request", flex=True),
            ],
            (
                [
                    r.id,
                    r.urgency.value,
                    r.kind.value + (" (blocking)" if r.blocking else ""),
                    r.task_id or "",
                    r.agent_id or r.session_id or "",
                    ago(r.created_at),
                    r.text,
                ]
                for r in requests
            ),
        )
        say(
            'answer with: orchestron answer REQ-ID "text"  (or: orchestron clarify TASK "text")',
            "dim",
        )
    if waiting:
        if requests:
            say("")
        heading("waiting for a reader (its session is gone)")
        table(
            [Column("id"), Column("for"), Column("age"), Column("message", flex=True)],
            ([m.id, m.session_id or m.agent_id or "", ago(m.created_at), m.text] for m in waiting),
        )
        say("send one on with: orchestron redirect MSG-ID --task TASK-ID", "dim")


@click.command(cls=Command)
@click.argument("message_id")
@click.option("--task", "task_id", type=TASK_ID, help="About this task: its next holder reads it.")
@click.option("--session", "session_id", help="To this live session.")
@json_option
@pass_env
def redirect(
    env: Env, message_id: str, task_id: str | None, session_id: str | None, as_json: bool
) -> None:
    """Send a message no agent will read on, to a task or to a live session."""
    if (task_id is None) == (session_id is None):
        raise click.UsageError("give --task TASK-ID or --session SESSION-ID")
    sent = env.run(
        lambda orch: orch.redirect_message(message_id, task_id=task_id, session_id=session_id)
    )
    where = f"about {sent.task_id}" if sent.task_id else f"to {sent.session_id}"
    _emit(sent, as_json, f"{message_id.upper()} sent on as {sent.id}, {where}")


@click.command(cls=Command)
@click.argument("task_id", type=TASK_ID)
@click.argument("answer")
@click.option("--request", "request_id", help="Which open request this answers.")
@json_option
@pass_env
def clarify(env: Env, task_id: str, answer: str, request_id: str | None, as_json: bool) -> None:
    """Answer an agent's question about TASK_ID (it reaches the agent at its next step)."""
    answered = env.run(lambda orch: orch.add_clarification(task_id, answer, request_id=request_id))
    asked = f" to {answered.text!r}" if answered.text else ""
    _emit(
        answered,
        as_json,
        f"Answered {answered.id}{asked} on {normalise_id(task_id)}; the agent gets it next",
    )


@click.command(cls=Command)
@click.argument("request_id")
@click.argument("text")
@json_option
@pass_env
def answer(env: Env, request_id: str, text: str, as_json: bool) -> None:
    """Answer an open request from the inbox (a question, a call for help, an approval)."""
    answered = env.run(lambda orch: orch.answer_request(request_id, text))
    about = f" on {answered.task_id}" if answered.task_id else ""
    _emit(answered, as_json, f"Answered {answered.id}{about}; the agent gets it next")


@click.command(cls=Command)
@click.argument("task_id", type=TASK_ID)
@click.option("-m", "--message", required=True, help="What the agent should know or do.")
@json_option
@pass_env
def intervene(env: Env, task_id: str, message: str, as_json: bool) -> None:
    """Send a message to the agent working on TASK_ID."""
    sent = env.run(lambda orch: orch.intervene(task_id, message))
    _emit(sent, as_json, f"Message {sent.id} queued for the agent on {normalise_id(task_id)}")


@click.command(cls=Command)
@click.argument("task_id", type=TASK_ID)
@click.option("-r", "--reason", required=True, help="Why (the agent is told).")
@json_option
@pass_env
def pause(env: Env, task_id: str, reason: str, as_json: bool) -> None:
    """Pause TASK_ID: its agent stops writing until you resume it."""
    t = env.run(lambda orch: orch.pause(task_id, reason))
    _emit(t, as_json, f"Paused {t.id}: {reason}  (resume with: orchestron resume {t.id})")


@click.command(cls=Command)
@click.argument("task_id", required=False, type=TASK_ID)
@click.option("--agent", help="Show the resume package for this agent.")
@json_option
@pass_env
def resume(env: Env, task_id: str | None, agent: str | None, as_json: bool) -> None:
    """Resume a paused TASK_ID, or (no TASK_ID) show an agent's resume package.

    \b
    orchestron resume TASK-007          the task goes back to its status before the pause
    orchestron resume --agent claude-1  what claude-1 would be handed if it started now
    """
    if task_id and agent:
        raise click.UsageError("give a TASK_ID to resume a task, or --agent to see a package")
    if task_id:
        if not _TASK_ID.match(task_id):
            raise click.UsageError(
                f"{task_id!r} is not a task id like TASK-007; "
                f"for an agent's resume package use: orchestron resume --agent {task_id}"
            )
        t = env.run(lambda orch: orch.resume_task(task_id))
        _emit(t, as_json, f"Resumed {t.id}: it is {t.status.value} again")
        return
    _show_package(env, agent or os.environ.get("ORCHESTRON_AGENT") or None, as_json)


def _show_package(env: Env, agent: str | None, as_json: bool) -> None:
    async def act(orch: Orchestron) -> tuple[str, Any]:
        name = agent
        if name is None:
            latest = await orch.list_sessions(limit=1)
            if not latest:
                raise CliError(
                    "no agent has worked here yet; name one: orchestron resume --agent claude-1"
                )
            name = latest[0].agent_id
        return name, await orch.resume(name)

    name, package = env.run(act)
    if as_json:
        print_json({"agent": name, **to_jsonable(package)})
        return
    heading(f"resume package for {name}: {package.kind}")
    say(package.instruction)
    t = package.task
    if t is not None:
        say("")
        fields(
            [
                ("task", f"{t.id}  {t.title}"),
                ("status", t.status.value),
                ("progress", f"{t.progress}%"),
            ],
            styles={"status": STATUS_STYLE.get(t.status.value, "")},
        )
    for n, c in enumerate(package.checkpoints or [], 1):
        done = c.get("done") if isinstance(c, dict) else getattr(c, "done", False)
        title = c.get("title") if isinstance(c, dict) else getattr(c, "title", str(c))
        say(f"  {n}. {'[x]' if done else '[ ]'} {title}")
    if package.context:
        say("")
        heading("saved context")
        data = package.context.data if hasattr(package.context, "data") else package.context
        for line in mapping_lines(data):
            say(line)
    for m in package.messages or []:
        say(f"message from {m.author}: {m.text}", "yellow")


@click.command(cls=Command)
@click.argument("task_id", type=TASK_ID)
@click.option("-f", "--feedback", "--with-feedback", "feedback", help="A word for the agent.")
@json_option
@pass_env
def approve(env: Env, task_id: str, feedback: str | None, as_json: bool) -> None:
    """Approve TASK_ID's review: it becomes DONE."""
    t = env.run(lambda orch: orch.approve(task_id, feedback=feedback))
    _emit(t, as_json, f"Approved {normalise_id(task_id)}")


@click.command(cls=Command)
@click.argument("task_id", type=TASK_ID)
@click.option("-f", "--feedback", required=True, help="What to change (the agent is told).")
@json_option
@pass_env
def reject(env: Env, task_id: str, feedback: str, as_json: bool) -> None:
    """Send TASK_ID back from review with feedback: it returns to IN_PROGRESS."""
    t = env.run(lambda orch: orch.reject(task_id, feedback))
    _emit(t, as_json, f"Sent {normalise_id(task_id)} back with your feedback")
