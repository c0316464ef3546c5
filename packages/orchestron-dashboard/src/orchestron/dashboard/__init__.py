"""Orchestron's web dashboard (filled in by the dashboard issue)."""

__all__ = ["main"]


def main() -> None:
    raise SystemExit("orchestron-dashboard is not built yet")
