"""Config-driven entry points used by the workflow scripts (and usable in a notebook).

Each function takes a validated config dict and returns xarray Datasets; the workflow
scripts only add file I/O around them.
"""

from __future__ import annotations

import xarray as xr

from .analysis import analyse_power
from .config import model_params, model_times
from .models import Numerics, get_model
from .simulate import simulate


def numerics_of(cfg: dict) -> Numerics:
    return Numerics.from_config(cfg.get("numerics"), seed=cfg.get("seed"))


def simulate_point(cfg: dict, model: str, N: int) -> xr.Dataset:
    """One job of the workflow: ``model`` at one N over its whole parameter grid."""
    return simulate(model, N=[int(N)], times=model_times(cfg, model), numerics=numerics_of(cfg), config=cfg, **model_params(cfg, model))


def merge_grid(parts: list[xr.Dataset]) -> xr.Dataset:
    """Combine per-N datasets into one grid (xr.combine_by_coords), keeping the attrs."""
    ds = xr.combine_by_coords(parts, combine_attrs="override")
    return ds.sortby("N")


def reference_grid(cfg: dict, model: str, N: list[int]) -> xr.Dataset | None:
    """The parallel reference of ``model`` at the same N and shared parameters, or None."""
    m = get_model(model)
    if m.reference is None:
        return None
    ref = get_model(m.reference)
    names = {p.name for p in ref.parameters}
    params = {k: v for k, v in model_params(cfg, model).items() if k in names}
    return simulate(ref.name, N=N, times=model_times(cfg, model), numerics=numerics_of(cfg), config=cfg, **params)


def power_analysis(cfg: dict, model: str, grid: xr.Dataset) -> xr.Dataset:
    """Power, tau*, alpha, and Gamma(N) against the parallel reference."""
    return analyse_power(grid, reference_grid(cfg, model, [int(n) for n in grid.N.values]), config=cfg)


def model_names(cfg: dict) -> list[str]:
    """The models of the study, sorted."""
    return sorted(cfg["models"])


def n_values(cfg: dict, model: str) -> list[int]:
    """The N list of one model."""
    return [int(n) for n in cfg["models"][model]["N"]]


def simulate_mem_mb(cfg: dict, model: str, N: int) -> int:
    """Memory request of one simulate job, from the model's estimate."""
    return get_model(model).memory_mb(int(N), len(model_times(cfg, model)))
