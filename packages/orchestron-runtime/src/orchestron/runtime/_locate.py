"""Where a project's database lives.

`--db` / `ORCHESTRON_DB` first, else the project's `.orchestron/` folder: the
nearest one at or above the working directory, seen from the repository's main
worktree, so every git worktree of a repository shares one store (the rule
itself is in `_project`, which the CLI's hooks call too). Else nothing until
`orchestron init` creates one.
"""

from __future__ import annotations

import os
from pathlib import Path

from attrs import frozen

from orchestron.core.errors import InvalidInputError, NotFoundError
from orchestron.runtime import _project
from orchestron.runtime._project import CONFIG_FILE, DB_FILE, PROJECT_DIR

__all__ = ["DB_FILE", "PROJECT_DIR", "StoreLocation", "find_project_dir", "locate_store"]


@frozen
class StoreLocation:
    """Which store to open: a SQLite file (`path`) or a server URL (`url`)."""

    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None
    url: str | None = None
    project_dir: Path | None = None

    @property
    def config_path(self) -> Path | None:
        return self.project_dir / CONFIG_FILE if self.project_dir else None

    def describe(self) -> str:
        if self.kind == "sqlite":
            return str(self.path)
        return _redact(self.url or "")


def find_project_dir(start: Path | None = None) -> Path | None:
    """The `.orchestron/` folder serving `start`: the nearest at or above it, the
    main worktree's first when `start` is in a linked git worktree."""
    found = _project.find_project_dir(str(start or Path.cwd()))
    return Path(found) if found else None


def locate_store(
    db: str | None = None, *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> StoreLocation:
    environ = os.environ if env is None else env
    spec = db or environ.get("ORCHESTRON_DB") or None
    base = cwd or Path.cwd()
    try:
        found = _project.find_store(str(base), {"ORCHESTRON_DB": spec} if spec else {})
    except ValueError as exc:
        raise InvalidInputError("db", str(exc)) from None
    if found is None:
        raise NotFoundError(
            "project",
            str(base),
            "no .orchestron/ folder here or above; run `orchestron init` to create one, "
            "or pass --db PATH / set ORCHESTRON_DB",
        )
    project = Path(found.project_dir) if found.project_dir else None
    if found.kind == "postgresql":
        return StoreLocation(kind="postgresql", url=found.url, project_dir=project)
    return StoreLocation(kind="sqlite", path=Path(found.path), project_dir=project)


def _redact(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
