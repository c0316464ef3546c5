"""Who may use the dashboard: bind address, token, login cookie and CSRF.

- The bind, Host and Origin rule is the one every HTTP door follows
  (`orchestron.runtime.RequestGuard`): no token, loopback only and loopback
  Host names only; a token of at least 16 characters for anything else; a
  browser's Origin must be the dashboard's own.
- With a token: every page and API call needs it, either as
  `Authorization: Bearer TOKEN` or as the HttpOnly cookie `/login` sets (it
  holds an HMAC of the token, never the token itself).
- State-changing requests from a browser must prove they come from our pages:
  the header `X-CSRF-Token` must equal the `orchestron_csrf` cookie (double
  submit). Bearer requests need no such proof (a browser never adds that
  header on its own), nor does a request without any `Origin` when no token is
  set (a script on this machine, not a browser page).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from hashlib import sha256
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from orchestron.runtime import (
    InsecureBindError,
    RequestGuard,
    check_bind,
    check_token,
    is_loopback,
    tokens_match,
)

__all__ = [
    "AUTH_COOKIE",
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "FORM_CSRF_PATHS",
    "InsecureBindError",
    "SecurityMiddleware",
    "check_bind",
    "check_token",
    "is_loopback",
    "new_csrf_token",
    "session_value",
    "tokens_match",
]

AUTH_COOKIE = "orchestron_auth"
CSRF_COOKIE = "orchestron_csrf"
CSRF_HEADER = "x-csrf-token"
_PUBLIC_PREFIXES = ("/static/", "/login", "/favicon.ico")
# Plain HTML forms that check the `_csrf` form field themselves.
FORM_CSRF_PATHS = frozenset({"/login", "/logout"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        (
            b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            b"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        ),
    ),
]


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def session_value(token: str) -> str:
    """What the login cookie holds: proof of the token that does not reveal it."""
    return hmac.new(token.encode(), b"orchestron-dashboard-session-v1", sha256).hexdigest()


class SecurityMiddleware:
    """Token, Host, and CSRF checks in front of every route, plus security headers."""

    def __init__(
        self, app: ASGIApp, token: str | None = None, allowed_hosts: Iterable[str] | None = None
    ) -> None:
        self.app = app
        self.token = check_token(token)
        self.session = session_value(self.token) if self.token else None
        self.guard = RequestGuard(self.token, allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        refusal = self._check(scope)
        if refusal is not None:
            await _respond(send, *refusal)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _SECURITY_HEADERS if k not in existing]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _check(self, scope: Scope) -> tuple[int, dict[str, Any], str | None] | None:
        headers = _headers(scope)
        path: str = scope["path"]
        method = str(scope.get("method", "GET"))
        cookies = _cookies(headers.get("cookie", ""))
        if "\x00" in path:  # %00: no file or route has one, and the file system refuses it
            return 404, _err("not_found", "no such page: the path holds a NUL character"), None
        refused = self.guard.refusal(headers)
        if refused is not None:
            status, code, message = refused
            return status, _err(code, message), None
        bearer = False
        if self.token is not None and not path.startswith(_PUBLIC_PREFIXES):
            auth = headers.get("authorization", "")
            if auth:
                scheme, _, given = auth.partition(" ")
                if scheme.lower() != "bearer" or not tokens_match(given.strip(), self.token):
                    return 401, _err("unauthorized", "token not accepted"), None
                bearer = True
            elif not tokens_match(cookies.get(AUTH_COOKIE), self.session):
                message = (
                    "this dashboard needs a token: send Authorization: Bearer TOKEN, "
                    "or log in at /login"
                )
                if method in _SAFE_METHODS and _is_page(path):
                    return 303, {}, "/login?next=" + quote(_target(scope), safe="/")
                return 401, _err("unauthorized", message), None
        if method in _SAFE_METHODS or bearer or path in FORM_CSRF_PATHS:
            return None
        sent = headers.get(CSRF_HEADER)
        if sent and tokens_match(sent, cookies.get(CSRF_COOKIE)):
            return None
        if self.token is None and "origin" not in headers and AUTH_COOKIE not in cookies:
            return None
        return (
            403,
            _err(
                "csrf",
                "missing or wrong CSRF token: send the X-CSRF-Token header with the value of "
                "the orchestron_csrf cookie (the dashboard's pages do this), or use a bearer token",
            ),
            None,
        )


def _err(code: str, message: str) -> dict[str, Any]:
    return {"error": code, "message": message}


def _is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/live", "/schema")) and path != "/api"


def _target(scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    path: str = scope["path"]
    return f"{path}?{query}" if query else path


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        out[key.decode("latin-1").lower()] = value.decode("latin-1")
    return out


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:  # a malformed Cookie header counts as no cookies
        return {}
    return {k: m.value for k, m in jar.items()}


async def _respond(send: Send, status: int, body: dict[str, Any], location: str | None) -> None:
    headers: list[tuple[bytes, bytes]] = list(_SECURITY_HEADERS)
    if location is not None:
        payload = b""
        headers.append((b"location", location.encode("latin-1")))
    else:
        payload = json.dumps(body).encode()
        headers.append((b"content-type", b"application/json"))
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="orchestron"'))
    headers.append((b"content-length", str(len(payload)).encode()))
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": headers,
    }
    body_event: HTTPResponseBodyEvent = {
        "type": "http.response.body",
        "body": payload,
        "more_body": False,
    }
    await send(start)
    await send(body_event)
