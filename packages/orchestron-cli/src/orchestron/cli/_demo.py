"""`orchestron demo`: see Orchestron work in a minute, in a throwaway project.

A small task graph (an epic, tasks with dependencies, a sprint) and two agent
sessions played through the real core on a real SQLite file, as two Claude
Code agents would through the MCP server: one finishes a task, keeps a
decision in project memory, starts the next and asks a person a question; the
other hands its task on and ends. Then it says where to look.
"""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from orchestron.cli._command import Command
from orchestron.cli._errors import CliError
from orchestron.cli._project import Env
from orchestron.cli._render import say

__all__ = ["demo"]

CLIENT = "orchestron-demo"


@dataclass
class Story:
    """What the simulated agents did, one line each, for the person watching."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    question: str = ""

    def add(self, who: str, text: str) -> None:
        self.lines.append((who, text))


async def play(db: Path, actor: str) -> Story:
    """Plan a small graph and run two agent sessions on it, through the core."""
    from orchestron.runtime import open_orchestron

    story = Story()
    async with open_orchestron(str(db), actor=actor, create=True) as orch:
        epic = await orch.create_task("Checkout", type="EPIC", priority="HIGH")
        schema = await orch.create_task(
            "Design the orders schema",
            parent=epic.id,
            priority="HIGH",
            checkpoints=["tables", "migrations"],
            estimate=2,
        )
        api = await orch.create_task(
            "Orders API",
            parent=epic.id,
            priority="HIGH",
            depends_on=[schema.id],
            checkpoints=["endpoints", "validation", "tests"],
            estimate=3,
        )
        payments = await orch.create_task(
            "Payment provider client", parent=epic.id, checkpoints=["client", "retries"]
        )
        receipts = await orch.create_task(
            "Receipts by email", parent=epic.id, priority="LOW", depends_on=[api.id, payments.id]
        )
        await orch.create_task("Load test the checkout", parent=epic.id, depends_on=[api.id])
        sprint = await orch.create_sprint("Checkout, part 1", goal="Orders can be placed")
        await orch.add_to_sprint(sprint.id, [schema.id, api.id, payments.id, receipts.id])
        await orch.start_sprint(sprint.id)
        story.add(
            "you",
            f"planned {epic.id} {epic.title}: 5 tasks with dependencies; "
            f"sprint {sprint.id} started",
        )

        one = orch.acting_as("claude-1")
        first = await one.start_session("claude-1", client=CLIENT)
        chosen = await one.pick_next(first.id)
        assert chosen is not None
        story.add("claude-1", f"took {chosen.task.id} {chosen.task.title}")
        story.add("", f"why: {chosen.reason}")
        for step in (1, 2):
            await one.complete_checkpoint(chosen.task.id, step)
        await one.complete_task(chosen.task.id)
        kept = await one.remember(
            "Orders are keyed by UUIDv7, never by a sequence",
            kind="decision",
            topic="orders-schema",
            rationale="ids are made on several machines",
            session_id=first.id,
            task_id=chosen.task.id,
        )
        story.add(
            "claude-1", f"finished it and kept a decision in project memory ({kept.entry.id})"
        )
        after = await one.pick_next(first.id)
        assert after is not None
        await one.complete_checkpoint(after.task.id, 1)
        await one.save_context(
            first.id,
            {
                "next_steps": ["validate the totals", "write the API tests"],
                "critical_decisions": {"money": "integer cents"},
                "files_touched": ["src/orders/api.py"],
            },
        )
        asked = await one.request_clarification(
            after.task.id, "Are refunds part of this sprint?", session_id=first.id
        )
        story.question = asked.id
        story.add(
            "claude-1",
            f"took {after.task.id} {after.task.title}, saved its context, and asked you "
            f'({asked.id}): "{asked.text}"',
        )

        two = orch.acting_as("claude-2")
        second = await two.start_session("claude-2", client=CLIENT)
        picked = await two.pick_next(second.id)
        assert picked is not None
        await two.complete_checkpoint(picked.task.id, 1)
        await two.save_context(second.id, {"next_steps": ["retry on timeouts"]})
        handoff = await two.prepare_handoff(second.id, note="stopping for today")
        await two.end_session(second.id)
        story.add(
            "claude-2",
            f"took {picked.task.id} {picked.task.title}, did a step, handed it on "
            f"({handoff.id}) and ended its session",
        )
    return story


@click.command(cls=Command)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Make the demo project here (a new or empty folder; default: a temporary one).",
)
@click.option("--dashboard", is_flag=True, help="Start the dashboard on it afterwards.")
@click.option("--port", type=int, help="The dashboard's port (default 8765; 0 picks a free one).")
@click.pass_context
def demo(ctx: click.Context, folder: Path | None, dashboard: bool, port: int | None) -> None:
    """Try Orchestron in a throwaway project: a small task graph, two simulated
    agent sessions through the real core, then where to look."""
    from orchestron.runtime import DB_FILE, PROJECT_DIR

    env: Env = ctx.find_object(Env) or Env(None, "human:demo")
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="orchestron-demo-"))
    elif folder.exists() and any(folder.iterdir()):
        raise CliError(f"--dir: {folder} is not empty; name a new or empty folder")
    folder = folder.resolve()
    project = folder / PROJECT_DIR
    project.mkdir(parents=True, exist_ok=True)
    from orchestron.cli._init import write_project_files

    write_project_files(project)
    from orchestron.cli._project import run_async

    story = run_async(lambda: play(project / DB_FILE, env.actor))
    say(f"Orchestron demo: a throwaway project in {folder}", "bold")
    width = max(len(who) for who, _ in story.lines)
    for who, text in story.lines:
        say(f"  {who:<{width}}  {text}")
    here = shlex.quote(str(folder))
    say("")
    say("Look around (the commands work in that folder):", "bold")
    for command, what in (
        (f"cd {here}", ""),
        ("orchestron task list", "the board"),
        ("orchestron inbox", "claude-1's question"),
        (f'orchestron answer {story.question} "Not yet: next sprint"', "answer it"),
        ("orchestron resume --agent claude-3", "what the next agent is handed"),
        ("orchestron dashboard", "the web dashboard: http://127.0.0.1:8765/"),
    ):
        if dashboard and command == "orchestron dashboard":
            continue
        say(f"  {command:<50} {what}".rstrip(), "cyan")
    if dashboard:
        from orchestron.cli._setup import dashboard as dashboard_command

        say("")
        ctx.obj = Env(str(project / DB_FILE), env.actor)
        ctx.invoke(dashboard_command, host=None, port=port, token=None)
