"""Context: what an agent saves to survive the end of its session.

The model has named fields for what matters to the next agent, and `extra` for
anything else an agent chose to save (`{"step": "API done"}` loads back as
`data["step"]`). `from_data` never fails: stored contexts outlive the code that
wrote them, so an old or unknown shape is coerced, or kept under `extra`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from attrs import field, frozen

__all__ = ["CONTEXT_FIELDS", "Context", "context_size"]

# Stored key order puts what the next agent needs first.
CONTEXT_FIELDS = (
    "current_task",
    "next_steps",
    "critical_decisions",
    "completed_steps",
    "open_questions",
    "files_touched",
    "notes",
)

# The camelCase keys of the plan's original (TypeScript) shape still load.
_ALIASES = {
    "currentTask": "current_task",
    "nextSteps": "next_steps",
    "criticalDecisions": "critical_decisions",
    "completedSteps": "completed_steps",
    "openQuestions": "open_questions",
    "filesTouched": "files_touched",
}

_MAX_DEPTH = 20


def context_size(data: Mapping[str, Any]) -> int:
    """Bytes of UTF-8 JSON, measured with json.dumps' default separators.

    Those separators are the roomiest common form, so a context within budget by
    this measure is within it however an adapter or a reader serialises it.
    """
    return len(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@frozen
class Context:
    current_task: str | None = None
    completed_steps: tuple[str, ...] = field(default=(), converter=_texts)
    next_steps: tuple[str, ...] = field(default=(), converter=_texts)
    critical_decisions: dict[str, str] = field(factory=dict)
    open_questions: tuple[str, ...] = field(default=(), converter=_texts)
    files_touched: tuple[str, ...] = field(default=(), converter=_texts)
    notes: str = ""
    extra: dict[str, Any] = field(factory=dict)
    dropped: dict[str, str] = field(factory=dict)

    @classmethod
    def from_data(cls, data: object) -> Context:
        """Any stored or submitted shape: known keys coerced, unknown ones kept in `extra`."""
        if isinstance(data, Context):
            return data
        if isinstance(data, str):
            return cls(notes=_clean(data))
        if not isinstance(data, Mapping):
            return cls(extra={"value": plain(data)} if data is not None else {})
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        dropped: dict[str, str] = {}
        for raw_key, value in data.items():
            key = _utf8(str(raw_key))
            name = _ALIASES.get(key, key)
            if name in values or (name != key and name in data):
                extra[key] = plain(value)  # an alias beside its snake_case twin
            elif name == "dropped" and isinstance(value, Mapping):
                dropped = {str(k): _clean(_as_text(v)) for k, v in value.items()}
            elif name in CONTEXT_FIELDS:
                coerced = _coerce(name, value)
                if coerced is _WRONG:
                    extra[key] = plain(value)
                else:
                    values[name] = coerced
            else:
                extra[key] = plain(value)
        return cls(**values, extra=extra, dropped=dropped)

    def to_data(self) -> dict[str, Any]:
        """The stored form: empty fields left out, `extra` keys at the top level."""
        out: dict[str, Any] = {}
        for name in CONTEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            if value:
                out[name] = value
        for key, value in self.extra.items():
            # A known name cannot hide in extra; from_data never puts one there.
            if key not in out and key not in CONTEXT_FIELDS and key != "dropped":
                out[key] = value
        if self.dropped:
            out["dropped"] = dict(self.dropped)
        return out

    @property
    def size(self) -> int:
        return context_size(self.to_data())


class _Wrong:
    pass


_WRONG: Any = _Wrong()


def _coerce(name: str, value: object) -> Any:
    if name == "current_task":
        if value is None:
            return None
        if isinstance(value, Mapping) and isinstance(value.get("id"), str):
            return _clean(value["id"]) or None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return _clean(str(value)) or None
        return _WRONG
    if name == "notes":
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return "\n".join(_clean(_as_text(v)) for v in value)
        return _clean(_as_text(value))
    if name == "critical_decisions":
        if value is None:
            return {}
        if isinstance(value, Mapping):
            return {_clean(str(k)): _clean(_as_text(v)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return {str(i): _clean(_as_text(v)) for i, v in enumerate(value, start=1)}
        if isinstance(value, str):
            return {"1": _clean(value)}
        return _WRONG
    # The list fields: one text, a list of anything, or nothing.
    if value is None:
        return ()
    if isinstance(value, str):
        return (_clean(value),)
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_clean(_as_text(v)) for v in value)
    return _WRONG


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(plain(value), ensure_ascii=False)


def _utf8(text: str) -> str:
    """Encodable: a lone surrogate would make the JSON unwritable as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _clean(text: str) -> str:
    return _utf8(text).strip()


def plain(value: object, depth: int = 0) -> Any:
    """A JSON-ready copy: what json.dumps cannot write becomes text, NaN included."""
    if depth > _MAX_DEPTH:
        return _clean(repr(value)[:200])
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _utf8(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Enum):
        return plain(value.value, depth + 1)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_utf8(str(k)): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v, depth + 1) for v in value), key=repr)
    return _clean(str(value))
