"""Shared project memory: remember, merge restated claims, supersede, dispute, settle.

`remember` judges a new claim against the live entries near it (in meaning,
when an embedding model is wired in, and in words; under any topic key) with
the rules of `domain.judge`. The same claim restated adds its provenance to
the entry that holds it. A conflicting claim on the same question (another
value, a negation) makes both DISPUTED with one request in the person's
inbox, unless the agent says it supersedes the old one. A different claim is
kept beside the others. When the evidence is weak both are kept and the new
one is flagged as maybe the same, for a person to look at in the stale list:
never a silent merge. Every outcome says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from attrs import evolve, frozen

from orchestron.core.domain.claims import (
    Claim,
    check_review_date,
    decisions_in,
    files_in,
    make_claim,
)
from orchestron.core.domain.human import HumanRequest
from orchestron.core.domain.judge import MAYBE_MEANING, WHY_LIMIT, Judged, explain, judge
from orchestron.core.domain.memory import (
    MemoryEntry,
    MemoryKind,
    MemoryStatus,
    Provenance,
    shorten,
)
from orchestron.core.domain.recall import content_words, query_terms
from orchestron.core.domain.validation import check_text
from orchestron.core.domain.vectors import Vector, cosine
from orchestron.core.errors import Act, ForbiddenError, Hint, InvalidInputError
from orchestron.core.ports import MemoryFilter
from orchestron.core.services._base import Caller, Ports, Service, Work
from orchestron.core.services.disputes import DisputeResolution, DisputeService
from orchestron.core.services.events import SessionWrappingUp
from orchestron.core.services.meaning import MeaningService
from orchestron.core.services.recall import RecallService
from orchestron.core.services.tasks import UNSET

__all__ = ["DisputeResolution", "MemoryService", "RememberOutcome", "RememberResult"]

RememberOutcome = Literal["added", "merged", "superseded", "disputed"]

_LIVE = (MemoryStatus.ACTIVE, MemoryStatus.DISPUTED)
_SIMILAR = 20  # entries sharing MinHash bands with the claim's words
_TOPIC = 20  # the most recent live entries on the claim's topic
_NEAR = 30  # entries near in meaning (the vector index)
_WORDS = 20  # entries with the claim's rarer words (the full-text index)
_JUDGED = 12  # the nearest of all those, judged one by one


@frozen
class RememberResult:
    entry: MemoryEntry
    outcome: RememberOutcome
    # The entry superseded, or the entries now disputed with this one.
    others: tuple[MemoryEntry, ...] = ()
    # The inbox request that asks the person to settle a dispute.
    request: HumanRequest | None = None
    # Why: which entry it was judged against and the terms that agree or differ.
    reason: str = ""
    # The entry this one may restate (weak evidence: both kept, listed as stale).
    maybe: MemoryEntry | None = None
    # Judged by meaning and words (an embedding model is wired in), or by words alone.
    by_meaning: bool = False


class MemoryService(Service):
    """Writing project memory: remember (judged against its neighbours), confirm, retire."""

    def __init__(
        self,
        ports: Ports,
        caller: Caller | None,
        meaning: MeaningService,
        recall: RecallService,
        disputes: DisputeService,
    ) -> None:
        super().__init__(ports, caller)
        self.meaning = meaning
        self.recall = recall
        self.disputes = disputes

    async def remember(
        self,
        text: str,
        *,
        kind: MemoryKind | str,
        topic: str,
        rationale: str | None = None,
        supersedes: str | None = None,
        session_id: str | None = None,
        task_id: str | None = None,
        files: Iterable[str] = (),
        review_date: date | str | None = None,
        actor: str | None = None,
    ) -> RememberResult:
        """Keep a decision, convention, fact, gotcha or preference for every later agent."""
        claim = make_claim(
            text,
            kind=kind,
            topic=topic,
            rationale=rationale,
            supersedes=supersedes,
            session_id=session_id,
            task_id=task_id,
            files=files,
            review_date=review_date,
        )
        async with self._write(actor) as work:
            return await self._remember(work, claim)

    async def confirm(
        self,
        entry_id: str,
        *,
        review_date: date | str | None = UNSET,
        actor: str | None = None,
    ) -> MemoryEntry:
        """Say an active entry still holds (it leaves the stale list); optionally set its
        next review date (None clears it)."""
        new_date = check_review_date(review_date) if review_date is not UNSET else UNSET
        async with self._write(actor) as work:
            entry = await self.recall.entry(work, entry_id)
            _must_be_active(entry, "confirm")
            # Confirmed by a person: it stands beside whatever it was maybe the same as.
            changes: dict[str, object] = {"last_confirmed": work.now, "maybe_same": None}
            if new_date is not UNSET:
                changes["review_date"] = new_date
            confirmed = entry.changed(work.now, work.actor, **changes)
            await work.tx.memory.update(confirmed)
            work.emit(entry.id, "memory.confirmed", review_date=_iso(confirmed.review_date))
            return confirmed

    async def retire(self, entry_id: str, reason: str, *, actor: str | None = None) -> MemoryEntry:
        """An active entry no longer holds; it stays as history with the reason."""
        why = check_text(reason, "reason", limit=500, allow_empty=False)
        async with self._write(actor) as work:
            entry = await self.recall.entry(work, entry_id)
            _must_be_active(entry, "retire")
            retired = entry.changed(
                work.now, work.actor, status=MemoryStatus.RETIRED, retired_reason=why
            )
            await work.tx.memory.update(retired)
            work.emit(entry.id, "memory.retired", reason=why)
            return retired

    async def promote_decisions(
        self, session_id: str, *, actor: str | None = None
    ) -> list[RememberResult]:
        """Remember the critical decisions of the session's latest saved context (synthesis);
        `end_session` and `prepare_handoff` do this themselves."""
        sid = check_text(session_id, "session_id", limit=128, allow_empty=False)
        async with self._write(actor) as work:
            return await self.promote(work, sid)

    # -- the rules --------------------------------------------------------------------------

    async def _remember(self, work: Work, claim: Claim) -> RememberResult:
        source = await self._source(work, claim)
        old = await self._to_supersede(work, claim.supersedes) if claim.supersedes else None
        vector = self.meaning.embed(claim.text)
        judged = await self._judged(work, claim, vector)
        if old is None:
            for candidate, verdict in judged:
                if verdict.verdict == "same":
                    return await self._merge(work, candidate, claim, source, verdict)
        others = [(e, v) for e, v in judged if old is None or e.id != old.id]
        rivals = [e for e, v in others if v.verdict == "conflict"]
        maybe = next((e for e, v in others if v.verdict == "maybe"), None) if not rivals else None
        entry = MemoryEntry(
            id=await work.new_id("MEM"),
            kind=claim.kind,
            topic=claim.topic,
            text=claim.text,
            rationale=claim.rationale,
            created_at=work.now,
            updated_at=work.now,
            last_confirmed=work.now,
            provenance=(source,),
            supersedes=old.id if old else None,
            review_date=claim.review_date,
            maybe_same=maybe.id if maybe else None,
            updated_by=work.actor,
        )
        reason = explain(others, rivals, maybe)
        request: HumanRequest | None = None
        disputed: tuple[MemoryEntry, ...] = ()
        if rivals:
            request, disputed = await self.disputes.dispute(
                work, entry, rivals, claim.session_id, f"{entry.id} {reason}"
            )
            entry = _disputed(entry, request.id)
        await work.tx.memory.add(entry)
        if vector is not None and self.embedder is not None:
            await work.tx.memory.set_vector(entry.id, self.embedder.model, vector)
        work.emit(
            entry.id,
            "memory.added",
            memory_kind=entry.kind.value,
            topic=entry.topic,
            text=entry.text,
            status=entry.status.value,
            session=source.session,
            task=source.task,
            supersedes=entry.supersedes,
            dispute=entry.dispute,
            maybe_same=entry.maybe_same,
            why=reason,
        )
        by_meaning = vector is not None
        if old is not None:
            gone = old.changed(
                work.now, work.actor, status=MemoryStatus.SUPERSEDED, superseded_by=entry.id
            )
            await work.tx.memory.update(gone)
            work.emit(old.id, "memory.superseded", by=entry.id)
            if request is None:
                why = f"supersedes {old.id}" + (f"; {reason}" if others else "")
                return RememberResult(
                    entry, "superseded", (gone,), reason=why, maybe=maybe, by_meaning=by_meaning
                )
        if request is not None:
            return RememberResult(
                entry, "disputed", disputed, request, reason=reason, by_meaning=by_meaning
            )
        return RememberResult(entry, "added", reason=reason, maybe=maybe, by_meaning=by_meaning)

    # -- judging a claim against its neighbours ------------------------------------------------

    async def _judged(
        self, work: Work, claim: Claim, vector: Vector | None
    ) -> list[tuple[MemoryEntry, Judged]]:
        """The verdict on the claim beside each of its nearest live entries, nearest first."""
        out = []
        for entry, meaning in await self._neighbours(work, claim, vector):
            verdict = judge(claim.text, claim.topic, entry.text, entry.topic, meaning)
            out.append((entry, verdict))
        return out

    async def _neighbours(
        self, work: Work, claim: Claim, vector: Vector | None
    ) -> list[tuple[MemoryEntry, float | None]]:
        """Live entries on the topic, alike in words, and near in meaning (under any topic),
        with their meaning beside the claim; the `_JUDGED` nearest, nearest first."""
        live = MemoryFilter(statuses=_LIVE)
        found: dict[str, MemoryEntry] = {}
        for e in await work.tx.memory.recent(evolve(live, topic=claim.topic), limit=_TOPIC):
            found.setdefault(e.id, e)
        for e in await work.tx.memory.similar(claim.text, live, limit=_SIMILAR):
            found.setdefault(e.id, e)
        vectors: dict[str, Vector] = {}
        if vector is not None and self.embedder is not None:
            for e, v in await self.meaning.near_in_meaning(work, vector, live, _NEAR, keep=True):
                found.setdefault(e.id, e)
                vectors[e.id] = v
            rest = [e for e in found.values() if e.id not in vectors]
            vectors.update(await self.meaning.vectors_of(work, rest))
        elif terms := query_terms(claim.text):
            # No model to find a restatement in other words under another key: the words
            # it shares ("Celery", "jobs") have to.
            for e in await work.tx.memory.search(terms, live, limit=_WORDS):
                found.setdefault(e.id, e)
        scored = []
        mine = set(content_words(claim.text))
        for e in found.values():
            meaning = cosine(vector, vectors[e.id]) if vector is not None else None
            # Not a neighbour at all: another topic, no word in common, far in meaning.
            theirs = set(content_words(e.text))
            shared = len(mine & theirs)
            if e.topic != claim.topic and not shared and (meaning or 0.0) < MAYBE_MEANING:
                continue
            words = shared / max(1, len(mine | theirs))
            scored.append((max(words, meaning or 0.0), words, e, meaning))
        scored.sort(key=lambda s: (-s[0], -s[1], s[2].id))
        # The nearest few, and every live entry on the claim's own topic (the question it
        # most likely answers), however many others read alike.
        kept = [x for n, x in enumerate(scored) if n < _JUDGED or x[2].topic == claim.topic]
        return [(e, meaning) for _, _, e, meaning in kept]

    async def _source(self, work: Work, claim: Claim) -> Provenance:
        agent = work.actor
        if claim.session_id:
            session = await work.tx.sessions.get(claim.session_id)
            if session is not None:
                agent = session.agent_id
        task = (await work.task(claim.task_id)).id if claim.task_id else None
        return Provenance(
            at=work.now, agent=agent, session=claim.session_id, task=task, files=claim.files
        )

    async def _to_supersede(self, work: Work, entry_id: str) -> MemoryEntry:
        old = await work.tx.memory.get(entry_id)
        if old is None:
            raise InvalidInputError("supersedes", f"{entry_id} does not exist")
        if old.status is MemoryStatus.SUPERSEDED:
            raise InvalidInputError(
                "supersedes", f"{old.id} is already superseded by {old.superseded_by}"
            )
        if old.status is MemoryStatus.RETIRED:
            raise InvalidInputError("supersedes", f"{old.id} is retired")
        if old.status is MemoryStatus.DISPUTED:
            raise InvalidInputError(
                "supersedes",
                f"{old.id} is disputed ({old.dispute}); a person settles that first",
                hints=[Hint(Act.RESOLVE, old.dispute or "")],
            )
        return old

    async def _merge(
        self, work: Work, entry: MemoryEntry, claim: Claim, source: Provenance, verdict: Judged
    ) -> RememberResult:
        reason = shorten(f"the same claim as {entry.id}: {verdict.reason}", WHY_LIMIT)
        by_meaning = self.embedder is not None
        changes: dict[str, object] = {}
        provenance = entry.with_provenance(source)
        if provenance is not None:
            changes["provenance"] = provenance
        if claim.rationale and not entry.rationale:
            changes["rationale"] = claim.rationale
        if claim.review_date and entry.review_date is None:
            changes["review_date"] = claim.review_date
        if not changes:
            return RememberResult(entry, "merged", reason=reason, by_meaning=by_meaning)
        if provenance is not None and len(provenance) > len(entry.provenance):
            changes["last_confirmed"] = work.now  # said again by someone else: still holds
        merged = entry.changed(work.now, work.actor, **changes)
        await work.tx.memory.update(merged)
        work.emit(
            entry.id,
            "memory.merged",
            session=source.session,
            task=source.task,
            agent=source.agent,
            text=claim.text,
            why=reason,
        )
        return RememberResult(merged, "merged", reason=reason, by_meaning=by_meaning)

    async def on_session_wrapping_up(self, work: Work, wrapping: SessionWrappingUp) -> None:
        """What a session that ends, lapses or hands on decided is kept for the next."""
        await self.promote(work, wrapping.session_id)

    async def promote(self, work: Work, session_id: str) -> list[RememberResult]:
        record = await work.tx.contexts.latest_for_session(session_id)
        if record is None:
            return []
        task_id = record.task_id
        if task_id is not None and await work.tx.tasks.get(task_id) is None:
            task_id = None
        files = files_in(record.data)
        results = []
        for topic, text in decisions_in(record.data):
            try:
                claim = make_claim(
                    text,
                    kind=MemoryKind.DECISION,
                    topic=topic,
                    session_id=session_id,
                    task_id=task_id,
                    files=files,
                )
            except InvalidInputError:
                continue  # a topic with no letters, say: skip it, keep the rest
            results.append(await self._remember(work, claim))
        return results


def _disputed(entry: MemoryEntry, request_id: str) -> MemoryEntry:
    return evolve(entry, status=MemoryStatus.DISPUTED, dispute=request_id)


def _must_be_active(entry: MemoryEntry, verb: str) -> None:
    if entry.status is MemoryStatus.ACTIVE:
        return
    if entry.status is MemoryStatus.DISPUTED:
        raise ForbiddenError(
            f"cannot {verb} {entry.id}: it is disputed ({entry.dispute}); "
            "a person settles that first",
            hints=[Hint(Act.RESOLVE, entry.dispute or "")],
        )
    raise ForbiddenError(f"cannot {verb} {entry.id}: it is {entry.status.value}")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
