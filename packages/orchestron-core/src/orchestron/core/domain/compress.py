"""Compressing a context to a hard byte budget, saying what was dropped.

The next agent needs, in this order of importance: the current task, the next
steps, the critical decisions; then open questions, completed steps, extra keys,
files touched and free notes. Compression first removes what loses nothing
(duplicates, blank entries). If that is not enough, it sets the less important
fields aside and puts them back, most important first, each as far as it fits:
whole, else with long entries shortened, else its newest entries only. So the
least important fields are the ones dropped, and a small extra key still finds
room left over by a long log. Only when the important three alone overflow are
they shortened and trimmed. Every loss is written into `dropped`, one short line
per field, so the reader knows the context is partial.

Sizes are measured on the whole stored form, `dropped` included, and each trim
finds how much to keep by binary search: a 100 KB context compresses in a few
dozen serialisations, not thousands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attrs import define, field, frozen

from orchestron.core.domain.context import CONTEXT_FIELDS, Context, context_size
from orchestron.core.errors import InvalidInputError

__all__ = ["DEFAULT_BUDGET", "DROPPED_RESERVE", "MIN_BUDGET", "compress"]

DEFAULT_BUDGET = 4096
MIN_BUDGET = 256
# The record of what was dropped stays under this many bytes, so a core of
# current task, next steps and decisions that fits in budget - DROPPED_RESERVE
# is always kept whole.
DROPPED_RESERVE = 700

_NOTE_CHARS = 80  # one line per field in `dropped`
_ENTRY_CHARS = 300  # longest entry kept in the less important lists and extra
_CORE_CHARS = 200  # longest next step, decision or current task once all else is gone
_ELLIPSIS = "…"

_DROPPED_KEYS = frozenset((*CONTEXT_FIELDS, "extra", "all"))
# As many UTF-8 bytes as the longest line `_clip` returns: 79 ASCII characters and "…".
_RESERVED_LINE = "removed".ljust(_NOTE_CHARS + 2)


def compress(context: Context, budget: int = DEFAULT_BUDGET) -> Context:
    """`context` within `budget` bytes of UTF-8 JSON (see `context_size`)."""
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < MIN_BUDGET:
        raise InvalidInputError("budget", f"must be a whole number of bytes >= {MIN_BUDGET}")
    draft = _Draft.of(Context.from_data(context.to_data()))
    if draft.fits(budget):
        return draft.result()
    aside = draft.set_minor_aside()
    if draft.fits(budget):
        draft.restore_log("open_questions", aside.open_questions, budget)
        draft.restore_log("completed_steps", aside.completed_steps, budget)
        draft.restore_extra(aside.extra, budget)
        draft.restore_log("files_touched", aside.files_touched, budget)
        draft.restore_notes(aside.notes, budget)
    else:
        draft.say_set_aside(aside)
        draft.shorten_core()
        if not draft.fits(budget):
            draft.fit_core(budget)
    if not draft.fits(budget):
        # Only the record of losses is left; say it in one line, or not at all.
        draft.dropped = {"all": "everything was dropped to fit the budget"}
        if not draft.fits(budget):
            draft.dropped = {}
    return draft.result()


@frozen
class _Minor:
    """The less important fields, set aside while the important ones are measured."""

    completed_steps: list[str]
    open_questions: list[str]
    files_touched: list[str]
    notes: str
    extra: dict[str, Any]


@define
class _Draft:
    current_task: str | None
    next_steps: list[str]
    decisions: dict[str, str]
    completed_steps: list[str]
    open_questions: list[str]
    files_touched: list[str]
    notes: str
    extra: dict[str, Any]
    dropped: dict[str, str] = field(factory=dict)

    @classmethod
    def of(cls, ctx: Context) -> _Draft:
        # Earlier losses stay on record; only known keys, so the record stays bounded.
        kept = {k: _clip(v) for k, v in ctx.dropped.items() if k in _DROPPED_KEYS and v}
        return cls(
            current_task=ctx.current_task or None,
            next_steps=_dedupe(ctx.next_steps),
            decisions={k: v for k, v in ctx.critical_decisions.items() if k or v},
            completed_steps=_dedupe(ctx.completed_steps, keep_last=True),
            open_questions=_dedupe(ctx.open_questions, keep_last=True),
            files_touched=_dedupe(ctx.files_touched, keep_last=True),
            notes=ctx.notes,
            extra=dict(ctx.extra),
            dropped=kept,
        )

    def result(self) -> Context:
        return Context(
            current_task=self.current_task,
            next_steps=self.next_steps,
            critical_decisions=self.decisions,
            completed_steps=self.completed_steps,
            open_questions=self.open_questions,
            files_touched=self.files_touched,
            notes=self.notes,
            extra=self.extra,
            dropped=self.dropped,
        )

    def fits(self, budget: int) -> bool:
        return context_size(self.result().to_data()) <= budget

    def _fit(self, budget: int, total: int, apply: Callable[[int], None]) -> int:
        """The most of `total` units `apply` can keep within budget (0 if none fits).

        Every candidate is measured, so the state left behind always fits when 0
        does; sizes grow with what is kept, which is what the search relies on.
        """
        lo, hi = 0, total
        while lo < hi:
            mid = (lo + hi + 1) // 2
            apply(mid)
            if self.fits(budget):
                lo = mid
            else:
                hi = mid - 1
        apply(lo)
        return lo

    def _note(self, name: str, text: str | None) -> None:
        if text is None:
            self.dropped.pop(name, None)
        else:
            self.dropped[name] = _clip(text)

    # -- the less important fields: set aside, then back as far as they fit ---------------

    def set_minor_aside(self) -> _Minor:
        aside = _Minor(
            completed_steps=self.completed_steps,
            open_questions=self.open_questions,
            files_touched=self.files_touched,
            notes=self.notes,
            extra=self.extra,
        )
        self.completed_steps, self.open_questions, self.files_touched = [], [], []
        self.notes, self.extra = "", {}
        # Each field set aside holds its line in `dropped` at the longest a line can be,
        # so whatever line it ends with, fields fitted before it still fit.
        for name in ("completed_steps", "open_questions", "files_touched", "extra", "notes"):
            if getattr(aside, name):
                self.dropped[name] = _RESERVED_LINE
        return aside

    def say_set_aside(self, aside: _Minor) -> None:
        """The final lines for fields that stayed aside (each shorter than the reservation)."""
        for name in ("completed_steps", "open_questions", "files_touched"):
            if getattr(aside, name):
                self._note(name, f"removed all {len(getattr(aside, name))}")
        if aside.extra:
            self._note("extra", f"removed {_count(len(aside.extra), 'key')}")
        if aside.notes:
            self._note("notes", f"removed ({len(aside.notes)} characters)")

    def restore_log(self, name: str, full: list[str], budget: int) -> None:
        if not full:
            return
        setattr(self, name, full)
        self._note(name, None)
        if self.fits(budget):
            return
        long = sum(1 for s in full if len(s) > _ENTRY_CHARS)
        short = [_shorten(s, _ENTRY_CHARS) for s in full]

        def apply(n: int) -> None:
            # A log: the newest entries, at the end, matter most.
            setattr(self, name, short[len(short) - n :] if n else [])
            if n == 0:
                self._note(name, f"removed all {len(full)}")
                return
            line = "" if n == len(full) else f"kept the newest {n} of {len(full)}; "
            self._note(
                name,
                f"{line}long entries cut to {_ENTRY_CHARS} characters"
                if long
                else line.rstrip("; "),
            )

        self._fit(budget, len(full), apply)

    def restore_extra(self, full: dict[str, Any], budget: int) -> None:
        if not full:
            return
        self.extra = dict(full)
        self._note("extra", None)
        if self.fits(budget):
            return
        short = {k: _shorten_deep(v, _ENTRY_CHARS) for k, v in full.items()}
        # Small keys first: many small facts like {"step": "API done"} beat one big blob.
        order = sorted(short, key=lambda k: context_size({k: short[k]}))

        def apply(n: int) -> None:
            kept = set(order[:n])
            self.extra = {k: v for k, v in short.items() if k in kept}
            gone = [k for k in short if k not in kept]
            parts = []
            if gone:
                names = ", ".join(k for k in gone if _simple(k))
                parts.append(f"removed {_count(len(gone), 'key')}: {names}".rstrip(": "))
            if any(short[k] != full[k] for k in kept):
                parts.append(f"long values cut to {_ENTRY_CHARS} characters")
            self._note("extra", "; ".join(parts))

        self._fit(budget, len(order), apply)

    def restore_notes(self, full: str, budget: int) -> None:
        if not full:
            return

        def apply(n: int) -> None:
            self.notes = _shorten(full, n) if n else ""
            if n == len(full):
                self._note("notes", None)
            elif n:
                self._note("notes", f"cut to {n} of {len(full)} characters")
            else:
                self._note("notes", f"removed ({len(full)} characters)")

        self._fit(budget, len(full), apply)

    # -- the important three, only when they alone overflow ----------------------------

    def shorten_core(self) -> None:
        long = sum(1 for s in self.next_steps if len(s) > _CORE_CHARS)
        if long:
            self.next_steps = [_shorten(s, _CORE_CHARS) for s in self.next_steps]
            self._note("next_steps", f"{long} long steps cut to {_CORE_CHARS} characters")
        long = sum(1 for k, v in self.decisions.items() if len(v) > _CORE_CHARS or len(k) > 100)
        if long:
            self.decisions = {
                _shorten(k, 100): _shorten(v, _CORE_CHARS) for k, v in self.decisions.items()
            }
            self._note("critical_decisions", f"{long} long decisions cut to {_CORE_CHARS}")

    def fit_core(self, budget: int) -> None:
        """Next steps and decisions share the room the current task leaves.

        Both are set aside; next steps come back into half the room, decisions
        into what is left, then next steps into any room still free. The first
        entries of each are kept: a plan's nearest steps, the earliest decisions.
        """
        steps, decisions = self.next_steps, list(self.decisions.items())
        said = {n: self.dropped.get(n) for n in ("next_steps", "critical_decisions")}
        self.next_steps, self.decisions = [], {}
        for name, items in (("next_steps", steps), ("critical_decisions", decisions)):
            if items:
                self.dropped[name] = _RESERVED_LINE
        self._fit_current_task(budget)

        def keep_steps(n: int) -> None:
            self.next_steps = steps[:n]
            self._note("next_steps", _kept_first(n, len(steps), said["next_steps"]))

        def keep_decisions(n: int) -> None:
            self.decisions = dict(decisions[:n])
            self._note(
                "critical_decisions", _kept_first(n, len(decisions), said["critical_decisions"])
            )

        if steps:
            used = context_size(self.result().to_data())
            self._fit(used + max(budget - used, 0) // 2, len(steps), keep_steps)
        if decisions:
            self._fit(budget, len(decisions), keep_decisions)
        if steps:
            self._fit(budget, len(steps), keep_steps)

    def _fit_current_task(self, budget: int) -> None:
        full = self.current_task
        if not full or self.fits(budget):
            return

        def apply(n: int) -> None:
            self.current_task = _shorten(full, n) if n else None
            self._note("current_task", "shortened" if n else "removed")

        self._fit(budget, len(full), apply)


def _kept_first(n: int, total: int, before: str | None) -> str | None:
    if n == total:
        return before
    line = f"kept the first {n} of {total}" if n else f"removed all {total}"
    return f"{line}; {before}" if before else line


def _dedupe(items: Any, *, keep_last: bool = False) -> list[str]:
    """Blank entries and repeats go; a log keeps each entry at its latest place."""
    seq = [s for s in items if s]
    if keep_last:
        seen: set[str] = set()
        out: list[str] = []
        for s in reversed(seq):
            if s not in seen:
                seen.add(s)
                out.append(s)
        return out[::-1]
    return list(dict.fromkeys(seq))


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + _ELLIPSIS


def _shorten_deep(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return _shorten(value, limit)
    if isinstance(value, dict):
        return {k: _shorten_deep(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten_deep(v, limit) for v in value]
    return value


def _clip(text: str) -> str:
    return _shorten(text, _NOTE_CHARS)


def _simple(key: str) -> bool:
    """Names safe to quote in the record: short ASCII, nothing JSON must escape."""
    return len(key) <= 30 and key.isascii() and key.isprintable() and not set(key) & {'"', "\\"}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
