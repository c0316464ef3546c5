"""A project's tunables (kept apart from the services, so the config reader needs no
more of the core than this)."""

from __future__ import annotations

from attrs import frozen

__all__ = ["Settings"]


@frozen
class Settings:
    """Tunables a project can change in its config."""

    lease_seconds: float = 300.0
    context_budget: int = 4096
    # Bytes of the resume package given to the index of project memory.
    memory_index_budget: int = 800
    auto_complete_parents: bool = True
