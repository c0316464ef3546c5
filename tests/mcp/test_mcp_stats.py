"""Analytics reach the agent as a resource: figures from the event log, not guesses."""

from __future__ import annotations

import json

import pytest
from mcp.types import TextResourceContents

from conftest import Env
from mcp import Client

pytestmark = pytest.mark.anyio


async def _read(env: Env) -> dict[str, object]:
    async with Client(env.server()) as client:
        content = (await client.read_resource("orchestron://stats")).contents[0]
    assert isinstance(content, TextResourceContents)
    data: dict[str, object] = json.loads(content.text)
    return data


async def test_stats_resource_counts_finished_work_and_forecasts_the_sprint(env: Env) -> None:
    orch = env.orch
    sprint = await orch.create_sprint("S1")
    tasks = [await orch.create_task(f"t{i}", sprint=sprint.id) for i in range(4)]
    await orch.start_sprint(sprint.id)
    for task in tasks[:3]:
        await orch.start_task(task.id)
        await orch.complete_task(task.id)

    data = await _read(env)
    stats = data["stats"]
    assert isinstance(stats, dict) and stats["finished"] == 3
    forecast = data["forecast"]
    assert isinstance(forecast, dict)
    assert forecast["remaining"] == 1
    assert forecast["status"] == "not_enough_data"  # one day of history: no made-up date
    metrics = data["successMetrics"]
    assert isinstance(metrics, dict) and "context_restored" in metrics


async def test_stats_resource_on_an_empty_project_says_there_is_no_data(env: Env) -> None:
    data = await _read(env)
    stats = data["stats"]
    assert isinstance(stats, dict) and stats["finished"] == 0
    assert "forecast" not in data  # no active sprint to forecast
