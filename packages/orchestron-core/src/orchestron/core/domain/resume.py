"""What a starting agent is handed: what to do now, and what it needs to do it."""

from __future__ import annotations

from typing import Any, Literal

from attrs import field, frozen

from orchestron.core.domain.handoff import Handoff
from orchestron.core.domain.human import HumanRequest, Message
from orchestron.core.domain.task import Checkpoint, Task
from orchestron.core.errors import Hint

__all__ = ["ResumeKind", "ResumePackage"]

# handoff: take over what another session handed on; unfinished: carry on with
# work in progress (held already, or left by a session that ended or lapsed);
# next: start the best ready task; idle: nothing to do.
ResumeKind = Literal["handoff", "unfinished", "next", "idle"]


def _steps(values: Any) -> tuple[Checkpoint, ...]:
    return tuple(values)


@frozen
class ResumePackage:
    kind: ResumeKind
    instruction: str
    task: Task | None = None
    context: dict[str, Any] | None = None
    handoff: Handoff | None = None
    checkpoints: tuple[Checkpoint, ...] = field(default=(), converter=_steps)
    # Human messages handed over with the package (marked delivered when taken).
    messages: list[Message] = field(factory=list)
    # Whether the task is now held by the session that asked (False when previewing).
    claimed: bool = False
    # Questions about the task still waiting for a person (as of now, not as packaged).
    requests: list[HumanRequest] = field(factory=list)
    # What to do to take it, for a preview (each door renders them as its own command).
    hints: tuple[Hint, ...] = ()
    # Index of project memory for the task in hand: one short line per entry, disputed
    # ones first, within Settings.memory_index_budget bytes; bodies through `recall`.
    memory: list[str] = field(factory=list)
