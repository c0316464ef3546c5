"""Server-side rendering: one Jinja environment, whole pages or one live fragment.

A page template marks each live region as a `{% block %}`; a request with the
header `X-Fragment: NAME` gets only that block, which the page's script swaps
in when the live stream says something it shows has changed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from litestar import Request, Response
from litestar.exceptions import NotFoundException

from orchestron.core import plural
from orchestron.dashboard._security import csrf_token

__all__ = ["TEMPLATES", "environment", "render_error", "render_page"]

TEMPLATES = Path(__file__).parent / "templates"
_FRAGMENT_NAME = re.compile(r"^[a-z_]{1,40}$")
_HTML = "text/html"  # Litestar adds "; charset=utf-8" to text/ types itself


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["ago"] = _ago
    env.filters["when"] = _when
    env.filters["status_label"] = lambda s: str(s).replace("_", " ").title()
    env.filters["num"] = _num
    env.filters["plural"] = plural
    # Macros are globals, not `{% from %}` imports: a block rendered alone as a
    # fragment does not run its template's top-level imports.
    macros = env.get_template("_macros.html").module
    env.globals.update(
        {name: getattr(macros, name) for name in dir(macros) if not name.startswith("_")}
    )
    return env


def render_page(
    request: Request[Any, Any, Any],
    template: str,
    status_code: int = 200,
    *,
    whole: bool = False,
    **context: Any,
) -> Response[str]:
    """The whole page, or only block `X-Fragment` of it when the page script asks."""
    env = environment()
    tpl = env.get_template(template)
    values = {
        "csrf_token": csrf_token(request),
        "path": request.url.path,
        "query": request.url.query or "",
        "auth_enabled": bool(request.app.state.get("token")),
        "now": datetime.now(UTC),
        "nav": "",
        "seq": None,  # pages pass the event seq they show; without one, no live stream
        "inbox_count": 0,
        **context,
    }
    fragment = None if whole else request.headers.get("x-fragment")
    if fragment:
        owner = tpl if fragment in tpl.blocks else env.get_template("base.html")
        if not _FRAGMENT_NAME.match(fragment) or fragment not in owner.blocks:
            raise NotFoundException(f"no fragment {fragment!r} on this page")
        html = "".join(owner.blocks[fragment](owner.new_context(values)))
    else:
        html = tpl.render(values)
    response: Response[str] = Response(
        content=html,
        status_code=status_code,
        media_type=_HTML,
        headers={"Cache-Control": "no-store"},
    )
    return response


def render_error(request: Request[Any, Any, Any], status: int, message: str) -> Response[str]:
    try:
        return render_page(
            request, "error.html", status_code=status, whole=True, status=status, message=message
        )
    except TemplateError:  # a broken template must not hide the original error
        return Response(content=f"{status}: {message}", status_code=status, media_type="text/plain")


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _ago(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    seconds = (datetime.now(UTC) - value).total_seconds()
    if seconds < 0:
        return "in " + _span(-seconds)
    if seconds < 5:
        return "just now"
    return _span(seconds) + " ago"


def _span(seconds: float) -> str:
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
