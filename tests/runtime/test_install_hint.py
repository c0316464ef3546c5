"""`install_hint`: every "install X" message names what works where the user stands."""

from __future__ import annotations

from pathlib import Path

from orchestron.runtime import install_hint

RECEIPT = """\
[tool]
requirements = [
    { name = "orchestron-cli", directory = "/src/orchestron/packages/orchestron-cli" },
    { name = "orchestron-mcp" },
]
"""


def test_a_uv_tool_from_a_checkout_is_reinstalled_from_that_checkout(tmp_path: Path) -> None:
    (tmp_path / "uv-receipt.toml").write_text(RECEIPT)
    hint = install_hint("orchestron-postgres", prefix=str(tmp_path))
    assert hint.startswith(
        'install it with `uv tool install --reinstall "/src/orchestron/packages/orchestron-cli'
        '[all]" --with-executables-from orchestron-mcp,orchestron-dashboard`'
    )


def test_a_uv_tool_from_the_index_is_reinstalled_from_it(tmp_path: Path) -> None:
    (tmp_path / "uv-receipt.toml").write_text(
        '[tool]\nrequirements = [{ name = "orchestron-cli" }]\n'
    )
    hint = install_hint("orchestron-mcp", prefix=str(tmp_path))
    assert 'uv tool install --reinstall "orchestron-cli[all]"' in hint


def test_a_checkouts_environment_says_uv_sync(tmp_path: Path) -> None:
    (tmp_path / "packages" / "orchestron-cli").mkdir(parents=True)
    (tmp_path / "packages" / "orchestron-cli" / "pyproject.toml").write_text("")
    hint = install_hint("orchestron-dashboard", prefix=str(tmp_path / ".venv"))
    assert hint == f"install it with `uv sync --all-packages` in {tmp_path}"


def test_any_other_environment_is_named_with_both_ways(tmp_path: Path) -> None:
    hint = install_hint("orchestron-postgres", prefix=str(tmp_path / "venv"))
    assert f"install orchestron-postgres into {tmp_path / 'venv'}" in hint
    assert "once it is published" in hint and "uv build --all-packages" in hint
    assert "docs/install.md" in hint
