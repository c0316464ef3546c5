"""Status rules as data: (from, to, when-event, optional guard).

A target of PREVIOUS restores the status a task had before it was paused or
blocked. The project config may replace or extend the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import field, frozen

from orchestron.core.domain.enums import TaskStatus

__all__ = ["DEFAULT_RULES", "GUARDS", "PREVIOUS", "Rule", "RuleSet"]

PREVIOUS = "PREVIOUS"

_OPEN = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW)
_UNFINISHED = (*_OPEN, TaskStatus.BLOCKED, TaskStatus.PAUSED)


def _statuses(values: Iterable[TaskStatus]) -> tuple[TaskStatus, ...]:
    return tuple(values)


def _rules(values: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(values)


@frozen
class Rule:
    from_: tuple[TaskStatus, ...] = field(converter=_statuses)
    to: str
    when: str
    guard: str | None = None

    def describe(self) -> str:
        guard = f" if {self.guard}" if self.guard else ""
        return f"{self.when} -> {self.to}{guard}"


def _rule(
    from_: Iterable[TaskStatus] | TaskStatus,
    to: TaskStatus | str,
    when: str,
    guard: str | None = None,
) -> Rule:
    src = (from_,) if isinstance(from_, TaskStatus) else tuple(from_)
    return Rule(from_=src, to=str(to), when=when, guard=guard)


DEFAULT_RULES: tuple[Rule, ...] = (
    _rule(TaskStatus.TODO, TaskStatus.IN_PROGRESS, "task_started"),
    _rule(TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, "tests_pass"),
    _rule(TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, "review_requested"),
    _rule(TaskStatus.IN_REVIEW, TaskStatus.DONE, "review_approved"),
    _rule(TaskStatus.IN_REVIEW, TaskStatus.IN_PROGRESS, "review_rejected"),
    _rule(
        (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW),
        TaskStatus.DONE,
        "task_completed",
    ),
    _rule((TaskStatus.IN_PROGRESS,), TaskStatus.TODO, "task_released"),
    _rule(_OPEN, TaskStatus.BLOCKED, "blocked_on_human"),
    _rule(TaskStatus.BLOCKED, PREVIOUS, "human_answered"),
    _rule((*_OPEN, TaskStatus.BLOCKED), TaskStatus.PAUSED, "task_paused"),
    _rule(TaskStatus.PAUSED, PREVIOUS, "task_resumed"),
    _rule(_UNFINISHED, TaskStatus.CANCELLED, "task_cancelled"),
    _rule((TaskStatus.DONE, TaskStatus.CANCELLED), TaskStatus.TODO, "task_reopened"),
)


@frozen
class RuleSet:
    rules: tuple[Rule, ...] = field(default=DEFAULT_RULES, converter=_rules)

    def find(self, status: TaskStatus, when: str) -> list[Rule]:
        return [r for r in self.rules if r.when == when and status in r.from_]

    def moves_from(self, status: TaskStatus) -> list[Rule]:
        return [r for r in self.rules if status in r.from_]

    def allowed(self, status: TaskStatus) -> list[str]:
        return [r.describe() for r in self.moves_from(status)]

    def events(self) -> Sequence[str]:
        return sorted({r.when for r in self.rules})


# Guards a rule may name, with what a refusal tells the user. The task service
# evaluates them; the config loader accepts only these names.
GUARDS: dict[str, str] = {
    "checkpoints_done": "every checkpoint must be done first",
    "no_open_requests": "every open question to a person must be answered first",
}
