"""Project memory: `remember` a decision or learning for every later agent; `recall` it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp_types import ToolAnnotations
from pydantic import Field

from orchestron.core import MemoryEntry, RememberResult
from orchestron.mcp._args import OptTaskId, Verbose, any_case
from orchestron.mcp._server import Ctx, OrchestronServer, begin

__all__ = ["entry_dict", "register"]

# Upper case, as every door prints memory kinds (and every other choice); any case is taken.
Kind = Annotated[
    Literal["DECISION", "CONVENTION", "FACT", "GOTCHA", "PREFERENCE"],
    any_case("DECISION", "CONVENTION", "FACT", "GOTCHA", "PREFERENCE"),
]
Files = Annotated[list[str] | None, Field(description="Files it is about")]

_ADVICE = {
    "added": "remembered",
    "merged": "already known: your provenance was added to it",
    "superseded": "remembered; the old entry is kept as history",
    "disputed": "conflicts with another claim: both are DISPUTED until a person decides "
    "(you will get a message); do not act on either meanwhile",
}


def _words_only() -> str:
    from orchestron.runtime import words_only_reason

    return f"by words only: {words_only_reason()}"


def entry_dict(entry: MemoryEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": entry.id,
        "kind": entry.kind.value,
        "topic": entry.topic,
        "status": entry.status.value,
        "text": entry.text,
    }
    if entry.rationale:
        out["rationale"] = entry.rationale
    if entry.files:
        out["files"] = list(entry.files)
    if entry.tasks:
        out["tasks"] = list(entry.tasks)
    out["by"] = list(entry.agents)
    out["confirmed"] = entry.last_confirmed.date().isoformat()
    for name in ("supersedes", "superseded_by", "dispute"):
        value = getattr(entry, name)
        if value:
            out["supersededBy" if name == "superseded_by" else name] = value
    return out


def _result_dict(result: RememberResult) -> dict[str, Any]:
    out: dict[str, Any] = {"outcome": result.outcome, **entry_dict(result.entry)}
    if result.others:
        out["others"] = [e.line() for e in result.others]
    if result.request is not None:
        out["request"] = result.request.id
    out["why"] = result.reason
    if result.maybe is not None:
        out["maybeSameAs"] = result.maybe.id
    if not result.by_meaning:
        out["judged"] = _words_only()
    out["next"] = _ADVICE[result.outcome]
    if result.maybe is not None:
        out["next"] += "; kept beside the one it may repeat, for a person to look at"
    return out


def register(app: OrchestronServer) -> None:
    @app.tool(structured_output=False)
    async def remember(
        ctx: Ctx,
        text: Annotated[
            str, Field(description="The claim, at most 500 bytes", min_length=1, max_length=2000)
        ],
        kind: Kind,
        topic: Annotated[str, Field(description="Short key, e.g. database", min_length=1)],
        rationale: Annotated[str | None, Field(description="Why", max_length=2000)] = None,
        supersedes: Annotated[str | None, Field(description="MEM id this replaces")] = None,
        taskId: OptTaskId = None,
        files: Files = None,
        reviewDate: Annotated[str | None, Field(description="YYYY-MM-DD to recheck")] = None,
    ) -> str:
        """Save a project decision, convention, fact, gotcha or preference to shared memory
        for every later agent. Said again, it is merged; a different claim on the topic is
        DISPUTED for a person, unless you pass supersedes."""
        call = await begin(ctx)
        result = await call.orch.remember(
            text,
            kind=kind,
            topic=topic,
            rationale=rationale,
            supersedes=supersedes,
            session_id=call.session_id or None,
            task_id=taskId,
            files=files or (),
            review_date=reviewDate,
        )
        return call.reply(_result_dict(result))

    @app.tool(structured_output=False, annotations=ToolAnnotations(read_only_hint=True))
    async def recall(
        ctx: Ctx,
        query: Annotated[str | None, Field(description="Words to search for")] = None,
        taskId: OptTaskId = None,
        files: Files = None,
        kind: Kind | None = None,
        ids: Annotated[list[str] | None, Field(description="MEM ids: full entries")] = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
        after: Annotated[str | None, Field(description="Cursor from next")] = None,
        verbose: Verbose = False,
    ) -> str:
        """Search shared project memory (decisions, conventions, gotchas): best first, one
        line each; ids gives full entries."""
        call = await begin(ctx)
        if ids:
            found = [await call.orch.get_memory(i) for i in ids[:20]]
            return call.reply({"entries": [entry_dict(e) for e in found]}, verbose=verbose)
        page = await call.orch.recall(
            query,
            task_id=taskId,
            files=files or (),
            kind=kind,
            limit=limit,
            after=after,
        )
        out: dict[str, Any] = {"entries": page.lines}
        if page.next_cursor:
            out["next"] = page.next_cursor
        if query and call.orch.embedder is None:
            out["matched"] = _words_only()
        return call.reply(out, verbose=verbose)
