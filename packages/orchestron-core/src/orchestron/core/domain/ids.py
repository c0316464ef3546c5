"""Ids and whole numbers as people and agents type them, bounded before any store sees them.

Every door reads ids (`TASK-007`, `task-7`), cursors, `limit`/`-n` and the
event log's `after` through these two functions, so a 5,000-digit id or a
cursor of 2**63 is refused with a clear error instead of crashing Python's
int parser or the database driver.

The bound on numbers, `MAX_NUMBER` (15 digits), fits a signed 64-bit integer
column in SQLite and PostgreSQL and is exact as a JavaScript number, so an id
or sequence number round-trips through every store and the dashboard.
"""

from __future__ import annotations

from orchestron.core.errors import InvalidInputError, shown

__all__ = [
    "MAX_ID_LENGTH",
    "MAX_NUMBER",
    "as_id",
    "format_id",
    "id_number",
    "id_sort_key",
    "parse_count",
    "parse_id",
]

MAX_NUMBER = 999_999_999_999_999
MAX_ID_LENGTH = 64
_MAX_DIGITS = len(str(MAX_NUMBER))


def format_id(prefix: str, number: int) -> str:
    """`TASK-001`: short ids, since ids cost tokens."""
    return f"{prefix}-{number:03d}"


def _is_digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also says yes to '²' and '١', which `int` refuses or reads."""
    return text.isascii() and text.isdigit()


def id_number(ident: str) -> int | None:
    """The number at the end of `PREFIX-123`, or None when there is none or it is out of range."""
    head, sep, tail = ident.rpartition("-")
    if not sep or not head or not _is_digits(tail) or len(tail.lstrip("0")) > _MAX_DIGITS:
        return None
    number = int(tail)
    return number if number <= MAX_NUMBER else None


def id_sort_key(ident: str) -> tuple[str, int, str]:
    """`TASK-9` before `TASK-10`: (prefix, number, id); ids without a number in range get -1.

    Every store orders ids by this key (SQLite and PostgreSQL keep the number
    in a 64-bit column), so an out-of-range number sorts as text, never overflows.
    """
    head, _, tail = ident.rpartition("-")
    if _is_digits(tail) and len(tail.lstrip("0")) <= _MAX_DIGITS:
        return head, int(tail), ident
    return ident, -1, ident


def parse_id(value: object, field: str = "id", *, prefix: str | None = None) -> str:
    """An id as typed, normalised: `task-7` and `TASK-7` are `TASK-007`.

    With `prefix`, a bare number is an id of that kind (`7` is `TASK-007`).
    Ids without a number (a client's session UUID) come back upper-cased and
    trimmed. InvalidInputError names `field` for empty, overlong or
    out-of-range ids.
    """
    if not isinstance(value, str):
        raise InvalidInputError(
            field, f"must be an id such as TASK-007, not {type(value).__name__}"
        )
    text = value.strip()
    if not text:
        raise InvalidInputError(field, "must not be empty; give an id such as TASK-007")
    if len(text) > MAX_ID_LENGTH:
        raise InvalidInputError(
            field,
            f"{shown(text, 24)} is {len(text):,} characters long; an id is at most {MAX_ID_LENGTH}",
        )
    if prefix is not None and _is_digits(text):
        text = f"{prefix}-{text}"
    text = text.upper()
    head, sep, tail = text.rpartition("-")
    if not sep or not head or not _is_digits(tail):
        return text
    number = id_number(text)
    if number is None:
        raise InvalidInputError(
            field, f"{shown(text)} is out of range: the number in an id is at most {MAX_NUMBER}"
        )
    return format_id(head, number)


def as_id(text: str) -> str | None:
    """`text` as an id if it can be one, else None: for free text that may name a task."""
    try:
        return parse_id(text)
    except InvalidInputError:
        return None


def parse_count(
    value: object, field: str, *, low: int = 0, high: int = MAX_NUMBER, what: str = ""
) -> int:
    """A whole number from `low` to `high`, given as an int or as digits; else InvalidInputError.

    `what` says what the number is for, in the error (`a sequence number`).
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        sign, digits = (text[0], text[1:]) if text.startswith(("-", "+")) else ("", text)
        if _is_digits(digits) and len(digits.lstrip("0")) <= _MAX_DIGITS:
            number = int(sign + digits)
    if number is None or not low <= number <= high:
        noun = f" ({what})" if what else ""
        raise InvalidInputError(
            field, f"must be a whole number from {low} to {high}{noun}, not {shown(value)}"
        )
    return number
