"""One vocabulary: no message a person or an agent reads names an internal function.

Every string in the packages' source that reads as prose (it has a space, and it
is not a docstring) is searched for the facade's method names (`pick_next`,
`list_memory`, `start_session`...): a CLI user needs an `orchestron` command, an
agent an MCP tool, and the core says what to do as a `Hint` each door renders.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from orchestron.core import Orchestron

PACKAGES = Path(__file__).resolve().parents[2] / "packages"

# Strings in the files the lead is rewriting now (issue 16), to become hints on merge.
# An entry that no longer matches must go: the test says so.
AWAITING_CONVERSION: set[tuple[str, str]] = set()


def _internal_names() -> list[str]:
    return sorted(
        name
        for name in dir(Orchestron)
        if not name.startswith("_") and "_" in name and callable(getattr(Orchestron, name))
    )


def _prose(tree: ast.AST) -> list[ast.Constant]:
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and " " in node.value.strip()
        and id(node) not in docstrings
    ]


def _offenders() -> dict[tuple[str, str], list[str]]:
    names = re.compile(r"\b(" + "|".join(_internal_names()) + r")\b")
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGES.glob("*/src/**/*.py")):
        rel = path.relative_to(PACKAGES).as_posix()
        for node in _prose(ast.parse(path.read_text(encoding="utf-8"))):
            for match in names.finditer(node.value):
                found.setdefault((rel, match.group(1)), []).append(
                    f"line {node.lineno}: {node.value!r}"
                )
    return found


def test_the_scan_finds_an_internal_name_in_a_message() -> None:
    """The check itself: a message naming `pick_next` is caught, a docstring is not."""
    tree = ast.parse('"""Docs may say pick_next."""\nraise X("call pick_next first")\n')
    names = re.compile(r"\b(" + "|".join(_internal_names()) + r")\b")
    hits = [n.value for n in _prose(tree) if names.search(n.value)]
    assert hits == ["call pick_next first"]


def test_no_message_names_an_internal_function() -> None:
    found = _offenders()
    new = {key: found[key] for key in found.keys() - AWAITING_CONVERSION}
    assert new == {}, "messages name internal functions; raise a Hint instead"


def test_the_list_awaiting_conversion_is_current() -> None:
    stale = AWAITING_CONVERSION - _offenders().keys()
    assert stale == set(), f"converted already: take these out of AWAITING_CONVERSION: {stale}"
