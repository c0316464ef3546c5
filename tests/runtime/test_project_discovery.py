"""Project discovery (`orchestron.runtime._project`): git's common directory read from
the `.git` files, the answers `git` itself gives, and an import that stays light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestron import runtime
from orchestron.runtime._project import find_project_dir, git_worktree


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    main = tmp_path / "main"
    main.mkdir()
    git(main, "init", "-q", "-b", "main")
    git(main, "commit", "-q", "--allow-empty", "-m", "first")
    return main


def test_the_common_directory_matches_git(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", str(tmp_path / "side"))
    git(repo, "worktree", "add", "-q", str(repo / ".claude" / "worktrees" / "x"))
    for folder in (repo, tmp_path / "side", repo / ".claude" / "worktrees" / "x"):
        tree = git_worktree(str(folder))
        assert tree is not None
        common = Path(git(folder, "rev-parse", "--path-format=absolute", "--git-common-dir"))
        assert Path(tree.common_dir) == common.resolve()
        assert Path(tree.root) == Path(git(folder, "rev-parse", "--show-toplevel")).resolve()
        assert Path(tree.main_root) == repo.resolve()
        assert tree.linked == (folder != repo)


def test_a_linked_worktree_maps_its_subfolders_onto_the_main_one(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "services" / "api" / ".orchestron").mkdir(parents=True)  # a store per subproject
    (repo / ".orchestron").mkdir()
    git(repo, "worktree", "add", "-q", str(tmp_path / "side"))
    inside = tmp_path / "side" / "services" / "api" / "src"
    inside.mkdir(parents=True)
    assert find_project_dir(str(inside)) == str(repo.resolve() / "services" / "api" / ".orchestron")
    assert find_project_dir(str(tmp_path / "side")) == str(repo.resolve() / ".orchestron")


def test_without_a_project_in_the_main_worktree_the_nearest_one_serves(
    repo: Path, tmp_path: Path
) -> None:
    (tmp_path / ".orchestron").mkdir()  # a folder above both worktrees
    git(repo, "worktree", "add", "-q", str(tmp_path / "side"))
    assert find_project_dir(str(tmp_path / "side")) == str(tmp_path.resolve() / ".orchestron")


def test_a_submodule_is_its_own_repository(repo: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    git(lib, "init", "-q", "-b", "main")
    git(lib, "commit", "-q", "--allow-empty", "-m", "lib")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "vendor/lib")
    tree = git_worktree(str(repo / "vendor" / "lib"))
    assert tree is not None
    assert not tree.linked
    assert Path(tree.root) == (repo / "vendor" / "lib").resolve()
    (repo / ".orchestron").mkdir()
    assert find_project_dir(str(repo / "vendor" / "lib")) == str(repo.resolve() / ".orchestron")


def test_a_bare_repositorys_worktrees_walk_up(tmp_path: Path, repo: Path) -> None:
    bare = tmp_path / "proj" / ".bare"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    git(bare, "worktree", "add", "-q", str(tmp_path / "proj" / "feature"))
    tree = git_worktree(str(tmp_path / "proj" / "feature"))
    assert tree is not None and tree.linked and tree.main_root == ""
    (tmp_path / "proj" / ".orchestron").mkdir()  # `orchestron init` in the folder of worktrees
    found = find_project_dir(str(tmp_path / "proj" / "feature"))
    assert found == str((tmp_path / "proj").resolve() / ".orchestron")


def test_outside_git_it_is_the_nearest_folder(tmp_path: Path) -> None:
    (tmp_path / ".orchestron").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_project_dir(str(tmp_path / "a" / "b")) == str(tmp_path.resolve() / ".orchestron")


def test_every_public_runtime_name_loads() -> None:
    for name in runtime.__all__:
        assert getattr(runtime, name) is not None, name
    with pytest.raises(AttributeError):
        _ = runtime.no_such_name  # type: ignore[attr-defined]


def test_discovery_imports_only_the_standard_library() -> None:
    code = (
        "import json, sys\n"
        "import orchestron.runtime._project as p\n"
        "p.find_store('.', {})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('orchestron.core',"
        " 'attr', 'cattrs', 'typing', 'pathlib')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
