"""`export` and `import`: the whole project, losslessly, as one JSON document.

Both work on the Storage port's repositories inside one unit of work: export
reads a consistent snapshot; import writes everything or nothing, then reads
the project back and refuses (rolling back) unless it matches the document.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from attrs import evolve

from orchestron.cli._command import Command
from orchestron.cli._document import Contents, from_document, id_key, to_document
from orchestron.cli._errors import CliError
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import say
from orchestron.core import MemoryFilter, Orchestron, TaskFilter
from orchestron.core.ports import UnitOfWork

__all__ = ["export", "import_", "read_contents", "write_contents"]


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Versioned)


async def read_contents(tx: UnitOfWork) -> Contents:
    return Contents(
        tasks=await tx.tasks.list(TaskFilter()),
        dependencies=await tx.deps.all(),
        sprints=await tx.sprints.list(),
        sessions=await tx.sessions.list(),
        contexts=await tx.contexts.all(),
        handoffs=await tx.handoffs.list(),
        requests=await tx.requests.list(),
        messages=await tx.messages.list(),
        events=await tx.events.list(after=0),
        memory=await tx.memory.list(MemoryFilter()),
    )


async def _is_empty(tx: UnitOfWork) -> dict[str, int]:
    """What the project already holds (empty dict when nothing)."""
    held = {
        "tasks": await tx.tasks.count(TaskFilter()),
        "sprints": len(await tx.sprints.list()),
        "sessions": len(await tx.sessions.list(limit=1)),
        "handoffs": len(await tx.handoffs.list(limit=1)),
        "requests": len(await tx.requests.list()),
        "messages": len(await tx.messages.list()),
        "contexts": len(await tx.contexts.all()),
        "events": await tx.events.last_seq(),
        "memory": await tx.memory.count(MemoryFilter()),
    }
    return {k: v for k, v in held.items() if v}


async def _add_versioned(
    item: V,
    add: Callable[[V], Awaitable[Any]],
    get: Callable[[str], Awaitable[V | None]],
    update: Callable[[V], Awaitable[None]],
) -> None:
    """Insert `item`, then step its stored version up to the exported one."""
    await add(item)
    stored = await get(item.id)
    start = stored.version if stored is not None else 1
    for v in range(start + 1, item.version + 1):
        await update(evolve(item, version=v))  # type: ignore[misc]


def _parents_first(tasks: list[Any]) -> list[Any]:
    placed: set[str] = set()
    ordered: list[Any] = []
    pending = sorted(tasks, key=lambda t: id_key(t.id))
    known = {t.id for t in tasks}
    while pending:
        rest = []
        for t in pending:
            if t.parent is None or t.parent in placed or t.parent not in known:
                ordered.append(t)
                placed.add(t.id)
            else:
                rest.append(t)
        if len(rest) == len(pending):  # a parent cycle: keep the document's order
            ordered.extend(rest)
            break
        pending = rest
    return ordered


async def write_contents(tx: UnitOfWork, contents: Contents, counters: dict[str, int]) -> None:
    """Recreate `contents` in an empty store, exactly (ids, versions, sequence numbers)."""
    for s in contents.sessions:
        await _add_versioned(s, tx.sessions.add, tx.sessions.get, tx.sessions.update)
    for sp in contents.sprints:
        await _add_versioned(sp, tx.sprints.add, tx.sprints.get, tx.sprints.update)
    for t in _parents_first(contents.tasks):
        await _add_versioned(t, tx.tasks.add, tx.tasks.get, tx.tasks.update)
    for task_id, depends_on in contents.dependencies:
        await tx.deps.add(task_id, depends_on)
    for c in sorted(contents.contexts, key=lambda x: x.id or 0):
        stored = await tx.contexts.add(c)
        if c.id is not None and stored.id != c.id:
            raise CliError(f"context {c.id} would get id {stored.id}; the export has a gap")
    for h in contents.handoffs:
        await _add_versioned(h, tx.handoffs.add, tx.handoffs.get, tx.handoffs.update)
    for r in contents.requests:
        await _add_versioned(r, tx.requests.add, tx.requests.get, tx.requests.update)
    for entry in contents.memory:
        await _add_versioned(entry, tx.memory.add, tx.memory.get, tx.memory.update)
    for m in contents.messages:
        await tx.messages.add(m)
    delivered = [m for m in contents.messages if m.delivered_at is not None]
    if delivered:
        stored_messages = {m.id: m for m in await tx.messages.list()}
        for m in delivered:
            if stored_messages[m.id].delivered_at is None and m.delivered_at is not None:
                await tx.messages.mark_delivered(
                    [m.id], to=m.delivered_to or "", via=m.delivered_via or "", at=m.delivered_at
                )
    for e in sorted(contents.events, key=lambda x: x.seq or 0):
        stored_event = await tx.events.append(e)
        if e.seq is not None and stored_event.seq != e.seq:
            raise CliError(
                f"event {e.seq} would get sequence number {stored_event.seq}; "
                "the event log in the export has a gap"
            )
    for prefix, top in counters.items():
        for _ in range(top):
            if await tx.next_number(prefix) >= top:
                break


def amount(n: int, section: str) -> str:
    """`1 dependency`, `3 dependencies`: a count of a section's records."""
    if section == "memory":
        return f"{n} memory {'entry' if n == 1 else 'entries'}"
    if n != 1:
        return f"{n} {section}"
    return f"1 {'dependency' if section == 'dependencies' else section.removesuffix('s')}"


def _first_difference(want: dict[str, Any], got: dict[str, Any]) -> str:
    for key, wanted in want.items():
        if wanted == got.get(key):
            continue
        if isinstance(wanted, list) and isinstance(got.get(key), list):
            for i, (a, b) in enumerate(zip(wanted, got[key], strict=False)):
                if a != b:
                    diff = (
                        sorted(k for k in a if a.get(k) != b.get(k)) if isinstance(a, dict) else []
                    )
                    return f"{key}[{i}]" + (f" ({', '.join(diff)})" if diff else "")
            return f"{key} ({len(wanted)} in the file, {len(got[key])} stored)"
        return key
    return "?"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


class _NotStrictJson(ValueError):
    """NaN or Infinity: Python's json reads them, no other parser does."""


def _refuse_constant(name: str) -> object:
    raise _NotStrictJson(name)


def _read_document(source: Any) -> Any:
    """The JSON document in `source`, or a CliError saying why it is not one."""
    name = source.name
    hint = "give the JSON file `orchestron export` wrote"
    try:
        text = source.read()
    except UnicodeDecodeError as exc:
        raise CliError(
            f"{name} is not a text file (byte {exc.start} is not UTF-8); {hint}"
        ) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _NotStrictJson as exc:
        raise CliError(f"{name} holds {exc}, which is not a JSON number; {hint}") from None
    except json.JSONDecodeError as exc:
        raise CliError(f"{name} is not JSON ({exc.msg} at line {exc.lineno}); {hint}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting past the stack
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:120]
        raise CliError(f"{name} cannot be read as JSON ({reason}); {hint}") from None


@click.command(cls=Command)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@pass_env
def export(env: Env, output: Path | None) -> None:
    """Write every task, sprint, session, context, handoff, request, message, event and
    memory entry as JSON.

    The format is documented in docs/export-format.md. Prints to stdout unless -o.
    """

    async def act(orch: Orchestron) -> dict[str, Any]:
        async with orch.storage.transaction(write=False) as tx:
            return to_document(await read_contents(tx))

    document = env.run(act)
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:  # NaN stored before every door refused it: strict JSON has no NaN
        document = _finite(document)
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        print("note: NaN or infinite numbers in the project were written as null", file=sys.stderr)
    if output is None:
        from orchestron.cli._render import is_tty, terminal_json

        # Piped, the bytes are the export's own; on a terminal, nothing it could act on.
        sys.stdout.write(terminal_json(text) if is_tty() else text)
        return
    from orchestron.runtime import write_file

    write_file(output, text, field="output")
    sizes = ", ".join(amount(len(v), k) for k, v in document.items() if isinstance(v, list) and v)
    print(f"Exported {sizes or 'an empty project'} to {output}", file=sys.stderr)


@click.command("import", cls=Command)
@click.argument("source", type=click.File("r", encoding="utf-8"), metavar="FILE")
@pass_env
def import_(env: Env, source: Any) -> None:
    """Load an export (FILE, or - for stdin) into an EMPTY project, exactly as it was.

    Start with a new project: `orchestron init` in an empty folder (or
    `orchestron --db NEW.db init`), then import. Everything is written in one
    transaction: on any problem nothing is written.
    """
    data = _read_document(source)
    contents, counters = from_document(data)
    expected = to_document(contents)

    async def act(orch: Orchestron) -> None:
        async with orch.storage.transaction(write=True) as tx:
            held = await _is_empty(tx)
            if held:
                what = ", ".join(amount(n, k) for k, n in held.items())
                raise CliError(
                    f"this project is not empty ({what}); import only into a new one: "
                    "`orchestron --db NEW.db init` then `orchestron --db NEW.db import FILE`"
                )
            await write_contents(tx, contents, counters)
            stored = to_document(await read_contents(tx))
            if stored != expected:
                raise CliError(
                    "the import could not be reproduced exactly (first difference in "
                    f"{_first_difference(expected, stored)}); nothing was written"
                )

    env.run(act)
    sizes = ", ".join(amount(n, k) for k, n in contents.sizes().items() if n)
    say(f"Imported {sizes or 'an empty project'}", "green")
