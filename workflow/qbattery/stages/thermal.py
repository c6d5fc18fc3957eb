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


def check(cfg: Mapping) -> None:
    """Before any job: every (N, bath size) gives a joint battery (x) bath (x) resource space of
    dimension <= numerics.dense_max_dim (the stage diagonalises it densely; a bath of 16 qubits
    at N = 4 is 2^21)."""
    from ..thermal import joint_dimension
    from ..validation import CONFIG, invalid

    if not enabled(cfg):
        return
    sec, limit = cfg[SECTION], int((cfg.get("numerics") or {}).get("dense_max_dim", 1000))
    for N in sec["N"]:
        for M in sec["bath"]["sizes"]:
            dim = joint_dimension(int(N), sec["bath"]["kind"], int(M))
            if dim > limit:
                reason = f"at N={N} the joint battery (x) bath (x) resource dimension is {dim} > numerics.dense_max_dim={limit}"
                raise invalid(
                    f"{CONFIG}{SECTION}.bath.sizes",
                    int(M),
                    reason,
                    "lower thermal.N or thermal.bath.sizes, or raise numerics.dense_max_dim",
                )
