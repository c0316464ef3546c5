"""Rows to domain objects and back.

Datetimes are stored as UTC text with microseconds always present
(`2026-01-01T09:00:00.000000+00:00`), so text order is time order and SQL can
compare them as strings (`lease_expires > ?`). Nested values (labels,
checkpoints, event data) are JSON made by the core's cattrs converter.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar, cast

import attrs

from orchestron.core.domain.ids import id_sort_key
from orchestron.core.serialize import from_jsonable, to_jsonable

__all__ = ["RowCodec", "dumps", "id_key", "lower", "utc_text"]

T = TypeVar("T")
_Fn = Callable[[Any], Any]


@functools.lru_cache(maxsize=1024)
def utc_text(value: datetime) -> str:
    """One fixed-width text form, so string comparison agrees with time order.

    Cached: the events of one unit of work all carry the same instant.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


# Built once: json.dumps with any non-default option builds a new encoder per call.
# The converter is asked only about what json cannot write itself (datetimes, attrs).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=to_jsonable)


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def id_key(ident: str) -> tuple[str, int]:
    """(head, number) so `TASK-2` sorts before `TASK-10`; the fake's id order."""
    head, number, _ = id_sort_key(ident)
    return head, number


def lower(text: str | None) -> str | None:
    """SQLite's lower() folds ASCII only; the reference filter uses str.lower()."""
    return None if text is None else text.lower()


def _identity(value: Any) -> Any:
    return value


def _optional(fn: _Fn) -> _Fn:
    def wrapped(value: Any) -> Any:
        return None if value is None else fn(value)

    return wrapped


def _json_loader(hint: Any) -> _Fn:
    def load(text: Any) -> Any:
        return from_jsonable(json.loads(text), hint)

    return load


def _enum_loader(cls: type[Enum]) -> _Fn:
    return lambda v: cls(v)


def _pair(hint: Any) -> tuple[_Fn, _Fn]:
    """(to column, from column) for one attribute's type."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = args[0] if len(args) == 1 else Any
        dump, load = _pair(inner)
        return _optional(dump), _optional(load)
    if hint is datetime:
        return utc_text, datetime.fromisoformat
    if hint is date:
        return date.isoformat, date.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Enum):
        return (lambda v: v.value), _enum_loader(hint)
    if hint is bool:
        return int, bool
    if hint in (int, float, str):
        return _identity, _identity
    return dumps, _json_loader(hint)


class RowCodec(Generic[T]):
    """Maps an attrs class to columns named like its attributes."""

    def __init__(self, cls: type[T], *, skip: Sequence[str] = ()) -> None:
        hints = typing.get_type_hints(cls)
        fields = attrs.fields(cast(Any, cls))
        self.cls = cls
        self.names: tuple[str, ...] = tuple(f.name for f in fields if f.name not in skip)
        pairs = [_pair(hints[name]) for name in self.names]
        self._dumps = tuple(p[0] for p in pairs)
        self._loads = tuple(p[1] for p in pairs)
        self.columns = ", ".join(self.names)
        self.placeholders = ", ".join(["?"] * len(self.names))

    def values(self, obj: T) -> list[Any]:
        return [d(getattr(obj, n)) for n, d in zip(self.names, self._dumps, strict=True)]

    def load(self, row: Sequence[Any]) -> T:
        kwargs = {
            n: fn(v)
            for n, fn, v in zip(self.names, self._loads, row[: len(self.names)], strict=True)
        }
        return self.cls(**kwargs)

    def prefixed(self, alias: str) -> str:
        return ", ".join(f"{alias}.{n}" for n in self.names)
