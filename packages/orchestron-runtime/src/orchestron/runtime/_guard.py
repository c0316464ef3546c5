"""Who may reach an HTTP door (the dashboard, the MCP server's HTTP transport): one rule.

- Listening beyond this machine (any address but loopback) needs a token. A
  token has at least 16 characters, none of them blank at its ends.
- Host is always checked, so a DNS-rebinding page (a name of the attacker's
  that resolves to this machine) is refused: without a token only loopback
  names are served; with one, also IP literals, this machine's own names and
  the names in ORCHESTRON_ALLOWED_HOSTS (comma-separated).
- Origin, when a browser sends one, must be the origin the Host names.
- With a token, a request must carry it (`Authorization: Bearer TOKEN`); a
  door may accept other proof too (the dashboard's login cookie).

Plain ASGI, no web framework: the MCP package uses it without pulling in
Litestar, and the dashboard builds its login and CSRF checks on top.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import json
import os
import socket
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "ALLOWED_HOSTS_ENV",
    "LOOPBACK_NAMES",
    "MIN_TOKEN_LENGTH",
    "GuardMiddleware",
    "InsecureBindError",
    "RequestGuard",
    "check_bind",
    "check_token",
    "is_loopback",
    "tokens_match",
]

MIN_TOKEN_LENGTH = 16
ALLOWED_HOSTS_ENV = "ORCHESTRON_ALLOWED_HOSTS"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class InsecureBindError(ValueError):
    """Listening beyond this machine without a token, or with a token too weak to be one."""


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


_MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(24))' makes one"


def check_token(token: str | None, where: str = "--token") -> str | None:
    """The token to require (None: none given), or InsecureBindError for a weak one.

    `where` names how the token was given, for the message (`--token`).
    """
    if token is None or token == "":
        return None
    if not token.strip():
        raise InsecureBindError(
            f"the token ({where}) is blank; give one of at least {MIN_TOKEN_LENGTH} "
            f"characters ({_MAKE_ONE})"
        )
    if token != token.strip():
        raise InsecureBindError(f"the token ({where}) starts or ends with a space; drop them")
    if len(token) < MIN_TOKEN_LENGTH:
        raise InsecureBindError(
            f"the token ({where}) is only {len(token)} character{'s' if len(token) > 1 else ''} "
            f"long; a token needs at least {MIN_TOKEN_LENGTH} ({_MAKE_ONE})"
        )
    return token


def check_bind(host: str, token: str | None, where: str = "--token") -> str | None:
    """The checked token; refuses a non-loopback `host` without one."""
    checked = check_token(token, where)
    if checked is None and not is_loopback(host):
        raise InsecureBindError(
            f"refusing to listen on {host} without a token: anyone who can reach it could "
            f"steer your agents. Give a token of at least {MIN_TOKEN_LENGTH} characters "
            f"({where}), or bind to 127.0.0.1"
        )
    return checked


def tokens_match(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


@cache
def _own_names() -> frozenset[str]:
    """This machine's names: what a person on the network types to reach it."""
    names = set()
    for lookup in (socket.gethostname, socket.getfqdn):
        with contextlib.suppress(OSError):
            names.add(lookup().lower())
    return frozenset(n for n in names if n)


def _split_host(value: str) -> tuple[str, str]:
    """(name, port) of a Host header value; [::1]:80 and bare IPv6 too."""
    text = value.strip().lower()
    if text.startswith("["):
        name, _, rest = text[1:].partition("]")
        return name, rest.removeprefix(":")
    if text.count(":") == 1:
        name, _, port = text.partition(":")
        return name, port
    return text, ""


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class RequestGuard:
    """The Host, Origin and bearer-token checks for one listening door."""

    def __init__(self, token: str | None = None, allowed_hosts: Iterable[str] | None = None):
        self.token = token or None
        if allowed_hosts is None:
            extra = os.environ.get(ALLOWED_HOSTS_ENV, "")
            allowed_hosts = [*LOOPBACK_NAMES, *(h for h in extra.split(",") if h.strip())]
        self.allowed_hosts = frozenset(h.strip().lower().strip("[]") for h in allowed_hosts)

    def host_allowed(self, host: str) -> bool:
        name, _ = _split_host(host)
        if name in self.allowed_hosts or is_loopback(name):
            return True
        if self.token is None:
            return False
        # Rebinding needs a DNS name; an IP literal, or this machine's name, is not that.
        return _is_ip(name) or name in _own_names()

    def origin_allowed(self, origin: str | None, host: str) -> bool:
        """No Origin (not a browser, or same-origin GET), or the Host's own origin."""
        if origin is None:
            return True
        parts = urlsplit(origin.strip().lower())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False  # "null" (a sandboxed frame or a file:// page), or junk
        default = "443" if parts.scheme == "https" else "80"
        try:
            origin_port = str(parts.port or default)
        except ValueError:
            return False
        name, port = _split_host(host)
        if origin_port != (port or default):
            return False
        return parts.hostname == name or (is_loopback(parts.hostname) and is_loopback(name))

    def refusal(self, headers: dict[str, str]) -> tuple[int, str, str] | None:
        """(status, code, message) when Host or Origin is not ours; None when both are."""
        host = headers.get("host", "")
        if not self.host_allowed(host):
            where = "localhost" if self.token is None else "this machine's names"
            return (
                403,
                "forbidden",
                (
                    f"this server answers only on {where}, not on Host {host[:80]!r} "
                    f"(add the name to {ALLOWED_HOSTS_ENV} if it is yours)"
                ),
            )
        if not self.origin_allowed(headers.get("origin"), host):
            return 403, "forbidden", "requests from another site's pages are refused (Origin)"
        return None

    def bearer_refusal(self, headers: dict[str, str]) -> tuple[int, str, str] | None:
        """With a token: the request must send `Authorization: Bearer TOKEN`."""
        if self.token is None:
            return None
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and tokens_match(given.strip(), self.token):
            return None
        if headers.get("authorization"):
            return 401, "unauthorized", "token not accepted"
        return 401, "unauthorized", "this server needs a token: send Authorization: Bearer TOKEN"


def headers_of(scope: Scope) -> dict[str, str]:
    """An ASGI scope's headers as a lower-case dict (latin-1, as HTTP sends them)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


async def respond(send: Send, status: int, code: str, message: str) -> None:
    """A small JSON refusal, straight onto the ASGI channel."""
    payload = json.dumps({"error": code, "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="orchestron"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})


class GuardMiddleware:
    """ASGI middleware: Host and Origin always, then the bearer token when one is set."""

    def __init__(self, app: ASGIApp, guard: RequestGuard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = headers_of(scope)
        refused = self.guard.refusal(headers) or self.guard.bearer_refusal(headers)
        if refused is not None:
            await respond(send, *refused)
            return
        await self.app(scope, receive, send)
