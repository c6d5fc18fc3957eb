"""Study configuration: JSON-schema validation with messages that name the key, the
value and what is allowed, plus the checks a schema cannot express.

The schema file is ``workflow/schemas/config.schema.yaml``; the entries of ``models`` are
generated from the model registry so that a new model is picked up automatically.
Config values are data: nothing is ever evaluated as code.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .models import MODELS
from .validation import CONFIG, InputError, check, check_fock_need, check_memory

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


#: a user mistake in the config: one line naming the key, the value and what is allowed; the
#: same error type as the library's argument checks (qbattery.validation)
ConfigError = InputError


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


#: how the jobs of each face's stage split over N (schema descriptions)
FACE_JOBS = {"closed": "one job per N", "lindblad": "one job per N", "work": "all N in one job"}


def _n_schema(max_N: int, face: str) -> dict:
    return {
        "description": f"numbers of cells N ({FACE_JOBS.get(face, 'one job per N')}; N <= {max_N})",
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"type": "integer", "minimum": 1, "maximum": int(max_N)},
    }


def face_entry_schema(name, face: str = "closed") -> dict:
    """JSON schema of one model's entry in the config section of ``face``: its N list, the
    face's stage keys (time grid, rates, pulse durations) and the model's parameters, all from
    the catalogue; the one place a model entry's schema is made. ``name``: a catalogue name or a
    Model instance (a user battery bound to its parameters)."""
    m = MODELS[name] if isinstance(name, str) else name
    props: dict[str, Any] = {"N": _n_schema(m.max_N(face), face)}
    props.update(m.stage_keys_schema(face))
    for p in m.parameters:
        props[p.name] = p.json_schema()
    required = ["N", *m.entry_required] + (["realisations"] if (m.random and face == "closed") else [])
    return {"type": "object", "additionalProperties": False, "required": required, "description": m.title, "properties": props}


def model_schema(name: str) -> dict:
    """Schema of ``models.<name>`` (closed face)."""
    return face_entry_schema(name, "closed")


def full_schema() -> dict:
    """The config schema: ``workflow/schemas/config.schema.yaml`` (study-level and stage keys)
    with every per-model entry generated from the catalogue by face."""
    from .models import models_with, user_models

    s = base_schema()
    for face, path in FACE_SECTIONS.items():
        names = models_with(face) + user_models(face)
        if not names:
            continue
        node = s
        for key in path:
            node = node["properties"][key]
        node["additionalProperties"] = False
        node["properties"] = {name: face_entry_schema(name, face) for name in names}
    # stage keys that name models take the catalogue's models of their face
    from .thermal_protocol import dicke_basis_models

    s["properties"]["correlations"]["properties"]["models"]["items"]["enum"] = models_with("joint") + user_models("joint")
    s["properties"]["thermal"]["properties"]["protocol"]["properties"]["models"]["items"]["enum"] = dicke_basis_models()
    s["properties"]["control"]["properties"]["cases"]["additionalProperties"]["properties"]["model"]["enum"] = models_with("control")
    return s


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
    schema = full_schema()
    check(config, schema, CONFIG)
    cfg = copy.deepcopy(config)
    cfg.setdefault("numerics", {})
    cfg.setdefault("resources", {})
    cfg.setdefault("power", {})
    _set_defaults(schema, cfg)
    _semantic_checks(cfg)
    return cfg


def refused_point(model, N: int, params: dict) -> tuple[str, str] | None:
    """(key, reason) of the first point of the parameter grid ``params`` (lists sweep) at N that
    ``model.refuse``s, or None."""
    import itertools

    names = [p.name for p in model.parameters]
    values = [params.get(k, p.default) for k, p in zip(names, model.parameters)]
    for combo in itertools.product(*[v if isinstance(v, (list, tuple)) else [v] for v in values]):
        msg = model.refuse(int(N), dict(zip(names, (float(x) for x in combo))))
        if msg:
            return msg
    return None


def _semantic_checks(cfg: dict) -> None:
    from .models.base import Numerics

    max_mem = cfg["resources"]["max_mem_mb"]
    numerics = Numerics.from_config(cfg["numerics"], seed=cfg.get("seed"))
    for name, entry in cfg["models"].items():
        for N in entry["N"]:
            bad = refused_point(MODELS[name], int(N), model_params(cfg, name))
            if bad:
                raise ConfigError(f"{CONFIG}models.{name}.{bad[0]}: {bad[1]}; lower it or N")
        t = model_times(cfg, name)
        if MODELS[name].user_defined:  # import the user's module, check its operators at the smallest point
            from .models.custom import check_entry

            check_entry(cfg, name, t)
        m = study_model(cfg, name)
        for N in entry["N"]:
            check_memory(f"{CONFIG}models.{name}.N", N, m.memory_mb(int(N), len(t)), max_mem, "resources.max_mem_mb")
        check_fock_need(CONFIG, m, entry["N"], model_params(cfg, name), float(t[-1]), numerics, f"models.{name}")
    for name in (cfg.get("work_statistics") or {}).get("protocols", {}):
        if MODELS[name].user_defined:  # a user battery as a TPM protocol
            from .models.custom import check_entry

            check_entry(cfg, name, None, ("work_statistics", "protocols"))


def _yaml_error(path: str | Path, err: yaml.YAMLError) -> ConfigError:
    """One line for a YAML syntax error: file, line, column (1-based) and what is wrong."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    where = f"config file {path}" + (f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "")
    problem = " ".join(str(x) for x in (getattr(err, "context", None), getattr(err, "problem", None)) if x) or str(err).splitlines()[0]
    return ConfigError(f"{where}: not valid YAML: {problem}", where=where, value=str(path), reason=problem)


def _duplicate_keys(node: yaml.Node, path: tuple = ()) -> tuple[tuple, int, int] | None:
    """The first key that a mapping of the YAML node tree ``node`` holds twice: (key path,
    line of its first, line of its second occurrence; 1-based), or None."""
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k.start_mark)
            if key in seen:
                return path + (key,), seen[key] + 1, k.start_mark.line + 1
            seen[key] = k.start_mark.line
            found = _duplicate_keys(v, path + (key,))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            found = _duplicate_keys(v, path + (i,))
            if found:
                return found
    return None


def read_config_file(path: str | Path) -> Any:
    """The content of a YAML (or JSON) config file, refusing what YAML would silently accept or
    Snakemake would report without a place: a syntax error (file, line, column) and a key given
    twice in one mapping (PyYAML keeps the last one: ``study:`` twice sends the results to
    another study's folder), named with both lines."""
    from .validation import json_path

    text = Path(path).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as e:
        raise _yaml_error(path, e) from None
    dup = _duplicate_keys(node) if node is not None else None
    if dup:
        key, first, second = dup
        name = json_path(key)
        raise ConfigError(
            f"config file {path}: key {name} is given twice, at lines {first} and {second} (YAML would silently keep the last); remove one",
            where=f"{CONFIG}{name}",
            value=name,
            reason="duplicate key",
        )
    return data


def check_config_files(paths) -> None:
    """Read every config file of a run with :func:`read_config_file` (before Snakemake's own
    loader, which lets duplicate keys through)."""
    for p in paths:
        read_config_file(p)


def load_config(path: str | Path) -> dict:
    return validate_config(read_config_file(path))


def model_times(cfg: dict, model: str) -> np.ndarray:
    """The time grid of ``model``: its own ``time`` entry or the study's."""
    entry = cfg["models"][model]
    t = entry["time"] if "time" in entry else cfg["time"]
    return np.linspace(0.0, float(t["t_max"]), int(t["points"]))


def model_params(cfg: dict, model: str) -> dict:
    """Parameter grid of ``model`` from the config (lists sweep, scalars fix); a user battery's
    are its entry's ``parameters``."""
    if MODELS[model].user_defined:
        return dict(cfg["models"][model].get("parameters") or {})
    return {k: v for k, v in cfg["models"][model].items() if k not in ("N", "time", "realisations", "realisations_per_job")}


def study_model(cfg: dict, name: str):
    """The model ``name`` of a study: the catalogue's, or a user battery bound to its config entry
    (its function and parameters, probed at the smallest point)."""
    m = MODELS[name]
    if m.user_defined:
        from .models.custom import bind

        return bind(cfg, name)
    return m
