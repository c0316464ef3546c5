"""Opening the project for one command, through the one composition root."""

from __future__ import annotations

import getpass
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

from orchestron.core.errors import OrchestronError

if TYPE_CHECKING:
    from orchestron.core import Orchestron

__all__ = ["Env", "default_actor", "pass_env", "run", "run_async"]

T = TypeVar("T")


class Env:
    """What the root group hands every command: where the store is, who acts."""

    def __init__(self, db: str | None, actor: str) -> None:
        self.db = db
        self.actor = actor

    def run(self, action: Callable[[Orchestron], Awaitable[T]], *, create: bool = False) -> T:
        return run(self, action, create=create)


pass_env = click.make_pass_decorator(Env)


def default_actor() -> str:
    """`human:<login>`: $ORCHESTRON_ACTOR, else the OS user."""
    login = os.environ.get("ORCHESTRON_ACTOR", "").strip()
    if not login:
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "unknown"
    return login if login.startswith("human:") else f"human:{login}"


def run(env: Env, action: Callable[[Orchestron], Awaitable[T]], *, create: bool = False) -> T:
    """Open the project, run `action` on it, close it; core errors become CliError."""
    from orchestron.runtime import open_orchestron

    async def go() -> T:
        async with open_orchestron(env.db, actor=env.actor, create=create) as orch:
            return await action(orch)

    return run_async(go)


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine function to completion; core errors become CliError."""

    async def wrapped() -> T:
        return await main()

    import asyncio

    try:
        return asyncio.run(wrapped())
    except OrchestronError as exc:
        from orchestron.cli._errors import from_orchestron_error

        raise from_orchestron_error(exc) from None
