"""The docs say what the code does: counts and names of the MCP server's tools,
resources and prompts (asked of the real server over stdio), every list of an
enum's values, the agent ids, the channel, the links between docs, and each
package README's public API (its `__all__`) and its code."""

from __future__ import annotations

import ast
import asyncio
import enum
import importlib
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from orchestron import core

REPO = Path(__file__).resolve().parents[2]
DOCS = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted((REPO / "packages").glob("*/README.md")),
    REPO / "claude-plugin" / "orchestron" / "README.md",
]
PACKAGES = ["core", "sqlite", "postgres", "runtime", "wordllama", "mcp", "cli", "dashboard"]
NUMBERS = {
    word: n
    for n, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def flat(path: Path) -> str:
    """The file's text with every run of whitespace one space (claims span lines)."""
    return re.sub(r"\s+", " ", text_of(path))


@dataclass
class Served:
    tools: list[str]
    """The tools the model is offered."""
    resources: list[str]
    templates: list[str]
    prompts: list[str]
    enums: dict[tuple[str, str], list[str]]
    experimental: dict[str, Any]
    hidden: list[str]
    """Tools for the host alone (`_meta.ui.visibility` without "model"): the client keeps
    them from the model, so the docs count and table the others, and name these apart."""


def _for_the_model(tool: Any) -> bool:
    visibility = ((tool.meta or {}).get("ui") or {}).get("visibility")
    return visibility is None or "model" in visibility


def _enums(schema: Any, path: str = "") -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    if isinstance(schema, dict):
        if "enum" in schema:
            found.append((path, list(schema["enum"])))
        for key, value in schema.items():
            found += _enums(value, key if key not in ("properties", "items", "anyOf") else path)
    elif isinstance(schema, list):
        for value in schema:
            found += _enums(value, path)
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """What the real `orchestron-mcp` serves, asked over stdio as Claude Code asks."""
    from mcp import Client, StdioServerParameters

    folder = tmp_path_factory.mktemp("served")
    command = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert command, "orchestron-mcp is not installed in this environment"
    db = folder / "orchestron.db"

    async def ask() -> Served:
        params = StdioServerParameters(command=command, args=["--db", str(db)])
        async with Client(params) as client:
            tools = (await client.list_tools()).tools
            resources = (await client.list_resources()).resources
            templates = (await client.list_resource_templates()).resource_templates
            prompts = (await client.list_prompts()).prompts
            experimental = dict(client.server_capabilities.experimental or {})
        schema_enums = {
            (tool.name, where): values
            for tool in tools
            for where, values in _enums(tool.input_schema)
        }
        return Served(
            [t.name for t in tools if _for_the_model(t)],
            [str(r.uri) for r in resources],
            [t.uri_template for t in templates],
            [p.name for p in prompts],
            schema_enums,
            experimental,
            [t.name for t in tools if not _for_the_model(t)],
        )

    return anyio.run(ask)


COUNT = re.compile(
    r"\b(" + "|".join(NUMBERS) + r"|\d+)\s+(?:MCP\s+)?(tools|resources|prompts)\b",
    re.IGNORECASE,
)


def test_every_count_in_the_docs_is_the_servers(served: Served) -> None:
    truth = {
        "tools": len(served.tools),
        "resources": len(served.resources) + len(served.templates),
        "prompts": len(served.prompts),
    }
    claims = []
    for path in DOCS:
        for number, what in COUNT.findall(flat(path)):
            said = int(number) if number.isdigit() else NUMBERS[number.lower()]
            claims.append((path.relative_to(REPO), what.lower(), said))
    assert {what for _, what, _ in claims} >= {"tools", "resources", "prompts"}, claims
    wrong = [(p, what, said, truth[what]) for p, what, said in claims if said != truth[what]]
    assert not wrong, f"(file, what, the docs say, the server has): {wrong}"


def _section(path: Path, heading: str) -> str:
    text = text_of(path)
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def test_the_mcp_docs_name_exactly_the_served_tools_resources_and_prompts(
    served: Served,
) -> None:
    mcp = REPO / "docs" / "mcp.md"
    section = _section(mcp, "## Tools")
    tools = re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE)
    assert sorted(tools) == sorted(served.tools)
    assert served.hidden == ["hook"]
    for name in served.hidden:
        assert f"`{name}`" in section and "not the model" in section, name
    part = _section(mcp, "## Resources and prompts")
    resources = re.findall(r"^\| `(orchestron://[^`]+)` \|", part, re.MULTILINE)
    assert sorted(resources) == sorted(served.resources + served.templates)
    prompts = re.search(r"Prompts:(.*?)(?:\n\n|$)", part, re.DOTALL)
    assert prompts is not None
    named = set(re.findall(r"`([a-z-]+)`", prompts.group(1)))
    assert set(served.prompts) <= named
    readme = _section(REPO / "README.md", "## Use it from Claude Code")
    listed = re.search(r"tools \(([^)]*)\)", re.sub(r"\s+", " ", readme))
    assert listed is not None
    assert set(re.findall(r"`([a-z_]+)`", listed.group(1))) <= set(served.tools)


def test_the_actions_and_kinds_the_docs_list_are_the_schemas(served: Served) -> None:
    text = re.sub(r" \([^)]*\)", "", flat(REPO / "docs" / "mcp.md"))  # remarks out
    for (tool, where), values in served.enums.items():
        if where != "action":
            continue
        found = re.search(rf"`{tool}` \| `action` = ([a-z, ]+)", text)
        assert found, f"docs/mcp.md does not list {tool}'s actions"
        assert [v.strip() for v in found.group(1).split(",")] == values
    kinds = served.enums[("ask_human", "kind")]
    assert "`kind` = " + ", ".join(kinds) in text


ITEM = r"`?[A-Z][A-Z_]{1,}`?(?:\s*\([^)]*\))?"
SEP = r"(?:\s*,\s*(?:or\s+|and\s+)?|\s+(?:or|and)\s+|\s*\|\s*|\s*/\s*)"
ENUM_RUN = re.compile(rf"(?<![\w-]){ITEM}(?:{SEP}{ITEM}){{2,}}")


def test_every_list_of_an_enums_values_is_complete_and_right() -> None:
    enums = {
        name: {m.value for m in value}
        for name in core.__all__
        if isinstance(value := getattr(core, name), type) and issubclass(value, enum.Enum)
    }
    checked = 0
    for path in DOCS:
        for run in ENUM_RUN.finditer(flat(path)):
            items = set(re.findall(r"[A-Z][A-Z_]+", re.sub(r"\([^)]*\)", "", run.group(0))))
            holders = [name for name, values in enums.items() if items <= values]
            near = [n for n, v in enums.items() if len(items & v) >= 2 * len(items) / 3]
            if holders:
                checked += 1
                assert any(enums[n] == items for n in holders), (
                    f"{path.relative_to(REPO)} lists {sorted(items)}: part of {holders}, "
                    f"which hold {[sorted(enums[n]) for n in holders]}"
                )
            else:
                assert not near, (
                    f"{path.relative_to(REPO)} lists {sorted(items)}; "
                    f"not values of {near}: {[sorted(items - enums[n]) for n in near]}"
                )
    assert checked >= 10  # the export format alone lists a dozen


def test_nothing_built_is_called_not_built(served: Served) -> None:
    assert "claude/channel" in served.experimental
    for path in DOCS:
        said = flat(path).lower()
        for phrase in ("not built yet", "not yet built", "not implemented yet", "coming soon"):
            assert phrase not in said, f"{path.relative_to(REPO)}: {phrase!r}"


def test_agent_ids_are_described_one_way() -> None:
    from orchestron.runtime import agent_for_session, agent_id_for

    session = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    by_session = agent_for_session(session, None, {})
    by_client = agent_id_for("cursor", "3f9a")
    assert (by_session, by_client) == ("claude-0f1e2d", "cursor-3f9a")
    for name in ("claude-code.md", "mcp.md"):
        text = flat(REPO / "docs" / name)
        assert by_session in text and "first six characters" in text, name
    everywhere = " ".join(flat(p) for p in DOCS)
    examples = set(re.findall(r"`(claude(?:-code)?-[0-9a-f]{4,6})`", everywhere))
    assert examples <= {by_session}, examples


LINK = re.compile(r"(?<![\w/.])((?:\.\./)*docs/[a-z0-9_-]+\.md)")


def test_every_docs_page_named_exists() -> None:
    sources = [
        *DOCS,
        *(p for p in (REPO / "packages").glob("*/src/**/*.py") if "testing" not in p.parts),
        *(REPO / "claude-plugin").rglob("*.md"),
    ]
    missing = []
    for path in sources:
        for name in LINK.findall(text_of(path)):
            if not (REPO / name.lstrip("./")).is_file():
                missing.append((str(path.relative_to(REPO)), name))
    for path in DOCS:  # relative Markdown links too
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text_of(path)):
            if not (path.parent / target).is_file():
                missing.append((str(path.relative_to(REPO)), target))
    assert not missing, missing


@pytest.mark.parametrize("name", PACKAGES)
def test_each_package_readme_says_what_it_is_how_to_install_it_and_its_api(name: str) -> None:
    package = f"orchestron-{name}"
    readme = text_of(REPO / "packages" / package / "README.md")
    module = importlib.import_module(f"orchestron.{name}")
    missing = [n for n in module.__all__ if f"`{n}`" not in readme and f"`{n}(" not in readme]
    assert not missing, f"{package}/README.md does not name {missing}"
    assert f"uv pip install ./packages/{package}" in readme or (
        f"uv tool install ./packages/{package}" in readme
    )
    assert f"pip install {package}" in readme  # once published
    assert f"`orchestron.{name}.__all__`" in readme
    first = readme.split("\n\n")[1]
    assert len(first.split()) >= 25, f"{package}/README.md: say what the package is"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("name", PACKAGES)
def test_the_code_in_each_package_readme_runs(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = _python_blocks(text_of(REPO / "packages" / f"orchestron-{name}" / "README.md"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".orchestron").mkdir()
    for block in blocks:
        code = compile(
            block, f"orchestron-{name}/README.md", "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        )

        async def run(code: Any = code) -> None:
            result = eval(code, {"__name__": "readme"})
            if asyncio.iscoroutine(result):
                await result

        if name == "runtime":
            from orchestron.runtime import open_orchestron

            async def create() -> None:
                async with open_orchestron(create=True):
                    pass

            asyncio.run(create())
        asyncio.run(run())
