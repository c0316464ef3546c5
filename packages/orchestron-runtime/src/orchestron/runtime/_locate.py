"""Where a project's database lives.

`--db` / `ORCHESTRON_DB` first, else the nearest `.orchestron/` folder walking
up from the working directory (so every git worktree of a repository under one
folder can share it), else nothing until `orchestron init` creates one.
"""

from __future__ import annotations

import os
from pathlib import Path

from attrs import frozen

from orchestron.core.errors import InvalidInputError, NotFoundError

__all__ = ["DB_FILE", "PROJECT_DIR", "StoreLocation", "find_project_dir", "locate_store"]

PROJECT_DIR = ".orchestron"
DB_FILE = "orchestron.db"
CONFIG_FILE = "config.toml"


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
    """The nearest `.orchestron/` folder at or above `start`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_DIR
        if candidate.is_dir():
            return candidate
    return None


def locate_store(
    db: str | None = None, *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> StoreLocation:
    environ = os.environ if env is None else env
    spec = db or environ.get("ORCHESTRON_DB") or None
    base = cwd or Path.cwd()
    if spec:
        return _from_spec(spec, base)
    project = find_project_dir(base)
    if project is None:
        raise NotFoundError(
            "project",
            str(base),
            "no .orchestron/ folder here or above; run `orchestron init` to create one, "
            "or pass --db PATH / set ORCHESTRON_DB",
        )
    return StoreLocation(kind="sqlite", path=project / DB_FILE, project_dir=project)


def _from_spec(spec: str, base: Path) -> StoreLocation:
    lowered = spec.lower()
    if lowered.startswith(("postgresql://", "postgres://")):
        return StoreLocation(kind="postgresql", url=spec, project_dir=find_project_dir(base))
    if lowered.startswith("sqlite://"):
        spec = spec[len("sqlite://") :]
        if not spec:
            raise InvalidInputError("db", "sqlite:// needs a path, e.g. sqlite:///tmp/board.db")
    elif "://" in spec:
        scheme = spec.split("://", 1)[0]
        raise InvalidInputError(
            "db",
            f"unknown store scheme {scheme!r}; use a file path, sqlite://PATH or postgresql://...",
        )
    path = Path(spec).expanduser()
    if not path.is_absolute():
        path = base / path
    if path.is_dir():
        path = path / DB_FILE
    project = path.parent if path.parent.name == PROJECT_DIR else find_project_dir(base)
    return StoreLocation(kind="sqlite", path=path, project_dir=project)


def _redact(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
