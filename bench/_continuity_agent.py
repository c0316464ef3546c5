"""One scripted agent session for bench/continuity.py: a driver, no model.

It behaves as an agent told "resume, then work" would, through the installed
`orchestron-mcp` over stdio with its default agent id (no `--agent`): it
resumes, ticks checkpoints (`task_update`), saves context with its next step
(`context_save`), completes (`task_complete`) and takes the next task. A task
labelled `needs-decision` makes it ask a person (`ask_human`) and wait for the
answer. With `--mode hooks` it is Claude Code as well: it runs `orchestron
hook SessionStart` / `UserPromptSubmit` / `SessionEnd` with Claude Code's JSON
and session id (shared with its server through CLAUDE_CODE_SESSION_ID), and
reads what they print.

SIGTERM asks it to stop as an agent stops: save context, maybe prepare a
handoff, close the connection. It prints one JSON object a line on stdout:
what it saw and did, for the bench to check against the store.

    python bench/_continuity_agent.py --project DIR [--mode mcp|hooks] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import anyio

from _procs import children
from mcp import Client, StdioServerParameters

BIN = Path(sys.executable).parent
MESSAGE_LINE = re.compile(r"^- ([A-Z_]+)(?: on (TASK-\d+))? from (.+?): (.*)$")
CHECKPOINT_LINE = re.compile(r"^\[( |x)\] (\d+)\. (.*)$")
WAITING = ("BLOCKED", "PAUSED", "IN_REVIEW")
FINISHED = ("DONE", "CANCELLED")

Reply = dict[str, Any]


def emit(event: str, **data: Any) -> None:
    """One line for the bench; flushed at once, so a kill right after loses nothing said."""
    sys.stdout.write(json.dumps({"e": event, "t": time.time(), **data}) + "\n")
    sys.stdout.flush()


def messages_in(text: str) -> list[dict[str, str]]:
    """People's messages in a reply or a hook's output (the `[orchestron] N new ...` block)."""
    found: list[dict[str, str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("[orchestron]") and "from a person" in line:
            inside = True
            continue
        match = MESSAGE_LINE.match(line) if inside else None
        if match:
            kind, task, author, said = match.groups()
            found.append({"kind": kind, "task": task or "", "author": author, "text": said})
        elif inside and not line.startswith("- "):
            inside = False
    return found


def checkpoints(task: Reply) -> list[tuple[int, str, bool]]:
    out = []
    for line in task.get("checkpoints") or []:
        match = CHECKPOINT_LINE.match(line)
        if match:
            out.append((int(match.group(2)), match.group(3), match.group(1) == "x"))
    return out


class Agent:
    def __init__(self, args: argparse.Namespace) -> None:
        self.rng = random.Random(args.seed)
        self.mode: str = args.mode
        self.project = Path(args.project)
        self.think = args.think
        self.handoff: bool = args.handoff
        self.session = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.agent = ""
        self.sid = self.session if self.mode == "hooks" else ""
        self.client: Client | None = None
        self.stopping = False
        self.current: Reply | None = None
        self.waiting: dict[str, Reply] = {}  # held tasks that wait for a person
        self.stale: set[str] = set()  # tasks a person's message said changed
        self.stuck_on: str | None = None
        self.prompted = False
        self.saves = 0
        self.refusals = 0

    # -- talking to Orchestron -------------------------------------------------------------

    async def call(self, tool: str, **args: Any) -> tuple[Reply | None, str]:
        assert self.client is not None
        result = await self.client.call_tool(tool, args)
        texts = [getattr(block, "text", "") for block in result.content]
        self.read_messages("tool", "\n".join(texts))
        if result.is_error:
            emit("refused", tool=tool, task=args.get("taskId"), text=texts[0][:400])
            return None, texts[0]
        reply: Reply = json.loads(texts[0])
        return reply, ""

    def read_messages(self, via: str, text: str) -> None:
        for message in messages_in(text):
            emit("msg", via=via, **message)
            self.heard(message["kind"], message["task"])

    def heard(self, kind: str, task: str) -> None:
        if kind == "PAUSE" and self.current is not None and self.current["id"] == task:
            self.current["status"] = "PAUSED"  # a person said stop: stop now
        elif task:
            self.stale.add(task)

    async def hook(self, event: str, **payload: Any) -> str:
        data = {
            "session_id": self.session,
            "transcript_path": str(self.project / ".orchestron" / f"t-{self.session}.jsonl"),
            "cwd": str(self.project),
            "hook_event_name": event,
            **payload,
        }
        env = {
            **os.environ,
            "CLAUDE_CODE_SESSION_ID": self.session,
            "CLAUDE_PROJECT_DIR": str(self.project),
        }
        done = await anyio.run_process(
            [str(BIN / "orchestron"), "hook", event],
            input=json.dumps(data).encode(),
            env=env,
            cwd=self.project,
            check=False,
        )
        out = done.stdout.decode()
        if done.stderr:
            emit("hook_stderr", hook=event, text=done.stderr.decode()[:400])
        return out

    def got(self, via: str, reply: Reply) -> None:
        """What the agent was handed: the task, its saved next steps, why."""
        task = reply.get("task") or {}
        context = reply.get("context") or {}
        steps = context.get("next_steps") if via == "resume" else reply.get("nextSteps")
        handoff = reply.get("handoff") or {}
        emit(
            "got",
            via=via,
            kind=reply.get("kind"),
            task=task.get("id"),
            status=task.get("status"),
            next_steps=steps,
            handoff=handoff.get("id"),
            reason=reply.get("reason") or reply.get("instruction", "")[:300],
        )
        for message in reply.get("messages") or []:
            emit(
                "msg",
                via=via,
                id=message.get("id"),
                kind=message.get("kind"),
                task=message.get("taskId") or "",
                author=message.get("from") or "",
                text=message.get("text") or "",
            )
            self.heard(str(message.get("kind")), str(message.get("taskId") or ""))

    # -- a session -------------------------------------------------------------------------

    async def run(self) -> None:
        env = {"CLAUDE_PROJECT_DIR": str(self.project)}
        if self.mode == "hooks":
            env["CLAUDE_CODE_SESSION_ID"] = self.session
        params = StdioServerParameters(
            command=str(BIN / "orchestron-mcp"), args=[], env=env, cwd=self.project
        )
        async with anyio.create_task_group() as tg:
            tg.start_soon(self.watch_sigterm)
            async with Client(params) as client:
                self.client = client
                emit("server", pid=server_pid(), driver=os.getpid())
                await self.start()
                while not self.stopping:
                    await self.step()
                await self.wrap_up()
            emit("bye", how="clean")
            tg.cancel_scope.cancel()

    async def watch_sigterm(self) -> None:
        with anyio.open_signal_receiver(signal.SIGTERM) as signals:
            async for _ in signals:
                self.stopping = True
                return

    async def start(self) -> None:
        if self.mode == "hooks":
            emit("me", session=self.session)
            text = await self.hook("SessionStart", source="startup")
            emit("got", via="hook", text=text)
            await self.prompt()
            return
        me, _ = await self.call("session", action="status")
        if me is not None:
            self.agent, self.sid = me["agent"], me["id"]
            emit("me", session=me["id"], agent=me["agent"])
        package, _ = await self.call("resume")
        if package is not None:
            self.got("resume", package)
            if package.get("task") and package.get("claimed"):
                self.current = package["task"]

    async def prompt(self) -> None:
        """A person's prompt to Claude Code ("carry on"), once per task: UserPromptSubmit runs."""
        if self.mode == "hooks" and not self.prompted:
            self.prompted = True
            self.read_messages("hook", await self.hook("UserPromptSubmit", prompt="carry on"))

    async def step(self) -> None:
        task = self.current
        if task is not None and task["id"] in self.stale:
            task = self.current = await self.refresh(task["id"])
        if task is None:
            await self.pick()
        elif task["status"] in FINISHED:
            self.current = None
        elif task["status"] in WAITING:
            await self.wait_or_switch(task)
        else:
            await self.work(task)

    async def refresh(self, task_id: str) -> Reply | None:
        self.stale.discard(task_id)
        task, _ = await self.call("task_get", taskId=task_id)
        if task is None or task["status"] in FINISHED:
            return None
        if task.get("claimedBy") not in (None, self.sid):
            emit("lost", task=task_id, holder=task.get("claimedBy"))
            return None
        return task

    async def pick(self) -> None:
        for task_id in list(self.waiting):  # a person may have freed one
            back = await self.refresh(task_id)
            if back is None or back["status"] not in WAITING:
                del self.waiting[task_id]
            if back is not None and back["status"] not in WAITING:
                self.current = back
                return
        await self.prompt()
        reply, _ = await self.call("task_next", another=bool(self.waiting))
        if reply is None or reply.get("task") is None:
            emit("idle", waiting=sorted(self.waiting))
            await anyio.sleep(0.6)
            return
        task = reply["task"]
        if task["id"] in self.waiting:
            self.stuck(task, given=task["id"])  # nothing else was given: wait for the person
            await anyio.sleep(0.4)
            return
        self.got("task_next", reply)
        self.unstuck()
        self.current = task
        self.prompted = False

    async def wait_or_switch(self, task: Reply) -> None:
        """A person must act on this task first: take other work meanwhile, or wait."""
        reply, _ = await self.call("task_next", another=True)
        other = (reply or {}).get("task")
        if (
            reply is not None
            and other is not None
            and other["id"] not in (task["id"], *self.waiting)
        ):
            self.got("task_next", reply)
            self.unstuck()
            self.waiting[task["id"]] = task
            self.current = other
            return
        self.stuck(task, given=other and other["id"])
        await anyio.sleep(0.5)
        self.stale.add(task["id"])

    def stuck(self, task: Reply, given: str | None = None) -> None:
        """Nothing else to do until a person acts (said once per wait)."""
        if self.stuck_on != task["id"]:
            self.stuck_on = task["id"]
            emit("stuck", task=task["id"], status=task["status"], given=given)

    def unstuck(self) -> None:
        if self.stuck_on is not None:
            emit("unstuck", task=self.stuck_on)
            self.stuck_on = None

    async def work(self, task: Reply) -> None:
        self.unstuck()
        todo = [(n, title) for n, title, done in checkpoints(task) if not done]
        if not todo:
            done, error = await self.call("task_complete", taskId=task["id"])
            if done is not None:
                emit("done", task=task["id"])
                self.current = None
            else:
                await self.refused(task, error)
            return
        number = todo[0][0]
        decide = "needs-decision" in (task.get("labels") or []) and number == 2
        if decide and await self.ask(task):
            return
        await anyio.sleep(self.rng.uniform(*self.think))
        reply, error = await self.call("task_update", taskId=task["id"], checkpointsDone=[number])
        if reply is None:
            await self.refused(task, error)
            return
        self.refusals = 0
        task["status"] = reply["status"]
        task["checkpoints"] = [
            f"[{'x' if n == number or done else ' '}] {n}. {t}" for n, t, done in checkpoints(task)
        ]
        await self.save(task)

    async def ask(self, task: Reply) -> bool:
        """Ask a person once per task (a later session reads the earlier question)."""
        asked, _ = await self.call("clarifications", taskId=task["id"])
        if asked is None or asked.get("requests"):
            return False
        reply, _ = await self.call(
            "ask_human", question=f"[ASK {task['id']}] Which storage layout?", taskId=task["id"]
        )
        if reply is not None:
            emit("asked", task=task["id"], request=reply["id"])
            task["status"] = "BLOCKED"
            return True
        return False

    async def save(self, task: Reply) -> None:
        """Context with a next step no other save says, so the bench can tell saves apart."""
        self.saves += 1
        todo = [(n, t) for n, t, done in checkpoints(task) if not done]
        mark = f"{self.agent or self.sid[:8]}#{self.saves}"
        step = (
            f"{task['id']}: checkpoint {todo[0][0]} '{todo[0][1]}' next ({mark})"
            if todo
            else f"{task['id']}: all checkpoints done, complete it ({mark})"
        )
        done = [f"{t}" for _n, t, d in checkpoints(task) if d]
        context = {"current_task": task["id"], "next_steps": [step], "completed_steps": done}
        reply, error = await self.call("context_save", context=context, taskId=task["id"])
        if reply is not None:
            emit("saved", task=task["id"], next_steps=[step])
        else:
            await self.refused(task, error)

    async def refused(self, task: Reply, error: str) -> None:
        self.refusals += 1
        if "held by session" in error or self.refusals >= 3:
            emit("lost", task=task["id"], why=error[:200])
            self.current = None
            self.refusals = 0
            return
        self.current = await self.refresh(task["id"])

    async def wrap_up(self) -> None:
        """Stop as an agent told to stop does: next steps saved, the work handed on."""
        task = self.current
        if task is not None and task["status"] not in FINISHED:
            await self.save(task)
            if self.handoff:
                note = f"[HANDOFF {task['id']}] stopped midway; carry on from the next step"
                reply, _ = await self.call("handoff", action="prepare", note=note)
                if reply is not None:
                    emit("handoff", id=reply["prepared"]["id"], task=reply["prepared"].get("task"))
        if self.mode == "hooks":
            await self.hook("SessionEnd", reason="prompt_input_exit")


def server_pid() -> int | None:
    """Our orchestron-mcp child (the SDK starts it in a process group of its own)."""
    return next((pid for pid, _ in children(b"orchestron-mcp")), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", required=True)
    parser.add_argument("--mode", choices=("mcp", "hooks"), default="mcp")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--think", type=float, nargs=2, default=(0.02, 0.1))
    parser.add_argument(
        "--handoff", action="store_true", help="prepare a handoff when told to stop"
    )
    agent = Agent(parser.parse_args())
    anyio.run(agent.run)


if __name__ == "__main__":
    main()
