"""Generate docs/config.md, the config reference, from the JSON schema and the model registry.

Usage: ``python -m qbattery.tools.config_docs > docs/config.md`` (CI checks it is up to date).
"""

from __future__ import annotations

import json

from ..config import full_schema
from ..models import MODELS


def _type(s: dict) -> str:
    if "oneOf" in s:
        return " or ".join(_type(x) for x in s["oneOf"])
    t = s.get("type", "object" if "properties" in s else "any")
    if t == "array":
        return f"list of {_type(s.get('items', {}))}"
    return t if isinstance(t, str) else " | ".join(t)


def _allowed(s: dict) -> str:
    parts = []
    if "enum" in s:
        parts.append("one of " + ", ".join(f"`{v}`" for v in s["enum"]))
    for k, sym in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if k in s:
            parts.append(f"{sym} {s[k]}")
    if "pattern" in s:
        parts.append(f"matches `{s['pattern']}`")
    if s.get("minItems"):
        parts.append(f"at least {s['minItems']} item(s)")
    if s.get("uniqueItems"):
        parts.append("no duplicates")
    for sub in s.get("oneOf", []):
        a = _allowed(sub) or _allowed(sub.get("items", {}))
        if a:
            parts.append(a)
            break
    if s.get("type") == "array" and not s.get("oneOf"):
        a = _allowed(s.get("items", {}))
        if a:
            parts.append("each " + a)
    return "; ".join(dict.fromkeys(parts))


def _rows(schema: dict, root: dict, prefix: str, required: set[str]) -> list[str]:
    rows = []
    for key, sub in schema.get("properties", {}).items():
        if "$ref" in sub:
            name = sub["$ref"].split("/")[-1]
            sub = {**root["definitions"][name], **{k: v for k, v in sub.items() if k != "$ref"}}
        path = f"{prefix}.{key}" if prefix else key
        default = f"`{json.dumps(sub['default'])}`" if "default" in sub else ("required" if key in required else "")
        desc = " ".join(str(sub.get("description", "")).split()).replace("|", "\\|")
        rows.append(f"| `{path}` | {_type(sub)} | {default} | {_allowed(sub)} | {desc} |")
        if sub.get("properties"):
            rows += _rows(sub, root, path, set(sub.get("required", [])))
    return rows


def render() -> str:
    s = full_schema()
    out = [
        "# Config reference",
        "",
        "Generated from `workflow/schemas/config.schema.yaml` and the model registry by",
        "`python -m qbattery.tools.config_docs > docs/config.md`; a test checks it is up to date.",
        "Units: hbar = k_B = 1, energies in omega_a, times in 1/omega_a. A model parameter given",
        "as a list is swept (a dimension of the NetCDF grid), a scalar is fixed. YAML reads `1e-10`",
        "as text: write `1.0e-10`.",
        "",
        "| key | type | default | allowed | description |",
        "|---|---|---|---|---|",
        *_rows(s, s, "", set(s.get("required", []))),
        "",
        "## Models",
        "",
    ]
    for name in sorted(MODELS):
        m = MODELS[name]
        out += [
            f"### `{name}`: {m.title}",
            "",
            f"- Hamiltonian: `{m.hamiltonian}`",
            f"- initial state: `{m.initial_state}`",
            f"- normalisation: {m.normalisation}",
            f"- computed: {m.route}",
            f"- parallel reference: {m.reference or 'none (it is one)'}",
            f"- references: {m.references}",
            "",
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
