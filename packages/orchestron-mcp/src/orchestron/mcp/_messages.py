"""Words from people, as the block that rides at the end of a tool reply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["message_block", "message_dict"]


def message_dict(message: Any) -> dict[str, Any]:
    kind = getattr(message, "kind", "")
    out: dict[str, Any] = {
        "id": getattr(message, "id", None),
        "kind": getattr(kind, "value", str(kind)),
        "from": getattr(message, "author", None),
        "text": getattr(message, "text", ""),
    }
    for key, attr in (("taskId", "task_id"), ("requestId", "request_id")):
        value = getattr(message, attr, None)
        if value:
            out[key] = value
    return out


def message_block(messages: Sequence[Any]) -> str:
    """A plain block the model cannot miss; empty when there is nothing new."""
    if not messages:
        return ""
    noun = "message" if len(messages) == 1 else "messages"
    lines = [f"[orchestron] {len(messages)} new {noun} from a person (act on it before going on):"]
    for m in messages:
        d = message_dict(m)
        about = f" on {d['taskId']}" if d.get("taskId") else ""
        lines.append(f"- {d['kind']}{about} from {d['from'] or 'a person'}: {d['text']}")
    return "\n".join(lines)
