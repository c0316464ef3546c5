"""The core's hints as the dashboard's buttons and pages: the one place the dashboard names
what a person clicks for a next step (`Hint(MOVE, TASK-001, event=review_approved)` ->
Approve on /tasks/TASK-001). What has no button here is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from attrs import frozen

from orchestron.core.errors import Act, Hint, rendered

__all__ = [
    "RENDERERS",
    "Step",
    "menu_moves",
    "move_label",
    "page_moves",
    "render_hints",
    "steps_json",
]


@frozen
class Step:
    """A button or page: what it is called and where it is."""

    label: str
    href: str

    @property
    def text(self) -> str:
        return f"{self.label} ({self.href})"


Render = Callable[[Hint], "Step | None"]

# Moves that have a button of their own on the task page; any other is "Move to X".
_BUTTONS: dict[str, str] = {
    "review_approved": "Approve",
    "review_rejected": "Reject",
    "task_paused": "Pause",
    "task_resumed": "Resume",
    "human_answered": "Answer",
}
_AGENT_ONLY = frozenset({"blocked_on_human"})
_LISTS: dict[str, Step] = {
    "tasks": Step("the board", "/"),
    "sprints": Step("Sprints", "/sprints"),
    "requests": Step("the Inbox", "/inbox"),
    "memory": Step("Memory", "/memory"),
    "handoffs": Step("Sessions", "/sessions"),
    "sessions": Step("Sessions", "/sessions"),
}
_PAGES: dict[str, Callable[[str], Step]] = {
    "TASK": lambda i: Step(f"{i}'s page", f"/tasks/{i}"),
    "SPRINT": lambda i: Step(f"{i}'s page", f"/sprints/{i}"),
    "MEM": lambda i: Step("Memory", "/memory"),
    "SES": lambda i: Step("Sessions", "/sessions"),
    "HO": lambda i: Step("Sessions", "/sessions"),
    "REQ": lambda i: Step("the Inbox", "/inbox"),
}


def move_label(event: str, to: str) -> str:
    """The task page's button for a move: `Approve`, or `Move to DONE`."""
    return _BUTTONS.get(event, f"Move to {to}")


def page_moves(hints: Sequence[Hint]) -> list[Hint]:
    """The moves the task page offers, one per place to land: a move with a button of its
    own (Approve lands on DONE) takes its target, so "Move to DONE" is not offered beside
    it; moves only an agent makes are left out."""
    moves = [h for h in hints if h.act is Act.MOVE and h.get("event") not in _AGENT_ONLY]
    taken = {h.get("to") for h in moves if h.get("event") in _BUTTONS}
    out: list[Hint] = []
    for h in moves:
        plain = h.get("event") not in _BUTTONS
        if plain and (h.get("to") in taken or any(o.get("to") == h.get("to") for o in out)):
            continue
        out.append(h)
    return out


def _list(h: Hint) -> Step | None:
    if h.target == "tasks" and h.get("status"):
        return Step("the task list", f"/tasks?status={h.get('status')}")
    if h.target == "tasks" and h.get("session"):
        return _LISTS["sessions"]
    return _LISTS.get(h.target)


def _page(h: Hint) -> Step | None:
    page = _PAGES.get(h.kind)
    return page(h.target) if page else None


def _move(h: Hint) -> Step | None:
    if h.get("event") in _AGENT_ONLY:
        return None
    return Step(move_label(h.get("event"), h.get("to")), f"/tasks/{h.target}")


RENDERERS: dict[Act, Render] = {
    Act.LIST: _list,
    Act.SHOW: _page,
    Act.MOVE: _move,
    Act.CLAIM_NEXT: lambda h: None,  # agents take work; a person watches the board
    Act.ANSWER: lambda h: Step("Answer in the Inbox", "/inbox"),
    Act.RESOLVE: lambda h: Step("Keep, Both or Neither on the Memory page", "/memory"),
    Act.TICK: lambda h: None,
    Act.CREATE_SPRINT: lambda h: None,
    Act.CLOSE_SPRINT: lambda h: None,
    Act.START_SESSION: lambda h: None,
    Act.RESUME: lambda h: None,
    Act.ACCEPT_HANDOFF: lambda h: None,
    Act.SEARCH_MEMORY: lambda h: Step("Memory", "/memory"),
    Act.FORCE: lambda h: Step("Mark done anyway on its page", f"/tasks/{h.target}"),
}


def menu_moves(hints: Sequence[Hint]) -> list[str]:
    """Where the task page's "Move" menu can take the task: the moves with no button."""
    return [h.get("to") for h in page_moves(hints) if h.get("event") not in _BUTTONS]


def render_hints(hints: Sequence[Hint]) -> list[Step]:
    """Each hint's button or page once, in order, leaving out those with none here (and
    a move whose place a button already takes)."""
    moves = page_moves(hints)
    kept = [h for h in hints if h.act is not Act.MOVE or h in moves]
    return rendered(kept, lambda h: RENDERERS[h.act](h))


def steps_json(steps: Sequence[Step]) -> list[dict[str, Any]]:
    return [{"label": s.label, "href": s.href} for s in steps]
