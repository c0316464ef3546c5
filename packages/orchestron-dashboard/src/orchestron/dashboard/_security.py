"""Who may use the dashboard: bind address, token, login cookie and CSRF.

- Bind, Host and Origin: the one rule every HTTP door follows
  (`orchestron.runtime.RequestGuard`, MCP over HTTP too): no token, loopback
  only and loopback Host names only; a token of at least 16 characters for
  anything else; a browser's Origin must be the dashboard's own. Litestar's
  `AllowedHostsConfig` cannot say it: it matches the Host header with its port
  (`localhost:8765` is not `localhost`), cannot allow "any IP literal" beside a
  list of names, and answers 400 `invalid host header` without naming the host
  or how to allow it.
- Token (hand-written: Litestar has no login to configure): every page and API
  call needs it, as `Authorization: Bearer TOKEN` or as the HttpOnly cookie
  `/login` sets (an HMAC of the token, never the token itself).
- CSRF: Litestar's own `CSRFMiddleware`, configured by `csrf_config`: safe
  requests get the signed token in the `orchestron_csrf` cookie (which the page
  script reads); any other request must send it back in `X-CSRF-Token`. It is
  not asked of a bearer request (a browser never adds that header on its own),
  of a request with no `Origin` and no login cookie when no token is set (a
  script on this machine, not a browser page), nor of the `/login` and
  `/logout` forms, which check their `_csrf` field against the cookie.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from hashlib import sha256
from typing import Any
from urllib.parse import quote

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Message, Method, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

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
    "csrf_config",
    "csrf_token",
    "is_loopback",
    "session_value",
    "tokens_match",
]

Conn = ASGIConnection[Any, Any, Any, Any]

AUTH_COOKIE = "orchestron_auth"
CSRF_COOKIE = "orchestron_csrf"
CSRF_HEADER = "x-csrf-token"
_PUBLIC_PREFIXES = ("/static/", "/login", "/favicon.ico")
# Plain HTML forms that check the `_csrf` form field themselves.
FORM_CSRF_PATHS = frozenset({"/login", "/logout"})
_SAFE_METHODS: frozenset[Method] = frozenset({"GET", "HEAD", "OPTIONS"})
_LITESTAR_CSRF_REFUSAL = "CSRF token verification failed"  # CSRFMiddleware's words
_CSRF_MESSAGE = (
    "missing or wrong CSRF token: send the X-CSRF-Token header with the value of the "
    "orchestron_csrf cookie (the dashboard's pages do this; reload the page if it was open "
    "before the dashboard restarted), or use a bearer token"
)
_NEEDS_TOKEN = "this dashboard needs a token: send Authorization: Bearer TOKEN, or log in at /login"
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


def csrf_config() -> CSRFConfig:
    """The dashboard's CSRF settings, with a secret of this process's own: a token
    signed by an earlier run is not one of ours (a page opened before a restart
    gets a new token when it is loaded again)."""
    return CSRFConfig(
        secret=secrets.token_hex(32),
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_samesite="strict",
        cookie_httponly=False,  # the page script sends it back in the header
        safe_methods=set(_SAFE_METHODS),
    )


def csrf_token(connection: Conn) -> str:
    """The CSRF token a page embeds: the one the browser holds, or the one it is sent.
    (A page for a path no route serves, a 404, never passed the middleware: the cookie.)"""
    token = ScopeState.from_scope(connection.scope).csrf_token
    return token if isinstance(token, str) else connection.cookies.get(CSRF_COOKIE, "")


def session_value(token: str) -> str:
    """What the login cookie holds: proof of the token that does not reveal it."""
    return hmac.new(token.encode(), b"orchestron-dashboard-session-v1", sha256).hexdigest()


class SecurityMiddleware:
    """Host and Origin, the token, then Litestar's CSRF check; security headers on every
    response."""

    def __init__(
        self,
        app: ASGIApp,
        token: str | None = None,
        allowed_hosts: Iterable[str] | None = None,
        csrf: CSRFConfig | None = None,
    ) -> None:
        self.app = app
        self.token = check_token(token)
        self.session = session_value(self.token) if self.token else None
        self.guard = RequestGuard(self.token, allowed_hosts)
        # One config per app: Litestar builds this middleware once per route.
        self.csrf = CSRFMiddleware(app, csrf or csrf_config())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _SECURITY_HEADERS if k not in existing]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        connection: Conn = ASGIConnection(scope)
        refusal = self._refusal(connection)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        self._forget_foreign_csrf_cookie(connection)
        if str(scope.get("method", "GET")) not in _SAFE_METHODS and self._no_proof_needed(
            connection
        ):
            await self._without_check(scope, receive, send_with_headers, connection)
            return
        try:
            await self.csrf(scope, receive, send_with_headers)
        except PermissionDeniedException as exc:
            if exc.detail != _LITESTAR_CSRF_REFUSAL:
                raise
            await _refuse(403, "csrf", _CSRF_MESSAGE)(scope, receive, send_with_headers)

    def _refusal(self, connection: Conn) -> ASGIResponse | None:
        """A response refusing the request (wrong Host or Origin, no token), or None."""
        path = connection.scope["path"]
        if "\x00" in path:  # %00: no file or route has one, and the file system refuses it
            return _refuse(404, "not_found", "no such page: the path holds a NUL character")
        headers = dict(connection.headers)
        refused = self.guard.refusal(headers)
        if refused is not None:
            return _refuse(*refused)
        if self.token is None or path.startswith(_PUBLIC_PREFIXES) or self._bearer(connection):
            return None
        if headers.get("authorization"):
            return _refuse(401, "unauthorized", "token not accepted")
        if tokens_match(connection.cookies.get(AUTH_COOKIE), self.session):
            return None
        if connection.scope.get("method", "GET") in _SAFE_METHODS and _is_page(path):
            return ASGIResponse(
                status_code=303,
                headers={"location": "/login?next=" + quote(_target(connection), safe="/")},
            )
        return _refuse(401, "unauthorized", _NEEDS_TOKEN)

    def _bearer(self, connection: Conn) -> bool:
        """A request that sends the right `Authorization: Bearer TOKEN`."""
        return (
            self.token is not None and self.guard.bearer_refusal(dict(connection.headers)) is None
        )

    def _no_proof_needed(self, connection: Conn) -> bool:
        """A state-changing request that needs no CSRF token (see the module's words)."""
        if connection.scope["path"] in FORM_CSRF_PATHS or self._bearer(connection):
            return True
        return (
            self.token is None
            and "origin" not in connection.headers
            and AUTH_COOKIE not in connection.cookies
        )

    def _forget_foreign_csrf_cookie(self, connection: Conn) -> None:
        """A CSRF cookie this process did not sign (an earlier run's, or forged) is read as
        none, so Litestar sends a new one instead of keeping a token no check accepts.
        (The cookies parsed here are the ones every later reader of this request sees.)"""
        held = connection.cookies.get(CSRF_COOKIE)
        if held is not None and self.csrf._decode_csrf_token(held) is None:
            del connection.cookies[CSRF_COOKIE]

    async def _without_check(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        connection: Conn,
    ) -> None:
        """What Litestar's middleware does for a safe request: a page rendered now gets
        the browser's token, or a new one set as its cookie."""
        held = connection.cookies.get(CSRF_COOKIE)
        token = held or generate_csrf_token(secret=self.csrf.config.secret)
        ScopeState.from_scope(scope).csrf_token = token
        await self.app(scope, receive, self.csrf.create_send_wrapper(send, token, held))


def _refuse(status: int, code: str, message: str) -> ASGIResponse:
    headers = {"www-authenticate": 'Bearer realm="orchestron"'} if status == 401 else None
    return ASGIResponse(
        body=json.dumps({"error": code, "message": message}).encode(),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/live", "/schema")) and path != "/api"


def _target(connection: Conn) -> str:
    query = connection.scope.get("query_string", b"").decode("latin-1")
    path: str = connection.scope["path"]  # decoded, as `quote` wants it
    return f"{path}?{query}" if query else path
