"""Opening the project for one command, through the one composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import click

from orchestron.core.errors import OrchestronError

if TYPE_CHECKING:
    from orchestron.core import Orchestron

__all__ = ["Env", "pass_env", "read", "run", "run_async"]

T = TypeVar("T")


class Env:
    """What the root group hands every command: where the store is, who acts."""

    def __init__(self, db: str | None, actor: str | None = None) -> None:
        self.db = db
        self._actor = actor

    @property
    def actor(self) -> str:
        """`human:<login>`, by the rule every door shares (see `person_actor`); asked for
        only when a command opens the store, so `--help` never imports the runtime."""
        if self._actor is None:
            from orchestron.runtime import person_actor

            self._actor = person_actor()
        return self._actor

    def run(self, action: Callable[[Orchestron], Awaitable[T]], *, create: bool = False) -> T:
        return run(self, action, create=create)

    def read(self, action: Callable[[Orchestron], Awaitable[T]]) -> T:
        """`run` for an action that only reads (see `read`)."""
        return read(self, action)


pass_env = click.make_pass_decorator(Env)


def run(env: Env, action: Callable[[Orchestron], Awaitable[T]], *, create: bool = False) -> T:
    """Open the project, run `action` on it, close it; core errors become CliError."""
    from orchestron.runtime import open_orchestron

    async def go() -> T:
        async with open_orchestron(env.db, actor=env.actor, create=create) as orch:
            return await action(orch)

    return run_async(go)


class _NeedsLoop(Exception):
    """The action has to wait for something, so it needs an event loop after all."""


def read(env: Env, action: Callable[[Orchestron], Awaitable[T]]) -> T:
    """Run a read-only action; on a SQLite store with no notifier, with no event loop.

    The SQLite store never suspends (its statements run inline), so the action
    runs to its end on the first step of its coroutine, and the command skips
    importing asyncio: about a quarter of a read command's start-up. Anything
    that does need a loop (a PostgreSQL store, a notifier to call) runs as
    `run` does; reading twice is harmless.
    """
    from orchestron.runtime import locate_store, open_orchestron

    if _errors_for_people(lambda: locate_store(env.db).kind) == "sqlite":

        async def go() -> T:
            async with open_orchestron(env.db, actor=env.actor) as orch:
                if orch.notifier is not None:
                    raise _NeedsLoop
                return await action(orch)

        try:
            return _errors_for_people(lambda: _step_once(go()))
        except _NeedsLoop:
            pass
    return run(env, action)


def _step_once(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` if it finishes without waiting; else _NeedsLoop (nothing was written)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    except RuntimeError as exc:
        # "no running event loop" (or sniffio's like it): something wanted to wait.
        raise _NeedsLoop from exc
    coro.close()
    raise _NeedsLoop


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine function to completion; core errors become CliError."""

    async def wrapped() -> T:
        return await main()

    import asyncio

    return _errors_for_people(lambda: asyncio.run(wrapped()))


def _errors_for_people(call: Callable[[], T]) -> T:
    try:
        return call()
    except OrchestronError as exc:
        from orchestron.cli._errors import from_orchestron_error

        raise from_orchestron_error(exc) from None
