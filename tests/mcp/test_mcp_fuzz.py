"""Property-based fuzzing of every MCP tool, from the tool's own input schema (issue 18).

Each tool's arguments are drawn from the schema `list_tools` gives (types,
enums, bounds), mixed with hostile values: the bounds overstepped, numbers
past 64 bits or 4,300 digits, NaN, a megabyte of text, escape sequences,
wrong types, unknown arguments. Over real stdio to one `orchestron-mcp`
process, every call must get a reply, within the 8 KB budget, with no crash
text; and a refused call must change no table.

Hypothesis runs derandomized with a bounded number of examples, so CI sees
the same calls every run and the module stays within a few tens of seconds.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcp import Client, StdioServerParameters
from orchestron.mcp import create_server
from orchestron.runtime import open_orchestron
from store_rows import store_rows

BUDGET = 8 * 1024
EXAMPLES = 50
MEGA = "m" * 1_000_000
CRASH_WORDS = ("a bug in", "internal error", "Error executing tool", "Traceback")

HOSTILE: list[Any] = [
    None,
    "",
    "   ",
    MEGA,
    "9" * 5000,
    "TASK-" + "9" * 5000,
    "TASK-" + "9" * 25,
    str(2**63),
    2**63,
    -(2**63) - 1,
    10**40,
    -1,
    0,
    1.5,
    "NaN",
    "-Infinity",
    "1e400",
    "\x1b]0;owned\x07\x1b[2J",
    "\u202eevil",
    "a\x00b",
    "²",
    "TASK-²",
    "١٢",
    True,
    [],
    {},
    ["TASK-001"] * 60,
    [MEGA],
    {"deep": [[[[["x"]]]]]},
]

IDS = ["TASK-001", "TASK-002", "task-3", "TASK-004", "7", "SPRINT-001", "MEM-001", "REQ-001"]
WORDS = ["TODO", "IN_PROGRESS", "done", "HIGH", "bug", "task_started", "id,title", "database"]


def _tool_names() -> list[str]:
    async def names() -> list[str]:
        return [t.name for t in await create_server().list_tools()]

    return anyio.run(names)


TOOLS = _tool_names()


_WORDS_IN_DESCRIPTION = re.compile(r"\b(?:[A-Z]{2,}(?:[-_][A-Z0-9]+)*|[a-z]+_[a-z_]+)\b")


def _hints(prop: dict[str, Any]) -> list[str]:
    """Values the description names: `TODO, IN_PROGRESS`, `task_started`, `TASK-007`, `MEM`."""
    return sorted(set(_WORDS_IN_DESCRIPTION.findall(prop.get("description", ""))))


def _text(prop: dict[str, Any]) -> st.SearchStrategy[str]:
    # No lone surrogates: the client cannot put one in JSON (the wire test sends them raw).
    chars = st.characters(exclude_categories=("Cs",))
    hints = _hints(prop)
    choices = [st.sampled_from(IDS), st.sampled_from(WORDS), st.text(chars, max_size=40)]
    if hints:
        choices.insert(0, st.sampled_from(hints))
    return st.one_of(choices)


def _valid(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema allows (and, for text, values its description suggests)."""
    if "enum" in prop:
        return st.sampled_from(prop["enum"])
    if "anyOf" in prop:
        return st.one_of([_valid(p) for p in prop["anyOf"]])
    kind = prop.get("type")
    if kind == "string":
        if prop.get("format") == "date":
            return st.dates().map(lambda d: d.isoformat())
        return _text(prop)
    if kind == "integer":
        return st.integers(prop.get("minimum", -1000), prop.get("maximum", 1000))
    if kind == "number":
        return st.floats(prop.get("minimum", -1e6), prop.get("maximum", 1e6))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(_valid(prop.get("items", {"type": "string"})), max_size=4)
    if kind == "object":
        leaf = st.one_of(_text({}), st.integers(-5, 5), st.booleans(), st.none())
        value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
        return st.dictionaries(_text({}), value, max_size=4)
    return st.just(None)


def _edges(prop: dict[str, Any]) -> list[Any]:
    """Just past the schema's own bounds."""
    out: list[Any] = []
    for bound, step in (("minimum", -1), ("maximum", 1)):
        if bound in prop:
            out.append(prop[bound] + step)
    for bound, step in (("minLength", -1), ("maxLength", 1)):
        if bound in prop:
            out.append("x" * max(0, prop[bound] + step))
    return out


@st.composite
def _arguments(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """Valid arguments; in about half the calls one of them made hostile (or one
    required left out, or one the tool does not take added)."""
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    args = {
        name: draw(_valid(prop))
        for name, prop in props.items()
        if name in required or draw(st.integers(0, 3)) == 0
    }
    attack = draw(st.sampled_from(["none", "none", "value", "value", "drop", "extra"]))
    if attack == "value" and props:
        name = draw(st.sampled_from(sorted(props)))
        args[name] = draw(st.sampled_from(HOSTILE + _edges(props[name])))
    elif attack == "drop" and required:
        args.pop(draw(st.sampled_from(sorted(required))), None)
    elif attack == "extra":
        args[draw(st.sampled_from(["colour", "taskID", MEGA[:5000]]))] = 1
    return args


class Served:
    """One `orchestron-mcp` over stdio for the whole module, driven from sync tests."""

    def __init__(self, portal: BlockingPortal, client: Client, db: Path) -> None:
        self.portal = portal
        self.client = client
        self.db = db
        self.schemas = {t.name: t.input_schema for t in portal.call(self._tools)}

    async def _tools(self) -> list[Any]:
        return list((await self.client.list_tools()).tools)

    def call(self, name: str, args: dict[str, Any]) -> tuple[bool, str]:
        async def go() -> tuple[bool, str]:
            with anyio.fail_after(60):  # "a reply always comes"
                result = await self.client.call_tool(name, args)
            texts = [block.text for block in result.content if block.type == "text"]
            return bool(result.is_error), "\n".join(texts)

        return self.portal.call(go)


async def _seed(db: Path) -> None:
    async with open_orchestron(str(db), actor="seed", create=True) as orch:
        await orch.create_task("Epic", type="EPIC")
        await orch.create_task("Schema", parent="TASK-001", checkpoints=["models", "routes"])
        await orch.create_task("API", depends_on=["TASK-002"], estimate=3, labels=["api"])
        await orch.create_task("Docs")
        await orch.create_sprint("Sprint 1")
        await orch.add_to_sprint("SPRINT-001", ["TASK-002"])
        await orch.remember("Use PostgreSQL 16", kind="decision", topic="database")
        await orch.request_clarification("TASK-003", "Which port?")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("fuzz") / "orchestron.db"
    anyio.run(_seed, db)
    command = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert command
    params = StdioServerParameters(command=command, args=["--db", str(db), "--agent", "fuzz"])
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(params)) as client,
    ):
        server = Served(portal, client, db)
        server.call("task_list", {"limit": 1})  # the session is up before any snapshot
        yield server


def test_the_fuzzed_tools_are_the_servers_tools(served: Served) -> None:
    assert sorted(served.schemas) == sorted(TOOLS)
    assert len(TOOLS) >= 16


@pytest.mark.parametrize("tool", TOOLS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_call_gets_a_bounded_reply_and_a_refusal_changes_nothing(
    served: Served, tool: str, data: st.DataObject
) -> None:
    args = data.draw(_arguments(served.schemas[tool]), label="arguments")
    before = store_rows(served.db)
    refused, reply = served.call(tool, args)
    if args.get("verbose") is not True:
        size = len(reply.encode())
        assert size <= BUDGET, f"{tool} replied {size:,} bytes"
    for word in CRASH_WORDS:
        assert word not in reply, reply[:600]
    if refused:
        assert reply.startswith(f"{tool}: "), reply[:300]
        assert store_rows(served.db) == before, f"refused {tool} changed a table: {reply[:300]}"
