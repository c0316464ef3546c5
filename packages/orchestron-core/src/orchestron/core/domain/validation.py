"""Checks on input that name the field that was wrong."""

from __future__ import annotations

import math
from collections.abc import Iterable

from orchestron.core.errors import InvalidInputError, shown

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_TITLE",
    "check_estimate",
    "check_labels",
    "check_number",
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


def check_number(value: object, field: str, *, low: float, high: float, what: str) -> float:
    """A finite number from `low` to `high`: NaN and infinities are refused at every door,
    since they would reach the event log and the export as JSON no strict parser reads."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, f"must be {what}, not {shown(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(field, f"must be {what}, a finite number, not {value}")
    if not low <= value <= high:
        raise InvalidInputError(field, f"must be from {low:g} to {high:g}, not {shown(value)}")
    return float(value)


def check_progress(value: object, field: str = "progress") -> int:
    number = check_number(value, field, low=0, high=100, what="a whole number from 0 to 100")
    return round(number)


def check_estimate(value: object, field: str = "estimate") -> float | None:
    if value is None:
        return None
    return check_number(value, field, low=0, high=10_000, what="a number of points")


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
