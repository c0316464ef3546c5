"""The event log: every change appends one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import field, frozen

__all__ = ["Event", "event_summary"]

SUMMARY_VALUE = 60  # characters of one value in a summary


@frozen
class Event:
    at: datetime
    actor: str
    entity: str
    kind: str
    data: dict[str, Any] = field(factory=dict)
    seq: int | None = None


def event_summary(event: Event) -> str:
    """One short line for a person, the same in every door: a status move as
    `TODO → IN_PROGRESS (note)`, an edit as `priority=HIGH`, anything else as
    `key=value` pairs. A true flag shows as its name, a false one not at all, and no
    value shows as a Python repr."""
    data = event.data
    if event.kind.endswith("status_changed") and "from" in data:
        text = f"{data.get('from')} → {data.get('to')}"
        if data.get("forced"):
            text += f" past {_text(data.get('blockers') or [])}, forced: {_text(data['forced'])}"
        return text + (f" ({_text(data['note'])})" if data.get("note") else "")
    if event.kind.endswith(".updated") and isinstance(data.get("changes"), dict):
        data = data["changes"]
    parts = []
    for key, value in data.items():
        if value is True:
            parts.append(key)
        elif value not in (None, False, "", [], {}):
            parts.append(f"{key}={_text(value)}")
    return " ".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        text = ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(_text(v) for v in value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_VALUE else text[: SUMMARY_VALUE - 1] + "…"
