"""Judging a new claim against a stored one: the same claim, a conflicting one, another one,
or maybe the same.

Similarity of meaning finds the neighbours; it cannot tell agreement from
contradiction ("use MySQL" is as near to "use PostgreSQL" as a paraphrase
is). So the verdict weighs what the two claims share against what differs:
another value for the same question (a tool, a version, a number, one side
of a known choice) or a negation makes a conflict; the same values, nothing
denied, and the rest alike in words or in meaning make the same claim; a
question of its own makes another claim. Where the evidence is weak the
verdict is "maybe": both are kept and a person is asked to look.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Literal

from attrs import frozen

from orchestron.core.domain.memory import MemoryEntry, shorten
from orchestron.core.domain.terms import (
    CHOICE_SET,
    FILLER,
    NEGATIONS,
    ClaimTerms,
    analyse,
    is_number,
    same_term,
    stem,
)

__all__ = ["WHY_LIMIT", "Judged", "Verdict", "explain", "judge"]

Verdict = Literal["same", "conflict", "different", "maybe"]
Relation = Literal["related", "apart", "unknown"]

# Meaning (cosine of the two texts' vectors) at or above which two claims with the same
# values and nothing denied are one claim, and below which they are two.
SAME_MEANING = 0.62
MAYBE_MEANING = 0.45
# Two texts this alike that differ in one word each are one sentence with another answer.
SWAP_MEANING = 0.75
# Characters of a reason: it goes into replies with a size budget.
WHY_LIMIT = 300
# Shares of the terms two claims have in common (of the shorter claim's terms).
SAME_COVER = 0.75
QUESTION_COVER = 0.5
# A claim of at most this many terms is a short answer to its topic key.
SHORT_ANSWER = 2
# One claim asks about a word more than the other: still one question when this much is shared.
ONE_SIDED_COVER = 0.6


@frozen
class Judged:
    verdict: Verdict
    # Why, in the claims' own words: what agrees and what differs.
    reason: str
    agree: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()


def _match(terms: tuple[str, ...], others: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """`terms` split into those the other claim has (`same_term`) and those it has not."""
    exact = set(others)
    # same_term's extensions share their first five letters: compare only within those.
    by_head: dict[str, list[str]] = {}
    for o in others:
        if len(o) >= 5:
            by_head.setdefault(o[:5], []).append(o)
    shared: list[str] = []
    only: list[str] = []
    for t in terms:
        found = t in exact or any(same_term(t, o) for o in by_head.get(t[:5], ()))
        (shared if found else only).append(t)
    return shared, only


def _choice_clash(a: list[str], b: list[str]) -> tuple[str, str] | None:
    for x in a:
        for y in b:
            if x != y and x in CHOICE_SET and CHOICE_SET.get(y) == CHOICE_SET[x]:
                return x, y
    return None


def _topics(ta: str, tb: str) -> Relation:
    """How two topic keys relate: one subject (`tests`, `testing`), two subjects told apart
    by a value (`bill-0`, `bill-1`), or nothing to say (`ports`, `web`)."""
    if ta == tb:
        return "related"
    a, b = analyse(ta.replace("-", " ")), analyse(tb.replace("-", " "))
    if not a.terms or not b.terms:
        return "unknown"
    shared, only_a = _match(a.terms, b.terms)
    _, only_b = _match(b.terms, a.terms)
    if not shared:
        return "unknown"
    if any(t in a.values for t in only_a) or any(t in b.values for t in only_b):
        return "apart"
    return "related"


@functools.lru_cache(maxsize=4096)
def _surface(text: str) -> list[str]:
    words = (w.strip(".-/:") for w in re.findall(r"[\w.+#/:-]+", text))
    return [w for w in words if w]


def _one_word_swapped(a: str, b: str) -> tuple[str, str] | None:
    """The one word that differs between two texts written alike word for word (the same
    number of words, in the same order, all but one the same after stemming)."""
    wa, wb = _surface(a), _surface(b)
    if len(wa) != len(wb) or len(wa) < 3:
        return None
    diffs = [(x, y) for x, y in zip(wa, wb, strict=True) if stem(x.lower()) != stem(y.lower())]
    if len(diffs) != 1:
        return None
    x, y = diffs[0]
    if any(w.lower() in FILLER or w.lower() in NEGATIONS for w in (x, y)):
        return None
    return x, y


def _shape_close(a: str, b: str) -> bool:
    """Two sentences built alike: at most two words (small words included) to change,
    insert or drop to turn one into the other ("run on Celery" / "run on RQ", but not
    "run in UTC" / "must be idempotent")."""
    wa, wb = [stem(w.lower()) for w in _surface(a)], [stem(w.lower()) for w in _surface(b)]
    if abs(len(wa) - len(wb)) > 2:
        return False
    row = list(range(len(wb) + 1))
    for i, x in enumerate(wa, start=1):
        prev, row[0] = row[0], i
        for j, y in enumerate(wb, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1] <= 2


_PREFERRING = ("instead", "over", "rather", "than", "before", "after", "not", "never")


def _preference_reversed(a: str, b: str) -> bool:
    """Two texts with the same words in another order around "instead of", "over", ..."""
    wa, wb = [w.lower() for w in _surface(a)], [w.lower() for w in _surface(b)]
    if sorted(wa) != sorted(wb) or wa == wb:
        return False
    return any(p in wa for p in _PREFERRING)


def _kinds(terms: list[str]) -> set[bool]:
    return {is_number(t) for t in terms}


def judge(
    new_text: str,
    new_topic: str,
    old_text: str,
    old_topic: str,
    meaning: float | None = None,
) -> Judged:
    """The verdict on `new_text` beside `old_text`.

    `meaning` is the cosine of the two texts' vectors; without an embedding model it is
    None, words alone decide, and more is left as maybe.
    """
    a, b = analyse(new_text), analyse(old_text)
    if not a.terms or not b.terms:
        # Nothing but symbols: there is no claim to compare, only an exact repeat is one.
        if " ".join(new_text.split()) == " ".join(old_text.split()) and new_topic == old_topic:
            return Judged("same", "the same text again")
        return Judged("different", "nothing to compare: no words in one of the claims")
    shared, only_a = _match(a.terms, b.terms)
    _, only_b = _match(b.terms, a.terms)
    relation = _topics(new_topic, old_topic)
    related = relation == "related"
    agree = tuple(a.written(t) for t in shared)
    differ = tuple(a.written(t) for t in only_a) + tuple(b.written(t) for t in only_b)
    cover = len(shared) / min(len(a.terms), len(b.terms))
    # Topic keys with nothing in common leave it to the texts: near copies ask one question.
    related = related or (relation == "unknown" and cover >= SAME_COVER)
    values_a = [t for t in only_a if t in a.values]
    values_b = [t for t in only_b if t in b.values]
    asked_a = [t for t in only_a if t not in a.values]
    asked_b = [t for t in only_b if t not in b.values]
    near = meaning if meaning is not None else 0.0

    def said(verdict: Verdict, why: str) -> Judged:
        if verdict == "same" and a.negated != b.negated:
            # One denies what the other says: never one claim, whatever else agrees.
            return Judged("maybe", f"{why}, but only one of them says not", agree, differ)
        return Judged(verdict, why, agree, differ)

    def text(items: list[str], side: ClaimTerms) -> str:
        return " ".join(side.written(t) for t in items)

    # One question: the claims differ in little but their values, on related topics.
    if not asked_a and not asked_b:
        same_question = bool(shared) and related
    elif asked_a and asked_b:
        same_question = False
    else:
        same_question = related and len(asked_a) + len(asked_b) <= 1 and cover >= ONE_SIDED_COVER
    # One claim holds what the other denies: "strict mode" / "default mode, not strict".
    crossed = [t for t in a.terms if t in b.denied] + [t for t in b.terms if t in a.denied]
    if crossed:
        return said("conflict", f"one holds what the other denies: {', '.join(crossed)}")
    # The same words with one swapped ("upper case" / "lower case"), or the same words in
    # another order around a preference ("X instead of Y" / "Y instead of X"): one
    # sentence, two answers.
    swap = _one_word_swapped(new_text, old_text) if relation != "apart" else None
    if swap is not None and shared:
        return said("conflict", f"the same words but one: {swap[0]} vs {swap[1]}")
    reversed_ = relation != "apart" and _preference_reversed(new_text, old_text)
    if not only_a and not only_b and reversed_:
        return said("conflict", f"the same terms, the preference reversed: {', '.join(agree)}")
    clash = _choice_clash(only_a, only_b)
    if clash is not None and (same_question or related or cover >= SAME_COVER):
        return said("conflict", f"two answers: {a.written(clash[0])} vs {b.written(clash[1])}")
    # "... with black" and "... with yapf": one answer swapped for another, the rest alike.
    # A swap of plain words is an answer swapped only when all else agrees, when no value is
    # shared, or when the texts are near copies: "PostgreSQL is our database" and "Use
    # PostgreSQL for persistence" share their answer and reword the rest, while "The HTTP
    # client is httpx" and "... is requests" differ in nothing but the answer.
    shares_value = any(t in a.values or t in b.values for t in shared)
    one_swap = len(only_a) == 1 and len(only_b) == 1
    in_slot = one_swap and (
        (a.last == only_a[0] and b.last == only_b[0])
        or (a.terms[0] == only_a[0] and b.terms[0] == only_b[0])
    )
    swapped = (
        one_swap
        and bool(shared)
        and _shape_close(new_text, old_text)
        and (
            bool(values_a or values_b)
            or (in_slot and (cover >= SAME_COVER or not shares_value or near >= SWAP_MEANING))
        )
        and related
    )
    if swapped and _kinds(only_a) & _kinds(only_b):
        return said(
            "conflict", f"two answers to one question: {text(only_a, a)} vs {text(only_b, b)}"
        )
    # One side of a known choice answers like a value ("the local disk" / "S3").
    answers_a = [t for t in only_a if t in a.values or t in CHOICE_SET]
    answers_b = [t for t in only_b if t in b.values or t in CHOICE_SET]
    answered = (values_a or values_b) and answers_a and answers_b and same_question
    if answered and _kinds(answers_a) & _kinds(answers_b):
        return said(
            "conflict", f"two answers to one question: {text(answers_a, a)} vs {text(answers_b, b)}"
        )
    if a.exclusive != b.exclusive and shared and (values_a or values_b) and related:
        narrow, wide = (a, b) if a.exclusive else (b, a)
        extra = values_b if a.exclusive else values_a
        kept = [narrow.written(t) for t in shared if t in narrow.values]
        if extra and kept and not (values_a and values_b):
            return said(
                "conflict",
                f"one says only {', '.join(kept)}, the other adds "
                f"{', '.join(wide.written(t) for t in extra)}",
            )
    if a.negated != b.negated and shared and (same_question or cover >= QUESTION_COVER):
        denied = "the new claim" if a.negated else "the stored claim"
        return said("conflict", f"{denied} denies the other ({', '.join(agree)})")
    if not shared:
        # Short answers under one topic key answer the topic ("database": "We use
        # PostgreSQL" and "SQLite, one file per project").
        shorter = a if len(a.terms) <= len(b.terms) else b
        short = len(shorter.terms) <= SHORT_ANSWER and set(shorter.terms) <= shorter.values
        if related and short and values_a and values_b and _kinds(values_a) & _kinds(values_b):
            return said(
                "conflict",
                f"two answers on '{old_topic}': {text(values_a, a)} vs {text(values_b, b)}",
            )
        if related and near >= SAME_MEANING and not (values_a or values_b):
            return said("maybe", f"alike in meaning ({near:.2f}) but no word in common")
        return said("different", "no term in common")
    if not only_a and not only_b:
        return said("same", f"the same terms: {', '.join(agree)}")
    if relation == "apart" and values_a and values_b:
        return said(
            "different",
            f"two subjects ('{new_topic}', '{old_topic}'): {text(values_a, a)} / "
            f"{text(values_b, b)}",
        )
    adds_values = bool(values_a or values_b)
    both_add = bool(asked_a and asked_b)
    if cover == 1.0 and not adds_values and len(asked_a) + len(asked_b) <= 2:
        return said("same", f"agree on {', '.join(agree)}; reworded: {', '.join(differ)}")
    one_each = len(asked_a) == len(asked_b) == 1
    if shares_value and one_each and not adds_values and near >= SAME_MEANING:
        return said("same", f"agree on {', '.join(agree)}; reworded: {', '.join(differ)}")
    if shares_value and one_each and not adds_values and (meaning is None or near >= MAYBE_MEANING):
        return said("maybe", f"agree on {', '.join(agree)}; differ in {', '.join(differ)}")
    if not adds_values and (cover >= SAME_COVER or not both_add):
        if meaning is None and cover >= SAME_COVER:
            return said("same", f"agree on {', '.join(agree)}; reworded: {', '.join(differ)}")
        if near >= SAME_MEANING:
            return said("same", f"agree on {', '.join(agree)} ({near:.2f} alike in meaning)")
        if near >= MAYBE_MEANING or meaning is None:
            return said("maybe", f"agree on {', '.join(agree)}; differ in {', '.join(differ)}")
    if cover >= SAME_COVER and not both_add and (near >= MAYBE_MEANING or meaning is None):
        return said("maybe", f"agree on {', '.join(agree)}, but one adds {', '.join(differ)}")
    if not adds_values and cover >= QUESTION_COVER and near >= SAME_MEANING:
        return said("maybe", f"agree on {', '.join(agree)}; differ in {', '.join(differ)}")
    return said("different", f"other claims: {', '.join(differ)} beside {', '.join(agree)}")


def explain(
    judged: Sequence[tuple[MemoryEntry, Judged]],
    rivals: Sequence[MemoryEntry],
    maybe: MemoryEntry | None,
) -> str:
    """Why a new claim came out as it did, beside the entries it was judged against, in at
    most WHY_LIMIT characters (it goes into replies with a size budget)."""
    return shorten(_why(judged, rivals, maybe), WHY_LIMIT)


def _why(
    judged: Sequence[tuple[MemoryEntry, Judged]],
    rivals: Sequence[MemoryEntry],
    maybe: MemoryEntry | None,
) -> str:
    verdicts = {e.id: v for e, v in judged}
    if rivals:
        first = rivals[0]
        ids = ", ".join(e.id for e in rivals)
        return f"conflicts with {ids}: {verdicts[first.id].reason}"
    if maybe is not None:
        return (
            f"maybe the same as {maybe.id}: {verdicts[maybe.id].reason}; both kept, "
            "listed as stale for a person to look at"
        )
    if judged:
        nearest, verdict = judged[0]
        return f"a claim of its own; nearest is {nearest.id} ({verdict.reason})"
    return "a claim of its own; nothing like it is stored"
