"""Which Orchestron store a folder uses, with the standard library only.

The one implementation of project discovery: `locate_store` (every door)
calls `find_store`, and so does `orchestron setup claude --check`. It imports
nothing beyond `os`, so that the CLI can find a project without the core.

A project is the nearest `.orchestron/` folder at or above the working folder,
seen from the repository's main worktree: every `git worktree` of a repository
(a sibling `../feature`, or Claude Code's own `.claude/worktrees/NAME`) shares
the store of its main worktree. Git's common directory says which repository a
worktree belongs to; it is read from the `.git` file and the `commondir` file
git keeps beside it, the same answer `git rev-parse --git-common-dir` gives,
without starting git.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not `from typing`: importing typing costs the hooks time

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CONFIG_FILE",
    "DB_FILE",
    "PROJECT_DIR",
    "StoreSpec",
    "Worktree",
    "find_project_dir",
    "find_store",
    "git_worktree",
]

PROJECT_DIR = ".orchestron"
DB_FILE = "orchestron.db"
CONFIG_FILE = "config.toml"


class Worktree:
    """The git worktree a folder is in.

    `root` holds its `.git`; `main_root` is the repository's main worktree (the
    same folder unless this is a linked worktree; "" for a bare repository,
    which has none); `linked` is true for a `git worktree add` checkout.
    """

    __slots__ = ("common_dir", "linked", "main_root", "root")

    def __init__(self, root: str, main_root: str, common_dir: str, *, linked: bool) -> None:
        self.root = root
        self.main_root = main_root
        self.common_dir = common_dir
        self.linked = linked

    def in_main(self, folder: str) -> str:
        """Where `folder` (inside this worktree) sits in the main worktree."""
        if not self.linked or not self.main_root:
            return folder
        inside = os.path.relpath(folder, self.root)
        return os.path.normpath(os.path.join(self.main_root, inside))


class StoreSpec:
    """Which store to open: a SQLite file (`path`) or a server (`url`); where the project is."""

    __slots__ = ("kind", "path", "project_dir", "url")

    def __init__(self, kind: str, *, path: str = "", url: str = "", project_dir: str = "") -> None:
        self.kind = kind  # "sqlite" or "postgresql"
        self.path = path
        self.url = url
        self.project_dir = project_dir

    @property
    def config_path(self) -> str:
        return os.path.join(self.project_dir, CONFIG_FILE) if self.project_dir else ""


def git_worktree(start: str) -> Worktree | None:
    """The git worktree holding `start`, or None outside any repository."""
    here = os.path.realpath(start)
    while True:
        dot_git = os.path.join(here, ".git")
        if os.path.isdir(dot_git):
            return Worktree(here, here, dot_git, linked=False)
        if os.path.isfile(dot_git):
            return _from_git_file(here, dot_git)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _from_git_file(root: str, dot_git: str) -> Worktree:
    """A `.git` file: a linked worktree (its git dir has `commondir`) or a submodule."""
    try:
        with open(dot_git, encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return Worktree(root, root, dot_git, linked=False)
    if not first.startswith("gitdir:"):
        return Worktree(root, root, dot_git, linked=False)
    git_dir = os.path.join(root, first[len("gitdir:") :].strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        # A submodule (or a worktree git no longer knows): its own repository.
        return Worktree(root, root, os.path.normpath(git_dir), linked=False)
    common_dir = os.path.realpath(os.path.join(git_dir, common))
    main = os.path.dirname(common_dir) if os.path.basename(common_dir) == ".git" else ""
    return Worktree(root, main, common_dir, linked=True)


def _nearest(start: str) -> str:
    here = start
    while True:
        candidate = os.path.join(here, PROJECT_DIR)
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return ""
        here = parent


def find_project_dir(start: str) -> str:
    """The `.orchestron/` folder that serves `start` ("" when there is none).

    In a linked worktree the main worktree's project comes first: a
    `.orchestron/` checked out in the worktree itself (the committed
    config.toml) holds no store of its own.
    """
    here = os.path.realpath(start)
    tree = git_worktree(here)
    if tree is not None and tree.linked and tree.main_root:
        found = _nearest(tree.in_main(here))
        if found:
            return found
    return _nearest(here)


def find_store(base: str, environ: Mapping[str, str] | None = None) -> StoreSpec | None:
    """The store a door working in `base` uses; None when there is no project.

    `ORCHESTRON_DB` first (a path, `sqlite://PATH` or `postgresql://...`), else
    the project's `.orchestron/orchestron.db`. A store spec that is not one of
    those raises ValueError with what to write instead.
    """
    env = os.environ if environ is None else environ
    spec = env.get("ORCHESTRON_DB", "").strip()
    if not spec:
        project = find_project_dir(base)
        if not project:
            return None
        return StoreSpec("sqlite", path=os.path.join(project, DB_FILE), project_dir=project)
    return store_from_spec(spec, base)


def store_from_spec(spec: str, base: str) -> StoreSpec:
    """The store `--db` / `ORCHESTRON_DB` names, relative paths taken from `base`."""
    lowered = spec.lower()
    if lowered.startswith(("postgresql://", "postgres://")):
        return StoreSpec("postgresql", url=spec, project_dir=find_project_dir(base))
    if lowered.startswith("sqlite://"):
        spec = spec[len("sqlite://") :]
        if not spec:
            raise ValueError("sqlite:// needs a path, e.g. sqlite:///tmp/board.db")
    elif "://" in spec:
        scheme = spec.split("://", 1)[0]
        raise ValueError(
            f"unknown store scheme {scheme!r}; use a file path, sqlite://PATH or postgresql://..."
        )
    path = os.path.expanduser(spec)
    if not os.path.isabs(path):
        path = os.path.join(os.path.abspath(base), path)
    path = os.path.normpath(path)
    if os.path.isdir(path):
        path = os.path.join(path, DB_FILE)
    parent = os.path.dirname(path)
    project = parent if os.path.basename(parent) == PROJECT_DIR else find_project_dir(base)
    return StoreSpec("sqlite", path=path, project_dir=project)
