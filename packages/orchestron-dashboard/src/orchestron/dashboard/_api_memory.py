"""JSON API for project memory: list, search, one entry, the stale list; confirm,
retire, and settling a dispute (the person's side; agents write through MCP)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from orchestron.core import MemoryEntry, MemoryPage, StaleEntry, to_jsonable
from orchestron.dashboard._queries import Orch

__all__ = ["MemoryController", "entry_view"]


class Resolve(msgspec.Struct, forbid_unknown_fields=True):
    keep: str
    note: str | None = None


class Retire(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class Confirm(msgspec.Struct, forbid_unknown_fields=True):
    review_date: str | None = None


def entry_view(entry: MemoryEntry) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(entry)
    data["line"] = entry.line()
    return data


def _page(page: MemoryPage) -> dict[str, Any]:
    return {"items": [entry_view(e) for e in page.entries], "next": page.next_cursor}


def _stale(item: StaleEntry) -> dict[str, Any]:
    out = {**entry_view(item.entry), "reasons": list(item.reasons)}
    if item.maybe_same is not None:
        out["maybe_same_as"] = item.maybe_same.id
    return out


Limit = Annotated[int, QueryParameter(ge=1, le=200)]


class MemoryController(Controller):
    path = "/api/memory"
    tags = ("memory",)

    @get("/", summary="Memory entries in id order, filtered by status, kind, topic")
    async def list_entries(
        self,
        orch: Orch,
        status: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        topic: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
        limit: Limit = 50,
    ) -> dict[str, Any]:
        page = await orch.list_memory(
            status=status or None,
            kind=kind or None,
            topic=topic or None,
            limit=limit,
            after=after or None,
        )
        return _page(page)

    @get("/search", summary="Recall: active and disputed entries, best first")
    async def search(
        self,
        orch: Orch,
        q: FromQuery[str | None] = None,
        task: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
        limit: Limit = 20,
    ) -> dict[str, Any]:
        page = await orch.recall(
            q or None, task_id=task or None, kind=kind or None, limit=limit, after=after or None
        )
        # How it was matched: by meaning and words, or (no embedding model) words alone.
        return {**_page(page), "by_meaning": orch.embedder is not None}

    @get("/stale", summary="Active entries to check again, and why")
    async def stale(self, orch: Orch) -> dict[str, Any]:
        return {"items": [_stale(s) for s in await orch.stale()]}

    @get("/{entry_id:str}", summary="One entry in full")
    async def get_entry(self, orch: Orch, entry_id: FromPath[str]) -> dict[str, Any]:
        return entry_view(await orch.get_memory(entry_id))

    @post("/{entry_id:str}/confirm", summary="It still holds", status_code=200)
    async def confirm(
        self, orch: Orch, entry_id: FromPath[str], data: JSONBody[Confirm | None] = None
    ) -> dict[str, Any]:
        if data is not None and data.review_date:
            return entry_view(await orch.confirm(entry_id, review_date=data.review_date))
        return entry_view(await orch.confirm(entry_id))

    @post("/{entry_id:str}/retire", summary="It no longer holds", status_code=200)
    async def retire(
        self, orch: Orch, entry_id: FromPath[str], data: JSONBody[Retire]
    ) -> dict[str, Any]:
        return entry_view(await orch.retire(entry_id, data.reason))

    @post(
        "/disputes/{ident:str}/resolve",
        summary="Settle a dispute (by its request or one of its entries)",
        status_code=200,
    )
    async def resolve(
        self, orch: Orch, ident: FromPath[str], data: JSONBody[Resolve]
    ) -> dict[str, Any]:
        note = data.note.strip() if data.note and data.note.strip() else None
        done = await orch.resolve_dispute(ident, data.keep, note)
        return {
            "request": to_jsonable(done.request),
            "keep": done.keep,
            "entries": [entry_view(e) for e in done.entries],
            "told": [m.agent_id for m in done.messages],
        }
