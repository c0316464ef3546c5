"""Words from people, as the block that rides at the end of a tool reply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestron.core import Message

__all__ = ["message_block", "message_dict"]


def message_dict(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": message.id,
        "kind": message.kind.value,
        "from": message.author,
        "text": message.text,
    }
    if message.task_id:
        out["taskId"] = message.task_id
    if message.request_id:
        out["requestId"] = message.request_id
    return out


def message_block(messages: Sequence[Message]) -> str:
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
