"""Core errors and HTTP errors mapped once to the dashboard's form.

The API answers `{"error": code, "message": text, "field"?: name, ...}`;
pages get the same words on a small HTML page.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from orchestron.core.errors import (
    ConflictError,
    CycleError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    OrchestronError,
    StorageError,
)
from orchestron.dashboard._hints import render_hints, steps_json

__all__ = ["describe_error", "exception_handlers", "wants_json"]

log = logging.getLogger("orchestron.dashboard")
_AT_FIELD = re.compile(r"at `\$\.([A-Za-z_][\w.\[\]]*)`")
_NAMED_FIELD = re.compile(r"field `([^`]+)`")
_CODES = {
    400: "invalid_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
}


def describe_error(exc: Exception) -> tuple[int, dict[str, Any]]:
    """(status, body) for any exception a handler can raise."""
    if isinstance(exc, OrchestronError):
        return _core(exc)
    if isinstance(exc, ValidationException):
        return HTTP_400_BAD_REQUEST, _validation(exc)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        message = str(exc.detail)
        if status == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
            message = "request body too large; nothing was written"
        return status, {"error": _CODES.get(status, "http_error"), "message": message}
    return HTTP_500_INTERNAL_SERVER_ERROR, {
        "error": "internal",
        "message": f"internal error ({type(exc).__name__}); see the dashboard's log",
    }


def _core(exc: OrchestronError) -> tuple[int, dict[str, Any]]:
    steps = render_hints(exc.hints)
    body: dict[str, Any] = {"message": exc.explain([s.text for s in steps])}
    if steps:
        body["next"] = steps_json(steps)
    if isinstance(exc, NotFoundError):
        return HTTP_404_NOT_FOUND, {"error": "not_found", **body, "entity": exc.entity}
    if isinstance(exc, InvalidInputError):
        return HTTP_400_BAD_REQUEST, {"error": "invalid_input", **body, "field": exc.field}
    if isinstance(exc, CycleError):
        return HTTP_409_CONFLICT, {"error": "cycle", **body, "cycle": list(exc.cycle)}
    if isinstance(exc, ForbiddenError):
        return HTTP_409_CONFLICT, {"error": "refused", **body, "allowed": list(exc.allowed)}
    if isinstance(exc, ConflictError):
        return HTTP_409_CONFLICT, {
            "error": "conflict",
            **body,
            "current_version": exc.current_version,
            "changed_by": exc.changed_by,
        }
    if isinstance(exc, StorageError):
        return HTTP_503_SERVICE_UNAVAILABLE, {
            "error": "storage",
            **body,
            "retryable": exc.retryable,
        }
    return HTTP_400_BAD_REQUEST, {"error": "error", **body}


def _validation(exc: ValidationException) -> dict[str, Any]:
    problems = exc.extra if isinstance(exc.extra, list) else []
    parts: list[str] = []
    first_field: str | None = None
    for item in problems:
        if not isinstance(item, dict):
            continue
        text = str(item.get("message", "invalid"))
        key = _field_in(text) or str(item.get("key") or "body")
        if key == "data" and item.get("source") == "body":  # the body as a whole
            key = "body"
            if text == "'data'":  # Litestar's KeyError for a body that is not there
                text = "is empty; send a JSON object (Content-Type: application/json)"
        first_field = first_field or key
        parts.append(f"{key}: {text}")
    message = "; ".join(parts) or str(exc.detail)
    body: dict[str, Any] = {"error": "invalid_input", "message": message}
    if first_field:
        body["field"] = first_field
    return body


def _field_in(message: str) -> str | None:
    """msgspec names the field as "at `$.priority`" or "(unknown|missing required) field `x`"."""
    found = _AT_FIELD.search(message) or _NAMED_FIELD.search(message)
    return found.group(1) if found else None


def wants_json(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/live", "/schema")) or path == "/api":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status, body = describe_error(exc)
    if status >= 500 and not isinstance(exc, StorageError):
        log.error("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        return Response(content=body, status_code=status, media_type="application/json")
    from orchestron.dashboard._render import render_error

    return render_error(request, status, body["message"])


exception_handlers: dict[type[Exception] | int, Any] = {
    OrchestronError: _handle,
    HTTPException: _handle,
    Exception: _handle,
}
