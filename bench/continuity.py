"""Continuity measured, not claimed: the plan's success metrics with scripted agents.

    uv run python bench/continuity.py [--tasks 200] [--agents 4] [--seed 16] [--budget 200]
                                      [--runs mcp,hooks] [--keep]
    uv run python bench/continuity.py --report DIR    # a kept run's figures again

A fresh project (`git init`, `orchestron init`, a 10 s lease in
`.orchestron/config.toml`) gets a task graph: dependencies, two epics (one with
a story that has children of its own), a started sprint, checkpoints, and a
tenth of the tasks labelled `needs-decision` (their agent asks a person).
`--agents` slots then each run one scripted agent session after another
(bench/_continuity_agent.py: a driver process with the real MCP client and its
own `orchestron-mcp`, default agent id). Each session ends after a random
number of steps of work, at a random moment, in one of three ways: a clean stop (context saved, sometimes a handoff, the
connection closed), SIGKILL of the server and its driver, or a lapsed lease
(both SIGSTOPped past the lease; then killed, or woken to carry on and stop).
A new session takes the slot at once. A person steers at random times with
the installed `orchestron` command: `intervene`, `pause` and later `resume`,
`answer` / `clarify` for the agents' questions.

The run ends when every task is done, when nothing has moved for a while, or at
`--budget` seconds. The second run does the same as Claude Code would, with
`orchestron hook SessionStart` / `UserPromptSubmit` / `SessionEnd` and
CLAUDE_CODE_SESSION_ID shared between the hooks and the server.

The figures come from the project's own record (`orchestron export`: the event
log, contexts, messages, handoffs) checked against what each agent says it
read. Goal: 100% context restoration and message delivery, nothing stranded,
nothing done twice. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process, TaskGroup
from anyio.streams.text import TextReceiveStream
from attrs import define, field

from _continuity_figures import Figures
from _continuity_person import Person
from _continuity_project import (
    LEASE,
    build_graph,
    hook_processes,
    make_project,
    open_count,
    orchestron,
)

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
STALL_SECONDS = 25.0
ENDINGS = ("clean", "kill", "lapse")
WORK = ("saved", "done", "asked")  # what counts as a step of work towards a session's end


@define
class Driver:
    """One agent session: its driver process and what it said."""

    index: int
    slot: int
    ending: str
    steps: int
    proc: Process
    handoff: bool = False
    events: list[dict[str, Any]] = field(factory=list)
    server: int | None = None
    work: int = 0
    started: anyio.Event = field(factory=anyio.Event)
    due: anyio.Event = field(factory=anyio.Event)
    exited: anyio.Event = field(factory=anyio.Event)
    stopped: bool = False
    outcome: str = ""
    ended_at: float = 0.0  # when the bench ended it (time.time())

    def signal(self, sig: int) -> None:
        for pid in (self.server, self.proc.pid):
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)


class Run:
    def __init__(
        self, mode: str, root: Path, args: argparse.Namespace, containers: list[str]
    ) -> None:
        self.mode = mode
        self.root = root
        self.args = args
        self.rng = random.Random(args.seed)
        self.drivers: list[Driver] = []
        self.spawned = 0
        self.person = Person(
            root,
            random.Random(args.seed + 7),
            pace=args.person_seconds,
            acts=args.person_acts,
            containers=containers,
        )
        self.over = anyio.Event()  # the run is over: no new sessions
        self.ended_by = ""
        self.tg: TaskGroup | None = None
        self.logs = root / ".bench"
        self.logs.mkdir()

    async def go(self) -> float:
        began = time.monotonic()
        async with anyio.create_task_group() as tg:
            self.tg = tg
            for slot in range(self.args.agents):
                tg.start_soon(self.slot, slot)
            tg.start_soon(self.person.run)
            await self.watch(began)
            self.over.set()
            await self.stop_all()
            tg.cancel_scope.cancel()
        await self.settle_hooks()
        return time.monotonic() - began

    def record(self) -> None:
        """What the figures read: the export, what `next` offers, how each session ended."""
        exported = orchestron(self.root, "export", "-o", str(self.logs / "export.json"))
        if exported.returncode:
            raise SystemExit(f"orchestron export failed: {exported.stderr}")
        offered = json.loads(orchestron(self.root, "next", "--json").stdout or "{}")
        with (self.logs / "person.jsonl").open("w") as log:
            log.writelines(json.dumps(act) + "\n" for act in self.person.log)
        drivers = [
            {"index": d.index, "ending": d.ending, "outcome": d.outcome, "ended_at": d.ended_at}
            for d in self.drivers
        ]
        run = {"mode": self.mode, "ended_by": self.ended_by, "offered": offered, "drivers": drivers}
        (self.logs / "run.json").write_text(json.dumps(run, indent=1))

    # -- agents ----------------------------------------------------------------------------

    async def slot(self, slot: int) -> None:
        while not self.over.is_set():
            driver = await self.spawn(slot)
            with anyio.move_on_after(60):
                await driver.started.wait()
            # The end comes after some work (so figures do not hang on the machine's speed),
            # a little later still, so that a kill may land in the middle of a call.
            with anyio.move_on_after(self.args.session_cap):
                await driver.due.wait()
            await anyio.sleep(self.rng.uniform(0.0, 0.3))
            if self.over.is_set():
                await driver.exited.wait()  # stop_all ends it
                return
            if not driver.exited.is_set():
                await self.end(driver)

    async def spawn(self, slot: int) -> Driver:
        index, self.spawned = self.spawned, self.spawned + 1
        ending = self.rng.choice(ENDINGS)
        steps = self.rng.randint(*self.args.session_steps)
        # Told to stop, an agent prepares a handoff half the time (with hooks, SessionEnd does).
        handoff = ending == "clean" and self.mode == "mcp" and self.rng.random() < 0.5
        cmd = [
            sys.executable,
            str(HERE / "_continuity_agent.py"),
            "--project",
            str(self.root),
            "--mode",
            self.mode,
            "--seed",
            str(self.args.seed * 1000 + index),
            *(["--handoff"] if handoff else []),
        ]
        with (self.logs / f"agent-{index}.err").open("w") as err:
            proc = await anyio.open_process(cmd, stdout=subprocess.PIPE, stderr=err, cwd=self.root)
        driver = Driver(
            index=index, slot=slot, ending=ending, steps=steps, proc=proc, handoff=handoff
        )
        self.drivers.append(driver)
        assert self.tg is not None
        self.tg.start_soon(self.read, driver)
        return driver

    async def read(self, driver: Driver) -> None:
        assert driver.proc.stdout is not None
        buffer = ""
        with (self.logs / f"agent-{driver.index}.jsonl").open("w") as log:
            async for chunk in TextReceiveStream(driver.proc.stdout):
                buffer += chunk
                *lines, buffer = buffer.split("\n")
                for line in lines:
                    log.write(line + "\n")
                    event = json.loads(line)
                    driver.events.append(event)
                    if event["e"] == "server":
                        driver.server = event["pid"]
                    elif event["e"] == "me":
                        driver.started.set()
                    elif event["e"] in WORK:
                        driver.work += 1
                        if driver.work >= driver.steps:
                            driver.due.set()
        await driver.proc.wait()
        driver.started.set()
        driver.exited.set()

    async def end(self, driver: Driver) -> None:
        """End the session the way it was dealt: clean, kill, or a lease left to lapse."""
        driver.ended_at = time.time()
        if driver.ending == "clean":
            driver.outcome = "clean, handoff" if driver.handoff else "clean"
            driver.proc.send_signal(signal.SIGTERM)
            await self.wait_or_kill(driver, 40)
        elif driver.ending == "kill":
            driver.outcome = "kill"
            driver.signal(signal.SIGKILL)
            await driver.exited.wait()
        else:
            driver.stopped = True
            driver.signal(signal.SIGSTOP)
            assert self.tg is not None
            self.tg.start_soon(self.after_lapse, driver)

    async def after_lapse(self, driver: Driver) -> None:
        """Past the lease, the machine never comes back (kill) or wakes up and carries on."""
        await anyio.sleep(LEASE + 2.5)
        wake = self.rng.random() < 0.5 and not self.over.is_set()
        driver.outcome = "lapse, woken" if wake else "lapse, killed"
        if not wake:
            driver.signal(signal.SIGKILL)
            await driver.exited.wait()
            return
        driver.signal(signal.SIGCONT)
        driver.stopped = False
        await anyio.sleep(self.rng.uniform(0.5, 2.0))
        driver.proc.send_signal(signal.SIGTERM)
        await self.wait_or_kill(driver, 40)

    async def wait_or_kill(self, driver: Driver, seconds: float) -> None:
        with anyio.move_on_after(seconds):
            await driver.exited.wait()
        if not driver.exited.is_set():
            driver.outcome += " (hung: killed)"
            driver.signal(signal.SIGKILL)
            await driver.exited.wait()

    async def stop_all(self) -> None:
        """The end of the run: every live session stops cleanly; stopped ones are killed."""
        async with anyio.create_task_group() as tg:
            for driver in self.drivers:
                if driver.exited.is_set():
                    continue
                driver.ended_at = driver.ended_at or time.time()
                if driver.stopped:
                    driver.outcome = driver.outcome or "lapse, killed"
                    driver.signal(signal.SIGKILL)
                    tg.start_soon(driver.exited.wait)
                else:
                    driver.outcome = driver.outcome or "clean (end of run)"
                    driver.proc.send_signal(signal.SIGTERM)
                    tg.start_soon(self.wait_or_kill, driver, 40)

    async def settle_hooks(self) -> None:
        """SessionEnd hooks run detached (as Claude Code leaves them): wait for ours."""
        for _ in range(200):
            if not hook_processes(self.root):
                return
            await anyio.sleep(0.2)

    # -- the person ------------------------------------------------------------------------

    # -- when to stop ----------------------------------------------------------------------

    async def watch(self, began: float) -> None:
        last, moved = -1, time.monotonic()
        while True:
            await anyio.sleep(1.0)
            left = await anyio.to_thread.run_sync(open_count, self.root)
            now = time.monotonic()
            if left != last:
                last, moved = left, now
            if left == 0:
                self.ended_by = "every task done"
                return
            if now - moved > STALL_SECONDS:
                self.ended_by = f"nothing moved for {STALL_SECONDS:g} s ({left} tasks open)"
                return
            if now - began > self.args.budget:
                self.ended_by = f"time budget of {self.args.budget:g} s ({left} tasks open)"
                return


async def one_run(mode: str, base: Path, args: argparse.Namespace) -> None:
    root = base / f"project-{mode}"
    make_project(root)
    graph = await build_graph(root, args.tasks, random.Random(args.seed))
    run = Run(mode, root, args, graph["containers"])
    title = "MCP only, no hooks" if mode == "mcp" else "as Claude Code, with hooks"
    print(f"\n== run: {title} ({args.agents} agents, seed {args.seed}) ==")
    print(
        f"graph: {graph['tasks']} tasks (2 epics, a story with children, a started sprint), "
        f"{graph['dependencies']} dependencies, {graph['needs_decision']} need a person's decision"
    )
    took = await run.go()
    print(f"ended: {run.ended_by} after {took:.0f} s")
    run.record()
    Figures.from_folder(root).report()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--budget", type=float, default=200.0, help="seconds per run at most")
    parser.add_argument("--runs", default="mcp,hooks", help="mcp, hooks or both")
    parser.add_argument(
        "--session-steps",
        type=int,
        nargs=2,
        default=(8, 48),
        help="a session ends after this many steps of work (checkpoints, completions), at random",
    )
    parser.add_argument("--session-cap", type=float, default=40.0, help="or after these seconds")
    parser.add_argument("--person-seconds", type=float, nargs=2, default=(0.5, 1.5))
    parser.add_argument("--person-acts", type=float, default=0.6, help="share of person's turns")
    parser.add_argument("--keep", action="store_true", help="keep the projects and agent logs")
    parser.add_argument("--report", type=Path, help="print the figures of a kept run again")
    args = parser.parse_args()
    if args.report:
        for root in sorted(args.report.glob("project-*")):
            run = json.loads((root / ".bench" / "run.json").read_text())
            print(f"\n== {root.name}: ended: {run['ended_by']} ==")
            Figures.from_folder(root).report()
        return
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}; lease {LEASE:g} s")
    base = Path(tempfile.mkdtemp(prefix="orchestron-continuity-"))
    try:
        for mode in args.runs.split(","):
            await one_run(mode.strip(), base, args)
    finally:
        if args.keep:
            print(f"\nkept: {base}")
        else:
            import shutil

            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    anyio.run(main)
