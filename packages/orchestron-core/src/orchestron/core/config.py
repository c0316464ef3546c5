"""The project config (`.orchestron/config.toml`): parsed and checked, never read here.

The runtime reads the file; this module turns its text into a `ProjectConfig`
or refuses it with an `InvalidInputError` whose field is the key path
(`workflow.rules[2].to`), with the bad value and what is allowed. Unknown keys
are refused too: a typo that silently does nothing is worse than an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import evolve, field, frozen

from orchestron.core.domain.enums import TaskStatus
from orchestron.core.domain.notifications import NotificationKind
from orchestron.core.domain.rules import DEFAULT_RULES, GUARDS, PREVIOUS, Rule, RuleSet
from orchestron.core.errors import InvalidInputError
from orchestron.core.services.settings import Settings

__all__ = ["DEFAULT_CONFIG_TOML", "ProjectConfig", "WebhookConfig", "merge_rules"]

_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TARGETS = [*(s.value for s in TaskStatus), PREVIOUS]


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@frozen
class WebhookConfig:
    """One `[[notify.webhooks]]` table: where to POST and which kinds (empty: all)."""

    url: str
    events: tuple[str, ...] = field(default=(), converter=_names)
    timeout: float = 5.0
    retries: int = 3


@frozen
class ProjectConfig:
    settings: Settings = field(factory=Settings)
    rules: RuleSet = field(factory=RuleSet)
    webhooks: list[WebhookConfig] = field(factory=list)
    log_notifications: bool = False
    hooks: dict[str, Any] = field(factory=dict)
    source: str = ""

    @classmethod
    def from_toml(cls, text: str, source: str = ".orchestron/config.toml") -> ProjectConfig:
        """Parse and check config text; `source` names the file in error messages."""
        if not _has_settings(text):
            return _Reader(source).config({})  # `init`'s all-comment file: no TOML parser needed
        import tomllib  # a few ms of every command's start-up, so only when there is TOML

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInputError(source, f"not valid TOML: {exc}") from exc
        return _Reader(source).config(data)


def _has_settings(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def merge_rules(
    custom: Sequence[Rule], defaults: Iterable[Rule] = DEFAULT_RULES
) -> tuple[Rule, ...]:
    """Custom rules extend the defaults and win where they overlap.

    A custom rule for event E from statuses S takes E from S away from the
    default rules (otherwise a default rule without a guard would always match
    first and a stricter custom rule could never apply). Custom rules come first
    and keep their order: for one event the first rule whose guard passes wins.
    """
    covered: dict[str, set[TaskStatus]] = {}
    for rule in custom:
        covered.setdefault(rule.when, set()).update(rule.from_)
    kept: list[Rule] = []
    for rule in defaults:
        left = tuple(s for s in rule.from_ if s not in covered.get(rule.when, set()))
        if left:
            kept.append(evolve(rule, from_=left))
    return (*custom, *kept)


class _Reader:
    """Walks the parsed TOML, naming the key path in every refusal."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> InvalidInputError:
        return InvalidInputError(path, f"{message} (in {self.source})")

    def table(self, value: object, path: str, allowed: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a table, not {value!r}")
        for key in value:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise self.fail(where, f"unknown key; allowed here: {', '.join(allowed)}")
        return value

    def boolean(self, value: object, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"must be true or false, not {value!r}")
        return value

    def number(self, value: object, path: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"must be a number from {low:g} to {high:g}, not {value!r}")
        if not low <= value <= high:
            raise self.fail(path, f"must be from {low:g} to {high:g}, not {value!r}")
        return float(value)

    def integer(self, value: object, path: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"must be a whole number from {low} to {high}, not {value!r}")
        if not low <= value <= high:
            raise self.fail(path, f"must be from {low} to {high}, not {value!r}")
        return value

    def config(self, data: dict[str, Any]) -> ProjectConfig:
        top = self.table(data, "", ["workflow", "sessions", "context", "notify", "hooks"])
        settings = Settings()
        rules = RuleSet()
        if "sessions" in top:
            sessions = self.table(top["sessions"], "sessions", ["lease_seconds"])
            if "lease_seconds" in sessions:
                lease = self.number(sessions["lease_seconds"], "sessions.lease_seconds", 10, 86400)
                settings = evolve(settings, lease_seconds=lease)
        if "context" in top:
            context = self.table(top["context"], "context", ["budget_bytes"])
            if "budget_bytes" in context:
                budget = self.integer(context["budget_bytes"], "context.budget_bytes", 512, 1 << 20)
                settings = evolve(settings, context_budget=budget)
        if "workflow" in top:
            settings, rules = self.workflow(top["workflow"], settings)
        webhooks: list[WebhookConfig] = []
        log = False
        if "notify" in top:
            notify = self.table(top["notify"], "notify", ["log", "webhooks"])
            if "log" in notify:
                log = self.boolean(notify["log"], "notify.log")
            webhooks = self.webhooks(notify.get("webhooks", []))
        hooks = self.table(top.get("hooks", {}), "hooks", list(top.get("hooks", {})))
        return ProjectConfig(
            settings=settings,
            rules=rules,
            webhooks=webhooks,
            log_notifications=log,
            hooks=hooks,
            source=self.source,
        )

    def workflow(self, value: object, settings: Settings) -> tuple[Settings, RuleSet]:
        flow = self.table(value, "workflow", ["replace_rules", "auto_complete_parents", "rules"])
        if "auto_complete_parents" in flow:
            auto = self.boolean(flow["auto_complete_parents"], "workflow.auto_complete_parents")
            settings = evolve(settings, auto_complete_parents=auto)
        replace = self.boolean(flow.get("replace_rules", False), "workflow.replace_rules")
        raw = flow.get("rules", [])
        if not isinstance(raw, list):
            raise self.fail("workflow.rules", "must be an array of [[workflow.rules]] tables")
        custom = [self.rule(item, f"workflow.rules[{i}]") for i, item in enumerate(raw)]
        if replace and not custom:
            raise self.fail(
                "workflow.replace_rules",
                "is true but no [[workflow.rules]] follow: every status change would be refused",
            )
        return settings, RuleSet(custom if replace else merge_rules(custom))

    def rule(self, value: object, path: str) -> Rule:
        item = self.table(value, path, ["from", "to", "when", "guard"])
        for key in ("from", "to", "when"):
            if key not in item:
                raise self.fail(f"{path}.{key}", "is missing; a rule needs from, to and when")
        sources = item["from"] if isinstance(item["from"], list) else [item["from"]]
        if not sources:
            raise self.fail(f"{path}.from", "must name at least one status")
        statuses = [s.value for s in TaskStatus]
        from_ = tuple(TaskStatus(self.choice(s, f"{path}.from", statuses)) for s in sources)
        to = self.choice(item["to"], f"{path}.to", _TARGETS)
        when = item["when"]
        if not isinstance(when, str) or not _EVENT_NAME.match(when):
            raise self.fail(
                f"{path}.when",
                f"{when!r} is not an event name: lower-case letters, digits and _ "
                "(e.g. review_approved)",
            )
        guard = item.get("guard")
        if guard is not None and guard not in GUARDS:
            raise self.fail(f"{path}.guard", f"{guard!r} is not one of {', '.join(GUARDS)}")
        if to in from_:
            raise self.fail(f"{path}.to", f"{to} is also in from; a rule must change the status")
        return Rule(from_=from_, to=to, when=when, guard=guard)

    def choice(self, value: object, path: str, allowed: Sequence[str]) -> str:
        text = value.strip().upper() if isinstance(value, str) else None
        if text is None or text not in allowed:
            raise self.fail(path, f"{value!r} is not one of {', '.join(allowed)}")
        return text

    def webhooks(self, value: object) -> list[WebhookConfig]:
        if not isinstance(value, list):
            raise self.fail("notify.webhooks", "must be an array of [[notify.webhooks]] tables")
        return [self.webhook(item, f"notify.webhooks[{i}]") for i, item in enumerate(value)]

    def webhook(self, value: object, path: str) -> WebhookConfig:
        item = self.table(value, path, ["url", "events", "timeout", "retries"])
        url = item.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            raise self.fail(f"{path}.url", f"must be an http:// or https:// URL, not {url!r}")
        kinds = [k.value for k in NotificationKind]
        raw = item.get("events", [])
        if not isinstance(raw, list):
            raise self.fail(f"{path}.events", f"must be a list of kinds from {', '.join(kinds)}")
        events = tuple(self.choice(e, f"{path}.events", kinds) for e in raw)
        timeout = self.number(item.get("timeout", 5), f"{path}.timeout", 0.1, 120)
        retries = self.integer(item.get("retries", 3), f"{path}.retries", 0, 10)
        return WebhookConfig(url=url, events=events, timeout=timeout, retries=retries)


DEFAULT_CONFIG_TOML = """\
# Orchestron project settings. Every line below is commented out: the value
# shown is the default. Uncomment a line to change it. An unknown key or a
# bad value is refused when Orchestron starts, naming the key.

[sessions]
# Seconds a session stays alive without activity; after that it is abandoned
# and its tasks are released for another agent.
# lease_seconds = 300

[context]
# Hard limit, in bytes of JSON, of the context an agent saves for its next
# session; what matters least is dropped first, and the drop is reported.
# budget_bytes = 4096

[workflow]
# Complete a parent task (an epic, a story) when all its children are done.
# auto_complete_parents = true
#
# Status rules: on event `when`, a task in one of the `from` statuses moves to
# `to` (a status, or PREVIOUS: the one it had before it was paused or blocked),
# if the optional `guard` holds (checkpoints_done, no_open_requests).
# Your rules extend the defaults and take precedence over them for the same
# event from the same status; set replace_rules = true to use only yours.
# The defaults: task_started TODO->IN_PROGRESS, tests_pass and review_requested
# IN_PROGRESS->IN_REVIEW, review_approved IN_REVIEW->DONE, review_rejected
# IN_REVIEW->IN_PROGRESS, task_completed ->DONE, task_released IN_PROGRESS->TODO,
# blocked_on_human ->BLOCKED, human_answered BLOCKED->PREVIOUS, task_paused
# ->PAUSED, task_resumed PAUSED->PREVIOUS, task_cancelled, task_reopened.
# replace_rules = false
#
# Example: a review may approve a task only when its checkpoints are done.
# [[workflow.rules]]
# from = ["IN_REVIEW"]
# to = "DONE"
# when = "review_approved"
# guard = "checkpoints_done"

[notify]
# Write one line per notification to standard error.
# log = false
#
# POST each notification as JSON to a URL (nothing leaves the machine unless
# you add one). `events` limits the kinds sent (empty: all of them):
# INTERVENTION_NEEDED, CLARIFICATION_REQUESTED, REVIEW_REQUESTED, TASK_PAUSED,
# TASK_RESUMED, TASK_DONE. A failed POST is retried `retries` times, each
# waiting at most `timeout` seconds; what still fails stays queued for later.
# [[notify.webhooks]]
# url = "https://example.com/orchestron"
# events = ["INTERVENTION_NEEDED", "CLARIFICATION_REQUESTED"]
# timeout = 5
# retries = 3

# Claude Code hooks (`orchestron setup claude`, or the plugin): see
# docs/claude-code.md. Uncomment the [hooks] line to change one of these.
# [hooks]
# Turn a hook off: session_start, user_prompt_submit, pre_tool_use,
# post_tool_use, pre_compact, session_end.
# pre_tool_use = true
# Tools denied while a person has paused the task or it waits for an answer
# (the default adds Orchestron's task_create, task_update, task_complete,
# task_next and sprint); allow_tools = [...] takes some off the list instead.
# deny_tools = ["Edit", "Write", "MultiEdit", "NotebookEdit", "Bash"]
# claim_next = false           # SessionStart claims the next ready task
# channel = false              # orchestron-mcp pushes messages as channel events
"""
