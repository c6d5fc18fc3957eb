"""Stage ``thermal``: thermal-operation no-go, resources against their free-energy bounds, and
W_TO of the protocol states (the protocol models are re-run through their closed face)."""

from __future__ import annotations

from collections.abc import Mapping

import xarray as xr

from ..thermal import thermal_dataset
from .base import closed_numerics_keys, job_function, numerics_subtree

SECTION = "thermal"
#: numerics of the stage itself
NUMERICS_KEYS = ("dense_max_dim", "on_violation", "state_tol")


def enabled(cfg: Mapping) -> bool:
    return cfg.get(SECTION) is not None


def protocol_models(cfg: Mapping) -> list[str]:
    """Protocol models re-run for W_TO that the study simulates."""
    return [m for m in (cfg.get(SECTION) or {}).get("protocol", {}).get("models", []) if m in cfg["models"]]


def job_config(cfg: Mapping) -> dict:
    """Config subtree of the thermal job: its section, the seed, the protocol models' entries
    (with their time grids) and the numerics of the stage and of those models' closed faces."""
    job: dict = {SECTION: {k: v for k, v in cfg[SECTION].items() if k != "figure"}, "seed": cfg["seed"]}
    names = protocol_models(cfg)
    job["models"] = {m: dict(cfg["models"][m]) for m in names}
    if any("time" not in cfg["models"][m] for m in names):
        job["time"] = cfg["time"]
    keys = set(NUMERICS_KEYS)
    for m in names:
        keys |= set(closed_numerics_keys(m))
    job["numerics"] = numerics_subtree(cfg, keys)
    return job


@job_function("thermal_operations")
def _thermal_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return thermal_dataset(dict(job_cfg))
