"""The figures of bench/continuity.py, printed from a run's replayed record.

Each line gives its numerator and denominator; the last line holds the run
against the issue's goal (100% restoration, handoffs and delivery; nothing
stranded or done twice).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from statistics import median
from typing import Any

from _continuity_replay import CRASHED, FINISHED, Replay

__all__ = ["Figures"]


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else f"{part}/0 (n/a)"


class Figures:
    def __init__(self, replay: Replay) -> None:
        self.r = replay
        self.lines: list[str] = []
        self.goal: dict[str, tuple[int, int]] = {}  # name: (part, whole); whole 0 for a count

    @classmethod
    def from_folder(cls, root: Path) -> Figures:
        return cls(Replay.from_folder(root))

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
        self.plan()
        self.goals()
        print("\n".join(self.lines))

    def sessions_line(self) -> None:
        endings = Counter(d.outcome or "running" for d in self.r.drivers)
        shown = ", ".join(f"{n} {how}" for how, n in sorted(endings.items()))
        done = sum(1 for t in self.r.tasks.values() if t["status"] == "DONE")
        self.say(f"sessions: {len(self.r.drivers)} ({shown})")
        self.say(f"tasks done: {ratio(done, len(self.r.tasks))}")
        stuck = sum(1 for d in self.r.drivers for e in d.events if e["e"] == "stuck")
        same = sum(
            1
            for d in self.r.drivers
            for e in d.events
            if e["e"] == "stuck" and e.get("given") == e["task"]
        )
        waited = sum(self._stuck_seconds(d.events) for d in self.r.drivers)
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
        done = self.r.interruptions
        saved = [i for i in done if i["expected"]]
        restored = sum(1 for i in saved if i["restored"])
        got = sum(1 for i in done if i["got"])
        lost = sum(i.get("lost_claims", 0) for i in [*done, *self.r.unresolved])
        self.goal["context restoration"] = (restored, len(saved))
        self.say(
            f"context restoration: {ratio(restored, len(saved))} interrupted tasks whose next "
            "session got the task and its last saved next steps"
        )
        open_left = [
            i for i in self.r.unresolved if self.r.tasks[i["task"]]["status"] not in FINISHED
        ]
        finished_left = len(self.r.unresolved) - len(open_left)
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
                    f"  after a {how}, the work waited for its next session: median "
                    f"{median(waits):.1f} s, max {waits[-1]:.1f} s, n={len(waits)}"
                )
        misses = [i for i in saved if not i["restored"]]
        for miss in misses[:5]:
            self.say(f"  missed: {miss['task']} from {miss['from']} to {miss['to']}")

    def handoffs(self) -> None:
        made = self.r.export["handoffs"]
        smooth = 0
        overtaken = 0
        for handoff in made:
            taker = self.r.by_session.get(handoff["accepted_by"] or "")
            if handoff["status"] == "ACCEPTED":
                events = taker.events if taker else []
                if any(self.r.names(e, handoff["task_id"]) for e in events):
                    smooth += 1
            elif self.r.tasks.get(handoff["task_id"], {}).get("status") in FINISHED:
                overtaken += 1
        self.goal["handoff success"] = (smooth, len(made) - overtaken)
        self.say(
            f"handoff success: {ratio(smooth, len(made) - overtaken)} handoffs accepted by the "
            f"next session, which read the task ({overtaken} left pending because their task "
            "was finished another way)"
        )

    def messages(self) -> None:
        said = self.r.export["messages"]
        once = 0
        problems: Counter[str] = Counter()
        reads: Counter[tuple[str, str, str, str]] = Counter()
        for session, driver in self.r.by_session.items():
            for e in driver.events:
                if e["e"] == "msg":
                    reads[(session, e["kind"], e["task"] or "", e["text"])] += 1
        expected: Counter[tuple[str, str, str, str]] = Counter()
        for message in said:
            to = self.r.deliveries.get(message["id"], [])
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
                reader = self.r.by_session.get(session)
                crashed = reader is not None and reader.outcome in CRASHED
                problems["lost: its session was killed before reading the reply" if crashed
                         else "marked delivered, never read"] += 1  # fmt: skip
        extra = sum(max(0, n - expected[k]) for k, n in reads.items())
        kinds = Counter(m["kind"] for m in said)
        shown = ", ".join(f"{n} {k.lower()}" for k, n in sorted(kinds.items()))
        self.goal["messages delivered exactly once"] = (once, len(said))
        self.say(
            f"messages delivered exactly once: {ratio(once, len(said))} person's messages "
            f"({shown}) read by exactly one session, once; read twice: {extra}"
        )
        late = problems["undelivered: its task was already finished when it was sent"]
        if late:
            self.say(
                f"  of those about work still open when they were sent: "
                f"{ratio(once, len(said) - late)}"
            )
        for why, n in sorted(problems.items()):
            if n:
                self.say(f"  {why}: {n}")

    def _why_undelivered(self, message: dict[str, Any]) -> str:
        task = message["task_id"]
        if task in self.r.containers:
            return "undelivered: about an epic or parent, which no agent holds"
        if self.r.sent_while.get(message["id"]) in FINISHED:
            return "undelivered: its task was already finished when it was sent"
        if self.r.tasks.get(task, {}).get("status") in FINISHED:
            return "undelivered: its task was finished before any holder read it"
        return "undelivered yet: waits for its task's next holder (the run ended first)"

    def stranded(self) -> None:
        live = {s["id"] for s in self.r.export["sessions"] if s["status"] == "ACTIVE"}
        claimed = [
            t for t in self.r.tasks.values() if t["claimed_by"] and t["claimed_by"] not in live
        ]
        nobody = [
            t["id"]
            for t in self.r.tasks.values()
            if t["status"] == "IN_PROGRESS"
            and not t["claimed_by"]
            and t["id"] not in self.r.containers
        ]
        offered = (self.r.offered.get("task") or {}).get("id")
        not_first = len(nobody) if nobody and offered not in nobody else 0
        prereqs: dict[str, list[str]] = defaultdict(list)
        for dep in self.r.export["dependencies"]:
            prereqs[dep["task"]].append(dep["depends_on"])
        possible = [
            t["id"]
            for t in self.r.tasks.values()
            if t["status"] in ("TODO", "IN_PROGRESS")
            and t["id"] not in self.r.containers
            and all(self.r.tasks[p]["status"] in FINISHED for p in prereqs[t["id"]])
        ]
        open_tasks = Counter(
            t["status"] for t in self.r.tasks.values() if t["status"] not in FINISHED
        )
        self.goal["tasks stranded"] = (len(claimed) + not_first + self.r.passed_over, 0)
        self.say(
            f"tasks stranded: {len(claimed) + not_first} (claimed by a session no longer live: "
            f"{len(claimed)}; in progress with nobody on it and not offered first by "
            f"`orchestron next`: {not_first}); new work claimed while unfinished work waited: "
            f"{self.r.passed_over}"
        )
        if open_tasks:
            shown = ", ".join(f"{n} {s}" for s, n in sorted(open_tasks.items()))
            self.say(f"  open at the end: {shown}; of them possible now: {len(possible)}")

    def doubles(self) -> None:
        twice = [t for t, n in self.r.doubled.items() if n > 1]
        said_done: Counter[str] = Counter(
            e["task"] for d in self.r.drivers for e in d.events if e["e"] == "done"
        )
        agents_twice = [t for t, n in said_done.items() if n > 1]
        self.goal["tasks completed twice"] = (len(twice) + len(agents_twice), 0)
        self.say(
            f"tasks completed twice: {len(twice)} in the event log, {len(agents_twice)} by "
            f"agents' successful task_complete; writes to a task another live session held: "
            f"{self.r.foreign_writes}; containers handed out: {self.r.containers_claimed}"
        )
        self.say(
            f"  checkpoints ticked by an agent session that did not hold the task (nobody did): "
            f"{self.r.unheld_writes}"
        )

    def intervention(self) -> None:
        asked = {r["task_id"] for r in self.r.export["requests"] if r["task_id"]}
        acts = [p for p in self.r.person if p["args"][0] in ("intervene", "pause") and not p["rc"]]
        touched = {p["args"][1] for p in acts} - asked
        work = len(self.r.tasks) - len(self.r.containers)
        self.say(
            f"tasks needing intervention: {ratio(len(asked), work)} work tasks asked a person "
            f"(the graph marks {self._marked()} needs-decision); a person also stepped in "
            f"unasked on {len(touched)} ({len(acts)} interventions and pauses)"
        )

    def _marked(self) -> int:
        return sum(1 for t in self.r.tasks.values() if "needs-decision" in t["labels"])

    def plan(self) -> None:
        """The plan's other success metrics: context size, completion without blocking."""
        sizes = sorted(c["size_bytes"] for c in self.r.export["contexts"])
        blocked = {
            e["entity"]
            for e in self.r.export["events"]
            if e["kind"] == "task.status_changed" and e["data"]["to"] == "BLOCKED"
        }
        done = [t for t, task in self.r.tasks.items() if task["status"] == "DONE"]
        smooth = [t for t in done if t not in blocked and t not in self.r.containers]
        work = [t for t in done if t not in self.r.containers]
        if sizes:
            self.say(
                f"context size: largest saved {sizes[-1]} bytes, median {median(sizes):.0f} "
                f"(plan: < 4 KB per session; n={len(sizes)}; a scripted agent saves little)"
            )
        self.say(
            f"tasks completed without blocking: {ratio(len(smooth), len(work))} (plan: 80%; "
            "the rest asked a person, as the graph told them to)"
        )

    def goals(self) -> None:
        """The issue's goal: 100% restoration, handoffs and delivery; none stranded or doubled."""
        said = []
        for name, (part, whole) in self.goal.items():
            if whole:
                met = part == whole
                said.append(f"{name} {100 * part / whole:.0f}% {'MET' if met else 'MISSED'}")
            else:
                said.append(f"{name} {part} {'MET' if part == 0 else 'MISSED'}")
        self.say("goal: " + "; ".join(said))
