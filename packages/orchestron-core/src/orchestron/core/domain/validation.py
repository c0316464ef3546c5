"""Checks on input that name the field that was wrong."""

from __future__ import annotations

from collections.abc import Iterable

from orchestron.core.errors import InvalidInputError

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_TITLE",
    "check_estimate",
    "check_labels",
    "check_progress",
    "check_text",
    "check_title",
]

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000


def check_title(value: object, field: str = "title") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must not be empty")
    text = " ".join(value.split())
    if len(text) > MAX_TITLE:
        raise InvalidInputError(field, f"is {len(text)} characters; keep it to {MAX_TITLE}")
    return text


def check_text(value: object, field: str, *, limit: int, allow_empty: bool = True) -> str:
    if value is None and allow_empty:
        return ""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be text, not {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InvalidInputError(field, "must not be empty")
    if len(value) > limit:
        raise InvalidInputError(field, f"is {len(value)} characters; the limit is {limit}")
    return value.strip()


def check_progress(value: object, field: str = "progress") -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, f"must be a whole number from 0 to 100, not {value!r}")
    if not 0 <= value <= 100:
        raise InvalidInputError(field, f"must be from 0 to 100, not {value}")
    return round(value)


def check_estimate(value: object, field: str = "estimate") -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, f"must be a number of points, not {value!r}")
    if value < 0 or value > 10_000:
        raise InvalidInputError(field, f"must be from 0 to 10000, not {value}")
    return float(value)


def check_labels(values: Iterable[object] | None, field: str = "labels") -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [v for v in values.split(",")]
    out: list[str] = []
    for v in values:
        if not isinstance(v, str):
            raise InvalidInputError(field, f"each label must be text, not {v!r}")
        label = v.strip().lower()
        if not label:
            continue
        if len(label) > 40 or any(ch.isspace() for ch in label):
            raise InvalidInputError(field, f"label {v!r} must be one word of at most 40 characters")
        if label not in out:
            out.append(label)
    return tuple(out)
