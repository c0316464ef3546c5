"""Project memory: what any agent decided or learned that every later agent should know.

An entry is one short claim ("we use PostgreSQL") under a topic key
("database"), with who said it where (provenance) and whether it still holds
(status). Entries are never deleted: a superseded or retired entry stays as
history.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from attrs import evolve, field, frozen

from orchestron.core.errors import InvalidInputError

__all__ = [
    "MAX_FILES",
    "MAX_MEMORY_TEXT",
    "MAX_PROVENANCE",
    "MAX_RATIONALE",
    "MAX_TOPIC",
    "MemoryEntry",
    "MemoryKind",
    "MemoryStatus",
    "Provenance",
    "check_memory_text",
    "check_rationale",
    "fold_accents",
    "normalise_files",
    "normalise_path",
    "normalise_topic",
    "path_related",
    "shorten",
    "truncate_bytes",
]

MAX_MEMORY_TEXT = 500  # bytes of UTF-8
MAX_RATIONALE = 2000  # bytes of UTF-8
MAX_TOPIC = 60  # characters, after normalising
MAX_FILES = 50  # per provenance
MAX_PROVENANCE = 20  # per entry: the first, then the newest


class MemoryKind(StrEnum):
    DECISION = "DECISION"
    CONVENTION = "CONVENTION"
    FACT = "FACT"
    GOTCHA = "GOTCHA"
    PREFERENCE = "PREFERENCE"


class MemoryStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUPERSEDED = "SUPERSEDED"
    DISPUTED = "DISPUTED"
    RETIRED = "RETIRED"

    @property
    def live(self) -> bool:
        """Still a claim someone holds: ACTIVE, or DISPUTED until a person decides."""
        return self in (MemoryStatus.ACTIVE, MemoryStatus.DISPUTED)


def _paths(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@frozen
class Provenance:
    """Who said it, in which session, on which task, about which files, and when."""

    at: datetime
    agent: str | None = None
    session: str | None = None
    task: str | None = None
    files: tuple[str, ...] = field(default=(), converter=_paths)

    def same_source(self, other: Provenance) -> bool:
        return (self.agent, self.session, self.task) == (other.agent, other.session, other.task)


def _provenance(values: Iterable[Provenance]) -> tuple[Provenance, ...]:
    return tuple(values)


@frozen
class MemoryEntry:
    id: str
    kind: MemoryKind
    topic: str
    text: str
    created_at: datetime
    updated_at: datetime
    last_confirmed: datetime
    rationale: str | None = None
    provenance: tuple[Provenance, ...] = field(default=(), converter=_provenance)
    status: MemoryStatus = MemoryStatus.ACTIVE
    supersedes: str | None = None
    superseded_by: str | None = None
    # The inbox request a person answers to settle the dispute this entry is in.
    dispute: str | None = None
    review_date: date | None = None
    retired_reason: str | None = None
    # Another live entry this one may restate (the evidence was weak): a person looks.
    maybe_same: str | None = None
    updated_by: str = ""
    version: int = 1

    def changed(self, at: datetime, by: str, **changes: object) -> MemoryEntry:
        """A copy with `changes`, stamped and one version on."""
        return evolve(self, updated_at=at, updated_by=by, version=self.version + 1, **changes)  # type: ignore[arg-type]

    @property
    def files(self) -> tuple[str, ...]:
        """Every file any provenance names, first mention first."""
        seen: dict[str, None] = {}
        for p in self.provenance:
            for f in p.files:
                seen.setdefault(f)
        return tuple(seen)

    @property
    def tasks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in self.provenance:
            if p.task:
                seen.setdefault(p.task)
        return tuple(seen)

    @property
    def agents(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in self.provenance:
            if p.agent:
                seen.setdefault(p.agent)
        return tuple(seen)

    @property
    def sessions(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in self.provenance:
            if p.session:
                seen.setdefault(p.session)
        return tuple(seen)

    def with_provenance(self, new: Provenance) -> tuple[Provenance, ...] | None:
        """The provenance with `new` folded in, or None when it adds nothing.

        The same agent, session and task again only widens the files; the list
        keeps the first source and the newest ones, up to MAX_PROVENANCE.
        """
        items = list(self.provenance)
        for i, old in enumerate(items):
            if old.same_source(new):
                files = normalise_files([*old.files, *new.files])
                if files == old.files:
                    return None
                items[i] = evolve(old, files=files)
                return tuple(items)
        items.append(new)
        if len(items) > MAX_PROVENANCE:
            items = [items[0], *items[-(MAX_PROVENANCE - 1) :]]
        return tuple(items)

    def line(self, *, width: int = 100) -> str:
        """One compact line: `MEM-007 DECISION database: We use PostgreSQL 16 …`."""
        flag = "" if self.status is MemoryStatus.ACTIVE else f" [{self.status.value}]"
        head = f"{self.id} {self.kind.value} {self.topic}{flag}: "
        return head + shorten(self.text, max(20, width - len(head)))


# -- validation and normalising ------------------------------------------------------------

_TOPIC_SEPARATORS = re.compile(r"[\s_]+")
# Letters and digits of any script stay (`数据库`), and so do the marks that make a name
# (`c++`, `c#`, `node.js`, `api/v2`): folding `c++` and `c#` both to `c` made one topic.
_TOPIC_BAD = re.compile(r"[^\w./:+#-]")


def normalise_topic(value: object, field: str = "topic") -> str:
    """`Database Choice` -> `database-choice`: lower case, dashes, no accents."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must not be empty; a short key such as 'database'")
    text = fold_accents(value).lower().strip()
    text = _TOPIC_SEPARATORS.sub("-", text)
    text = _TOPIC_BAD.sub("", text)
    text = re.sub(r"-{2,}", "-", text).strip("-./:")
    if not re.search(r"[^\W_]", text):
        raise InvalidInputError(field, f"{value!r} has no letters or digits")
    if len(text) > MAX_TOPIC:
        raise InvalidInputError(
            field, f"is {len(text)} characters; keep a topic key to {MAX_TOPIC}"
        )
    return text


def check_memory_text(value: object, field: str = "text") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must not be empty")
    text = " ".join(value.split())
    size = len(text.encode("utf-8"))
    if size > MAX_MEMORY_TEXT:
        raise InvalidInputError(
            field,
            f"is {size} bytes; keep a memory to {MAX_MEMORY_TEXT} bytes of UTF-8 "
            "(put the reasons in rationale)",
        )
    return text


def check_rationale(value: object, field: str = "rationale") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    size = len(text.encode("utf-8"))
    if size > MAX_RATIONALE:
        raise InvalidInputError(field, f"is {size} bytes; the limit is {MAX_RATIONALE}")
    return text


def normalise_path(value: str) -> str:
    """`./src\\db.py` -> `src/db.py`; a trailing slash (a folder) is dropped."""
    text = value.strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    text = re.sub(r"/{2,}", "/", text)
    return text.rstrip("/") or text


def normalise_files(values: Iterable[object] | None, field: str = "files") -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out: dict[str, None] = {}
    for v in values:
        if not isinstance(v, str):
            raise InvalidInputError(field, f"each file must be a path, not {v!r}")
        path = normalise_path(v)
        if not path:
            continue
        if len(path) > 500:
            raise InvalidInputError(field, f"path {path[:40]!r}... is over 500 characters")
        out.setdefault(path)
    if len(out) > MAX_FILES:
        raise InvalidInputError(field, f"names {len(out)} files; keep it to {MAX_FILES}")
    return tuple(out)


def path_related(a: str, b: str) -> bool:
    """The same file, or one is a folder holding the other."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:.") + "…"


def truncate_bytes(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut at a word with an ellipsis when it had to cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode())
    cut = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def fold_accents(text: str) -> str:
    """Accents off: `café` -> `cafe` (as SQLite FTS5's unicode61 tokenizer does)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
