"""Pages about the agents: the inbox of their requests, and their sessions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from orchestron.core import SessionStatus
from orchestron.dashboard._api_sessions import session_card
from orchestron.dashboard._pages import base_context
from orchestron.dashboard._queries import Orch
from orchestron.dashboard._render import render_page

__all__ = ["agent_page_handlers"]

INBOX_LIMIT = 200


@get("/inbox", include_in_schema=False)
async def inbox_page(request: Request[Any, Any, Any], orch: Orch) -> Response[str]:
    ctx = await base_context(orch, "inbox")
    requests = await orch.inbox(limit=INBOX_LIMIT)
    titles: dict[str, str] = {}
    for r in requests:
        if r.task_id and r.task_id not in titles:
            titles[r.task_id] = (await orch.get_task(r.task_id)).title
    return render_page(request, "inbox.html", requests=requests, titles=titles, **ctx)


@get("/sessions", include_in_schema=False)
async def sessions_page(request: Request[Any, Any, Any], orch: Orch) -> Response[str]:
    ctx = await base_context(orch, "sessions")
    recent = await orch.list_sessions(limit=50)
    live = [await session_card(orch, s) for s in recent if s.status is SessionStatus.ACTIVE]
    past = [s for s in recent if s.status is not SessionStatus.ACTIVE][:20]
    handoffs = await orch.list_handoffs(limit=20)
    return render_page(request, "sessions.html", live=live, past=past, handoffs=handoffs, **ctx)


agent_page_handlers = [inbox_page, sessions_page]
