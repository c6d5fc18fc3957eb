"""Stage ``correlations``: battery-charger correlations of every study model with a joint face
(``correlations.models``, default all of them), on the simulation's grid, with switch-off times
from ``power/<model>.nc`` and the converged Fock cutoff from ``simulate/<model>/N<N>.nc``;
one job per model, or per (model, N) plus a merge with ``correlations.split_N``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from .. import correlations as corr
from ..config import model_params, model_times, study_model
from ..io import open_dataset
from ..models import get_model, models_with
from .base import job_function, job_numerics, merge_grid, numerics_subtree, prune

SECTION = "correlations"
#: numerics of the stage itself (health policy and its diagnostics' tolerances)
STAGE_NUMERICS = ("on_violation", "norm_tol", "truncation_tol")


def models(cfg: Mapping) -> list[str]:
    """Models analysed (``correlations.models``, default every study model with a joint face);
    empty without a ``correlations`` section. Raises ValueError for a model not in the study."""
    if SECTION not in cfg:
        return []
    wanted = (cfg[SECTION] or {}).get("models")
    joint = [n for n in sorted(cfg["models"]) if study_model(cfg, n).has("joint")]
    if wanted is None:
        return joint
    missing = [n for n in wanted if n not in cfg["models"]]
    if missing:
        raise ValueError(
            f"config key correlations.models: {', '.join(map(repr, missing))} not simulated in this study; allowed: {', '.join(joint)}"
        )
    return sorted(wanted)


def split_by_N(cfg: Mapping) -> bool:
    return bool((cfg.get(SECTION) or {}).get("split_N", False))


def job_config(cfg: Mapping, model: str, N: int | str | None = None) -> dict:
    """Config subtree of a correlations job (all N of the model, or one N): the model's entry,
    its time grid, the switch-off names and the numerics of its joint face."""
    entry = dict(cfg["models"][model])
    if N is not None:
        entry["N"] = [int(N)]
    job = {"models": {model: entry}, SECTION: {"switch_off": list(cfg[SECTION].get("switch_off", []))}}
    if "time" not in entry:
        job.update(prune(cfg, [("time",)]))
    job["numerics"] = numerics_subtree(cfg, {*get_model(model).numerics_keys("joint"), *STAGE_NUMERICS})
    return job


def correlations_point(job_cfg: Mapping, model: str, N: int, power: xr.Dataset, simulated: xr.Dataset | None) -> xr.Dataset:
    """Correlations of ``model`` at one N: switch-off times from ``power``, Fock cutoff from ``simulated``."""
    times = model_times(job_cfg, model)
    if power.sizes["t"] != len(times) or not np.allclose(power.t.values, times):
        raise ValueError(f"power dataset of {model!r} is on another time grid than the config's")
    switch = {n: power[corr.SWITCH_OFF_TIMES[n]] for n in job_cfg[SECTION]["switch_off"]}
    cut = simulated["fock_cutoff"] if simulated is not None and "fock_cutoff" in simulated else None
    m = study_model(dict(job_cfg), model) if get_model(model).user_defined else model
    return corr.correlations_grid(m, int(N), times, model_params(job_cfg, model), job_numerics(job_cfg), switch, cut, dict(job_cfg))


@job_function("correlations_point")
def _point_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return correlations_point(
        job_cfg, wildcards["model"], int(wildcards["N"]), open_dataset(inputs["power"]), open_dataset(inputs["simulated"])
    )


@job_function("correlations_model")
def _model_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    power = open_dataset(inputs["power"])
    parts = []
    for path in inputs["simulated"]:
        sim = open_dataset(path)
        parts.append(correlations_point(job_cfg, wildcards["model"], int(sim.N.values[0]), power, sim))
    return corr._char_labels(merge_grid(parts))


def mem_mb(cfg: Mapping, model: str, N: int | str | None = None) -> int:
    """Twice the model's simulate estimate (joint states plus the analysis arrays), at N or the largest N."""
    Ns = [int(N)] if N is not None else [int(n) for n in cfg["models"][model]["N"]]
    nt = len(model_times(cfg, model))
    return 2 * max(get_model(model).memory_mb(n, nt) for n in Ns)


def check(cfg: Mapping) -> None:
    from ..config import ConfigError

    try:
        for m in models(cfg):
            if not study_model(cfg, m).has("joint"):
                allowed = ", ".join(models_with("joint"))
                if get_model(m).user_defined:
                    raise ValueError(
                        f"config key correlations.models: model {m!r} has no charger factor H_C or is open / time dependent "
                        f"(its correlations need a closed, time-independent battery with H_C); allowed: {allowed}"
                    )
                raise ValueError(f"config key correlations.models: model {m!r} has no explicit charger; allowed: {allowed}")
    except ValueError as err:
        raise ConfigError(str(err)) from None
