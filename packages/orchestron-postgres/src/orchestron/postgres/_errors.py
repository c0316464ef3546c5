"""Turning driver and network failures into Orchestron's StorageError.

A caller never sees an asyncpg exception: a server that is down, restarting or
too slow becomes a retryable StorageError naming host:port; anything else that
the database refuses becomes a non-retryable StorageError with its message.
"""

from __future__ import annotations

import asyncpg

from orchestron.core.errors import OrchestronError, StorageError

__all__ = ["DRIVER_ERRORS", "is_transient", "translate"]

# Everything the driver or the network can raise at us.
DRIVER_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # protocol state broken, e.g. by a connection cut mid-reply
    OSError,
    TimeoutError,
)

# The server went away, is starting or stopping, or the network dropped.
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.IdleInTransactionSessionTimeoutError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    ConnectionError,
    OSError,
    TimeoutError,
)
# Contention: should never happen with the write lock, but retryable if it does.
_CONTENTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.LockNotAvailableError,
    asyncpg.QueryCanceledError,
)


def is_transient(exc: BaseException) -> bool:
    """True when the same work may well succeed if tried again."""
    if isinstance(exc, StorageError):
        return exc.retryable
    if isinstance(exc, asyncpg.InterfaceError):
        return _looks_like_connection_loss(exc)
    return isinstance(exc, _CONNECTION_ERRORS + _CONTENTION_ERRORS)


def translate(exc: BaseException, where: str) -> BaseException:
    """The exception a caller should see for `exc` raised while talking to `where`."""
    if isinstance(exc, OrchestronError):
        return exc
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return StorageError(
            f"PostgreSQL at {where}: {exc}; create the database first (createdb NAME)"
        )
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return StorageError(f"PostgreSQL at {where} refused the login: {exc}")
    if isinstance(exc, asyncpg.InterfaceError) and not _looks_like_connection_loss(exc):
        return StorageError(f"PostgreSQL at {where}: {exc}")
    if isinstance(exc, _CONNECTION_ERRORS):
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, asyncpg.InternalClientError):
            detail = "the connection broke in the middle of an operation"
        return StorageError(
            f"PostgreSQL at {where} is unreachable: {detail}; retry", retryable=True
        )
    if isinstance(exc, _CONTENTION_ERRORS):
        detail = str(exc) or type(exc).__name__
        return StorageError(f"PostgreSQL at {where} is busy: {detail}; retry", retryable=True)
    if isinstance(exc, asyncpg.PostgresError):
        return StorageError(f"PostgreSQL at {where} refused: {exc}")
    return exc


def _looks_like_connection_loss(exc: asyncpg.InterfaceError) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("closed", "connection", "pool is closing", "terminat"))
