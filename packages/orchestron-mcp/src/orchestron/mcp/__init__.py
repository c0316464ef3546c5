"""Orchestron's MCP server: the agents' door.

`orchestron-mcp` serves the project's tasks, session memory and human channel
to one agent per process, over stdio (Claude Code) or streamable HTTP.
`create_server(ServerOptions(...))` builds the same server for embedding and tests.
"""

__version__ = "0.1.0"

from orchestron.mcp._budget import REPLY_BUDGET
from orchestron.mcp._cli import create_server, main
from orchestron.mcp._server import OrchestronServer, ServerOptions

__all__ = [
    "REPLY_BUDGET",
    "OrchestronServer",
    "ServerOptions",
    "__version__",
    "create_server",
    "main",
]
