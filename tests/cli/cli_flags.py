"""Every `orchestron` command's options, read from the click commands themselves."""

from __future__ import annotations

from collections.abc import Iterator

import click

from orchestron.cli._app import cli

HELP = ("-h", "--help")


def commands() -> Iterator[tuple[str, click.Command]]:
    """(`task add`, its command) for every command that runs, in the order `--help` lists
    them; `orchestron` itself first, for the options every command takes."""
    ctx = click.Context(cli)

    def walk(cmd: click.Command, path: list[str]) -> Iterator[tuple[str, click.Command]]:
        if not isinstance(cmd, click.Group) or not path or cmd.invoke_without_command:
            yield " ".join(["orchestron", *path][1 if path else 0 :]), cmd
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, [*path, name])

    yield from walk(cli, [])


def options(cmd: click.Command) -> list[tuple[str, ...]]:
    """Each option as its spellings, short first (`-f`, `--feedback`, `--with-feedback`)."""
    out = []
    for p in cmd.params:
        if not isinstance(p, click.Option):
            continue
        names = tuple(p.opts) + tuple(p.secondary_opts)
        if set(names) <= set(HELP):
            continue
        shorts = tuple(n for n in names if not n.startswith("--"))
        longs = tuple(n for n in names if n.startswith("--"))
        out.append(shorts + longs)
    return out


def spelled(names: tuple[str, ...]) -> str:
    """`-f`/`--feedback` (or `--with-feedback`): short and first long, then the aliases."""
    shorts = [n for n in names if not n.startswith("--")]
    longs = [n for n in names if n.startswith("--")]
    head = "/".join(f"`{n}`" for n in [*shorts, *longs[:1]])
    rest = longs[1:]
    return head + (f" (or {', '.join(f'`{n}`' for n in rest)})" if rest else "")


def letters() -> dict[str, set[str]]:
    """Each short option and the long names it stands for, across every command."""
    found: dict[str, set[str]] = {"-h": {"--help"}}
    for _, cmd in commands():
        for names in options(cmd):
            longs = [n for n in names if n.startswith("--")]
            for short in (n for n in names if not n.startswith("--")):
                found.setdefault(short, set()).add(longs[0] if longs else "")
    return found


def table() -> str:
    rows = ["| command | options |", "|---|---|"]
    for path, cmd in commands():
        opts = ", ".join(spelled(n) for n in options(cmd)) or "—"
        rows.append(f"| `{path}` | {opts} |")
    return "\n".join(rows)
