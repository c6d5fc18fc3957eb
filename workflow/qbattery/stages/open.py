"""Stage ``open``: Lindblad charging of every model of ``open_systems.models`` (its lindblad
face), one job per (model, N) over the rates x temperature x parameter grid, merged per model."""

from __future__ import annotations

from collections.abc import Mapping

import xarray as xr

from ..open_systems import study as open_study
from ..open_systems.run import open_grid
from .base import job_function, job_numerics, numerics_subtree

SECTION = "open_systems"
#: section keys every open job reads (besides the rates its model uses and the time grid)
SETTINGS_KEYS = ("discharge", "late_time", "fock_extra", "fock_max_factor", "truncation_tol", "positivity_samples")
#: numerics the open-system route reads
NUMERICS_KEYS = ("norm_tol", "state_tol", "first_law_tol", "on_violation")


def section(cfg: Mapping) -> dict:
    return cfg.get(SECTION) or {}


def models(cfg: Mapping) -> list[str]:
    return sorted(section(cfg).get("models", {}))


def n_values(cfg: Mapping, model: str) -> list[int]:
    return [int(n) for n in section(cfg)["models"][model]["N"]]


def model_rates(cfg: Mapping, model: str) -> tuple[str, ...]:
    """The baths (rate keys) of ``model``'s lindblad face."""
    return tuple(open_study.rates(cfg, model))


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


@job_function("open_point")
def _open_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    model, N = wildcards["model"], int(wildcards["N"])
    return open_grid(
        model,
        [N],
        open_study.times(job_cfg, model),
        open_study.rates(job_cfg, model),
        open_study.params(job_cfg, model),
        open_study.settings(job_cfg),
        job_numerics(job_cfg),
        config=job_cfg,
    )


def mem_mb(cfg: Mapping, model: str, N: int | str) -> int:
    return open_study.mem_mb(cfg, model, int(N))


def check(cfg: Mapping) -> None:
    open_study.check_config(cfg)

