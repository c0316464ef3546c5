"""terminal_safe: the one sanitiser for stored text a terminal shows."""

from __future__ import annotations

import json

import pytest

from orchestron.cli._render import terminal_json, terminal_safe


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain title", "plain title"),
        ("emoji 👩‍👩‍👧 and é", "emoji 👩‍👩‍👧 and é"),  # the joiners in the family emoji stay
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x9b31m", "\\x9b31m"),
        ("\u202egnp.exe", "\\u202egnp.exe"),
        ("a\x00b\x7f", "a\\x00b\\x7f"),
        ("over\rwrite", "over write"),
        ("two\nlines\tand tab", "two\nlines\tand tab"),
    ],
)
def test_running_text(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown


def test_a_table_cell_keeps_to_one_line() -> None:
    assert terminal_safe("two\nlines\tx\x1b", lines=False) == "two lines x\\x1b"


def test_json_stays_the_same_json() -> None:
    value = {"title": "\x9b31m \u202e \x1b]0;x\x07 ok é"}
    text = terminal_json(json.dumps(value, ensure_ascii=False))
    assert "\x9b" not in text and "\u202e" not in text and "\x1b" not in text
    assert json.loads(text) == value
