"""Orchestron's command line (filled in by the CLI issue)."""

__all__ = ["main"]


def main() -> None:
    raise SystemExit("orchestron is not built yet")
