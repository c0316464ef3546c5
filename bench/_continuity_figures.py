"""The figures of bench/continuity.py: the project's own record against what agents read.

The record is `orchestron export` (tasks, contexts in save order, handoffs,
messages, the event log in order); what each agent read is its driver's log
(`got`, `msg`, `done` lines, bench/_continuity_agent.py). The event log is
replayed to know, at each moment, who held a task and what its last saved next
steps were.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any, Protocol

from attrs import define

__all__ = ["Figures"]

FINISHED = ("DONE", "CANCELLED")
CRASHED = ("kill", "lapse, killed")


class DriverLike(Protocol):
    index: int
    ending: str
    outcome: str
    ended_at: float
    events: list[dict[str, Any]]


@define
class Seen:
    """A finished session as its log and the bench's record show it."""

    index: int
    ending: str
    outcome: str
    ended_at: float
    events: list[dict[str, Any]]


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else f"{part}/0 (n/a)"


class Figures:
    def __init__(
        self,
        mode: str,
        export: dict[str, Any],
        drivers: Sequence[DriverLike],
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
        self.by_session: dict[str, DriverLike] = {}
        for driver in drivers:
            me = next((e for e in driver.events if e["e"] == "me"), None)
            if me is not None:
                self.by_session[me["session"]] = driver
        agents = Counter(s["agent_id"] for s in export["sessions"])
        self.session_of = {
            s["agent_id"]: s["id"] for s in export["sessions"] if agents[s["agent_id"]] == 1
        }
        self.lines: list[str] = []
        self._replay()

    @classmethod
    def from_folder(cls, root: Path) -> Figures:
        """The figures of a run from what it left in `root/.bench`."""
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
                    found = self._message(message)
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
        seen = [e for e in (driver.events if driver else []) if self._names(e, left["task"])]
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

    def _names(self, event: dict[str, Any], task: str) -> bool:
        if event["e"] != "got":
            return False
        if event.get("via") == "hook":
            return f"{task} " in event.get("text", "")
        return bool(event.get("task") == task)

    def _has_steps(self, event: dict[str, Any], expected: list[str]) -> bool:
        if event.get("via") == "hook":
            return "Next: " + "; ".join(expected[:5]) in event.get("text", "")
        return bool(event.get("next_steps") == expected)

    def _message(self, message_id: str) -> dict[str, Any] | None:
        if not hasattr(self, "_messages"):
            self._messages = {m["id"]: m for m in self.export["messages"]}
        return self._messages.get(message_id)

    # -- what to print ---------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.lines.append(text)

    def report(self) -> None:
        self.sessions_line()
        self.restoration()
        self.handoffs()
        self.messages()
        self.stranded()
        self.doubles()
        self.intervention()
        print("\n".join(self.lines))

    def sessions_line(self) -> None:
        endings = Counter(d.outcome or "running" for d in self.drivers)
        shown = ", ".join(f"{n} {how}" for how, n in sorted(endings.items()))
        done = sum(1 for t in self.tasks.values() if t["status"] == "DONE")
        self.say(f"sessions: {len(self.drivers)} ({shown})")
        self.say(f"tasks done: {ratio(done, len(self.tasks))}")
        stuck = sum(1 for d in self.drivers for e in d.events if e["e"] == "stuck")
        same = sum(
            1
            for d in self.drivers
            for e in d.events
            if e["e"] == "stuck" and e.get("given") == e["task"]
        )
        waited = sum(self._stuck_seconds(d.events) for d in self.drivers)
        self.say(
            f"agents left with nothing to do until a person acted: {stuck} times, {waited:.0f} s "
            f"in all; task_next another=true gave back the task that waits: {same} of them"
        )

    @staticmethod
    def _stuck_seconds(events: list[dict[str, Any]]) -> float:
        total, since = 0.0, None
        for event in events:
            if event["e"] == "stuck":
                since = event["t"]
            elif event["e"] in ("unstuck", "bye") and since is not None:
                total, since = total + event["t"] - since, None
        if since is not None and events:
            total += events[-1]["t"] - since
        return total

    def restoration(self) -> None:
        done = self.interruptions
        saved = [i for i in done if i["expected"]]
        restored = sum(1 for i in saved if i["restored"])
        got = sum(1 for i in done if i["got"])
        lost = sum(i.get("lost_claims", 0) for i in [*done, *self.unresolved])
        self.say(
            f"context restoration: {ratio(restored, len(saved))} interrupted tasks whose next "
            "session got the task and its last saved next steps"
        )
        open_left = [i for i in self.unresolved if self.tasks[i["task"]]["status"] not in FINISHED]
        finished_left = len(self.unresolved) - len(open_left)
        self.say(
            f"  interrupted tasks taken up by a later session: {ratio(got, len(done))} "
            f"({len(done) - len(saved)} had no context saved yet); not taken up: "
            f"{len(open_left)} still open, {finished_left} finished by the interrupted session "
            f"after it woke; claims lost with a session killed before it read the reply: {lost}"
        )
        told = sum(1 for i in done if i["told"])
        self.say(
            f"  told why the work was left (the session it came from named): {ratio(told, got)}"
        )
        for how in ("session ended", "lease lapsed"):
            waits = sorted(i["waited"] for i in done if i["how"] == how)
            if waits:
                self.say(
                    f"  after a {how}, the work waited for its next session: median {median(waits):.1f} s, max "
                    f"{waits[-1]:.1f} s, n={len(waits)}"
                )
        misses = [i for i in saved if not i["restored"]]
        for miss in misses[:5]:
            self.say(f"  missed: {miss['task']} from {miss['from']} to {miss['to']}")

    def handoffs(self) -> None:
        made = self.export["handoffs"]
        smooth = 0
        overtaken = 0
        for handoff in made:
            taker = self.by_session.get(handoff["accepted_by"] or "")
            if handoff["status"] == "ACCEPTED":
                events = taker.events if taker else []
                if any(self._names(e, handoff["task_id"]) for e in events):
                    smooth += 1
            elif self.tasks.get(handoff["task_id"], {}).get("status") in FINISHED:
                overtaken += 1
        self.say(
            f"handoff success: {ratio(smooth, len(made) - overtaken)} handoffs accepted by the "
            f"next session, which read the task ({overtaken} left pending because their task "
            "was finished another way)"
        )

    def messages(self) -> None:
        said = self.export["messages"]
        once = 0
        problems: Counter[str] = Counter()
        reads: Counter[tuple[str, str, str, str]] = Counter()
        for session, driver in self.by_session.items():
            for e in driver.events:
                if e["e"] == "msg":
                    reads[(session, e["kind"], e["task"] or "", e["text"])] += 1
        expected: Counter[tuple[str, str, str, str]] = Counter()
        for message in said:
            to = self.deliveries.get(message["id"], [])
            if not to:
                problems[self._why_undelivered(message)] += 1
                continue
            if len(to) > 1:
                problems["handed over twice"] += 1
                continue
            session, right = to[0]
            key = (session, message["kind"], message["task_id"] or "", message["text"])
            expected[key] += 1
            if not right:
                problems["delivered to a session not on the task"] += 1
            elif reads[key] >= expected[key]:
                once += 1
            else:
                reader = self.by_session.get(session)
                crashed = reader is not None and reader.outcome in CRASHED
                problems["lost: its session was killed before reading the reply" if crashed
                         else "marked delivered, never read"] += 1  # fmt: skip
        extra = sum(max(0, n - expected[k]) for k, n in reads.items())
        kinds = Counter(m["kind"] for m in said)
        shown = ", ".join(f"{n} {k.lower()}" for k, n in sorted(kinds.items()))
        self.say(
            f"messages delivered exactly once: {ratio(once, len(said))} person's messages "
            f"({shown}) read by exactly one session, once; read twice: {extra}"
        )
        for why, n in sorted(problems.items()):
            self.say(f"  {why}: {n}")

    def _why_undelivered(self, message: dict[str, Any]) -> str:
        task = message["task_id"]
        if task in self.containers:
            return "undelivered: about an epic or parent, which no agent holds"
        if self.sent_while.get(message["id"]) in FINISHED:
            return "undelivered: its task was already finished when it was sent"
        if self.tasks.get(task, {}).get("status") in FINISHED:
            return "undelivered: its task was finished before any holder read it"
        return "undelivered yet: waits for its task's next holder (the run ended first)"

    def stranded(self) -> None:
        live = {s["id"] for s in self.export["sessions"] if s["status"] == "ACTIVE"}
        claimed = [
            t for t in self.tasks.values() if t["claimed_by"] and t["claimed_by"] not in live
        ]
        nobody = [
            t["id"]
            for t in self.tasks.values()
            if t["status"] == "IN_PROGRESS"
            and not t["claimed_by"]
            and t["id"] not in self.containers
        ]
        offered = (self.offered.get("task") or {}).get("id")
        not_first = len(nobody) if nobody and offered not in nobody else 0
        prereqs: dict[str, list[str]] = defaultdict(list)
        for dep in self.export["dependencies"]:
            prereqs[dep["task"]].append(dep["depends_on"])
        possible = [
            t["id"]
            for t in self.tasks.values()
            if t["status"] in ("TODO", "IN_PROGRESS")
            and t["id"] not in self.containers
            and all(self.tasks[p]["status"] in FINISHED for p in prereqs[t["id"]])
        ]
        open_tasks = Counter(
            t["status"] for t in self.tasks.values() if t["status"] not in FINISHED
        )
        self.say(
            f"tasks stranded: {len(claimed) + not_first} (claimed by a session no longer live: "
            f"{len(claimed)}; in progress with nobody on it and not offered first by "
            f"`orchestron next`: {not_first}); new work claimed while unfinished work waited: "
            f"{self.passed_over}"
        )
        if open_tasks:
            shown = ", ".join(f"{n} {s}" for s, n in sorted(open_tasks.items()))
            self.say(f"  open at the end: {shown}; of them possible now: {len(possible)}")

    def doubles(self) -> None:
        twice = [t for t, n in self.doubled.items() if n > 1]
        said_done: Counter[str] = Counter(
            e["task"] for d in self.drivers for e in d.events if e["e"] == "done"
        )
        agents_twice = [t for t, n in said_done.items() if n > 1]
        self.say(
            f"tasks completed twice: {len(twice)} in the event log, {len(agents_twice)} by "
            f"agents' successful task_complete; writes to a task another live session held: "
            f"{self.foreign_writes}; containers handed out: {self.containers_claimed}"
        )
        self.say(
            f"  checkpoints ticked by an agent session that did not hold the task (nobody did): "
            f"{self.unheld_writes}"
        )

    def intervention(self) -> None:
        asked = {r["task_id"] for r in self.export["requests"] if r["task_id"]}
        acts = [p for p in self.person if p["args"][0] in ("intervene", "pause") and not p["rc"]]
        touched = {p["args"][1] for p in acts} - asked
        work = len(self.tasks) - len(self.containers)
        self.say(
            f"tasks needing intervention: {ratio(len(asked), work)} work tasks asked a person "
            f"(the graph marks {self._marked()} needs-decision); a person also stepped in "
            f"unasked on {len(touched)} ({len(acts)} interventions and pauses)"
        )

    def _marked(self) -> int:
        return sum(1 for t in self.tasks.values() if "needs-decision" in t["labels"])
