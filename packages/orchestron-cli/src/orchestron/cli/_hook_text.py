"""What the model reads from a hook: people's messages, and why a tool was denied.

Standard library only (the per-prompt and per-tool hooks import it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `from typing`: importing typing costs these hooks time

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["clip", "deny_reason", "message_block"]

MAX_MESSAGE_CHARS = 1500  # one message in a hook's output; longer ones are cut


def clip(text: str, limit: int) -> str:
    """`text` on one line's worth of whitespace, cut to `limit` characters with a mark."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"


def message_block(messages: Sequence[Mapping[str, object]], limit: int = MAX_MESSAGE_CHARS) -> str:
    """People's words for the agent, plainly marked; empty when there are none.

    Each message is a mapping with `kind`, `text`, `author`, `task_id`.
    """
    if not messages:
        return ""
    noun = "message" if len(messages) == 1 else "messages"
    lines = [f"[orchestron] {len(messages)} new {noun} from a person (act on it before going on):"]
    for m in messages:
        kind = str(m.get("kind") or "MESSAGE")
        task = m.get("task_id")
        about = f" on {task}" if task else ""
        author = str(m.get("author") or "a person")
        lines.append(f"- {kind}{about} from {author}: {clip(str(m.get('text') or ''), limit)}")
    return "\n".join(lines)


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
