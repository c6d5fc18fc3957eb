"""Study configuration: JSON-schema validation with messages that name the key, the
value and what is allowed, plus the checks a schema cannot express.

The schema file is ``workflow/schemas/config.schema.yaml``; the entries of ``models`` are
generated from the model registry so that a new model is picked up automatically.
Config values are data: nothing is ever evaluated as code.
"""

from __future__ import annotations

import copy
import functools
import math
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import yaml

from .models import MODELS

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


class ConfigError(ValueError):
    """A user mistake in the config: one line naming the key, the value and what is allowed."""


@functools.lru_cache(maxsize=1)
def _schema_file() -> dict:
    with open(SCHEMA_PATH) as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def base_schema() -> dict:
    """The schema file (study-level and stage keys), parsed once per process."""
    return copy.deepcopy(_schema_file())


#: per face: the config section whose model entries it fills, and the keys every entry has
#: besides the model's own parameters (declared once in the catalogue)
FACE_SECTIONS: dict[str, tuple[str, ...]] = {
    "closed": ("models",),
    "lindblad": ("open_systems", "models"),
    "work": ("work_statistics", "protocols"),
}


def _n_schema(max_N: int, note: str) -> dict:
    return {
        "description": f"numbers of cells N (one job per N{note}; N <= {max_N})",
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"type": "integer", "minimum": 1, "maximum": int(max_N)},
    }


def face_entry_schema(name: str, face: str = "closed") -> dict:
    """JSON schema of one model's entry in the config section of ``face``: its N list, the
    face's stage keys (time grid, rates, pulse durations) and the model's parameters, all from
    the catalogue; the one place a model entry's schema is made."""
    m = MODELS[name]
    props: dict[str, Any] = {"N": _n_schema(m.max_N(face), "")}
    props.update(m.stage_keys_schema(face))
    for p in m.parameters:
        props[p.name] = p.json_schema()
    return {"type": "object", "additionalProperties": False, "required": ["N"], "description": m.title, "properties": props}


def model_schema(name: str) -> dict:
    """Schema of ``models.<name>`` (closed face)."""
    return face_entry_schema(name, "closed")


def full_schema() -> dict:
    """The config schema: ``workflow/schemas/config.schema.yaml`` (study-level and stage keys)
    with every per-model entry generated from the catalogue by face."""
    from .models import models_with

    s = base_schema()
    for face, path in FACE_SECTIONS.items():
        names = models_with(face)
        if not names:
            continue
        node = s
        for key in path:
            node = node["properties"][key]
        node["additionalProperties"] = False
        node["properties"] = {name: face_entry_schema(name, face) for name in names}
    return s


def _path(err: jsonschema.ValidationError) -> str:
    out = ""
    for p in err.absolute_path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _explain(err: jsonschema.ValidationError) -> str:
    key = _path(err)
    if err.validator in ("type", "oneOf") and isinstance(err.instance, str) and _looks_numeric(err.instance):
        return (
            f"config key {key}: value {err.instance!r} was read as text, not a number "
            f"(YAML needs a decimal point in exponent notation: write e.g. 1.0e-10 instead of 1e-10)"
        )
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed)) if isinstance(err.instance, dict) else []
        return f"config key {key}: unknown key(s) {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    if err.validator == "oneOf":
        best = min(err.context or [err], key=lambda e: len(list(e.absolute_path)) * -1)
        where = _path(best) if best is not err else key
        return f"config key {where}: {best.message}; expected {err.schema.get('description', 'a valid value')}"
    if err.validator == "enum":
        return f"config key {key}: value {err.instance!r} is not allowed; allowed: {', '.join(map(repr, err.validator_value))}"
    if err.validator == "required":
        return f"config key {key}: {err.message}"
    return f"config key {key}: value {err.instance!r} is invalid: {err.message}"


def _looks_numeric(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _reject_non_finite(x: Any, where: str = "") -> None:
    if isinstance(x, float) and not math.isfinite(x):
        raise ConfigError(f"config key {where or '(top level)'}: value {x!r} is not a finite number")
    if isinstance(x, dict):
        for k, v in x.items():
            _reject_non_finite(v, f"{where}.{k}" if where else str(k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            _reject_non_finite(v, f"{where}[{i}]")


def _set_defaults(schema: dict, data: dict) -> None:
    for k, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and "default" in sub and k not in data:
            data[k] = copy.deepcopy(sub["default"])
        if isinstance(data.get(k), dict) and isinstance(sub, dict):
            _set_defaults(sub, data[k])


def validate_config(config: dict) -> dict:
    """Validate ``config`` and return a copy with defaults filled in; raise ConfigError."""
    if not isinstance(config, dict):
        raise ConfigError(f"config must be a mapping of keys to values, got {type(config).__name__}")
    _reject_non_finite(config)
    schema = full_schema()
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        raise ConfigError(_explain(jsonschema.exceptions.best_match(errors)))
    cfg = copy.deepcopy(config)
    cfg.setdefault("numerics", {})
    cfg.setdefault("resources", {})
    _set_defaults(schema, cfg)
    _semantic_checks(cfg)
    return cfg


def _semantic_checks(cfg: dict) -> None:
    max_mem = cfg["resources"]["max_mem_mb"]
    for name, entry in cfg["models"].items():
        t = model_times(cfg, name)
        for N in entry["N"]:
            mem = MODELS[name].memory_mb(int(N), len(t))
            if mem > max_mem:
                raise ConfigError(
                    f"config key models.{name}.N: N={N} needs about {mem} MB per job, more than "
                    f"resources.max_mem_mb={max_mem}; lower N or raise resources.max_mem_mb"
                )


def load_config(path: str | Path) -> dict:
    with open(path) as f:
        try:
            cfg = yaml.safe_load(f)
        except yaml.YAMLError as e:
            raise ConfigError(f"config file {path} is not valid YAML: {e}") from None
    return validate_config(cfg)


def model_times(cfg: dict, model: str) -> np.ndarray:
    """The time grid of ``model``: its own ``time`` entry or the study's."""
    entry = cfg["models"][model]
    t = entry["time"] if "time" in entry else cfg["time"]
    return np.linspace(0.0, float(t["t_max"]), int(t["points"]))


def model_params(cfg: dict, model: str) -> dict:
    """Parameter grid of ``model`` from the config (lists sweep, scalars fix)."""
    return {k: v for k, v in cfg["models"][model].items() if k not in ("N", "time")}
