"""The core's hints as `orchestron` commands: the one place the CLI names its own commands
for a next step (`Hint(MOVE, TASK-001, event=task_reopened)` -> `orchestron task reopen
TASK-001`). A hint with no command at this door (a person does not start agent sessions)
renders as None and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from orchestron.core.errors import Act, Hint, rendered

__all__ = ["RENDERERS", "render_hint", "render_hints"]

Render = Callable[[Hint], "str | None"]

# The workflow events a person moves a task by, as the command that does it.
_MOVES: dict[str, str] = {
    "task_started": "orchestron task start {id}",
    "task_completed": "orchestron task done {id}",
    "task_cancelled": "orchestron task cancel {id}",
    "task_reopened": "orchestron task reopen {id}",
    "review_approved": "orchestron approve {id}",
    "review_rejected": "orchestron reject {id} -f TEXT",
    "task_paused": "orchestron pause {id} -r TEXT",
    "task_resumed": "orchestron resume {id}",
    "human_answered": 'orchestron clarify {id} "ANSWER"',
}
# Moves only an agent makes (its question blocks the task).
_AGENT_ONLY = frozenset({"blocked_on_human"})

_LISTS: dict[str, str] = {
    "tasks": "orchestron task list --all",
    "sprints": "orchestron sprint list",
    "requests": "orchestron inbox",
    "memory": "orchestron memory list",
    "handoffs": "orchestron handoff list",
    "sessions": "orchestron session list",
}
_SHOW: dict[str, str] = {
    "TASK": "orchestron task show {id}",
    "SPRINT": "orchestron sprint show {id}",
    "MEM": "orchestron memory show {id}",
    "SES": "orchestron session show {id}",
    "REQ": "orchestron inbox",
    "HO": "orchestron handoff list",
}


def _list(h: Hint) -> str | None:
    if h.target == "tasks":
        if h.get("session"):
            return f"orchestron session show {h.get('session')}"
        if h.get("parent"):
            return f"orchestron task list --parent {h.get('parent')}"
        if h.get("status"):
            return f"orchestron task list --status {h.get('status')}"
    if h.target == "memory" and h.get("status"):
        return f"orchestron memory list --status {h.get('status').lower()}"
    if h.target == "handoffs" and h.get("pending"):
        return "orchestron handoff list --pending"
    return _LISTS.get(h.target)


def _show(h: Hint) -> str | None:
    command = _SHOW.get(h.kind)
    return command.format(id=h.target) if command else None


def _move(h: Hint) -> str | None:
    event, to = h.get("event"), h.get("to")
    if event in _AGENT_ONLY:
        return None
    command = _MOVES.get(event)
    if command is not None:
        return command.format(id=h.target)
    # Any other rule (the project's own, or a move with no command of its own):
    # `task edit --status` moves by whichever rule leads there.
    return f"orchestron task edit {h.target} --status {to}" if to else None


def _resolve(h: Hint) -> str:
    keep = h.get("keep") or "MEM-ID|both|neither"
    return f"orchestron memory resolve {h.target} --keep {keep}"


def _resume(h: Hint) -> str:
    agent = h.get("agent")
    return f"orchestron resume --agent {agent}" if agent else "orchestron resume"


RENDERERS: dict[Act, Render] = {
    Act.LIST: _list,
    Act.SHOW: _show,
    Act.MOVE: _move,
    Act.CLAIM_NEXT: lambda h: "orchestron next",
    Act.ANSWER: lambda h: f'orchestron answer {h.target} "TEXT"',
    Act.RESOLVE: _resolve,
    Act.TICK: lambda h: f"orchestron checkpoint done {h.target} NUMBER",
    Act.CREATE_SPRINT: lambda h: 'orchestron sprint create "NAME"',
    Act.CLOSE_SPRINT: lambda h: f"orchestron sprint close {h.target}",
    Act.START_SESSION: lambda h: None,  # an agent's session starts with the agent
    Act.RESUME: _resume,
    Act.ACCEPT_HANDOFF: lambda h: None,  # an agent takes a handoff over
    Act.SEARCH_MEMORY: lambda h: "orchestron memory search WORDS",
    Act.FORCE: lambda h: (
        f'orchestron task edit {h.target} --status {h.get("to")} --force --reason "WHY"'
    ),
}


def render_hint(h: Hint) -> str | None:
    """The command for one hint, with where a move lands (`... -> TODO`); None if none."""
    command = RENDERERS[h.act](h)
    if command is None:
        return None
    if h.act is Act.MOVE and h.get("to"):
        return f"`{command}` -> {h.get('to')}"
    return f"`{command}`"


def render_hints(hints: Sequence[Hint]) -> list[str]:
    """Each hint's form here once, in order, leaving out those with none."""
    return rendered(hints, render_hint)
