"""How to add an Orchestron package to the environment this one runs in.

Every message that says "install X" comes from here, and names what works
where the user stands: a `uv tool` install says the `uv tool install` line
that adds it (from the same checkout when it came from one), a checkout's
environment says `uv sync --all-packages`, and anything else names the
environment and docs/install.md (the packages are built from a checkout with
`uv build --all-packages`, or come from the index once published).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

__all__ = ["TOOL_EXECUTABLES", "install_hint"]

TOOL_EXECUTABLES = "orchestron-mcp,orchestron-dashboard"
"""`--with-executables-from` for a `uv tool` install of `orchestron-cli[all]`."""
DOCS = "docs/install.md in the Orchestron repository"


def install_hint(package: str, *, prefix: str | None = None) -> str:
    """`install it with ...`: how to get `package` into this environment (`sys.prefix`)."""
    here = Path(prefix or sys.prefix)
    receipt = here / "uv-receipt.toml"
    if receipt.is_file():
        source = _tool_source(receipt)
        spec = f"{source}[all]" if source else "orchestron-cli[all]"
        return (
            f'install it with `uv tool install --reinstall "{spec}" '
            f"--with-executables-from {TOOL_EXECUTABLES}` (see {DOCS})"
        )
    checkout = _checkout_of(here)
    if checkout is not None:
        return f"install it with `uv sync --all-packages` in {checkout}"
    return (
        f"install {package} into {here} (`{Path(sys.executable).name} -m pip install {package}` "
        f"once it is published, or its wheel from `uv build --all-packages` in a checkout; "
        f"see {DOCS})"
    )


def _tool_source(receipt: Path) -> str:
    """The folder `uv tool install` took orchestron-cli from ("" for the index)."""
    try:
        data = tomllib.loads(receipt.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    requirements = data.get("tool", {}).get("requirements", [])
    for requirement in requirements if isinstance(requirements, list) else []:
        if isinstance(requirement, dict) and requirement.get("name") == "orchestron-cli":
            folder = requirement.get("directory")
            return folder if isinstance(folder, str) else ""
    return ""


def _checkout_of(prefix: Path) -> Path | None:
    """The Orchestron checkout whose `uv sync` made this environment (`<checkout>/.venv`)."""
    folder = prefix.parent
    marker = folder / "packages" / "orchestron-cli" / "pyproject.toml"
    return folder if prefix.name == ".venv" and marker.is_file() else None
