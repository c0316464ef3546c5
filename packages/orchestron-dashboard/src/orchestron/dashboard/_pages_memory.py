"""The memory page: disputes to settle first, then search, the stale list and the entries."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from orchestron.core import MemoryEntry, MemoryStatus
from orchestron.dashboard._pages import base_context
from orchestron.dashboard._queries import Orch
from orchestron.dashboard._render import render_page
from orchestron.runtime import words_only_reason

__all__ = ["memory_page_handlers"]

PAGE = 50


@get("/memory", include_in_schema=False)
async def memory_page(
    request: Request[Any, Any, Any],
    orch: Orch,
    q: FromQuery[str | None] = None,
    after: FromQuery[str | None] = None,
) -> Response[str]:
    ctx = await base_context(orch, "memory")
    disputed = (await orch.list_memory(status=MemoryStatus.DISPUTED, limit=200)).entries
    disputes: dict[str, list[MemoryEntry]] = {}
    for entry in disputed:
        disputes.setdefault(entry.dispute or "?", []).append(entry)
    query = (q or "").strip()
    found = (await orch.recall(query, limit=PAGE)).entries if query else ()
    listed = await orch.list_memory(status=MemoryStatus.ACTIVE, limit=PAGE, after=after or None)
    return render_page(
        request,
        "memory.html",
        disputes=disputes,
        q=query,
        found=found,
        entries=listed.entries,
        next_cursor=listed.next_cursor,
        stale=await orch.stale(),
        by_meaning=orch.embedder is not None,
        words_only=words_only_reason() if orch.embedder is None else "",
        **ctx,
    )


memory_page_handlers = [memory_page]
