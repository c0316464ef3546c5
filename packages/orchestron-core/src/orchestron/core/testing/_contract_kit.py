"""Shared pieces of the storage contract: types, builders, an assertRaises."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from orchestron.core.domain.enums import SessionStatus
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task
from orchestron.core.ports import Storage, UnitOfWork

__all__ = ["T0", "Check", "StorageFactory", "at", "commit", "raises", "session", "task"]

StorageFactory = Callable[[], AbstractAsyncContextManager[Storage]]
"""Called with no arguments: an async context manager yielding a fresh, empty Storage."""

Check = Callable[[StorageFactory], Awaitable[None]]

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
E = TypeVar("E", bound=BaseException)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def task(ident: str, **fields: Any) -> Task:
    fields.setdefault("title", f"Task {ident}")
    fields.setdefault("created_at", T0)
    fields.setdefault("updated_at", fields["created_at"])
    return Task(id=ident, **fields)


def session(
    ident: str,
    agent: str,
    *,
    lease: datetime,
    started: datetime = T0,
    status: SessionStatus = SessionStatus.ACTIVE,
) -> Session:
    return Session(
        id=ident,
        agent_id=agent,
        started_at=started,
        last_seen=started,
        lease_expires=lease,
        status=status,
    )


async def commit(storage: Storage, fn: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    """Run `fn` in its own write unit of work."""
    async with storage.transaction() as tx:
        return await fn(tx)


@contextmanager
def raises(kind: type[E]) -> Iterator[list[E]]:
    """Like pytest.raises, without importing pytest into the core."""
    caught: list[E] = []
    try:
        yield caught
    except kind as exc:
        caught.append(exc)
    else:
        raise AssertionError(f"expected {kind.__name__}, nothing was raised")
