"""Config-driven entry points of the open-system stage (config section ``open_systems``).

Rates and temperature may be given for the whole section and overridden per model; a list
sweeps (a dimension of the NetCDF grid), a scalar fixes (a dimension of length 1).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..config import ConfigError
from ..models import get_model
from ..models.base import Numerics
from .problem import RATES
from .run import OpenSettings, open_grid

SECTION = "open_systems"
MODEL_KEYS = ("N", "time", *RATES)


def section(cfg: dict) -> dict:
    return cfg.get(SECTION) or {}


def model_names(cfg: dict) -> list[str]:
    """Open models of the study (empty without an ``open_systems`` section)."""
    return sorted(section(cfg).get("models", {}))


def n_values(cfg: dict, model: str) -> list[int]:
    return [int(n) for n in section(cfg)["models"][model]["N"]]


def times(cfg: dict, model: str) -> np.ndarray:
    """Time grid: the model's own ``time``, else the section's, else the study's."""
    sec = section(cfg)
    t = sec["models"][model].get("time") or sec.get("time") or cfg["time"]
    return np.linspace(0.0, float(t["t_max"]), int(t["points"]))


def rates(cfg: dict, model: str) -> dict:
    """Rates and temperature of ``model``: per-model entries override the section's."""
    sec = section(cfg)
    entry = sec["models"][model]
    return {r: entry.get(r, sec.get(r, 0.0)) for r in get_model(model, face="lindblad").lindblad_rates}


def params(cfg: dict, model: str) -> dict:
    return {k: v for k, v in section(cfg)["models"][model].items() if k not in MODEL_KEYS}


def settings(cfg: dict) -> OpenSettings:
    return OpenSettings.from_config(section(cfg))


def numerics(cfg: dict) -> Numerics:
    return Numerics.from_config(cfg.get("numerics"), seed=cfg.get("seed"))


def open_point(cfg: dict, model: str, N: int) -> xr.Dataset:
    """One job of the workflow: open ``model`` at one N over its rates x parameter grid."""
    return open_grid(model, [int(N)], times(cfg, model), rates(cfg, model), params(cfg, model), settings(cfg), numerics(cfg), config=cfg)


def mem_mb(cfg: dict, model: str, N: int) -> int:
    return get_model(model, face="lindblad").lindblad_memory_mb(int(N), len(times(cfg, model)))


def check_config(cfg: dict) -> None:
    """Checks the schema cannot express: model-specific N limits, memory per job; raise ConfigError."""
    sec = section(cfg)
    if not sec:
        return
    max_mem = cfg.get("resources", {}).get("max_mem_mb", 16000)
    for name, entry in sec.get("models", {}).items():
        m = get_model(name, face="lindblad")
        unknown = set(rates(cfg, name)) - set(RATES)
        if unknown:  # pragma: no cover - the schema rejects them first
            raise ConfigError(f"config key {SECTION}.models.{name}: unknown rate(s) {sorted(unknown)}")
        ignored = sorted(r for r in RATES if r in entry and r not in m.lindblad_rates)
        if ignored:
            raise ConfigError(
                f"config key {SECTION}.models.{name}.{ignored[0]}: model {name!r} has no such bath; allowed rates: {', '.join(m.lindblad_rates)}"
            )
        max_N = m.max_N("lindblad")
        for N in entry["N"]:
            if int(N) > max_N:
                raise ConfigError(
                    f"config key {SECTION}.models.{name}.N: value {N} is too large for this route; allowed: N <= {max_N}"
                )
            mem = m.lindblad_memory_mb(int(N), len(times(cfg, name)))
            if mem > max_mem:
                raise ConfigError(
                    f"config key {SECTION}.models.{name}.N: N={N} needs about {mem} MB per job, more than "
                    f"resources.max_mem_mb={max_mem}; lower N or raise resources.max_mem_mb"
                )
