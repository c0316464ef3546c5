"""The Litestar app: one Orchestron per app, opened at startup and closed at shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import anyio
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router

from orchestron.core import Orchestron
from orchestron.dashboard._api import (
    AnalyticsController,
    EventController,
    GraphController,
    SprintController,
    TaskController,
)
from orchestron.dashboard._api_human import HumanController, InboxController
from orchestron.dashboard._api_memory import MemoryController
from orchestron.dashboard._api_sessions import SessionController
from orchestron.dashboard._cache import RecentResults
from orchestron.dashboard._errors import exception_handlers
from orchestron.dashboard._live import EventFeed, live_stream
from orchestron.dashboard._pages import page_handlers
from orchestron.dashboard._pages_agents import agent_page_handlers
from orchestron.dashboard._pages_memory import memory_page_handlers
from orchestron.dashboard._security import SecurityMiddleware, csrf_config
from orchestron.runtime import check_token, open_orchestron, person_actor

__all__ = ["DEFAULT_MAX_BODY", "create_app"]

DEFAULT_MAX_BODY = 64 * 1024
STATIC = Path(__file__).parent / "static"

Opener = Callable[[], AbstractAsyncContextManager[Orchestron]]


def create_app(
    db: str | None = None,
    token: str | None = None,
    *,
    cwd: Path | None = None,
    poll_interval: float = 0.5,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: Iterable[str] | None = None,
    opener: Opener | None = None,
    debug: bool = False,
) -> Litestar:
    """The dashboard over the project at `db` (else ORCHESTRON_DB, else the nearest
    `.orchestron/`). With `token`, every page and API call needs it. `opener`
    replaces how the project is opened (tests pass one over the fakes).
    A token shorter than 16 characters, or blank, raises InsecureBindError."""
    token = check_token(token)

    def open_project() -> AbstractAsyncContextManager[Orchestron]:
        if opener is not None:
            return opener()
        # A person's clicks are theirs in the log, named as the CLI names them.
        return open_orchestron(db, cwd=cwd, actor=person_actor())

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_project() as orch, anyio.create_task_group() as tg:
            feed = EventFeed(orch, interval=poll_interval)
            app.state.orch = orch
            app.state.feed = feed
            tg.start_soon(feed.run)
            try:
                yield
            finally:
                tg.cancel_scope.cancel()

    return Litestar(
        route_handlers=[
            TaskController,
            SprintController,
            AnalyticsController,
            EventController,
            GraphController,
            HumanController,
            InboxController,
            SessionController,
            MemoryController,
            live_stream,
            *page_handlers,
            *agent_page_handlers,
            *memory_page_handlers,
            create_static_files_router(path="/static", directories=[STATIC]),
        ],
        dependencies={"orch": Provide(_orch, sync_to_thread=False)},
        lifespan=[lifespan],
        state=State({"token": token or None, "recent": RecentResults()}),
        middleware=[
            DefineMiddleware(
                SecurityMiddleware, token=token, allowed_hosts=allowed_hosts, csrf=csrf_config()
            )
        ],
        exception_handlers=exception_handlers,
        request_max_body_size=max_body,
        openapi_config=OpenAPIConfig(
            title="Orchestron dashboard API",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        debug=debug,
    )


def _orch(state: State) -> Orchestron:
    orch: Orchestron = state.orch
    return orch
