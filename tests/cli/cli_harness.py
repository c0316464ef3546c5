"""The harness: run the installed `orchestron` command as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


def orchestron_command() -> str:
    found = shutil.which("orchestron", path=str(BIN)) or shutil.which("orchestron")
    assert found, "the orchestron console script is not installed (uv sync --all-packages)"
    return found


class Cli:
    """`cli("task", "list")` runs `orchestron task list` in the project folder."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd = cwd
        self.env = env
        self.exe = orchestron_command()

    @property
    def db(self) -> Path:
        return self.cwd / ".orchestron" / "orchestron.db"

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.exe, *args],
            check=False,
            cwd=self.cwd,
            env={**self.env, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def __call__(self, *args: str, input: str | None = None) -> str:
        """Run and expect success; the stdout."""
        done = self.run(*args, input=input)
        assert done.returncode == 0, (
            f"orchestron {' '.join(args)} exited {done.returncode}\n{done.stderr}{done.stdout}"
        )
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json"))

    def fails(self, *args: str, code: int = 1) -> str:
        """Run and expect failure with `code`; the stderr."""
        done = self.run(*args)
        assert done.returncode == code, (
            f"orchestron {' '.join(args)} exited {done.returncode}, wanted {code}\n"
            f"{done.stderr}{done.stdout}"
        )
        return done.stderr


def base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRON_")}
    env.update(
        HOME=str(home),
        ORCHESTRON_ACTOR="tester",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        COLUMNS="200",
        NO_COLOR="1",
    )
    return env


def open_project(cli: Cli, actor: str = "test") -> Any:
    """The project the CLI wrote, opened in-process to check effects from the core."""
    from orchestron.runtime import open_orchestron

    return open_orchestron(str(cli.db), actor=actor)
