"""The stage contract: what every stage of the workflow declares.

A stage (simulate, power, open, correlations, work, thermal, figures) is a module of
``qbattery.stages`` that declares, for a validated study config ``cfg``:

- its jobs: the wildcard values of every job (``jobs(cfg)``);
- each job's exact config subtree (``job_config(cfg, **wildcards)``): the validated config
  pruned to the keys the job reads, in the same nesting as the full config. It is the rule's
  ``params``, so Snakemake reruns a job exactly when its subtree changes; the library functions
  run on this subtree only (a key it lacks cannot be read), and the job's ``Numerics`` exposes
  only the declared numerics keys (:meth:`Numerics.declared`);
- its upstream files (the rule's ``input``) and how a job turns them into a Dataset
  (the job functions registered in :data:`JOB_FUNCTIONS`);
- its resources (memory, wall time) and the checks run before any job (``check(cfg)``).

Below the stages, the physics knows no config; above them, the rules are thin.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import xarray as xr

from ..models import get_model
from ..models.base import Numerics
from ..provenance import config_hash

Path = tuple[str, ...]

#: rule name -> function(job_config, inputs, wildcards) -> xr.Dataset (filled by the stage modules)
JOB_FUNCTIONS: dict[str, Callable[[dict, Mapping[str, Any], Mapping[str, str]], xr.Dataset]] = {}


def job_function(rule: str):
    """Register the library function behind the workflow rule ``rule``."""

    def deco(fn):
        if rule in JOB_FUNCTIONS:
            raise ValueError(f"job function of rule {rule!r} registered twice")
        JOB_FUNCTIONS[rule] = fn
        return fn

    return deco


def prune(cfg: Mapping, paths: Iterable[Path]) -> dict:
    """The part of ``cfg`` at ``paths`` (tuples of keys), nested as in ``cfg``; absent paths are
    skipped. ``prune(cfg, [("models", "dicke"), ("time",)])`` -> ``{"models": {"dicke": ...}, "time": ...}``."""
    out: dict = {}
    for path in paths:
        node: Any = cfg
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                break
            node = node[key]
        else:
            target = out
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = copy.deepcopy(node)
    return out


def numerics_subtree(cfg: Mapping, keys: Iterable[str]) -> dict:
    """``numerics`` of ``cfg`` restricted to ``keys`` (validated configs hold every key)."""
    num = cfg.get("numerics") or {}
    return {k: num[k] for k in sorted(set(keys)) if k in num}


def job_numerics(job_cfg: Mapping) -> Numerics:
    """The Numerics of a job: its config subtree's settings, and only those may be read."""
    return Numerics.of_job(dict(job_cfg))


def closed_numerics_keys(model: str) -> tuple[str, ...]:
    """Numerics keys of the closed face of ``model`` plus the simulate stage's own."""
    return tuple(sorted({*get_model(model).numerics_keys("closed"), "on_violation"}))


def has_key(cfg: Mapping, path: Path) -> bool:
    """Whether ``cfg`` holds a value at ``path``."""
    node: Any = cfg
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False
        node = node[key]
    return True


def with_n(job_cfg: dict, path: Path, N: Iterable[int]) -> dict:
    """``job_cfg`` with the N list at ``path`` (a model entry) replaced by ``N``."""
    node = job_cfg
    for key in path:
        node = node[key]
    node["N"] = [int(n) for n in N]
    return job_cfg


# --------------------------------------------------------------------------------------
# Merging per-job datasets: one grid, every point's health record kept
# --------------------------------------------------------------------------------------
def merge_configs(configs: list[dict]) -> dict:
    """One config for a merged grid: the parts' configs deep-merged, lists that differ
    (the N lists of per-N jobs) united in sorted order."""

    def merge(a, b):
        if isinstance(a, dict) and isinstance(b, dict):
            return {k: merge(a[k], b[k]) if k in a and k in b else copy.deepcopy(a.get(k, b.get(k))) for k in sorted({*a, *b})}
        if isinstance(a, list) and isinstance(b, list) and a != b:
            return sorted({json.dumps(x, sort_keys=True): x for x in a + b}.values(), key=_order)
        return copy.deepcopy(a)

    out: dict = {}
    for c in configs:
        out = merge(out, c) if out else copy.deepcopy(c)
    return out


def _order(x) -> tuple:
    """Sort key of united list items: numbers by value (N = 1, 4, 16), anything else by its JSON."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return (0, float(x), "")
    return (1, 0.0, json.dumps(x, sort_keys=True))


def merge_attrs(attrs: list[dict], context=None) -> dict:
    """``combine_attrs`` of a merge: attributes equal in every part are kept; the health
    records (``health_violations``) of all parts are joined, so a flagged point stays flagged;
    the configs are merged (``config_json``, ``config_hash``); ``history`` lists every part's."""
    if not attrs:
        return {}
    if not any("Conventions" in a for a in attrs):  # a variable's attrs: equal across parts
        return dict(attrs[0])
    out = {}
    keys = [k for k in attrs[0] if all(k in a for a in attrs)]
    for k in keys:
        vals = [a[k] for a in attrs]
        if all(_same(v, vals[0]) for v in vals):
            out[k] = vals[0]
    reasons = [r for a in attrs for r in str(a.get("health_violations", "none")).split("\n") if r and r != "none"]
    out["health_violations"] = "\n".join(dict.fromkeys(reasons)) if reasons else "none"
    if any("config_json" in a for a in attrs):
        merged = merge_configs([json.loads(a["config_json"]) for a in attrs if "config_json" in a])
        out["config_json"] = json.dumps(merged, sort_keys=True, default=str)
        out["config_hash"] = config_hash(merged)
    histories = [a["history"] for a in attrs if "history" in a]
    if histories:
        out["history"] = "\n".join(dict.fromkeys(histories)) + f"\nmerged {len(attrs)} parts by qbattery"
    return out


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    return a == b


def merge_grid(parts: list[xr.Dataset], dim: str = "N") -> xr.Dataset:
    """Combine per-job datasets into one grid (``xr.combine_by_coords``) sorted along ``dim``,
    keeping every part's health record (see :func:`merge_attrs`)."""
    ds = xr.combine_by_coords(parts, combine_attrs=merge_attrs)
    return ds.sortby(dim) if dim in ds.dims else ds
