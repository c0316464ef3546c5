"""The `orchestron` command: the human's door in a terminal.

`main()` is the console script. Command modules load lazily, so a command
pays only for what it uses (no MCP SDK, litestar or networkx; rich only when
stdout is a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; exits with 0 on success, 1 on an error, 2 on bad usage."""
    from orchestron.cli._app import run_cli

    run_cli(argv)
