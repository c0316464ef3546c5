"""One letter, one meaning: the flags of every command, and docs/cli.md's table of them."""

from __future__ import annotations

import re
from pathlib import Path

from cli_flags import letters, table
from cli_harness import Cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
LETTER_ROW = re.compile(r"^\| `(-\w)` \| `(--[\w-]+)` \| .+ \|$")


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_each_short_option_means_one_thing_in_every_command() -> None:
    clashes = {short: longs for short, longs in letters().items() if len(longs) != 1}
    assert clashes == {}


def test_the_letters_table_in_the_docs_is_the_commands_letters() -> None:
    documented = {m.group(1): m.group(2) for m in map(LETTER_ROW.match, _doc().splitlines()) if m}
    assert documented == {short: next(iter(longs)) for short, longs in letters().items()}


def test_the_options_table_in_the_docs_is_what_the_commands_take() -> None:
    text = _doc()
    start, end = text.index("<!-- flags:start -->\n"), text.index("<!-- flags:end -->")
    written = text[start + len("<!-- flags:start -->\n") : end].strip()
    assert written == table(), (
        "docs/cli.md's options table differs from the commands; the table they give is:\n" + table()
    )


def test_old_long_spellings_still_work(cli: Cli) -> None:
    cli("task", "add", "a")
    cli("task", "edit", "1", "--labels", "x,y")
    assert cli.json("task", "show", "1")["task"]["labels"] == ["x", "y"]
    cli("task", "edit", "1", "-l", "z")
    assert cli.json("task", "show", "1")["task"]["labels"] == ["z"]
    cli("task", "edit", "1", "--status", "IN_PROGRESS")
    cli("task", "edit", "1", "--status", "in-review")
    assert "Approved TASK-001" in cli("approve", "1", "--with-feedback", "fine")
    added = cli.json(
        "memory", "add", "Tabs", "-k", "convention", "--topic", "indent", "--rationale", "x"
    )
    assert added["entry"]["rationale"] == "x"
    assert cli.json("next", "--count", "2") == {"unfinished": [], "ready": []}
