"""Shared project memory: remember, merge near-duplicates, supersede, dispute, settle.

`remember` keeps one entry per claim: the same claim said again (same topic
and similar words, or very similar words under any topic) adds its
provenance to the entry that holds it. A different claim on a topic that
has a live entry either supersedes it (when the agent says so) or opens a
dispute: both entries become DISPUTED and one request goes to the person's
inbox. The person's answer settles it, and every agent that made one of the
claims is told once.
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
from orchestron.core.domain.memory import (
    MemoryEntry,
    MemoryKind,
    MemoryStatus,
    Provenance,
)
from orchestron.core.domain.recall import find_duplicate
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import Act, ForbiddenError, Hint, InvalidInputError
from orchestron.core.ports import MemoryFilter
from orchestron.core.services._base import Work
from orchestron.core.services.disputes import DisputeResolution, DisputeService
from orchestron.core.services.tasks import UNSET

__all__ = ["DisputeResolution", "MemoryService", "RememberOutcome", "RememberResult"]

RememberOutcome = Literal["added", "merged", "superseded", "disputed"]

_LIVE = (MemoryStatus.ACTIVE, MemoryStatus.DISPUTED)
_CANDIDATES = 20  # similar entries under other topics checked for a duplicate


@frozen
class RememberResult:
    entry: MemoryEntry
    outcome: RememberOutcome
    # The entry superseded, or the entries now disputed with this one.
    others: tuple[MemoryEntry, ...] = ()
    # The inbox request that asks the person to settle a dispute.
    request: HumanRequest | None = None


class MemoryService(DisputeService):
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
            entry = await self._entry(work, entry_id)
            _must_be_active(entry, "confirm")
            changes: dict[str, object] = {"last_confirmed": work.now}
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
            entry = await self._entry(work, entry_id)
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
            return await self._promote(work, sid)

    # -- the rules --------------------------------------------------------------------------

    async def _remember(self, work: Work, claim: Claim) -> RememberResult:
        source = await self._source(work, claim)
        old = await self._to_supersede(work, claim.supersedes) if claim.supersedes else None
        live = await self._candidates(work, claim)
        if old is None:
            same = find_duplicate(live, claim.topic, claim.text)
            if same is not None:
                return await self._merge(work, same, claim, source)
        rivals = [e for e in live if e.topic == claim.topic and (old is None or e.id != old.id)]
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
            updated_by=work.actor,
        )
        request: HumanRequest | None = None
        others: tuple[MemoryEntry, ...] = ()
        if rivals:
            request, others = await self._dispute(work, entry, rivals, claim.session_id)
            entry = _disputed(entry, request.id)
        await work.tx.memory.add(entry)
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
        )
        if old is not None:
            gone = old.changed(
                work.now, work.actor, status=MemoryStatus.SUPERSEDED, superseded_by=entry.id
            )
            await work.tx.memory.update(gone)
            work.emit(old.id, "memory.superseded", by=entry.id)
            if request is None:
                return RememberResult(entry, "superseded", (gone,))
        if request is not None:
            return RememberResult(entry, "disputed", others, request)
        return RememberResult(entry, "added")

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

    async def _candidates(self, work: Work, claim: Claim) -> list[MemoryEntry]:
        """Live entries on the topic, and the live entries most like the text anywhere."""
        found = await work.tx.memory.list(MemoryFilter(statuses=_LIVE, topic=claim.topic))
        seen = {e.id for e in found}
        similar = await work.tx.memory.similar(
            claim.text, MemoryFilter(statuses=_LIVE), limit=_CANDIDATES
        )
        return found + [e for e in similar if e.id not in seen]

    async def _merge(
        self, work: Work, entry: MemoryEntry, claim: Claim, source: Provenance
    ) -> RememberResult:
        changes: dict[str, object] = {}
        provenance = entry.with_provenance(source)
        if provenance is not None:
            changes["provenance"] = provenance
        if claim.rationale and not entry.rationale:
            changes["rationale"] = claim.rationale
        if claim.review_date and entry.review_date is None:
            changes["review_date"] = claim.review_date
        if not changes:
            return RememberResult(entry, "merged")
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
        )
        return RememberResult(merged, "merged")

    async def _session_wrapping_up(self, work: Work, session_id: str) -> None:
        await super()._session_wrapping_up(work, session_id)
        await self._promote(work, session_id)

    async def _promote(self, work: Work, session_id: str) -> list[RememberResult]:
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
