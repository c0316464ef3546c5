"""Our child processes, found through /proc (Linux): the benches' way to a server's pid."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["children"]


def children(named: bytes) -> Iterator[tuple[int, list[str]]]:
    """(pid, /proc/PID/stat fields after the command name) of this process's children whose
    command line holds `named`; field 1 is the parent, 11 and 12 the user and system time."""
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[1] == me and named in cmdline:
            yield int(stat.parent.name), fields
