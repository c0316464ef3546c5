"""Output: rich tables and colours on a terminal, plain aligned text when piped, JSON.

rich is imported only when stdout is a terminal, so a piped command (or a
script reading `--json`) never pays for it.

Tables fit the width: the terminal's, or $COLUMNS when it is set (piped too).
A column that is empty on every row is left out; when the rest is still too
wide, the column marked `flex` (a title, a text) gives way and its cells end
in `…`. Piped with no $COLUMNS, rows are never cut.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import click

from orchestron.core.domain.words import plural

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Column",
    "ago",
    "console",
    "fields",
    "heading",
    "is_tty",
    "json_option",
    "mapping_lines",
    "plural",
    "print_json",
    "progress_text",
    "say",
    "table",
    "terminal_json",
    "terminal_safe",
]

STATUS_STYLE = {
    "TODO": "",
    "IN_PROGRESS": "bold yellow",
    "IN_REVIEW": "bold magenta",
    "DONE": "green",
    "BLOCKED": "bold red",
    "PAUSED": "yellow",
    "CANCELLED": "dim",
    "ACTIVE": "green",
    "PLANNED": "cyan",
    "CLOSED": "dim",
    "ENDED": "dim",
    "ABANDONED": "red",
    "PENDING": "yellow",
    "ACCEPTED": "green",
    "OPEN": "yellow",
    "ANSWERED": "green",
}
PRIORITY_STYLE = {"CRITICAL": "bold red", "HIGH": "red", "MEDIUM": "", "LOW": "dim"}
URGENCY_STYLE = {"CRITICAL": "bold red", "HIGH": "red", "NORMAL": "", "LOW": "dim"}

# What a terminal may act on rather than show: C0 controls (ESC starts CSI, OSC, ...), DEL,
# C1 controls (0x9b is an 8-bit CSI) and the bidi overrides that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_CELL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LAYOUT = {"\n": " ", "\r": " ", "\t": " "}
# In JSON text the C0 controls are escaped already; these are not (ensure_ascii=False).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(found: re.Match[str]) -> str:
    ch = found.group()
    return _LAYOUT.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def terminal_safe(text: str, *, lines: bool = True) -> str:
    """Stored text as a terminal may show it: control and escape sequences made visible
    (`ESC]0;...` becomes `\\x1b]0;...`), so an agent's title cannot retitle the window,
    clear the screen, set the clipboard (OSC 52) or plant a link (OSC 8).

    `lines`: keep newlines and tabs (running text); else they become spaces (a table cell).
    """
    pattern = _UNSAFE if lines else _UNSAFE_IN_CELL
    if pattern.search(text) is None:  # the common case costs one scan
        return text
    return pattern.sub(_escape, text)


def terminal_json(text: str) -> str:
    """JSON text with the characters a terminal acts on written as \\u escapes (same JSON)."""
    if _UNSAFE_IN_JSON.search(text) is None:
        return text
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")


@cache
def is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except ValueError:
        return False


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


class Column:
    """A table column: header, alignment, a style chosen from the cell's text, and whether
    it gives way (cut with `…`) when the table is wider than the screen."""

    def __init__(
        self,
        header: str,
        *,
        justify: str = "left",
        style: Callable[[str], str] | dict[str, str] | None = None,
        flex: bool = False,
    ) -> None:
        self.header = header
        self.justify = justify
        self.style = style
        self.flex = flex

    def style_of(self, cell: str) -> str:
        if self.style is None:
            return ""
        if isinstance(self.style, dict):
            return self.style.get(cell, "")
        return self.style(cell)


def print_json(data: Any) -> None:
    sys.stdout.write(terminal_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def say(text: str, style: str = "") -> None:
    """One line for a person; styled on a terminal, plain when piped."""
    text = terminal_safe(text)
    if is_tty():
        from rich.text import Text

        console().print(Text(text, style=style))
    else:
        sys.stdout.write(text + "\n")


def heading(text: str) -> None:
    say(text, "bold")


GAP = 2  # spaces between columns, in both the plain and the rich table
MIN_FLEX = 12  # a column that gives way keeps at least this many characters


def width_limit() -> int | None:
    """How wide a table may be: $COLUMNS if set, else the terminal's; None when piped."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    if is_tty():
        return console().width
    return None


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, ending in `…` when it was longer."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def fit(
    columns: Sequence[Column], grid: list[list[str]], limit: int | None
) -> tuple[list[Column], list[list[str]], list[int]]:
    """The columns worth showing, their rows, and widths that fit `limit`."""
    keep = [i for i in range(len(columns)) if any(row[i] for row in grid)] or [0]
    cols = [columns[i] for i in keep]
    rows = [[row[i] for i in keep] for row in grid]
    widths = [max([len(c.header), *(len(r[j]) for r in rows)]) for j, c in enumerate(cols)]
    if limit is None:
        return cols, rows, widths
    over = sum(widths) + GAP * (len(widths) - 1) - limit
    for j in sorted(range(len(cols)), key=lambda j: -widths[j]):
        if over <= 0:
            break
        if cols[j].flex:
            floor = min(widths[j], max(MIN_FLEX, len(cols[j].header)))
            give = min(over, widths[j] - floor)
            widths[j] -= give
            over -= give
    rows = [[cut(cell, widths[j]) for j, cell in enumerate(r)] for r in rows]
    return cols, rows, widths


def table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
) -> None:
    grid = [[terminal_safe(cell, lines=False) for cell in r] for r in rows]
    title = terminal_safe(title, lines=False) if title else title
    cols, grid, widths = fit(columns, grid, width_limit())
    if is_tty():
        _rich_table(cols, grid, widths, title)
        return
    if title:
        sys.stdout.write(title + "\n")
    out = []
    for row in [[c.header.upper() for c in cols], *grid]:
        cells = []
        for i, cell in enumerate(row):
            if cols[i].justify == "right":
                cells.append(cell.rjust(widths[i]))
            else:
                cells.append(cell.ljust(widths[i]))
        out.append((" " * GAP).join(cells).rstrip())
    sys.stdout.write("\n".join(out) + "\n")


def _rich_table(
    columns: Sequence[Column], rows: list[list[str]], widths: list[int], title: str | None
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, GAP // 2),
        collapse_padding=True,
    )
    for c, width in zip(columns, widths, strict=True):
        grid.add_column(
            c.header,
            justify="right" if c.justify == "right" else "left",
            no_wrap=True,
            overflow="ellipsis",
            width=width,
        )
    for row in rows:
        grid.add_row(
            *(Text(cell, style=col.style_of(cell)) for col, cell in zip(columns, row, strict=True))
        )
    console().print(grid)


def mapping_lines(data: Any, indent: int = 2) -> list[str]:
    """A saved context (or any JSON-like mapping) as indented lines for a person:
    `key: value`, a list as `- item` lines, a nested mapping one level further in;
    empty values left out, and never a Python repr."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if value in (None, "", [], {}):
                continue
            label = str(key).replace("_", " ")
            if isinstance(value, dict | list):
                out.append(f"{pad}{label}:")
                out.extend(mapping_lines(value, indent + 2))
            else:
                out.append(f"{pad}{label}: {value}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict | list):
                nested = mapping_lines(item, indent + 2)
                if nested:
                    out.append(f"{pad}- {nested[0].strip()}")
                    out.extend(nested[1:])
            else:
                out.append(f"{pad}- {item}")
    else:
        out.append(f"{pad}{data}")
    return out


def fields(pairs: Sequence[tuple[str, str]], *, styles: dict[str, str] | None = None) -> None:
    """`key: value` lines (aligned), skipping empty values."""
    pairs = [(k, terminal_safe(v, lines=False)) for k, v in pairs if v]
    width = max((len(k) for k, _ in pairs), default=0) + 1
    if is_tty():
        from rich.text import Text

        for key, value in pairs:
            line = Text()
            line.append(f"{key + ':':<{width}} ", style="dim")
            line.append(value, style=(styles or {}).get(key, ""))
            console().print(line)
        return
    for key, value in pairs:
        sys.stdout.write(f"{key + ':':<{width}} {value}\n")


def progress_text(progress: int) -> str:
    if not is_tty():
        return f"{progress}%"
    filled = round(progress / 10)
    return "█" * filled + "░" * (10 - filled) + f" {progress:>3}%"


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """`3m ago`, `2h ago`, `in 4m` for a future time; empty for None."""
    if when is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{int(seconds)}s"
    elif seconds < 3600:
        text = f"{int(seconds // 60)}m"
    elif seconds < 86400:
        text = f"{int(seconds // 3600)}h"
    else:
        text = f"{int(seconds // 86400)}d"
    return f"in {text}" if future else f"{text} ago"
