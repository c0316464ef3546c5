"""What a `postgresql://` URL asks for: the server, the schema, the pool and its timeouts.

Orchestron's own query parameters are taken out of the URL before it reaches
asyncpg; everything else (sslmode, passfile, ...) passes through unchanged.
"""

from __future__ import annotations

import re
import zlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from attrs import frozen

from orchestron.core.errors import InvalidInputError

__all__ = ["PgSettings", "parse_url"]

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_LOCK_SPACE = 0x4F524348  # "ORCH": the first key of every Orchestron advisory lock


@frozen
class PgSettings:
    """Connection settings, with defaults that suit agents on a network."""

    dsn: str
    where: str
    schema: str = "orchestron"
    connect_timeout: float = 10.0
    command_timeout: float = 30.0
    lock_timeout: float = 30.0
    retry_seconds: float = 15.0
    pool_min: int = 1
    pool_max: int = 4

    @property
    def lock_key(self) -> tuple[int, int]:
        """The advisory lock that serialises write units of work on this schema."""
        low = zlib.crc32(self.schema.encode()) & 0x7FFFFFFF
        return (_LOCK_SPACE, low)

    @property
    def channel(self) -> str:
        """The LISTEN/NOTIFY channel that carries new event sequence numbers."""
        return f"orchestron_events_{self.schema}"

    @property
    def server_settings(self) -> dict[str, str]:
        return {
            "search_path": self.schema,
            "application_name": "orchestron",
            "lock_timeout": f"{int(self.lock_timeout * 1000)}",
            # A client that hangs inside a transaction must not hold the write lock forever.
            "idle_in_transaction_session_timeout": f"{int(self.command_timeout * 2000)}",
            "timezone": "UTC",
        }


_FLOATS = ("connect_timeout", "command_timeout", "lock_timeout", "retry_seconds")
_INTS = ("pool_min", "pool_max")


def parse_url(url: str) -> PgSettings:
    """Split Orchestron's parameters (`schema`, timeouts, pool sizes) from the DSN."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("postgresql", "postgres"):
        raise InvalidInputError("db", f"not a postgresql:// URL: {parts.scheme}://...")
    kept: list[tuple[str, str]] = []
    options: dict[str, object] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "schema":
            if not _SCHEMA_NAME.match(value):
                raise InvalidInputError(
                    "db", f"schema {value!r} must be lower-case letters, digits and _ (max 40)"
                )
            options[key] = value
        elif key in _FLOATS:
            options[key] = _number(key, value, float)
        elif key in _INTS:
            options[key] = _number(key, value, int)
        else:
            kept.append((key, value))
    dsn = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))
    settings = PgSettings(dsn=dsn, where=_where(parts.hostname, parts.port), **options)  # type: ignore[arg-type]
    if settings.pool_max < 1 or settings.pool_min < 0 or settings.pool_min > settings.pool_max:
        raise InvalidInputError("db", "pool sizes need 0 <= pool_min <= pool_max and pool_max >= 1")
    return settings


def _number(key: str, value: str, kind: type[float | int]) -> float | int:
    try:
        number = kind(value)
    except ValueError:
        raise InvalidInputError("db", f"{key}={value!r} is not a number") from None
    if number < 0:
        raise InvalidInputError("db", f"{key} must not be negative")
    return number


def _where(host: str | None, port: int | None) -> str:
    """`host:port` for messages (never the password)."""
    return f"{host or 'localhost'}:{port or 5432}"
