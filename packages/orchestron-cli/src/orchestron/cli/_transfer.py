"""`export` and `import`: the whole project, losslessly, as one JSON document.

The JSON is this door's (`_document`); reading and writing a project is the
runtime's one transfer module, the one `migrate` uses too: export reads a
consistent snapshot in one unit of work; import writes everything or nothing
into an empty project, then reads it back and refuses (rolling back) unless it
matches the document.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import click

from orchestron.cli._command import Command
from orchestron.cli._document import from_document, to_document
from orchestron.cli._errors import CliError
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import say
from orchestron.core import Orchestron

__all__ = ["export", "import_"]


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

    from orchestron.runtime import amount, read_contents

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
    from orchestron.runtime import NotEmptyError, amount, write_contents

    data = _read_document(source)
    contents, counters = from_document(data)

    async def act(orch: Orchestron) -> None:
        async with orch.storage.transaction(write=True) as tx:
            try:
                await write_contents(tx, contents, counters)
            except NotEmptyError as exc:
                what = ", ".join(amount(n, kind) for kind, n in exc.held.items())
                raise CliError(
                    f"this project is not empty ({what}); import only into a new one: "
                    "`orchestron --db NEW.db init` then `orchestron --db NEW.db import FILE`"
                ) from None

    env.run(act)
    sizes = ", ".join(amount(n, k) for k, n in contents.sizes().items() if n)
    say(f"Imported {sizes or 'an empty project'}", "green")
