"""The person of bench/continuity.py: steers the agents at random times with `orchestron`.

Each turn reads the inbox and answers the questions that have waited their
while (`answer`, or `clarify --request`), resumes what it paused a while ago,
and now and then picks a task in progress to `intervene` on or to `pause`.
Every text it writes says `[SAID n]`, so what reached an agent can be told apart.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import anyio

from _continuity_project import orchestron

__all__ = ["Person"]


class Person:
    def __init__(
        self,
        root: Path,
        rng: random.Random,
        *,
        pace: tuple[float, float],
        acts: float,
        containers: Collection[str],
    ) -> None:
        self.root = root
        self.rng = rng
        self.pace = pace
        self.acts = acts
        self.containers = set(containers)  # the person steers work, not epics
        self.log: list[dict[str, Any]] = []
        self.answer_at: dict[str, float] = {}
        self.paused: dict[str, float] = {}
        self.said = 0

    async def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = await anyio.to_thread.run_sync(lambda: orchestron(self.root, *args))
        self.log.append(
            {
                "t": time.time(),
                "args": list(args),
                "rc": done.returncode,
                "out": done.stdout[:300],
                "err": done.stderr[:300],
            }
        )
        return done

    def text(self, words: str) -> str:
        self.said += 1
        return f"[SAID {self.said}] {words}"

    async def run(self) -> None:
        while True:
            await anyio.sleep(self.rng.uniform(*self.pace))
            await self.answer()
            now = time.monotonic()
            for task in [t for t, at in self.paused.items() if at <= now]:
                await self.cli("resume", task)
                del self.paused[task]
            roll = self.rng.random()
            if roll < self.acts:
                await self.step_in(pause=roll >= self.acts * 0.7)

    async def answer(self) -> None:
        """Questions are answered after a while, alternately by `answer` and `clarify`."""
        inbox = json.loads((await self.cli("inbox", "--json")).stdout or '{"requests": []}')
        now = time.monotonic()
        for request in inbox["requests"]:
            self.answer_at.setdefault(request["id"], now + self.rng.uniform(1.0, 5.0))
        due = [r for r in inbox["requests"] if self.answer_at[r["id"]] <= now]
        for request in due[:2]:
            text = self.text(f"use the flat layout for {request['task_id']}")
            if self.said % 2:
                await self.cli("answer", request["id"], text)
            else:
                await self.cli("clarify", request["task_id"], text, "--request", request["id"])

    async def step_in(self, *, pause: bool) -> None:
        """A word to, or a pause of, a task the board shows in progress."""
        listed = await self.cli("task", "list", "--status", "IN_PROGRESS", "-n", "0", "--json")
        working = [t["id"] for t in json.loads(listed.stdout or '{"tasks": []}')["tasks"]]
        working = [t for t in working if t not in self.paused and t not in self.containers]
        if not working:
            return
        target = self.rng.choice(working)
        if not pause:
            await self.cli("intervene", target, "--message", self.text("mind the tests"))
            return
        done = await self.cli("pause", target, "--reason", self.text("hold on"))
        if done.returncode == 0:
            self.paused[target] = time.monotonic() + self.rng.uniform(2.0, 6.0)
