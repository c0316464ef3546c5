"""The `orchestron` command: the human's door in a terminal.

`main()` is the console script. Command modules load lazily, so a command
pays only for what it uses (no MCP SDK, litestar or networkx; rich only when
stdout is a terminal).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; exits with 0 on success, 1 on an error, 2 on bad usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["hook"] and not _asks_for_help(args[1:]):
        # Claude Code runs `orchestron hook EVENT` on every prompt and tool call:
        # straight to the hook, without click or the core (see _hooks).
        from orchestron.cli._hooks import run

        sys.exit(run(args[1:]))
    from orchestron.cli._app import run_cli

    run_cli(args)


def _asks_for_help(rest: Sequence[str]) -> bool:
    """`orchestron hook`, `hook -h`, `hook --help`: a person asking, not Claude Code."""
    return not rest or rest[0] in ("-h", "--help")
