"""One small hierarchy of errors; each door maps them once to its own form."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConflictError",
    "CycleError",
    "ForbiddenError",
    "InvalidInputError",
    "NotFoundError",
    "OrchestronError",
    "StorageError",
    "shown",
]

MAX_MESSAGE = 2000
"""Characters an error message may take: a message that quotes the input must not grow with it."""


def shown(value: object, limit: int = 60) -> str:
    """`value` as an error message quotes it (its repr), cut to about `limit` characters."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4,300-digit limit for text
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"  # type: ignore[attr-defined]
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}…"


def _bounded(message: str) -> str:
    """Long messages keep their start (what was wrong) and end (how to fix it)."""
    if len(message) <= MAX_MESSAGE:
        return message
    head, tail = MAX_MESSAGE * 2 // 3, MAX_MESSAGE // 4
    return f"{message[:head]} …[{len(message) - head - tail:,} characters cut]… {message[-tail:]}"


class OrchestronError(Exception):
    """Base of every error Orchestron raises on purpose."""

    def __init__(self, message: str) -> None:
        message = _bounded(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(OrchestronError):
    """An id that names nothing."""

    def __init__(self, entity: str, ident: str, hint: str = "") -> None:
        text = f"{entity} {ident if len(ident) <= 80 else shown(ident)} not found"
        if hint:
            text += f"; {hint}"
        super().__init__(text)
        self.entity = entity
        self.ident = ident


class ConflictError(OrchestronError):
    """A write based on a stale version, or a claim already held."""

    def __init__(
        self,
        message: str,
        *,
        entity: str = "",
        ident: str = "",
        current_version: int | None = None,
        changed_by: str | None = None,
    ) -> None:
        super().__init__(message)
        self.entity = entity
        self.ident = ident
        self.current_version = current_version
        self.changed_by = changed_by

    @classmethod
    def stale(
        cls, entity: str, ident: str, expected: int, current: int, changed_by: str | None
    ) -> ConflictError:
        who = f" by {changed_by}" if changed_by else ""
        return cls(
            f"{entity} {ident} changed since you read it: you had version {expected}, "
            f"it is now version {current} (changed{who}); re-read it and retry",
            entity=entity,
            ident=ident,
            current_version=current,
            changed_by=changed_by,
        )


class InvalidInputError(OrchestronError):
    """Bad input; `field` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ForbiddenError(OrchestronError):
    """A rule said no; the message says why and what is allowed instead."""

    def __init__(self, reason: str, allowed: Sequence[str] = ()) -> None:
        text = reason
        if allowed:
            text += f" (allowed: {', '.join(allowed)})"
        super().__init__(text)
        self.reason = reason
        self.allowed = tuple(allowed)


class CycleError(ForbiddenError):
    """A dependency that would close a cycle; `cycle` lists it, first id repeated last."""

    def __init__(self, cycle: Sequence[str]) -> None:
        super().__init__(
            f"dependency refused: it would close the cycle {' -> '.join(cycle)}; "
            "remove one of those dependencies first or drop this one"
        )
        self.cycle = tuple(cycle)


class StorageError(OrchestronError):
    """The store cannot serve: schema too new, unreachable server, and the like."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
