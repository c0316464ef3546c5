"""The record of one bench/continuity.py run, and its event log replayed.

The record is `orchestron export` (tasks, contexts in save order, handoffs,
messages, the event log in order); what each agent read is its driver's log
(`got`, `msg`, `done` lines, bench/_continuity_agent.py). The replay knows, at
each moment, who held a task and what its last saved next steps were, and so
what each interrupted task's next session should have been handed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from attrs import define

__all__ = ["CRASHED", "FINISHED", "Replay", "Seen"]

FINISHED = ("DONE", "CANCELLED")
CRASHED = ("kill", "lapse, killed")


@define
class Seen:
    """A finished session as its log and the bench's record show it."""

    index: int
    ending: str
    outcome: str
    ended_at: float
    events: list[dict[str, Any]]


class Replay:
    """A finished run: its record and what its agents read, with the event log replayed."""

    def __init__(
        self,
        mode: str,
        export: dict[str, Any],
        drivers: Sequence[Seen],
        person: Sequence[dict[str, Any]],
        offered: dict[str, Any],
    ) -> None:
        self.mode = mode
        self.export = export
        self.drivers = drivers
        self.person = person
        self.offered = offered
        self.tasks = {t["id"]: t for t in export["tasks"]}
        self.containers = {t["parent"] for t in export["tasks"] if t["parent"]} | {
            t["id"] for t in export["tasks"] if t["type"] == "EPIC"
        }
        self.by_session: dict[str, Seen] = {}
        for driver in drivers:
            me = next((e for e in driver.events if e["e"] == "me"), None)
            if me is not None:
                self.by_session[me["session"]] = driver
        agents = Counter(s["agent_id"] for s in export["sessions"])
        self.session_of = {
            s["agent_id"]: s["id"] for s in export["sessions"] if agents[s["agent_id"]] == 1
        }
        self.messages_by_id = {m["id"]: m for m in export["messages"]}
        self._replay()

    @classmethod
    def from_folder(cls, root: Path) -> Replay:
        """A run from what it left in `root/.bench` (the export, the logs, how sessions ended)."""
        logs = root / ".bench"
        run = json.loads((logs / "run.json").read_text())
        drivers = []
        for d in run["drivers"]:
            lines = (logs / f"agent-{d['index']}.jsonl").read_text().splitlines()
            drivers.append(Seen(events=[json.loads(line) for line in lines if line], **d))
        person = [json.loads(line) for line in (logs / "person.jsonl").read_text().splitlines()]
        export = json.loads((logs / "export.json").read_text())
        return cls(run["mode"], export, drivers, person, run["offered"])

    # -- the replay ------------------------------------------------------------------------

    def _replay(self) -> None:
        """Walk the log once: who held what when, the last next steps, each interruption."""
        contexts = iter(self.export["contexts"])
        steps: dict[str, Any] = {}  # task -> last saved next steps
        holder: dict[str, str | None] = {}
        status: dict[str, str] = {t: "TODO" for t in self.tasks}
        live: set[str] = set()
        pending: dict[str, dict[str, Any]] = {}  # task -> the interruption not yet taken up
        self.interruptions: list[dict[str, Any]] = []
        self.passed_over = 0
        self.foreign_writes = 0
        self.unheld_writes = 0
        self.containers_claimed = 0
        self.doubled: Counter[str] = Counter()
        self.deliveries: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        self.sent_while: dict[str, str] = {}
        started = ""  # the task a TODO -> IN_PROGRESS move just started
        for event in self.export["events"]:
            kind, data, entity = event["kind"], event["data"], event["entity"]
            fresh, started = started == entity, ""
            if kind == "context.saved":
                record = next(contexts)
                if record["task_id"]:
                    steps[record["task_id"]] = record["data"].get("next_steps")
            elif kind == "session.started":
                live.add(entity)
            elif kind in ("session.ended", "session.abandoned"):
                live.discard(entity)
            elif kind == "task.status_changed":
                status[entity] = data["to"]
                started = entity if data["from"] == "TODO" else ""
                if data["to"] in FINISHED:
                    holder[entity] = None
                    if data["to"] == "DONE":
                        self.doubled[entity] += 1
            elif kind == "task.released":
                holder[entity] = None
                gone = data.get("reason") in ("session ended", "lease lapsed")
                if gone and data.get("status") not in FINISHED:
                    was = pending.get(entity)
                    pending[entity] = {
                        "task": entity,
                        "from": data["session"] if was is None else was["from"],
                        "how": data["reason"] if was is None else was["how"],
                        "at": event["at"] if was is None else was["at"],
                    }
            elif kind == "task.claimed":
                session = data["session"]
                if entity in self.containers:
                    self.containers_claimed += 1
                if fresh:
                    waiting = [
                        t
                        for t, h in holder.items()
                        if h is None and status.get(t) == "IN_PROGRESS" and t in pending
                    ]
                    if [t for t in waiting if t != entity]:
                        self.passed_over += 1
                holder[entity] = session
                left = pending.get(entity)
                # The same session taking its task back (a SessionEnd hook handing it on,
                # a session woken after its lease lapsed) is no next session.
                if left is not None and left["from"] != session:
                    del pending[entity]
                    left["waited"] = self._waited(left, event["at"])
                    self._taken_up(left, session, steps.get(entity), pending)
            elif kind == "task.checkpoint_done":
                writer = self.session_of.get(event["actor"])
                held = holder.get(entity)
                if writer is not None and held is not None and held != writer and held in live:
                    self.foreign_writes += 1
                elif writer is not None and held is None:
                    self.unheld_writes += 1
            elif kind == "message.sent":
                self.sent_while[data["message"]] = status.get(entity, "")
            elif kind == "messages.delivered":
                for message in data["messages"]:
                    found = self.messages_by_id.get(message)
                    about = found.get("task_id") if found else None
                    right = about is None or holder.get(about) == entity
                    right = right or (found is not None and found.get("session_id") == entity)
                    self.deliveries[message].append((entity, right))
        self.unresolved = list(pending.values())

    def _taken_up(
        self,
        left: dict[str, Any],
        session: str,
        expected: Any,
        pending: dict[str, dict[str, Any]],
    ) -> None:
        """The next session took an interrupted task: did its agent read task and next steps?"""
        driver = self.by_session.get(session)
        seen = [e for e in (driver.events if driver else []) if self.names(e, left["task"])]
        if driver is not None and not seen and driver.outcome in CRASHED:
            left["lost_claims"] = left.get("lost_claims", 0) + 1
            pending[left["task"]] = left  # that agent died before reading: carry it on
            return
        told = any(left["from"] in (e.get("reason") or e.get("text") or "") for e in seen)
        left.update(to=session, expected=expected, got=bool(seen), told=told)
        left["restored"] = bool(expected) and any(self._has_steps(e, expected) for e in seen)
        self.interruptions.append(left)

    def _waited(self, left: dict[str, Any], claimed_at: str) -> float:
        """To the next claim from the end of the session: when it was let go, or when the
        bench stopped or killed its processes (a lapse is recorded a lease later)."""
        driver = self.by_session.get(left["from"])
        start = datetime.fromisoformat(left["at"])
        if left["how"] == "lease lapsed" and driver is not None and driver.ended_at:
            start = datetime.fromtimestamp(driver.ended_at, tz=UTC)
        return (datetime.fromisoformat(claimed_at) - start).total_seconds()

    def names(self, event: dict[str, Any], task: str) -> bool:
        if event["e"] != "got":
            return False
        if event.get("via") == "hook":
            return f"{task} " in event.get("text", "")
        return bool(event.get("task") == task)

    def _has_steps(self, event: dict[str, Any], expected: list[str]) -> bool:
        if event.get("via") == "hook":
            return "Next: " + "; ".join(expected[:5]) in event.get("text", "")
        return bool(event.get("next_steps") == expected)
