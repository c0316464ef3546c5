"""One project, every git worktree: siblings and Claude Code's `.claude/worktrees/*`
find the main worktree's store, through the CLI, the hooks and the runtime alike;
`init` writes a .gitignore that keeps the database out of git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_harness import Cli

from orchestron.runtime import locate_store

SID = "5e55a0b1-0000-4000-8000-00000000beef"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(bare: Cli) -> Path:
    """A git repository with one commit, in the fixture's folder."""
    git(bare.cwd, "init", "-q", "-b", "main")
    (bare.cwd / "README.md").write_text("hello\n")
    git(bare.cwd, "add", "README.md")
    git(bare.cwd, "commit", "-q", "-m", "first")
    return bare.cwd


def in_folder(cli: Cli, folder: Path) -> Cli:
    return Cli(folder, cli.env)


def worktrees(repo: Path) -> dict[str, Path]:
    sibling = repo.parent / "feature"
    git(repo, "worktree", "add", "-q", str(sibling))
    claude = repo / ".claude" / "worktrees" / "x"
    git(repo, "worktree", "add", "-q", str(claude))
    return {"sibling": sibling, "claude": claude}


def test_init_keeps_the_database_out_of_git(bare: Cli, repo: Path) -> None:
    bare("init")
    bare("task", "add", "something to store")
    offered = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(offered) == ["?? .orchestron/.gitignore", "?? .orchestron/config.toml"]
    git(repo, "add", "-A")
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert not [name for name in staged if "orchestron.db" in name], staged


@pytest.mark.parametrize("kind", ["sibling", "claude"])
def test_a_worktree_uses_the_main_worktrees_store(bare: Cli, repo: Path, kind: str) -> None:
    bare("init")
    bare("task", "add", "made in the main worktree")
    tree = worktrees(repo)[kind]
    inside = tree / "deep" / "folder"
    inside.mkdir(parents=True)
    there = in_folder(bare, inside)
    assert "made in the main worktree" in there("task", "list")
    there("task", "add", "made in a worktree")
    assert "made in a worktree" in bare("task", "list")
    main_db = repo / ".orchestron" / "orchestron.db"
    assert locate_store(cwd=inside, env={}).path == main_db.resolve()


@pytest.mark.parametrize("kind", ["sibling", "claude"])
def test_init_in_a_worktree_says_so_and_makes_no_second_store(
    bare: Cli, repo: Path, kind: str
) -> None:
    bare("init")
    tree = worktrees(repo)[kind]
    out = in_folder(bare, tree)("init")
    assert "git worktree of" in out and "nothing changed" in out
    assert str(repo / ".orchestron") in out
    assert not (tree / ".orchestron" / "orchestron.db").exists()


def test_init_in_a_worktree_of_a_new_repository_creates_the_shared_store(
    bare: Cli, repo: Path
) -> None:
    tree = worktrees(repo)["sibling"]
    out = in_folder(bare, tree)("init")
    assert f"Created an Orchestron project in {repo.resolve() / '.orchestron'}" in out
    assert "every git worktree" in out
    assert (repo / ".orchestron" / "orchestron.db").is_file()
    assert not (tree / ".orchestron").exists()


def test_a_committed_config_in_a_worktree_does_not_split_the_store(bare: Cli, repo: Path) -> None:
    bare("init")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "orchestron settings")
    bare("task", "add", "the one store")
    tree = worktrees(repo)["sibling"]
    assert (tree / ".orchestron" / "config.toml").is_file()  # checked out with the branch
    assert "the one store" in in_folder(bare, tree)("task", "list")
    assert "nothing changed" in in_folder(bare, tree)("init")


def test_a_hook_in_a_worktree_reaches_the_main_store(bare: Cli, repo: Path) -> None:
    bare("init")
    bare("task", "add", "Orders API")
    tree = worktrees(repo)["claude"]
    payload = {"session_id": SID, "cwd": str(tree), "hook_event_name": "SessionStart"}
    done = bare.run(
        "hook",
        "SessionStart",
        input=json.dumps(payload),
        env={"CLAUDE_PROJECT_DIR": str(tree), "ORCHESTRON_AGENT": "claude-1"},
    )
    assert done.returncode == 0, done.stderr
    assert "TASK-001" in done.stdout and "Orders API" in done.stdout
    assert "claude-1" in bare("session", "list")


def test_db_init_reports_the_store_it_created(cli: Cli) -> None:
    out = cli("--db", "new1/x.db", "init")
    created = (cli.cwd / "new1" / "x.db").resolve()
    assert f"Created an Orchestron database at {created}" in out
    assert str(cli.cwd / ".orchestron") not in out  # not the enclosing project
    assert created.is_file()


def test_init_outside_git_is_unchanged(bare: Cli) -> None:
    out = bare("init")
    assert f"Created an Orchestron project in {bare.cwd.resolve() / '.orchestron'}" in out
    assert (bare.cwd / ".orchestron" / ".gitignore").is_file()


def test_init_on_an_older_project_adds_the_gitignore(cli: Cli) -> None:
    ignore = cli.cwd / ".orchestron" / ".gitignore"
    ignore.unlink()
    out = cli("init")
    assert "already exists" in out and f"added {ignore}" in out
    assert "!config.toml" in ignore.read_text()
    assert "nothing changed" in cli("init")


@pytest.mark.parametrize("kind", ["sibling", "claude"])
def test_setup_claude_in_a_worktree_writes_there_and_finds_the_main_store(
    bare: Cli, repo: Path, kind: str
) -> None:
    bare("init")
    tree = worktrees(repo)[kind]
    (tree / "src").mkdir()
    there = in_folder(bare, tree / "src")  # run from a subfolder of the worktree
    there("setup", "claude")
    assert (tree / ".mcp.json").is_file() and (tree / ".claude" / "settings.json").is_file()
    check = there("setup", "claude", "--check")  # exits 0
    assert f"project: {(repo / '.orchestron' / 'orchestron.db').resolve()}" in check
