"""Counts in words, for any text a person reads: `1 task`, `3 tasks`, `1 day of history`."""

from __future__ import annotations

__all__ = ["plural"]


def plural(n: float, noun: str, nouns: str | None = None) -> str:
    """`n` and `noun`, made plural unless `n` is 1 (`nouns` for an irregular plural;
    `noun` may run on: `plural(1, "day", "days")` + " of history")."""
    number = f"{n:g}" if isinstance(n, float) else str(n)
    return f"{number} {noun if n == 1 else (nouns or noun + 's')}"
