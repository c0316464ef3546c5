"""The core's hints as tool calls: the one place the MCP server names its own tools for a
next step (`Hint(MOVE, TASK-001, event=task_reopened)` -> `task_update taskId=TASK-001
event=task_reopened`). What only a person can do (answer a request, settle a dispute)
renders as what the agent should expect instead; what has no tool here is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from orchestron.core.errors import Act, Hint, rendered

__all__ = ["RENDERERS", "render_hint", "render_hints"]

Render = Callable[[Hint], "str | None"]

_LISTS: dict[str, str] = {
    "tasks": "task_list",
    "sprints": "sprint action=list",
    "requests": "clarifications taskId=TASK-ID",
    "memory": "recall",
    "handoffs": "handoff action=list",
    "sessions": "session action=status",
}
_SHOW: dict[str, str] = {
    "TASK": "task_get taskId={id}",
    "SPRINT": "sprint action=get sprintId={id}",
    "MEM": "recall ids=[{id}]",
    "SES": "session action=status",
    "HO": "handoff action=list",
}
# Events only a person moves a task by: the agent waits for them.
_PEOPLE_ONLY = frozenset({"human_answered"})


def _list(h: Hint) -> str | None:
    if h.target == "tasks":
        if h.get("session"):
            return "task_list mine=true"
        if h.get("parent"):
            return f"task_list parent={h.get('parent')}"
        if h.get("status"):
            return f"task_list status={h.get('status')}"
    return _LISTS.get(h.target)


def _show(h: Hint) -> str | None:
    command = _SHOW.get(h.kind)
    return command.format(id=h.target) if command else None


def _move(h: Hint) -> str | None:
    event = h.get("event")
    if event in _PEOPLE_ONLY:
        return None
    if event == "task_completed":
        return f"task_complete taskId={h.target}"
    if event == "blocked_on_human":
        return f'ask_human taskId={h.target} question="..."'
    return f"task_update taskId={h.target} event={event}"


RENDERERS: dict[Act, Render] = {
    Act.LIST: _list,
    Act.SHOW: _show,
    Act.MOVE: _move,
    Act.CLAIM_NEXT: lambda h: "task_next",
    Act.ANSWER: lambda h: f"wait: a person answers {h.target}, and the answer reaches you",
    Act.RESOLVE: lambda h: f"wait: a person settles {h.target}; act on neither claim meanwhile",
    Act.TICK: lambda h: f"task_update taskId={h.target} checkpointsDone=[N]",
    Act.CREATE_SPRINT: lambda h: 'sprint action=create name="..."',
    Act.CLOSE_SPRINT: lambda h: f"sprint action=close sprintId={h.target}",
    Act.START_SESSION: lambda h: "session action=start",
    Act.RESUME: lambda h: "resume",
    Act.ACCEPT_HANDOFF: lambda h: (
        f"handoff action=accept handoffId={h.target}" if h.target else "handoff action=list"
    ),
    Act.SEARCH_MEMORY: lambda h: "recall query=WORDS",
    Act.FORCE: lambda h: None,  # only a person may force a move past a prerequisite
}


def render_hint(h: Hint) -> str | None:
    """The tool call for one hint, with where a move lands (`... -> TODO`); None if none."""
    call = RENDERERS[h.act](h)
    if call is not None and h.act is Act.MOVE and h.get("to"):
        return f"{call} -> {h.get('to')}"
    return call


def render_hints(hints: Sequence[Hint]) -> list[str]:
    """Each hint's form here once, in order, leaving out those with none."""
    return rendered(hints, render_hint)
