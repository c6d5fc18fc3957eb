"""Stages ``simulate`` and ``power``: closed charging of every model of ``models`` (one job per
model and N), merged into one grid per model, then the power analysis against the parallel
reference.

The power stage reads the reference's grid from a file: ``simulate/<reference>.nc`` when the
study simulates the reference on a grid that covers the model's (every N, every shared
parameter value, the reference's other parameters at their defaults, the same time grid), else
``simulate/reference/<model>.nc``, made by reference jobs of their own on exactly the model's grid.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from .. import normalisations as norms
from ..analysis import analyse_power
from ..config import model_params, model_times
from ..io import open_dataset
from ..models import get_model
from ..simulate import simulate
from .base import closed_numerics_keys, job_function, merge_grid, numerics_subtree, prune


def models(cfg: Mapping) -> list[str]:
    """The models of the study (every entry of ``models`` has the closed face), sorted."""
    return sorted(cfg["models"])


def n_values(cfg: Mapping, model: str) -> list[int]:
    return [int(n) for n in cfg["models"][model]["N"]]


def _entry_job(cfg: Mapping, model: str, entry: dict, N) -> dict:
    job = {"models": {model: {**entry, "N": [int(n) for n in np.atleast_1d(N)]}}}
    if "time" not in entry:
        job.update(prune(cfg, [("time",)]))
    job["numerics"] = numerics_subtree(cfg, closed_numerics_keys(model))
    return job


def job_config(cfg: Mapping, model: str, N: int | str) -> dict:
    """Config subtree of ``simulate_point``: the model's entry at this N, its time grid and the
    numerics its closed face reads; for a random model also the study ``seed`` (the entry's
    ``realisations`` and ``realisations_per_job`` fix the job's chunk of realisations)."""
    job = _entry_job(cfg, model, dict(cfg["models"][model]), [int(N)])
    if is_random(model):
        job["seed"] = int(cfg["seed"])
    return job


# ---------------------------------------------------------------------- disorder realisations
def is_random(model: str) -> bool:
    """Whether ``model`` has random parameters (jobs per N and chunk of realisations)."""
    return bool(get_model(model).random)


def random_models(cfg: Mapping) -> list[str]:
    return [m for m in models(cfg) if is_random(m)]


def deterministic_models(cfg: Mapping) -> list[str]:
    return [m for m in models(cfg) if not is_random(m)]


def chunks(cfg: Mapping, model: str) -> list[int]:
    """Chunk indices c = 0..ceil(R / k) - 1 of a random model (R realisations, k per job)."""
    entry = cfg["models"][model]
    R, k = int(entry["realisations"]), int(entry.get("realisations_per_job", 8))
    return list(range(-(-R // k)))


def chunk_realisations(job_cfg: Mapping, model: str, chunk: int | str) -> list[int]:
    """Realisation indices of chunk c: [c k, min((c + 1) k, R))."""
    entry = job_cfg["models"][model]
    R, k, c = int(entry["realisations"]), int(entry.get("realisations_per_job", 8)), int(chunk)
    if not 0 <= c * k < R:
        raise ValueError(f"chunk {c} of model {model!r} is outside its {R} realisations ({k} per job)")
    return list(range(c * k, min((c + 1) * k, R)))


# ---------------------------------------------------------------------- parallel reference
def reference_of(model: str) -> str | None:
    return get_model(model).reference


def reference_entry(cfg: Mapping, model: str) -> dict:
    """The reference's entry on ``model``'s grid: shared parameters, N list and time grid."""
    ref = get_model(reference_of(model))
    entry = cfg["models"][model]
    names = {p.name for p in ref.parameters}
    out = {k: v for k, v in entry.items() if k in names}
    out["N"] = list(entry["N"])
    out["time"] = dict(entry.get("time", cfg["time"]))
    return out


def _values(v) -> list:
    return list(v) if isinstance(v, list) else [v]


def study_covers_reference(cfg: Mapping, model: str) -> bool:
    """Whether the study's own grid of the reference contains ``model``'s reference grid."""
    ref_name = reference_of(model)
    if ref_name is None or ref_name not in cfg["models"]:
        return False
    need, have = reference_entry(cfg, model), cfg["models"][ref_name]
    if not set(need["N"]) <= set(int(n) for n in have["N"]):
        return False
    if dict(have.get("time", cfg["time"])) != need["time"]:
        return False
    for p in get_model(ref_name).parameters:
        want = _values(need.get(p.name, p.default))
        if not set(map(float, want)) <= set(map(float, _values(have.get(p.name, p.default)))):
            return False
    return True


def reference_job_config(cfg: Mapping, model: str) -> dict:
    """Config subtree of a reference job: the reference model on ``model``'s grid (every N)."""
    ref = reference_of(model)
    entry = reference_entry(cfg, model)
    return _entry_job(cfg, ref, entry, entry["N"])


def reference_mem_mb(cfg: Mapping, model: str) -> int:
    """Memory request of a reference job: the reference's estimate at the largest N."""
    entry = reference_entry(cfg, model)
    return get_model(reference_of(model)).memory_mb(max(int(n) for n in entry["N"]), len(model_times({"models": {"r": entry}}, "r")))


def reference_models(cfg: Mapping) -> list[str]:
    """Models whose reference needs jobs of its own (the study does not cover it)."""
    return [m for m in models(cfg) if reference_of(m) is not None and not study_covers_reference(cfg, m)]


def reference_source(cfg: Mapping, model: str) -> str | None:
    """Which file holds ``model``'s reference grid: "study", "dedicated" or None."""
    if reference_of(model) is None:
        return None
    return "study" if study_covers_reference(cfg, model) else "dedicated"


def select_reference(ref: xr.Dataset, sim: xr.Dataset) -> xr.Dataset:
    """The reference grid at ``sim``'s N and at its values of every shared parameter (a swept
    parameter keeps its axis, a fixed one is selected as a scalar)."""
    sel: dict[str, Any] = {"N": sim.N.values}
    for p in get_model(ref.attrs["model"]).parameters:
        if p.name in sim.coords:
            sel[p.name] = sim[p.name].values if sim[p.name].ndim else sim[p.name].values.item()
        else:  # a parameter of the reference only: its default (study_covers_reference checked it)
            sel[p.name] = p.default
    out = ref.sel({k: v for k, v in sel.items() if k in ref.dims})
    for k, v in sel.items():
        if k not in ref.dims and k in ref.coords and not np.allclose(ref[k].values, v):
            raise ValueError(f"reference grid {ref.attrs.get('model')!r} has {k} = {ref[k].values}, the model {v}")
    return out


# ---------------------------------------------------------------------- job functions
def simulate_point(job_cfg: Mapping, model: str, N: int | list[int], chunk: int | str | None = None) -> xr.Dataset:
    """``model`` at N (one or a list) over its whole parameter grid, from its job config subtree
    (a random model: the realisations of ``chunk``)."""
    from .base import job_numerics

    from ..config import study_model

    extra = {}
    if is_random(model):
        extra = {"realisations": chunk_realisations(job_cfg, model, 0 if chunk is None else chunk), "seed": int(job_cfg["seed"])}
    return simulate(
        study_model(dict(job_cfg), model) if get_model(model).user_defined else model,
        N=[int(n) for n in np.atleast_1d(N)],
        times=model_times(job_cfg, model),
        numerics=job_numerics(job_cfg),
        config=dict(job_cfg),
        **extra,
        **model_params(job_cfg, model),
    )


@job_function("simulate_point")
def _simulate_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return simulate_point(job_cfg, wildcards["model"], int(wildcards["N"]))


@job_function("simulate_realisations")
def _realisations_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return simulate_point(job_cfg, wildcards["model"], int(wildcards["N"]), wildcards["chunk"])


@job_function("simulate_reference")
def _reference_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    ref = reference_of(wildcards["model"])
    return simulate_point(job_cfg, ref, job_cfg["models"][ref]["N"])


# ---------------------------------------------------------------------- normalisations (issue 19)
def normalisation_names(cfg: Mapping) -> list[str]:
    """``power.normalisations`` of the study (validated configs hold the default list)."""
    return list((cfg.get("power") or {}).get("normalisations", norms.DEFAULT))


def normalised_jobs(cfg: Mapping) -> list[tuple[str, str]]:
    """(model, normalisation) pairs that need simulate jobs of their own (``normalisations.needs_simulation``)."""
    return [(m, n) for m in models(cfg) for n in normalisation_names(cfg) if norms.needs_simulation(n, m)]


def normalised_names(cfg: Mapping, model: str) -> list[str]:
    return [n for m, n in normalised_jobs(cfg) if m == model]


def normalised_job_config(cfg: Mapping, model: str, normalisation: str) -> dict:
    """Config subtree of ``simulate_normalised``: the model's entry (every N), its time grid and
    numerics; the normalisation is the job's wildcard, its factor follows from the entry."""
    entry = dict(cfg["models"][model])
    return _entry_job(cfg, model, entry, entry["N"])


@job_function("simulate_normalised")
def _normalised_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    model, name = wildcards["model"], wildcards["normalisation"]
    from .base import job_numerics

    return simulate(
        model,
        N=[int(n) for n in job_cfg["models"][model]["N"]],
        times=model_times(job_cfg, model),
        numerics=job_numerics(job_cfg),
        config=dict(job_cfg),
        rescale=lambda N, point: norms.rescaled(model, point, norms.factor(name, model, N, point)),
        **model_params(job_cfg, model),
    )


def power_job_config(cfg: Mapping, model: str) -> dict:
    """Config subtree of ``analyse_power``: the normalisations (for a model with a reference) and
    the policy of the bound check (``numerics.on_violation``)."""
    job: dict = {"numerics": numerics_subtree(cfg, ("on_violation",))}
    if reference_of(model) is not None:
        job["power"] = {"normalisations": normalisation_names(cfg)}
    return job


def power_analysis(
    grid: xr.Dataset, reference: xr.Dataset | None, job_cfg: Mapping | None = None, normalised: dict[str, xr.Dataset] | None = None
) -> xr.Dataset:
    """Power, tau*, alpha, and Gamma(N) of a merged grid against its reference grid, under every
    normalisation of ``job_cfg`` (``normalised``: their simulated grids), with the power bounds;
    the provenance is the grid's own (merged) config."""
    config = json.loads(grid.attrs["config_json"]) if "config_json" in grid.attrs else None
    ref = select_reference(reference, grid) if reference is not None else None
    job_cfg = job_cfg or {}
    names = normalisation_names(job_cfg) if "power" in job_cfg else []
    on_violation = (job_cfg.get("numerics") or {}).get("on_violation", "fail")
    return analyse_power(grid, ref, config=config, normalisations=names, normalised=normalised, on_violation=on_violation)


@job_function("analyse_power")
def _power_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    ref = inputs.get("reference")
    normalised = {k.removeprefix("normalised_"): open_dataset(v) for k, v in inputs.items() if k.startswith("normalised_")}
    return power_analysis(open_dataset(inputs["grid"]), open_dataset(ref) if ref else None, job_cfg, normalised)


def merge_files(paths: list[str]) -> xr.Dataset:
    """The merged grid of per-N files, every point's health record kept."""
    return merge_grid([open_dataset(p) for p in paths])


# ---------------------------------------------------------------------- checks before any job
#: the grid on which a tau* beyond t_max is located for the message: this many times longer
TAU_SEARCH_FACTOR = 4


def _parameter_points(m, entry: Mapping) -> list[dict]:
    """Every point of the parameter grid of ``entry`` (lists sweep), defaults filled in."""
    import itertools

    values = {p.name: _values(entry.get(p.name, p.default)) for p in m.parameters}
    names = list(values)
    return [dict(zip(names, combo)) for combo in itertools.product(*(values[n] for n in names))]


def parallel_grids(cfg: Mapping) -> list[tuple[str, str, dict, np.ndarray]]:
    """(config key of the time grid, parallel model, entry, times) of every grid a model of kind
    "parallel" is simulated on: its own entry in ``models`` and every reference grid. Their tau*
    does not depend on N (N independent cells: E_N(t) = N E_1(t)), so N = 1 gives it exactly."""
    out = []
    for name in models(cfg):
        entry = cfg["models"][name]
        key = f"models.{name}.time.t_max" if "time" in entry else "time.t_max"
        if get_model(name).kind == "parallel":
            out.append((key, name, dict(entry), model_times(cfg, name)))
        ref = reference_of(name)
        if ref is not None and get_model(ref).kind == "parallel":
            ref_entry = reference_entry(cfg, name)
            out.append((key, ref, ref_entry, model_times({"models": {"r": ref_entry}}, "r")))
    return out


def check_tau_star_covered(cfg: Mapping) -> None:
    """Before any job: the time grid of every parallel model and parallel reference covers its
    tau* (a maximum of E(t)/t or Erg(t)/t at the last grid point biases P_max and Gamma low;
    the power stage would fail there under ``numerics.on_violation: fail``). Computed exactly
    at N = 1 on the job's own grid (a few ms per parameter point)."""
    from ..config import ConfigError
    from ..models.base import Numerics
    from ..physics.power import summarise
    from ..validation import CONFIG, invalid

    if (cfg.get("numerics") or {}).get("on_violation", "fail") != "fail":
        return  # under "nan" the power stage records such points as NaN with the reason
    num = Numerics.from_config(cfg.get("numerics"), seed=cfg.get("seed"))
    seen = set()
    for key, name, entry, t in parallel_grids(cfg):
        m = get_model(name)
        for point in _parameter_points(m, entry):
            tag = (name, len(t), float(t[-1]), tuple(sorted(point.items())))
            if tag in seen:
                continue
            seen.add(tag)
            traj = m.run(1, t, point, num)
            for curve, what in ((traj.energy, "tau*"), (traj.ergotropy, "ergotropy-based tau*")):
                if summarise(t, curve - curve[0]).tau_at_boundary:
                    long = np.linspace(0.0, TAU_SEARCH_FACTOR * t[-1], TAU_SEARCH_FACTOR * (len(t) - 1) + 1)
                    lt = m.run(1, long, point, num)
                    s = summarise(long, (lt.energy - lt.energy[0]) if what == "tau*" else (lt.ergotropy - lt.ergotropy[0]))
                    where = " ".join(f"{k}={v:g}" for k, v in point.items())
                    found = f"tau* = {s.tau_star:.4g}" if not s.tau_at_boundary else f"tau* > {long[-1]:g}"
                    reason = f"the grid ends before {what} of the parallel model {name} at {where} ({found})"
                    reason += ": P_max and Gamma would be biased low"
                    raise ConfigError(
                        str(invalid(CONFIG + key, float(t[-1]), reason, "t_max above tau* (or numerics.on_violation: nan)"))
                    ) from None


def check(cfg: Mapping) -> None:
    """The simulate and power stages' checks before any job (:func:`check_tau_star_covered`)."""
    check_tau_star_covered(cfg)
