"""`memory list | search | show | add | resolve | confirm | retire | stale`: the project's memory.

Agents write memory through MCP (`remember`) and when their sessions end; a
person reads it, settles disputes, confirms what still holds and retires what
no longer does. Every command takes --json.
"""

from __future__ import annotations

from typing import Any

import click

from orchestron.cli._command import TASK_ID, Count, Group, IdType, ref
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import (
    Column,
    ago,
    fields,
    heading,
    json_option,
    print_json,
    say,
    table,
)
from orchestron.core import MemoryEntry, MemoryPage, Orchestron, to_jsonable

__all__ = ["memory"]

MEM_ID = IdType("MEM")
# The core checks the values (any case), as it does every enum, and names the choices.
KINDS_HELP = "DECISION, CONVENTION, FACT, GOTCHA or PREFERENCE (any case)"
STATUSES_HELP = "ACTIVE, DISPUTED, SUPERSEDED or RETIRED (any case)"
_STATUS_STYLE = {"ACTIVE": "green", "DISPUTED": "red", "SUPERSEDED": "dim", "RETIRED": "dim"}


def _words_only() -> str:
    from orchestron.runtime import words_only_reason

    return f"by words only: {words_only_reason()}"


async def _by_meaning(orch: Orchestron, page: Any) -> tuple[MemoryPage, bool]:
    return await page, orch.embedder is not None


def _rows(entries: tuple[MemoryEntry, ...] | list[MemoryEntry]) -> None:
    table(
        [
            Column("id"),
            Column("kind"),
            Column("topic"),
            Column("status", style=_STATUS_STYLE),
            Column("text", flex=True),
            Column("confirmed"),
        ],
        (
            [e.id, e.kind.value, e.topic, e.status.value, e.text, ago(e.last_confirmed)]
            for e in entries
        ),
    )


def _page(page: MemoryPage, as_json: bool, empty: str, more: str) -> None:
    if as_json:
        print_json({"entries": [to_jsonable(e) for e in page.entries], "next": page.next_cursor})
        return
    if not page.entries:
        say(empty)
        return
    _rows(page.entries)
    if page.next_cursor:
        say(more.format(cursor=page.next_cursor), "dim")


def _done(message: str, entry: MemoryEntry, as_json: bool) -> None:
    if as_json:
        print_json(to_jsonable(entry))
    else:
        say(f"{message} {entry.line()}", "green")


@click.group(cls=Group)
def memory() -> None:
    """Decisions and learnings every agent sees: list, search, settle, keep fresh."""


@memory.command("list")
@click.option("--status", help=f"Only entries with this status: {STATUSES_HELP}.")
@click.option("-k", "--kind", help=f"Only this kind: {KINDS_HELP}.")
@click.option("--topic", help="Only this topic key.")
@click.option(
    "-n", "--limit", type=Count(), default=50, show_default=True, help="At most this many."
)
@click.option("--after", metavar="MEM-ID", help="Start after this id (the last one shown).")
@json_option
@pass_env
def memory_list(
    env: Env,
    status: str | None,
    kind: str | None,
    topic: str | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> None:
    """Entries in id order (every status unless --status)."""
    page = env.read(
        lambda orch: orch.list_memory(
            status=status, kind=kind, topic=topic, limit=limit, after=after
        )
    )
    _page(page, as_json, "no memory entries yet", "more: orchestron memory list --after {cursor}")


@memory.command("search")
@click.argument("query", nargs=-1)
@click.option("--task", "task_id", type=TASK_ID, help="Rank entries tied to this task first.")
@click.option("--file", "files", multiple=True, help="Rank entries about this file first.")
@click.option("-k", "--kind", help=f"Only this kind: {KINDS_HELP}.")
@click.option(
    "-n", "--limit", type=Count(), default=20, show_default=True, help="At most this many."
)
@click.option("--after", metavar="CURSOR", help="The cursor the previous page printed.")
@json_option
@pass_env
def memory_search(
    env: Env,
    query: tuple[str, ...],
    task_id: str | None,
    files: tuple[str, ...],
    kind: str | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> None:
    """Active and disputed entries matching QUERY (topic, text, rationale), best first."""
    text = " ".join(query) or None
    page, by_meaning = env.read(
        lambda orch: _by_meaning(
            orch,
            orch.recall(text, task_id=task_id, files=files, kind=kind, limit=limit, after=after),
        )
    )
    again = " ".join(["orchestron memory search", *query, "--after {cursor}"])
    _page(page, as_json, "nothing matches", f"more: {again}")
    if text and not by_meaning and not as_json:
        say(f"matched {_words_only()}", "yellow")


@memory.command("show")
@click.argument("entry_id", type=MEM_ID)
@json_option
@pass_env
def memory_show(env: Env, entry_id: str, as_json: bool) -> None:
    """One entry in full: its rationale, history and who said it where."""
    e = env.read(lambda orch: orch.get_memory(entry_id))
    if as_json:
        print_json(to_jsonable(e))
        return
    heading(f"{e.id} {e.kind.value} · {e.topic}")
    say(e.text)
    say("")
    fields(
        [
            ("status", e.status.value),
            ("rationale", e.rationale or ""),
            ("supersedes", e.supersedes or ""),
            ("superseded by", e.superseded_by or ""),
            (
                "dispute",
                f"{e.dispute} (orchestron memory resolve {e.dispute} --keep ...)"
                if e.dispute
                else "",
            ),
            ("retired", e.retired_reason or ""),
            ("review date", e.review_date.isoformat() if e.review_date else ""),
            ("confirmed", ago(e.last_confirmed)),
            ("files", ", ".join(e.files)),
        ],
        styles={"status": _STATUS_STYLE.get(e.status.value, "")},
    )
    say("")
    heading("said by")
    for p in e.provenance:
        where = ", ".join(x for x in (p.session and f"session {p.session}", p.task) if x)
        say(f"  {p.agent or 'someone'}{f' ({where})' if where else ''} {ago(p.at)}")


@memory.command("add")
@click.argument("text")
@click.option("-k", "--kind", required=True, help=f"What sort of knowledge: {KINDS_HELP}.")
@click.option("--topic", required=True, help="A short key, e.g. database.")
@click.option("-r", "--reason", "--rationale", "rationale", help="Why it holds.")
@click.option("--supersedes", type=MEM_ID, help="The entry this one replaces.")
@click.option("--task", "task_id", type=TASK_ID, help="The task it came from.")
@click.option("--file", "files", multiple=True, help="A file it is about (repeat).")
@click.option("--review-date", "review_date", help="When to check it again (YYYY-MM-DD).")
@json_option
@pass_env
def memory_add(
    env: Env,
    text: str,
    kind: str,
    topic: str,
    rationale: str | None,
    supersedes: str | None,
    task_id: str | None,
    files: tuple[str, ...],
    review_date: str | None,
    as_json: bool,
) -> None:
    """Remember TEXT yourself (a convention, a preference...) for every agent."""
    result = env.run(
        lambda orch: orch.remember(
            text,
            kind=kind,
            topic=topic,
            rationale=rationale,
            supersedes=supersedes,
            task_id=task_id,
            files=files,
            review_date=review_date,
        )
    )
    if as_json:
        print_json(to_jsonable(result))
        return
    say(f"{result.outcome}: {result.entry.line()}", "green")
    for other in result.others:
        say(f"  {other.line()}", "dim")
    say(f"why: {result.reason}", "dim")
    if result.maybe is not None:
        say(
            f"listed in `orchestron memory stale` for you to look at: maybe the same as "
            f"{result.maybe.id} (confirm {result.entry.id} if both hold)",
            "yellow",
        )
    if not result.by_meaning:
        say(f"judged {_words_only()}", "yellow")
    if result.request is not None:
        say(f"settle it: orchestron memory resolve {result.request.id} --keep MEM-ID|both|neither")


@memory.command("resolve")
@click.argument("dispute", metavar="REQ-ID|MEM-ID")
@click.option("--keep", required=True, help="The entry to keep (MEM-ID), both, or neither.")
@click.option("-m", "--message", "--note", "note", help="A word for the agents (they are told).")
@json_option
@pass_env
def memory_resolve(env: Env, dispute: str, keep: str, note: str | None, as_json: bool) -> None:
    """Settle a dispute: keep one claim (the others are superseded), both, or neither."""
    if keep.strip().isascii() and keep.strip().isdigit():
        keep = ref(keep, "MEM")
    done = env.run(lambda orch: orch.resolve_dispute(dispute, keep, note))
    if as_json:
        print_json(
            {
                "request": to_jsonable(done.request),
                "keep": done.keep,
                "entries": [to_jsonable(e) for e in done.entries],
                "told": [m.agent_id for m in done.messages],
            }
        )
        return
    say(f"Settled {done.request.id}: {done.request.answer}", "green")
    told = ", ".join(m.agent_id or "" for m in done.messages)
    if told:
        say(f"told: {told} (at their next step)", "dim")


@memory.command("confirm")
@click.argument("entry_id", type=MEM_ID)
@click.option("--review-date", "review_date", help="Next date to check it (YYYY-MM-DD).")
@json_option
@pass_env
def memory_confirm(env: Env, entry_id: str, review_date: str | None, as_json: bool) -> None:
    """It still holds: the entry leaves the stale list."""
    if review_date is not None:
        entry = env.run(lambda orch: orch.confirm(entry_id, review_date=review_date))
    else:
        entry = env.run(lambda orch: orch.confirm(entry_id))
    _done("Confirmed", entry, as_json)


@memory.command("retire")
@click.argument("entry_id", type=MEM_ID)
@click.option("-r", "--reason", required=True, help="Why it no longer holds.")
@json_option
@pass_env
def memory_retire(env: Env, entry_id: str, reason: str, as_json: bool) -> None:
    """It no longer holds; it stays as history."""
    _done("Retired", env.run(lambda orch: orch.retire(entry_id, reason)), as_json)


@memory.command("reindex")
@json_option
@pass_env
def memory_reindex(env: Env, as_json: bool) -> None:
    """Give every entry its vector of meaning (after an upgrade, an import, or installing
    orchestron-wordllama); entries also get one as they are met."""

    async def go(orch: Orchestron) -> tuple[int, str | None]:
        count = await orch.embed_memory()
        return count, orch.embedder.model if orch.embedder else None

    count, model = env.run(go)
    if as_json:
        print_json({"embedded": count, "model": model})
    elif model is None:
        say(f"nothing to do: memory is compared {_words_only()}", "yellow")
    else:
        say(f"{count} entries given their vector of meaning ({model})", "green")


@memory.command("stale")
@json_option
@pass_env
def memory_stale(env: Env, as_json: bool) -> None:
    """Active entries to check again: past their review date, or about files other
    sessions touched since they were last confirmed."""
    found = env.read(lambda orch: orch.stale())
    if as_json:
        out: list[dict[str, Any]] = [
            {
                **to_jsonable(s.entry),
                "reasons": list(s.reasons),
                **({"maybe_same_as": s.maybe_same.id} if s.maybe_same else {}),
            }
            for s in found
        ]
        print_json({"stale": out})
        return
    if not found:
        say("nothing to check: every active entry is fresh")
        return
    for s in found:
        say(s.entry.line())
        for why in s.reasons:
            say(f"    {why}", "yellow")
    say("confirm with: orchestron memory confirm MEM-ID  (or retire MEM-ID -r REASON)", "dim")
