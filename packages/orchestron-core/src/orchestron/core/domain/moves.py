"""The status moves the workflow rules offer a task, as hints each door renders.

A refused status move lists what would move the task instead: one `MOVE`
hint per rule that applies from its status, naming the event and where it
lands (a rule back to PREVIOUS lands on the status the task had before it was
paused or blocked). The CLI shows them as commands (`orchestron task reopen
TASK-001`), the MCP server as `task_update ... event=...`, the dashboard as its
buttons.
"""

from __future__ import annotations

from orchestron.core.domain.rules import PREVIOUS, RuleSet
from orchestron.core.domain.task import Task
from orchestron.core.errors import Act, Hint

__all__ = ["EVENT_WORDS", "move_hints", "moved_by"]

# How a person says each default event, for a reason that names no door:
# "TASK-001 is TODO; it can be approved only from IN_REVIEW".
EVENT_WORDS: dict[str, str] = {
    "task_started": "started",
    "tests_pass": "sent to review",
    "review_requested": "sent to review",
    "review_approved": "approved",
    "review_rejected": "sent back from review",
    "task_completed": "finished",
    "task_released": "released",
    "blocked_on_human": "blocked on a question",
    "human_answered": "unblocked by an answer",
    "task_paused": "paused",
    "task_resumed": "resumed",
    "task_cancelled": "cancelled",
    "task_reopened": "reopened",
}


def moved_by(event: str) -> str:
    """`approved` for review_approved; `moved by EVENT` for an event of the project's own."""
    return EVENT_WORDS.get(event, f"moved by {event}")


def move_hints(rules: RuleSet, task: Task) -> tuple[Hint, ...]:
    """Every move the rules allow `task` from its status, one hint per event."""
    out: list[Hint] = []
    seen: set[str] = set()
    for rule in rules.moves_from(task.status):
        if rule.when in seen:
            continue
        to = task.paused_from.value if rule.to == PREVIOUS and task.paused_from else rule.to
        if to == PREVIOUS:
            continue
        seen.add(rule.when)
        out.append(Hint(Act.MOVE, task.id, {"event": rule.when, "to": to}))
    return tuple(out)
