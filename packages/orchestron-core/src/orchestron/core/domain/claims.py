"""A claim to remember, checked before anything is written; decisions found in a context."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from attrs import frozen

from orchestron.core.domain.enums import parse_enum
from orchestron.core.domain.ids import format_id, id_number
from orchestron.core.domain.memory import (
    MAX_FILES,
    MAX_MEMORY_TEXT,
    MemoryKind,
    check_memory_text,
    check_rationale,
    normalise_files,
    normalise_topic,
    truncate_bytes,
)
from orchestron.core.domain.recall import content_words
from orchestron.core.errors import InvalidInputError, shown

__all__ = ["Claim", "check_review_date", "decisions_in", "files_in", "make_claim", "parse_keep"]


@frozen
class Claim:
    """What `remember` was asked to keep, valid and normalised."""

    kind: MemoryKind
    topic: str
    text: str
    rationale: str | None = None
    supersedes: str | None = None
    session_id: str | None = None
    task_id: str | None = None
    files: tuple[str, ...] = ()
    review_date: date | None = None


def make_claim(
    text: object,
    *,
    kind: object,
    topic: object,
    rationale: object = None,
    supersedes: object = None,
    session_id: object = None,
    task_id: object = None,
    files: Iterable[object] | None = (),
    review_date: object = None,
) -> Claim:
    """Check every field (each error names its field) before a unit of work opens."""
    return Claim(
        kind=parse_enum(MemoryKind, kind, "kind"),
        topic=normalise_topic(topic),
        text=check_memory_text(text),
        rationale=check_rationale(rationale),
        supersedes=_entry_id(supersedes, "supersedes") if supersedes is not None else None,
        session_id=_ident(session_id, "session_id", 128),
        task_id=_ident(task_id, "task_id", 40),
        files=normalise_files(files),
        review_date=check_review_date(review_date),
    )


def _ident(value: object, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must be an id, not empty")
    text = value.strip()
    if len(text) > limit or any(ch.isspace() for ch in text):
        raise InvalidInputError(field, f"{text[:40]!r} is not an id")
    head = text.rpartition("-")[0]
    if head.upper() in ("SES", "TASK") and (number := id_number(text)) is not None:
        return format_id(head.upper(), number)
    return text


def _entry_id(value: object, field: str) -> str:
    if isinstance(value, str):
        head, sep, _ = value.strip().rpartition("-")
        if sep and head.upper() == "MEM" and (number := id_number(value.strip())) is not None:
            return format_id("MEM", number)
    raise InvalidInputError(field, f"{shown(value)} is not a memory id such as MEM-001")


def check_review_date(value: object, field: str = "review_date") -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInputError(field, f"{value!r} is not a date such as 2026-03-31")


def parse_keep(answer: str, ids: Iterable[str]) -> str | None:
    """What a person's answer keeps: one of `ids`, "both", "neither", or None if unclear."""
    ids = list(ids)
    said = {
        format_id("MEM", int(n)) for n in re.findall(r"\bmem-?0*(\d+)\b", answer, re.IGNORECASE)
    }
    named = [i for i in ids if i in said]
    lowered = answer.lower()
    words_said = {w for w in ("both", "neither", "none", "all") if re.search(rf"\b{w}\b", lowered)}
    if len(named) == 1 and not words_said & {"neither", "none"}:
        return named[0]
    if not named and words_said & {"both", "all"} and not words_said & {"neither", "none"}:
        return "both"
    if not named and words_said & {"neither", "none"} and not words_said & {"both", "all"}:
        return "neither"
    return None


# -- synthesis: the critical decisions of a saved context ----------------------------------


def decisions_in(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(topic, text) for each critical decision a saved context holds, in its order.

    `{"database": "PostgreSQL 16"}` gives the key as topic; a plain list item
    `"database: PostgreSQL 16"` gives the part before the colon; any other item
    gets its first words as topic. Texts over the size limit are cut at a word.
    """
    raw = data.get("critical_decisions", data.get("criticalDecisions"))
    pairs: list[tuple[str, str]] = []
    if isinstance(raw, Mapping):
        pairs = [(str(k), _as_text(v)) for k, v in raw.items()]
    elif isinstance(raw, list | tuple):
        for item in raw:
            if isinstance(item, Mapping):
                topic = item.get("topic") or item.get("key") or ""
                text = item.get("decision") or item.get("text") or ""
                pairs.append((str(topic), _as_text(text)))
            elif isinstance(item, str):
                head, sep, tail = item.partition(":")
                if sep and tail.strip() and len(head) <= 40:
                    pairs.append((head, tail))
                else:
                    pairs.append(("", item))
    out = []
    for topic, text in pairs:
        clean = " ".join(text.split())
        if not clean:
            continue
        if not topic.strip():
            topic = "-".join(content_words(clean)[:3])
        out.append((topic, truncate_bytes(clean, MAX_MEMORY_TEXT)))
    return out


def files_in(data: Mapping[str, Any]) -> tuple[str, ...]:
    raw = data.get("files_touched", data.get("filesTouched"))
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        return ()
    try:
        return normalise_files([f for f in raw if isinstance(f, str)][:MAX_FILES])
    except InvalidInputError:
        return ()


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else str(value) if value is not None else ""
