"""What the model reads from a hook: people's messages, and why a tool was denied."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["clip", "deny_reason", "message_block"]

MAX_MESSAGE_CHARS = 1500  # one message in a hook's output; longer ones are cut


def clip(text: str, limit: int) -> str:
    """`text` on one line's worth of whitespace, cut to `limit` characters with a mark."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"


def message_block(messages: Sequence[object], limit: int = MAX_MESSAGE_CHARS) -> str:
    """People's words for the agent, plainly marked; empty when there are none.

    Each message is the core's `Message`, or a mapping with its `kind`, `text`,
    `author` and `task_id`.
    """
    if not messages:
        return ""
    noun = "message" if len(messages) == 1 else "messages"
    lines = [f"[orchestron] {len(messages)} new {noun} from a person (act on it before going on):"]
    for m in messages:
        kind = _field(m, "kind") or "MESSAGE"
        task = _field(m, "task_id")
        about = f" on {task}" if task else ""
        author = _field(m, "author") or "a person"
        lines.append(f"- {kind}{about} from {author}: {clip(_field(m, 'text'), limit)}")
    return "\n".join(lines)


def _field(message: object, name: str) -> str:
    value = message.get(name) if isinstance(message, Mapping) else getattr(message, name, None)
    value = getattr(value, "value", value)  # an enum's text
    return str(value) if value else ""


def deny_reason(
    task_id: str,
    title: str,
    status: str,
    *,
    reason: str = "",
    by: str = "",
    requests: Sequence[tuple[str, str]] = (),
    tool: str = "",
) -> str:
    """The text the model reads when a tool that changes things is denied."""
    what = f"{tool} is not allowed now" if tool else "Changes are not allowed now"
    named = f'{task_id} "{clip(title, 80)}"'
    if status == "PAUSED":
        who = by or "a person"
        said = f": {_sentence(clip(reason, 600))}" if reason else "."
        head = f"{what}: {named} was paused by {who}{said}"
        tail = (
            "Stop changing things until a person resumes it. Read-only tools still work; "
            "ask_human if you need to say something."
        )
    else:
        asked = "; ".join(f'{rid}: "{clip(text, 300)}"' for rid, text in requests[:3])
        head = f"{what}: {named} waits for a person's answer" + (f" to {asked}." if asked else ".")
        tail = (
            "Wait for the answer (it will reach you at your next prompt or tool result) "
            "before changing anything. Read-only tools still work."
        )
    return f"[orchestron] {head} {tail}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."
