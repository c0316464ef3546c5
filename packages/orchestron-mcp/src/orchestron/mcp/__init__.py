"""Orchestron's MCP server: the agents' door (filled in by the MCP issue)."""

__all__ = ["main"]


def main() -> None:
    raise SystemExit("orchestron-mcp is not built yet")
