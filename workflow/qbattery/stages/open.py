"""Stage ``open``: Lindblad charging of every model of ``open_systems.models`` (its lindblad
face), one job per (model, N) over the rates x temperature x parameter grid, merged per model.

Rates and temperature may be given for the whole section and overridden per model; a list
sweeps (a dimension of the grid), a scalar fixes (a 0-d coordinate)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from ..config import ConfigError
from ..models import get_model
from ..open_systems.problem import RATES
from ..open_systems.run import OpenSettings, open_grid
from ..validation import check_memory
from .base import job_function, job_numerics, numerics_subtree

SECTION = "open_systems"
#: keys of a model entry that are not model parameters
MODEL_KEYS = ("N", "time", *RATES)
#: section keys every open job reads (besides the rates its model uses and the time grid)
SETTINGS_KEYS = ("discharge", "late_time", "fock_extra", "fock_max_factor", "truncation_tol", "positivity_samples")
#: numerics the open-system route reads
NUMERICS_KEYS = ("norm_tol", "state_tol", "first_law_tol", "on_violation")


def section(cfg: Mapping) -> dict:
    return cfg.get(SECTION) or {}


def models(cfg: Mapping) -> list[str]:
    """Open models of the study (empty without an ``open_systems`` section)."""
    return sorted(section(cfg).get("models", {}))


def n_values(cfg: Mapping, model: str) -> list[int]:
    return [int(n) for n in section(cfg)["models"][model]["N"]]


def model_rates(cfg: Mapping, model: str) -> tuple[str, ...]:
    """The baths (rate keys) of ``model``'s lindblad face."""
    return tuple(get_model(model, face="lindblad").lindblad_rates)


def times(cfg: Mapping, model: str) -> np.ndarray:
    """Time grid: the model's own ``time``, else the section's, else the study's."""
    sec = section(cfg)
    entry = sec["models"][model]
    t = entry["time"] if "time" in entry else sec["time"] if "time" in sec else cfg["time"]
    return np.linspace(0.0, float(t["t_max"]), int(t["points"]))


def rates(cfg: Mapping, model: str) -> dict:
    """Rates and temperature of ``model``: per-model entries override the section's."""
    sec = section(cfg)
    entry = sec["models"][model]
    return {r: entry[r] if r in entry else sec.get(r, 0.0) for r in model_rates(cfg, model)}


def params(cfg: Mapping, model: str) -> dict:
    return {k: v for k, v in section(cfg)["models"][model].items() if k not in MODEL_KEYS}


def job_config(cfg: Mapping, model: str, N: int | str) -> dict:
    """Config subtree of ``open_point``: the model's entry at this N, the section's rates it
    uses and does not override, the section's settings, the time grid and the numerics."""
    sec = section(cfg)
    entry = {**sec["models"][model], "N": [int(N)]}
    sub: dict = {"models": {model: entry}}
    for key in (*SETTINGS_KEYS, *model_rates(cfg, model)):
        if key in sec and key not in entry:
            sub[key] = sec[key]
    job: dict = {SECTION: sub}
    if "time" not in entry:
        if "time" in sec:
            sub["time"] = sec["time"]
        else:
            job["time"] = cfg["time"]
    job["numerics"] = numerics_subtree(cfg, NUMERICS_KEYS)
    return job


def open_point(job_cfg: Mapping, model: str, N: int) -> xr.Dataset:
    """Open ``model`` at one N over its rates x parameter grid, from its job config subtree."""
    return open_grid(
        model,
        [int(N)],
        times(job_cfg, model),
        rates(job_cfg, model),
        params(job_cfg, model),
        OpenSettings.from_config(section(job_cfg)),
        job_numerics(job_cfg),
        config=dict(job_cfg),
    )


@job_function("open_point")
def _open_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return open_point(job_cfg, wildcards["model"], int(wildcards["N"]))


def mem_mb(cfg: Mapping, model: str, N: int | str) -> int:
    return get_model(model, face="lindblad").lindblad_memory_mb(int(N), len(times(cfg, model)))


def check(cfg: Mapping) -> None:
    """Memory per job (the schema already bounds N per route and the rates per model)."""
    limit = (cfg.get("resources") or {}).get("max_mem_mb")
    for name, entry in section(cfg).get("models", {}).items():
        for N in entry["N"]:
            try:
                check_memory(f"config key {SECTION}.models.{name}.N", int(N), mem_mb(cfg, name, N), limit, "resources.max_mem_mb")
            except ValueError as err:
                raise ConfigError(str(err)) from None
