"""The README, run as a newcomer would: its set-up from the checkout, then its tour
line by line in a fresh git repository, with the commands on PATH from that
set-up (not from the test environment). Every line must exit 0.

The lines are read from README.md itself (the first `bash` block under "Set up"
and under "The `orchestron` command in two minutes"), so the README cannot
drift from what works.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
SETUP = "## Set up"
TOUR = "## The `orchestron` command in two minutes"


def bash_block(heading: str) -> list[str]:
    """The command lines of the first ```bash block under `heading`."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    section = text[start : end if end != -1 else len(text)]
    found = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert found, f"no bash block under {heading!r} in README.md"
    return [line for line in found.group(1).splitlines() if line.strip()]


class Person:
    """A shell with only the set-up's commands (and the system's) on PATH."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "bin"
        home = root / "home"
        home.mkdir()
        tmp = root / "tmp"
        tmp.mkdir()
        uv = shutil.which("uv")
        if uv is None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("uv is not on PATH: .ci/run installs it")
            pytest.skip("uv is not on PATH")
        system = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p]
        # The test environment's own bin (the workspace .venv) is not the person's.
        venv_bin = str(Path(os.environ.get("VIRTUAL_ENV", "/nonexistent")) / "bin")
        path = [str(self.bin), str(Path(uv).parent)]
        path += [p for p in system if p != venv_bin and p not in path]
        # The machine's own settings (certificates, proxies, uv's index and cache) stay;
        # the test environment's do not.
        drop = ("ORCHESTRON_", "CLAUDE", "VIRTUAL_ENV", "UV_PROJECT", "PYTEST", "COV_")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
        self.env.update(
            PATH=os.pathsep.join(path),
            HOME=str(home),
            TMPDIR=str(tmp),
            UV_TOOL_DIR=str(root / "tools"),
            UV_TOOL_BIN_DIR=str(self.bin),
            UV_PYTHON_DOWNLOADS="never",
            UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR")
            or str(Path.home() / ".cache" / "uv"),  # the machine's cache, not a new HOME's
            ORCHESTRON_ACTOR="newcomer",
            COLUMNS="100",
            NO_COLOR="1",
            GIT_AUTHOR_NAME="N",
            GIT_AUTHOR_EMAIL="n@example.com",
            GIT_COMMITTER_NAME="N",
            GIT_COMMITTER_EMAIL="n@example.com",
        )

    def line(self, line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode == 0, (
            f"README line exited {done.returncode}: {line}\n{done.stdout}\n{done.stderr}"
        )
        return done

    def new_repository(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir()
        self.line("git init -q && git commit -q --allow-empty -m start", folder)
        return folder


@pytest.fixture(scope="module")
def person(tmp_path_factory: pytest.TempPathFactory) -> Person:
    """The README's set-up, run from the checkout: the commands land on PATH."""
    someone = Person(tmp_path_factory.mktemp("newcomer"))
    install, *_ = bash_block(SETUP)
    someone.line(install, REPO)
    for name in ("orchestron", "orchestron-mcp", "orchestron-dashboard"):
        assert (someone.bin / name).exists(), f"the set-up did not put {name} on PATH"
    return someone


def test_the_setup_puts_the_commands_on_path_and_the_demo_runs(person: Person) -> None:
    _, *rest = bash_block(SETUP)
    assert rest, "the set-up block has its second command"
    where = person.new_repository("demo-here")
    outputs = [person.line(line, where).stdout for line in rest]
    assert "Orchestron demo: a throwaway project in" in outputs[-1]
    assert "claude-1" in outputs[-1] and "orchestron dashboard" in outputs[-1]
    for name in ("orchestron", "orchestron-mcp", "orchestron-dashboard"):
        found = person.line(f"command -v {name}", where).stdout.strip()
        assert found == str(person.bin / name)
    assert not (where / ".orchestron").exists()  # the demo's project is elsewhere


def test_the_tour_runs_verbatim_in_a_fresh_repository(person: Person) -> None:
    where = person.new_repository("my-project")
    lines = bash_block(TOUR)
    assert lines[0].startswith("orchestron init")
    said = {line: person.line(line, where).stdout for line in lines}
    check = next(out for line, out in said.items() if "setup claude --check" in line)
    assert "missing" not in check and "problem" not in check
    offered = person.line("git status --porcelain --untracked-files=all", where).stdout
    assert "orchestron.db" not in offered, offered
    assert ".orchestron/config.toml" in offered and ".mcp.json" in offered
    shared = (where / ".mcp.json").read_text() + (where / ".claude" / "settings.json").read_text()
    assert str(person.root) not in shared  # no path of this machine in the team's files


def test_the_tour_is_the_readmes(person: Person) -> None:
    """Guards the extraction itself: the tour block is the one the README shows."""
    lines = bash_block(TOUR)
    assert any("approve TASK-001" in line for line in lines)
    assert any(line.startswith("orchestron forecast") for line in lines)
    assert all(line.startswith("orchestron ") for line in lines)
