"""`orchestron init`: one project per repository, shared by every git worktree.

The project goes in the repository's main worktree: `init` in a linked
worktree (`git worktree add ../feature`, Claude Code's `.claude/worktrees/x`)
uses or creates the main worktree's `.orchestron/`, never a second store.
`.orchestron/.gitignore` keeps the database (and its -wal/-shm) out of git and
the config in.
"""

from __future__ import annotations

import importlib
import os
import shlex
from pathlib import Path

import click

from orchestron.cli._command import Command
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import fields, say
from orchestron.runtime import write_file

__all__ = [
    "FALLBACK_CONFIG_TOML",
    "GITIGNORE",
    "init",
    "project_folder_for",
    "write_project_files",
]

FALLBACK_CONFIG_TOML = """\
# Orchestron project settings. Every line below is commented out: the value
# shown is the default. Uncomment a line to change it.

[sessions]
# lease_seconds = 300          # a silent session is abandoned after this; its tasks are released

[context]
# budget_bytes = 4096          # saved context is compressed to this size

[workflow]
# auto_complete_parents = true # a parent becomes DONE when all its children are

[notify]
# log = false                  # one line per notification on stderr
"""

GITIGNORE = """\
# Written by `orchestron init`: the settings go into git, the store does not
# (the database, its -wal and -shm files, the hooks' log).
*
!.gitignore
!config.toml
"""


def _config_text() -> str:
    try:
        config = importlib.import_module("orchestron.core.config")
    except ImportError:
        return FALLBACK_CONFIG_TOML
    return str(getattr(config, "DEFAULT_CONFIG_TOML", FALLBACK_CONFIG_TOML))


def project_folder_for(cwd: Path) -> tuple[Path, Path | None]:
    """Where `init` in `cwd` puts the project, and the main worktree when `cwd` is
    in a linked git worktree (else None).

    An existing project that serves `cwd` from inside the same repository is
    reused (a subfolder does not get a second store); outside git, the project
    is `cwd/.orchestron`.
    """
    from orchestron.runtime._project import PROJECT_DIR, find_project_dir, git_worktree

    here = cwd.resolve()
    tree = git_worktree(str(here))
    found = find_project_dir(str(here))
    if tree is not None:
        roots = [tree.root, tree.main_root] if tree.main_root else [tree.root]
        if found and any(_inside(Path(found).parent, Path(r)) for r in roots):
            return Path(found), Path(tree.main_root) if tree.linked and tree.main_root else None
        if tree.linked and tree.main_root:
            mapped = Path(tree.in_main(str(here)))
            folder = mapped if mapped.is_dir() else Path(tree.main_root)
            return folder / PROJECT_DIR, Path(tree.main_root)
    return here / PROJECT_DIR, None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


@click.command(cls=Command)
@pass_env
def init(env: Env) -> None:
    """Create a project here: .orchestron/ with the database and a commented config.

    In a git worktree the project is the repository's: every worktree of it
    shares one store in the main worktree. With --db (or ORCHESTRON_DB) the
    database is created there instead. An existing project is left as it is.
    """
    from orchestron.runtime import DB_FILE, PROJECT_DIR, locate_store

    explicit = env.db or os.environ.get("ORCHESTRON_DB")
    main: Path | None = None
    if explicit:
        location = locate_store(explicit)
        db_path = location.path
        # Settings and .gitignore only for a database in a `.orchestron/` folder:
        # a file named anywhere else is just a database.
        project_dir = db_path.parent if db_path and db_path.parent.name == PROJECT_DIR else None
        target = str(db_path) if db_path else explicit
        shown = str(db_path) if db_path else location.describe()
    else:
        project_dir, main = project_folder_for(Path.cwd())
        db_path = project_dir / DB_FILE
        target = shown = str(db_path)
    if db_path is not None and db_path.exists():
        added = project_dir is not None and _write_gitignore(project_dir)
        outcome = (
            f"added {project_dir / '.gitignore'} so that git leaves the database out"
            if added and project_dir is not None
            else "nothing changed"
        )
        if main is not None:
            say(
                f"{Path.cwd()} is a git worktree of {main}; it shares that repository's "
                f"Orchestron project in {project_dir}; {outcome}"
            )
        else:
            say(f"an Orchestron project already exists at {db_path}; {outcome}")
        return
    if db_path is not None:
        db_path.parent.mkdir(parents=True, exist_ok=True)

    async def create(_orch: object) -> None:
        return None

    Env(target, env.actor).run(create, create=True)
    config_path = ignore_path = None
    if project_dir is not None:
        config_path, ignore_path = write_project_files(project_dir)
    if explicit:
        say(f"Created an Orchestron database at {shown}", "green")
    else:
        say(f"Created an Orchestron project in {project_dir}", "green")
    fields(
        [
            ("database", shown),
            ("config", str(config_path) if config_path else ""),
            ("gitignore", f"{ignore_path} (the database stays out of git)" if ignore_path else ""),
            ("worktrees", f"every git worktree of {main} shares it" if main else ""),
        ]
    )
    prefix = f"orchestron --db {shlex.quote(target)}" if env.db else "orchestron"
    say(f'next: {prefix} task add "First task"   |   {prefix} setup claude (connect Claude Code)')


def write_project_files(project_dir: Path) -> tuple[Path, Path]:
    """The commented config and the .gitignore of a new project (kept if there)."""
    config_path = project_dir / "config.toml"
    if not config_path.exists():
        write_file(config_path, _config_text())
    _write_gitignore(project_dir)
    return config_path, project_dir / ".gitignore"


def _write_gitignore(project_dir: Path) -> bool:
    """`.orchestron/.gitignore` if it is missing; whether it was written."""
    path = project_dir / ".gitignore"
    if path.exists():
        return False
    write_file(path, GITIGNORE)
    return True
