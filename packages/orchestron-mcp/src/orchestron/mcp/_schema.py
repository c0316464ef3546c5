"""Smaller input schemas: the whole tool list is loaded into the model's context.

pydantic writes a `title` for every property and spells an optional argument as
`anyOf: [T, {"type": "null"}]` with `default: null`. Neither tells a model
anything the property name and "not required" do not, so both go.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compact_schema"]


def compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    out = _compact(schema)
    assert isinstance(out, dict)
    return out


def _compact(node: Any) -> Any:
    if isinstance(node, list):
        return [_compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: v for k, v in node.items() if k != "title" or not isinstance(v, str)}
    if "properties" in node:
        node["properties"] = {k: _compact(v) for k, v in node["properties"].items()}
    for key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties", "$defs"):
        if key in node:
            value = node[key]
            node[key] = (
                {k: _compact(v) for k, v in value.items()} if key == "$defs" else _compact(value)
            )
    options = node.get("anyOf")
    if isinstance(options, list):
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1 and len(rest) < len(options):
            merged = {k: v for k, v in node.items() if k != "anyOf"}
            if merged.get("default", 0) is None:
                del merged["default"]
            merged.update({k: v for k, v in rest[0].items() if k not in merged})
            node = merged
        elif len(rest) < len(options) and node.get("default", 0) is None:
            node = {**node, "anyOf": rest}
            del node["default"]
    return node
