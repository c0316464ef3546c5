"""Disputes: two claims on one topic, one inbox request, the person's word to every agent.

A different claim on a topic that has a live entry (and no `supersedes`) makes
every claim on the topic DISPUTED and opens one HELP request naming them and
who made them; a later claim joins the open dispute. The person keeps one
(the others are superseded by it), both, or neither; the request is answered
and each agent that made a claim is told once, by message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

from orchestron.core.domain.claims import parse_keep
from orchestron.core.domain.enums import MessageKind, RequestKind, RequestStatus
from orchestron.core.domain.human import HumanRequest, Message
from orchestron.core.domain.memory import MemoryEntry, MemoryStatus, shorten
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import Act, ForbiddenError, Hint, InvalidInputError
from orchestron.core.ports import MemoryFilter
from orchestron.core.services._base import Caller, Ports, Service, Work, normalise_id
from orchestron.core.services.delivery import DeliveryService
from orchestron.core.services.events import AnswerGiven
from orchestron.core.services.recall import RecallService
from orchestron.core.services.requests import RequestService

__all__ = ["DisputeResolution", "DisputeService", "Keep"]

Keep = str  # an entry id, "both" or "neither"


@frozen
class DisputeResolution:
    request: HumanRequest
    keep: Keep
    entries: tuple[MemoryEntry, ...]
    # One per agent that made one of the claims.
    messages: tuple[Message, ...]


class DisputeService(Service):
    """Memory disputes: opened by conflicting claims, settled by a person."""

    def __init__(
        self,
        ports: Ports,
        caller: Caller | None,
        recall: RecallService,
        requests: RequestService,
        delivery: DeliveryService,
    ) -> None:
        super().__init__(ports, caller)
        self.recall = recall
        self.requests = requests
        self.delivery = delivery

    async def resolve_dispute(
        self,
        request_or_entry_id: str,
        keep: str,
        note: str | None = None,
        *,
        actor: str | None = None,
    ) -> DisputeResolution:
        """The person settles a dispute: keep one entry (the others are superseded by it),
        "both" (all active again) or "neither" (all retired). Each agent that made one of
        the claims gets a message, once."""
        choice = _check_keep(keep)
        remark = check_text(note, "note", limit=1000) if note is not None else ""
        async with self._write(actor) as work:
            request, entries = await self._dispute_of(work, request_or_entry_id)
            return await self._settle(work, request, entries, choice, remark)

    # -- the rules --------------------------------------------------------------------------

    async def dispute(
        self,
        work: Work,
        entry: MemoryEntry,
        rivals: Sequence[MemoryEntry],
        session_id: str | None,
        why: str = "",
    ) -> tuple[HumanRequest, tuple[MemoryEntry, ...]]:
        """One open request per dispute: a claim joining an open dispute updates its text."""
        request: HumanRequest | None = None
        for ident in sorted({r.dispute for r in rivals if r.dispute}):
            found = await work.tx.requests.get(ident)
            if found is not None and found.status is RequestStatus.OPEN:
                request = found
                break
        members = list(rivals)
        if request is not None:
            already = await work.tx.memory.list(MemoryFilter(dispute=request.id))
            members += [e for e in already if e.id not in {r.id for r in rivals}]
        text = _dispute_text(entry, members, why)
        if request is None:
            request = await self.requests.open_request(
                work, RequestKind.HELP, text, None, session_id, None, False
            )
        else:
            request = request.changed(text=text)
            await work.tx.requests.update(request)
        others = []
        for rival in rivals:
            if rival.status is not MemoryStatus.DISPUTED or rival.dispute != request.id:
                rival = rival.changed(
                    work.now, work.actor, status=MemoryStatus.DISPUTED, dispute=request.id
                )
                await work.tx.memory.update(rival)
                work.emit(rival.id, "memory.disputed", by=entry.id, request=request.id)
            others.append(rival)
        return request, tuple(others)

    async def _dispute_of(self, work: Work, ident: str) -> tuple[HumanRequest, list[MemoryEntry]]:
        key = normalise_id(ident)
        if key.startswith("MEM-"):
            entry = await self.recall.entry(work, key)
            if entry.status is not MemoryStatus.DISPUTED or entry.dispute is None:
                raise ForbiddenError(f"{entry.id} is not disputed (it is {entry.status.value})")
            key = entry.dispute
        request = await self.requests.request(work, key)
        entries = await work.tx.memory.list(
            MemoryFilter(dispute=request.id, statuses=(MemoryStatus.DISPUTED,))
        )
        if not entries:
            raise ForbiddenError(f"{request.id} is not an open memory dispute")
        return request, entries

    async def _settle(
        self,
        work: Work,
        request: HumanRequest,
        entries: Sequence[MemoryEntry],
        keep: Keep,
        note: str,
    ) -> DisputeResolution:
        ids = [e.id for e in entries]
        if keep not in ("both", "neither") and keep not in ids:
            raise InvalidInputError(
                "keep", f"{keep} is not in this dispute; choose {', '.join(ids)}, both or neither"
            )
        settled = []
        for entry in entries:
            if keep == "both" or entry.id == keep:
                changes: dict[str, object] = {
                    "status": MemoryStatus.ACTIVE,
                    "last_confirmed": work.now,
                }
            elif keep == "neither":
                why = f"dispute {request.id}: neither kept" + (f" ({note})" if note else "")
                changes = {"status": MemoryStatus.RETIRED, "retired_reason": why[:500]}
            else:
                changes = {"status": MemoryStatus.SUPERSEDED, "superseded_by": keep}
            after = entry.changed(work.now, work.actor, dispute=None, **changes)
            await work.tx.memory.update(after)
            settled.append(after)
        outcome = _outcome_text(request, settled, keep, note, work.actor)
        if request.status is RequestStatus.OPEN:
            request = await self.requests.record_answer(work, request, outcome, tell_agent=False)
        work.emit(request.id, "memory.resolved", keep=keep, entries=ids, note=note or None)
        told = []
        for agent in _agents(settled):
            if agent == work.actor:
                continue
            told.append(
                await self.delivery.post(
                    work, MessageKind.NOTICE, outcome, None, to=(None, agent), request_id=request.id
                )
            )
        return DisputeResolution(request, keep, tuple(settled), tuple(told))

    async def on_answer_given(self, work: Work, given: AnswerGiven) -> None:
        """An answer to a dispute through any door (`answer_request`) settles it."""
        request, text = given.request, given.answer
        if request.status is RequestStatus.OPEN and request.task_id is None:
            entries = await work.tx.memory.list(
                MemoryFilter(dispute=request.id, statuses=(MemoryStatus.DISPUTED,))
            )
            if entries:
                ids = [e.id for e in entries]
                keep = parse_keep(text, ids)
                if keep is None:
                    raise ForbiddenError(
                        f"{request.id} is a memory dispute: answer with the entry to keep "
                        f"({' or '.join(ids)}), both, or neither",
                        hints=[Hint(Act.RESOLVE, request.id, {"keep": ids[0]})],
                    )
                await self._settle(work, request, entries, keep, text)


def _check_keep(keep: object) -> Keep:
    if isinstance(keep, str):
        text = keep.strip()
        if text.lower() in ("both", "neither"):
            return text.lower()
        head, sep, tail = text.rpartition("-")
        if sep and head.upper() == "MEM" and tail.isdigit():
            return normalise_id(text)
    raise InvalidInputError("keep", f"{keep!r}: name the entry to keep (MEM-...), both or neither")


def _who(entry: MemoryEntry) -> str:
    people = []
    for p in entry.provenance[-3:]:
        where = ", ".join(x for x in (p.session and f"session {p.session}", p.task) if x)
        people.append(f"{p.agent or 'someone'}" + (f" ({where})" if where else ""))
    more = len(entry.provenance) - 3
    return ", ".join(people) + (f" and {more} more" if more > 0 else "")


def _dispute_text(entry: MemoryEntry, rivals: Sequence[MemoryEntry], why: str = "") -> str:
    claims = [entry, *rivals]
    parts = [f'{e.id} "{shorten(e.text, 300)}" said by {_who(e)}' for e in claims]
    ids = " or ".join(e.id for e in claims)
    return (
        f"Memory conflict on topic '{entry.topic}': "
        + "; versus ".join(parts)
        + (f" (why: {shorten(why, 300)})" if why else "")
        + f". Which holds? Answer with the entry to keep ({ids}), both, or neither."
    )[:4000]


def _outcome_text(
    request: HumanRequest, entries: Sequence[MemoryEntry], keep: Keep, note: str, by: str
) -> str:
    topic = entries[0].topic if entries else "?"
    if keep == "both":
        verdict = "both kept: " + ", ".join(e.id for e in entries) + " are active"
    elif keep == "neither":
        verdict = "neither kept: " + ", ".join(e.id for e in entries) + " are retired"
    else:
        kept = next(e for e in entries if e.id == keep)
        dropped = [e.id for e in entries if e.id != keep]
        verdict = f'kept {keep} "{shorten(kept.text, 200)}"; {", ".join(dropped)} superseded'
    text = f"Memory dispute {request.id} on '{topic}' settled by {by}: {verdict}."
    return text + (f" Note: {note}" if note else "")


def _agents(entries: Iterable[MemoryEntry]) -> list[str]:
    seen: dict[str, None] = {}
    for e in entries:
        for a in e.agents:
            seen.setdefault(a)
    return list(seen)
