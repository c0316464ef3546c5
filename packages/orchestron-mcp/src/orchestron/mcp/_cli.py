"""`orchestron-mcp`: run the server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import anyio

log = logging.getLogger("orchestron.mcp")

from orchestron.mcp._server import OrchestronServer, ServerOptions

__all__ = ["TOKEN_ENV", "main", "parse_args"]

TOKEN_ENV = "ORCHESTRON_MCP_TOKEN"


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
    parser.add_argument(
        "--channel",
        action="store_true",
        default=None,
        help="push people's messages as Claude Code channel events (default: ORCHESTRON_CHANNEL, "
        "else [hooks] channel in the project config)",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8766, help="HTTP port (default 8766)")
    parser.add_argument(
        "--token",
        help=f"HTTP: require `Authorization: Bearer TOKEN` (default: ${TOKEN_ENV}); needed for "
        "any --host but loopback; at least 16 characters",
    )
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace, env: dict[str, str] | None = None) -> ServerOptions:
    environ = dict(os.environ) if env is None else env
    return ServerOptions(
        db=args.db or environ.get("ORCHESTRON_DB") or None,
        cwd=args.cwd
        or (Path(environ["CLAUDE_PROJECT_DIR"]) if environ.get("CLAUDE_PROJECT_DIR") else None),
        agent=args.agent or environ.get("ORCHESTRON_AGENT") or None,
        session_id=environ.get("CLAUDE_CODE_SESSION_ID") or None,
        channel=True if args.channel else None,
    )


async def _serve(server: OrchestronServer, args: argparse.Namespace) -> None:
    """Serve until the client goes (stdin closes) or a signal asks us to stop; then end cleanly."""
    if args.http:
        await _serve_http(server, args.host, args.port, args.token)
        return
    async with anyio.create_task_group() as tg:
        tg.start_soon(_stop_on_signal, server)
        await server.run_stdio_async()
        tg.cancel_scope.cancel()


async def _serve_http(server: OrchestronServer, host: str, port: int, token: str | None) -> None:
    """Streamable HTTP behind the dashboard's rule: Host and Origin checked, a token off
    loopback (see `orchestron.runtime.RequestGuard`)."""
    import uvicorn

    from mcp.server.transport_security import TransportSecuritySettings
    from orchestron.runtime import GuardMiddleware, RequestGuard

    # The guard is the one Host/Origin rule; the SDK's own (loopback only) would be a second.
    app = server.streamable_http_app(
        host=host,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    guarded = GuardMiddleware(app, RequestGuard(token))
    config = uvicorn.Config(guarded, host=host, port=port, log_level="warning")
    # uvicorn handles SIGINT/SIGTERM itself: a graceful shutdown runs the lifespan's exit.
    await uvicorn.Server(config).serve()


async def _stop_on_signal(server: OrchestronServer) -> None:
    """SIGTERM/SIGHUP: end the session, then leave at once.

    The stdio transport reads stdin on a worker thread that cancellation cannot
    interrupt, so waiting for a graceful exit would wait for the client to close
    stdin. Every write is already committed, so leaving now loses nothing.
    """
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP) as signals:
        async for _ in signals:
            break
    with anyio.CancelScope(shield=True), anyio.move_on_after(5):
        live = server.live
        if live is not None:
            try:
                await live.end()
            except Exception:  # leaving anyway; say why on stderr
                log.exception("could not end the session on the way out")
    sys.stderr.flush()
    os._exit(0)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.http:
        from orchestron.runtime import InsecureBindError, check_bind

        try:
            args.token = check_bind(
                args.host, args.token or os.environ.get(TOKEN_ENV), f"--token or ${TOKEN_ENV}"
            )
        except InsecureBindError as exc:
            print(f"orchestron-mcp: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
    server = create_server(options_from(args))
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(_serve, server, args)
    sys.exit(0)


def create_server(options: ServerOptions | None = None) -> OrchestronServer:
    """The server with every tool, resource and prompt registered."""
    from orchestron.mcp import (
        _prompts,
        _resources,
        _tools_hook,
        _tools_human,
        _tools_memory,
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
        _tools_memory,
        _tools_hook,
        _resources,
        _prompts,
    ):
        module.register(server)
    return server
