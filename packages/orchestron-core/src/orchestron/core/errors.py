"""One small hierarchy of errors; each door maps them once to its own form.

An error says what went wrong in plain English that names no door (`reason`),
and may carry `hints`: the next steps that would help, as structured data
(`Hint`: an action and its target, such as "reopen TASK-001" or "list
tasks"). Each door renders a hint once, as its own command: the CLI as
`orchestron task reopen TASK-001`, the MCP server as
`task_update taskId=TASK-001 event=task_reopened`, the dashboard as the button
or page that does it. `message` is the reason with the hints in door-neutral
words, for logs and for anything that only prints the error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from attrs import field, frozen

__all__ = [
    "Act",
    "ConflictError",
    "CycleError",
    "ForbiddenError",
    "Hint",
    "InvalidInputError",
    "NotFoundError",
    "OrchestronError",
    "StorageError",
    "hint",
    "rendered",
    "shown",
]

MAX_MESSAGE = 2000
"""Characters an error message may take: a message that quotes the input must not grow with it."""


def shown(value: object, limit: int = 60) -> str:
    """`value` as an error message quotes it (its repr), cut to about `limit` characters."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4,300-digit limit for text
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"  # type: ignore[attr-defined]
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}…"


def _bounded(message: str) -> str:
    """Long messages keep their start (what was wrong) and end (how to fix it)."""
    if len(message) <= MAX_MESSAGE:
        return message
    head, tail = MAX_MESSAGE * 2 // 3, MAX_MESSAGE // 4
    return f"{message[:head]} …[{len(message) - head - tail:,} characters cut]… {message[-tail:]}"


T = TypeVar("T")


class Act(StrEnum):
    """What a hint asks the reader to do. Every door names its own command for each
    (a test holds each door to the whole list)."""

    LIST = "list"
    """target: what to list (`tasks`, `sprints`, `requests`, `memory`, `handoffs`,
    `sessions`); options narrow it (`parent`, `status`, `session`, `pending`)."""
    SHOW = "show"
    """target: one id (a task, sprint, request, memory entry, session)."""
    MOVE = "move"
    """target: a task id; options `event` (the workflow event) and `to` (where it lands)."""
    CLAIM_NEXT = "claim_next"
    """Take the best ready task (for a person: see which one it is)."""
    ANSWER = "answer"
    """target: an open request id."""
    RESOLVE = "resolve"
    """target: a memory dispute (its request id); option `keep` (an entry id)."""
    TICK = "tick"
    """target: a task id: tick one of its checkpoints off."""
    CREATE_SPRINT = "create_sprint"
    CLOSE_SPRINT = "close_sprint"
    """target: a sprint id."""
    START_SESSION = "start_session"
    """option `agent`: start a session as that agent."""
    RESUME = "resume"
    """Ask for the resume package (handoff, unfinished work, or the next task)."""
    ACCEPT_HANDOFF = "accept_handoff"
    """target: a handoff id."""
    SEARCH_MEMORY = "search_memory"
    """Search project memory; option `status` narrows it."""
    FORCE = "force"
    """target: a task id; option `to`: move it there past its open prerequisites, as a
    person's override with a reason (an agent cannot)."""


def _options(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@frozen
class Hint:
    """A next step, door-neutral: an action, its target and a few named values."""

    act: Act
    target: str = ""
    options: tuple[tuple[str, str], ...] = field(default=(), converter=_options)

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.options if k == name), default)

    @property
    def kind(self) -> str:
        """What the target id names, by its prefix: `TASK` for TASK-001, `MEM` for MEM-002."""
        return self.target.rpartition("-")[0].upper()

    def describe(self) -> str:
        """The step in plain words that name no door (`task_reopened -> TODO`, `list tasks`)."""
        act, target = self.act, self.target
        if act is Act.MOVE:
            return f"{self.get('event')} -> {self.get('to')}"
        words = {
            Act.LIST: f"list {target}",
            Act.SHOW: f"show {target}",
            Act.CLAIM_NEXT: "take the next ready task",
            Act.ANSWER: f"answer {target}",
            Act.RESOLVE: f"settle {target}" + (f" keeping {k}" if (k := self.get("keep")) else ""),
            Act.TICK: f"tick off a checkpoint of {target}",
            Act.CREATE_SPRINT: "create a new sprint",
            Act.CLOSE_SPRINT: f"close {target} first",
            Act.START_SESSION: "start a new session"
            + (f" as {a}" if (a := self.get("agent")) else ""),
            Act.RESUME: "resume to pick up the work",
            Act.ACCEPT_HANDOFF: f"accept handoff {target or ''}".rstrip(),
            Act.SEARCH_MEMORY: "search project memory",
            Act.FORCE: f"as a person, force {target} to {self.get('to')} with a reason",
        }
        return words[act]


def hint(act: Act | str, target: str = "", **options: str) -> Hint:
    """`hint(Act.MOVE, "TASK-001", event="task_reopened", to="TODO")`."""
    return Hint(Act(act), target, options)


def rendered(hints: Iterable[Hint], render: Callable[[Hint], T | None]) -> list[T]:
    """Each hint as a door renders it, once and in order; those it has no form for
    (`render` gives None) are left out. Two hints a door says the same way count once."""
    out: list[T] = []
    for h in hints:
        shown = render(h)
        if shown is not None and shown not in out:
            out.append(shown)
    return out


def _join(reason: str, steps: Sequence[str], *, refusal: bool = False) -> str:
    if not steps:
        return reason
    if refusal:
        return f"{reason} (allowed: {', '.join(steps)})"
    return f"{reason}; try {' or '.join(steps)}"


class OrchestronError(Exception):
    """Base of every error Orchestron raises on purpose.

    `reason` is what went wrong; `hints` what would help; `message` both, in words
    that name no door.
    """

    def __init__(self, message: str, *, hints: Sequence[Hint] = ()) -> None:
        message = _bounded(message)
        self.reason = message
        self.hints: tuple[Hint, ...] = tuple(hints)
        self.message = _join(message, [h.describe() for h in self.hints])
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def explain(self, steps: Sequence[str], *, reason: str | None = None) -> str:
        """The reason (or a door's wording of it) and the hints as that door renders them
        (`steps`), joined as `message` joins them; with no steps, the older `allowed`."""
        return _join(self.reason if reason is None else reason, steps)


# What to list when an id names nothing, by the entity it was meant to name.
_LISTS = {
    "task": "tasks",
    "sprint": "sprints",
    "request": "requests",
    "memory": "memory",
    "handoff": "handoffs",
    "session": "sessions",
}


class NotFoundError(OrchestronError):
    """An id that names nothing; unless told otherwise, the hint is to list what exists.

    `hint` may be a Hint (or several), or, for older callers, a few words that are
    appended to the message as they are.
    """

    def __init__(self, entity: str, ident: str, hint: str | Hint | Sequence[Hint] = "") -> None:
        text = f"{entity} {ident if len(ident) <= 80 else shown(ident)} not found"
        if isinstance(hint, str):
            hints: tuple[Hint, ...] = ()
            if hint:
                text += f"; {hint}"
            elif entity in _LISTS:
                hints = (Hint(Act.LIST, _LISTS[entity]),)
        else:
            hints = (hint,) if isinstance(hint, Hint) else tuple(hint)
        super().__init__(text, hints=hints)
        self.entity = entity
        self.ident = ident


class ConflictError(OrchestronError):
    """A write based on a stale version, or a claim already held."""

    def __init__(
        self,
        message: str,
        *,
        entity: str = "",
        ident: str = "",
        current_version: int | None = None,
        changed_by: str | None = None,
        hints: Sequence[Hint] = (),
    ) -> None:
        super().__init__(message, hints=hints)
        self.entity = entity
        self.ident = ident
        self.current_version = current_version
        self.changed_by = changed_by

    @classmethod
    def stale(
        cls, entity: str, ident: str, expected: int, current: int, changed_by: str | None
    ) -> ConflictError:
        who = f" by {changed_by}" if changed_by else ""
        return cls(
            f"{entity} {ident} changed since you read it: you had version {expected}, "
            f"it is now version {current} (changed{who}); re-read it and retry",
            entity=entity,
            ident=ident,
            current_version=current,
            changed_by=changed_by,
        )


class InvalidInputError(OrchestronError):
    """Bad input; `field` names what was wrong."""

    def __init__(self, field: str, message: str, *, hints: Sequence[Hint] = ()) -> None:
        super().__init__(f"{field}: {message}", hints=hints)
        self.field = field


class ForbiddenError(OrchestronError):
    """A rule said no: `reason` says why, `hints` what would do instead.

    `allowed` (plain strings) is the older form of the hints, kept while callers
    move to `hints=`; given hints, `allowed` is their door-neutral description.
    """

    def __init__(
        self, reason: str, allowed: Sequence[str] = (), *, hints: Sequence[Hint] = ()
    ) -> None:
        super().__init__(reason, hints=hints)
        self.allowed = tuple(h.describe() for h in self.hints) or tuple(allowed)
        self.message = _join(reason, self.allowed, refusal=True)
        self.args = (self.message,)

    def explain(self, steps: Sequence[str], *, reason: str | None = None) -> str:
        text = self.reason if reason is None else reason
        if self.hints and not any(h.act is Act.MOVE for h in self.hints):
            return _join(text, steps)
        return _join(text, steps if self.hints else self.allowed, refusal=True)


class CycleError(ForbiddenError):
    """A dependency that would close a cycle; `cycle` lists it, first id repeated last."""

    def __init__(self, cycle: Sequence[str]) -> None:
        super().__init__(
            f"dependency refused: it would close the cycle {' -> '.join(cycle)}; "
            "remove one of those dependencies first or drop this one"
        )
        self.cycle = tuple(cycle)


class StorageError(OrchestronError):
    """The store cannot serve: schema too new, unreachable server, and the like."""

    def __init__(
        self, message: str, *, retryable: bool = False, hints: Sequence[Hint] = ()
    ) -> None:
        super().__init__(message, hints=hints)
        self.retryable = retryable
