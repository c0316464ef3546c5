"""`orchestron-mcp`: run the server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import anyio

from orchestron.mcp._server import OrchestronServer, ServerOptions

__all__ = ["main", "parse_args"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="orchestron-mcp",
        description="Orchestron's MCP server: one agent session per process.",
    )
    parser.add_argument(
        "--db",
        help="database: a path, sqlite://PATH or postgresql://... (default: ORCHESTRON_DB, "
        "else the nearest .orchestron/ folder)",
    )
    parser.add_argument(
        "--agent", help="agent id (default: ORCHESTRON_AGENT, else the client's name + a suffix)"
    )
    parser.add_argument("--cwd", type=Path, help="folder to find the project from (default: here)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace, env: dict[str, str] | None = None) -> ServerOptions:
    environ = dict(os.environ) if env is None else env
    return ServerOptions(
        db=args.db or environ.get("ORCHESTRON_DB") or None,
        cwd=args.cwd
        or (Path(environ["CLAUDE_PROJECT_DIR"]) if environ.get("CLAUDE_PROJECT_DIR") else None),
        agent=args.agent or environ.get("ORCHESTRON_AGENT") or None,
        session_id=environ.get("CLAUDE_CODE_SESSION_ID") or None,
    )


async def _serve(server: OrchestronServer, args: argparse.Namespace) -> None:
    """Serve until the client goes (stdin closes) or a signal asks us to stop; then end cleanly."""
    async with anyio.create_task_group() as tg:

        async def stop_on_signal() -> None:
            with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP) as signals:
                async for _ in signals:
                    tg.cancel_scope.cancel()
                    return

        tg.start_soon(stop_on_signal)
        if args.http:
            await server.run_streamable_http_async(host=args.host, port=args.port)
        else:
            await server.run_stdio_async()
        tg.cancel_scope.cancel()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    server = create_server(options_from(args))
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(_serve, server, args)
    sys.exit(0)


def create_server(options: ServerOptions | None = None) -> OrchestronServer:
    """The server with every tool, resource and prompt registered."""
    from orchestron.mcp import (
        _prompts,
        _resources,
        _tools_human,
        _tools_session,
        _tools_sprints,
        _tools_tasks,
        _tools_update,
    )

    server = OrchestronServer(options)
    for module in (
        _tools_tasks,
        _tools_update,
        _tools_sprints,
        _tools_session,
        _tools_human,
        _resources,
        _prompts,
    ):
        module.register(server)
    return server
