"""A worker process for the multi-process tests: take ready tasks until none is left.

Usage: python claim_worker.py URL NAME. Prints one JSON line per task it
started ("started") and finished ("done"); retries on retryable StorageError.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from orchestron.core import Orchestron
from orchestron.core.errors import ConflictError, ForbiddenError, StorageError
from orchestron.postgres import PostgresStorage
from orchestron.runtime import SystemClock

T = TypeVar("T")


async def _retrying(fn: Callable[[], Awaitable[T]]) -> T:
    """The caller's side of the contract: a retryable StorageError means try again."""
    while True:
        try:
            return await fn()
        except StorageError as exc:
            if not exc.retryable:
                raise
            print(json.dumps({"retry": str(exc)}), flush=True)
            await asyncio.sleep(0.1)


async def work(url: str, name: str) -> None:
    storage = await _retrying(lambda: PostgresStorage.open(url))
    orch = Orchestron(storage, SystemClock(), actor=name)
    try:
        while True:
            choice = await _retrying(orch.next_task)
            if choice is None:
                return
            task_id = choice.task.id
            try:
                await _retrying(lambda t=task_id: orch.start_task(t))
            except (ConflictError, ForbiddenError):
                continue  # someone else took it first
            print(json.dumps({"started": task_id}), flush=True)
            await _retrying(lambda t=task_id: orch.complete_task(t))
            print(json.dumps({"done": task_id}), flush=True)
    finally:
        await storage.close()


if __name__ == "__main__":
    asyncio.run(work(sys.argv[1], sys.argv[2]))
