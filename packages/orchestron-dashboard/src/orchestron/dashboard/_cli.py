"""`orchestron-dashboard`: start the dashboard and print where it listens."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence

from orchestron.core.errors import OrchestronError
from orchestron.dashboard._security import InsecureBindError, check_bind
from orchestron.runtime import locate_store

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "listen_socket", "main", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
TOKEN_ENV = "ORCHESTRON_DASHBOARD_TOKEN"


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    db: str | None = None,
    token: str | None = None,
    *,
    log_level: str = "warning",
) -> None:
    """Run the dashboard until interrupted. Refuses a non-loopback `host` without a token.

    Prints the URL once the port is bound (port 0 picks a free one). Raises
    `InsecureBindError` or the core's `NotFoundError` (no project) before binding.
    """
    import uvicorn

    from orchestron.dashboard._app import create_app

    token = check_bind(host, token, f"--token or ${TOKEN_ENV}")
    location = locate_store(db)
    if location.kind == "sqlite" and location.path is not None and not location.path.exists():
        from orchestron.core.errors import NotFoundError

        raise NotFoundError(
            "database", str(location.path), "run `orchestron init` to create the project"
        )
    _open_once(db)
    sock = listen_socket(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    print(f"Orchestron dashboard: http://{shown}:{bound}/", flush=True)
    print(f"  project: {location.describe()}", flush=True)
    if token:
        print("  log in with the token (or send Authorization: Bearer TOKEN)", flush=True)
    app = create_app(db, token=token)
    config = uvicorn.Config(app, log_level=log_level, lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])


def _open_once(db: str | None) -> None:
    """Open the project and close it again, so a corrupt, newer or unreadable store is one
    clear error before any URL is printed (the app opens it again at startup)."""
    import asyncio

    from orchestron.runtime import open_orchestron

    async def probe() -> None:
        async with open_orchestron(db, actor="human"):
            pass

    asyncio.run(probe())


def listen_socket(host: str, port: int) -> socket.socket:
    """The bound socket uvicorn will serve on (bound here so port 0 can be printed)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says
    # TCP; without it every response waited ~40 ms for a delayed ACK (Nagle's algorithm).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    return sock


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="orchestron-dashboard",
        description="Orchestron's web dashboard: see and steer your agents' work in a browser.",
    )
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 = any free)",
    )
    p.add_argument(
        "--db",
        default=None,
        help="project database (default: ORCHESTRON_DB, else the nearest .orchestron/)",
    )
    p.add_argument(
        "--token",
        default=None,
        help=f"require this token (default: ${TOKEN_ENV}); needed for any non-loopback --host",
    )
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    try:
        serve(args.host, args.port, args.db, token)
    except InsecureBindError as exc:
        print(f"orchestron-dashboard: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OrchestronError as exc:
        print(f"orchestron-dashboard: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as exc:
        print(
            f"orchestron-dashboard: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        pass
