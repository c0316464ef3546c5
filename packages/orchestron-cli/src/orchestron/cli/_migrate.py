"""`migrate`: move the project to another store (SQLite <-> PostgreSQL), checked before commit."""

from __future__ import annotations

import click

from orchestron.cli._command import Command
from orchestron.cli._errors import CliError
from orchestron.cli._project import Env, pass_env, run_async
from orchestron.cli._render import say

__all__ = ["migrate"]


@click.command(cls=Command)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="PATH|URL",
    help="The new store: a SQLite file (created) or a postgresql:// URL (an empty database).",
)
@pass_env
def migrate(env: Env, target: str) -> None:
    """Copy the whole project into another, EMPTY store: SQLite <-> PostgreSQL.

    Everything moves in one transaction on the new store (tasks with their
    versions, dependencies, sprints, sessions, contexts, handoffs, requests,
    messages, memory, the event log with its numbers, the id counters), then the
    copy is read back and compared with the project before it is committed. The
    current store is left as it was: point --db (or ORCHESTRON_DB) at the new one
    to use it.
    """
    from orchestron.runtime import amount, copy_store, locate_store, open_storage

    source = locate_store(env.db)
    destination = locate_store(target)
    if source.describe() == destination.describe():
        raise CliError("--to names the store the project is in already; give a new one")
    if destination.path is not None and not destination.path.parent.is_dir():
        raise CliError(
            f"--to: the folder {destination.path.parent} does not exist; create it first "
            "(a mistyped folder is not made for you) or choose another path"
        )

    async def act() -> dict[str, int]:
        src = await open_storage(source)
        try:
            dst = await open_storage(destination, create=True)
            try:
                return (await copy_store(src, dst)).counts
            finally:
                await dst.close()
        finally:
            await src.close()

    counts = run_async(act)
    moved = ", ".join(amount(n, kind) for kind, n in counts.items() if n and kind != "outbox")
    say(f"Copied {moved or 'an empty project'} to {destination.describe()}", "green")
    say(
        f"The export of the copy equals the original's. Use it with --db {destination.describe()}"
        " (or ORCHESTRON_DB); the old store is unchanged."
    )
