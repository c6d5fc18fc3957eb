"""Stage ``control``: optimal-control charging (GRAPE, ``physics.optimal_control``) of every case
of ``control.cases``, one job per (case, N), merged per case into ``control/<case>.nc``.

A case names a catalogue model with a control face (its battery, drift and initial state), the
control families switched on, the constraint (``amplitude``: |u_k| <= bound for every control;
``norm``: ||H_c(t)|| <= N bound, the operator norm of the parallel drive at amplitude ``bound``,
Binder et al. 2015), the objective and closed or open dynamics. Every job optimises at each final
time T of ``control.times`` from ``restarts`` seeded random pulses (seeds [seed, stage_seed, case
name, N]), then bisects the minimal time to charge ``fraction`` of the capacity, and
compares it with the model's fixed protocol (its closed face at the case's ``params``) and with
the speed limit of the constraint (``constraint_speed_limit``) and of the optimal pulse
(``anandan_aharonov_time``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import xarray as xr

from ..config import ConfigError
from ..models import get_model
from ..physics import optimal_control as oc
from ..physics.control_systems import FAMILIES
from ..provenance import provenance_attrs
from ..vocabulary import attrs
from .base import closed_numerics_keys, job_function, job_numerics, numerics_subtree

SECTION = "control"
#: section keys every control job reads
SETTINGS_KEYS = ("fraction", "slices", "restarts", "stage_seed", "max_iterations", "tol", "bisection", "reach_tol", "times")
RATE_KEYS = ("gamma", "gamma_phi", "temperature")
#: numerics the stage itself reads (besides the fixed protocol's closed-face keys)
NUMERICS_KEYS = ("norm_tol", "on_violation")
#: a fixed protocol's charging curve: this many times the largest T, on this many points
FIXED_SPAN, FIXED_POINTS = 4.0, 4001


def section(cfg: Mapping) -> dict:
    return cfg.get(SECTION) or {}


def cases(cfg: Mapping) -> list[str]:
    """The control cases of the study (empty without a ``control`` section)."""
    return sorted(section(cfg).get("cases", {}))


def n_values(cfg: Mapping, case: str) -> list[int]:
    return [int(n) for n in section(cfg)["cases"][case]["N"]]


def job_config(cfg: Mapping, case: str, N: int | str) -> dict:
    """Config subtree of ``control_point``: the section's settings, the case at this N (and its
    index among the cases, part of the seed), the study seed and the numerics its model's closed
    face reads (the fixed protocol)."""
    sec = section(cfg)
    entry = {**sec["cases"][case], "N": [int(N)]}
    sub = {k: sec[k] for k in SETTINGS_KEYS if k in sec}
    sub["cases"] = {case: entry}
    keys = {*closed_numerics_keys(entry["model"]), *NUMERICS_KEYS}
    return {SECTION: sub, "seed": cfg["seed"], "numerics": numerics_subtree(cfg, keys)}


def times(job_cfg: Mapping) -> np.ndarray:
    t = section(job_cfg)["times"]
    return np.linspace(float(t["t_min"]), float(t["t_max"]), int(t["points"]))


def model_params(case_entry: Mapping) -> dict:
    m = get_model(case_entry["model"])
    return {**m.defaults(), **dict(case_entry.get("params", {}))}


def constraint_of(case_entry: Mapping, N: int) -> oc.Constraint:
    bound = float(case_entry["bound"])
    return oc.Constraint(case_entry["constraint"], bound * N if case_entry["constraint"] == "norm" else bound)


def problem_of(case_entry: Mapping, N: int) -> oc.ControlProblem:
    system = get_model(case_entry["model"], face="control").control_system(int(N), model_params(case_entry))
    rates = {k: float(case_entry.get(k, 0.0)) for k in RATE_KEYS} if case_entry.get("dynamics", "closed") == "open" else None
    return system.problem(case_entry["controls"], case_entry.get("objective", "ergotropy"), rates)


def fixed_protocol_time(case_entry: Mapping, N: int, fraction: float, capacity: float, t_max: float, numerics) -> float:
    """First time the model's fixed protocol (closed face at the case's params) holds ``fraction``
    of ``capacity`` (e_max - e_min of the battery) as ergotropy (linear interpolation on the grid;
    NaN if never within FIXED_SPAN t_max)."""
    t = np.linspace(0.0, FIXED_SPAN * t_max, FIXED_POINTS)
    traj = get_model(case_entry["model"]).run(int(N), t, model_params(case_entry), numerics)
    target = np.full(len(t), fraction * capacity)
    above = np.flatnonzero(traj.ergotropy >= target)
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return 0.0
    y0, y1 = traj.ergotropy[i - 1] - target[i - 1], traj.ergotropy[i] - target[i]
    return float(t[i - 1] + (t[i] - t[i - 1]) * (-y0) / (y1 - y0))


def control_point(job_cfg: Mapping, case: str, N: int) -> xr.Dataset:
    """The optimal-control dataset of ``case`` at one N, from its job config subtree."""
    sec = section(job_cfg)
    entry = sec["cases"][case]
    numerics = job_numerics(job_cfg)
    problem = problem_of(entry, N)
    constraint = constraint_of(entry, N)
    T = times(job_cfg)
    seed = [int(job_cfg["seed"]), int(sec["stage_seed"]), _name_seed(case), int(N)]
    rng = np.random.default_rng(seed)
    fraction = float(sec["fraction"])
    sweep = oc.minimal_time(
        problem,
        constraint,
        T,
        fraction,
        int(sec["slices"]),
        int(sec["restarts"]),
        rng,
        bisection=int(sec["bisection"]),
        reach_tol=float(sec["reach_tol"]),
        max_iterations=int(sec["max_iterations"]),
        tol=float(sec["tol"]),
    )
    return control_dataset(job_cfg, case, N, problem, constraint, sweep, numerics)


def _name_seed(name: str) -> int:
    """A stable integer of a case name (seeds do not depend on the other cases of the study)."""
    return int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "little") % (2**31)


def _final_values(problem: oc.ControlProblem, r: oc.ControlResult) -> tuple[float, float]:
    """(ergotropy, stored energy) of the battery at T under the pulse of ``r``."""
    erg, en = replace(problem, objective="ergotropy"), replace(problem, objective="energy")
    return oc.evaluate(erg, r.pulse, r.T, grad=False)[0], oc.evaluate(en, r.pulse, r.T, grad=False)[0]


def _norm_error(problem: oc.ControlProblem, r: oc.ControlResult) -> float:
    """|<psi|psi> - 1| (closed) or |Tr rho - 1| (open) of the final state of the pulse of ``r``."""
    x = oc.evaluate(problem, r.pulse, r.T, grad=False)[2][-1]
    if problem.open:
        return float(abs(np.trace(oc.unvec(x, problem.dim)) - 1.0))
    return float(abs(np.vdot(x, x).real - 1.0))


def control_dataset(job_cfg, case, N, problem, constraint, sweep: oc.TimeSweep, numerics) -> xr.Dataset:
    """Dataset of one job: optimum at every T, minimal time, fixed protocol, speed limits, health."""
    sec = section(job_cfg)
    entry = sec["cases"][case]
    res = sweep.results
    nT, M, K = len(res), res[0].pulse.shape[0], res[0].pulse.shape[1]
    R = max(len(r.values) for r in res)  # seeded starts, then the warm start from the neighbouring T

    def padded(rows, fill=np.nan):
        out = np.full((len(rows), R), fill, dtype=float)
        for i, row in enumerate(rows):
            out[i, : len(row)] = row
        return out

    E = max(len(r.history) for r in res)
    finals = np.array([_final_values(problem, r) for r in res])
    hist = np.full((nT, E), np.nan)
    for i, r in enumerate(res):
        hist[i, : len(r.history)] = r.history
    cap = problem.capacity()
    t_min = sweep.minimal_time
    best = sweep.minimal_result
    pulse_min = best.pulse if best is not None else np.full((M, K), np.nan)
    fraction = float(sec["fraction"])
    t_fixed = fixed_protocol_time(entry, N, fraction, cap, float(times(job_cfg)[-1]), numerics)
    t_bound = oc.constraint_speed_limit(problem, constraint, fraction)
    t_aa = oc.anandan_aharonov_time(problem, best.pulse, best.T) if best is not None else float("nan")
    T = np.array([r.T for r in res])

    # health: norm (trace) of the final states, no optimum above the capacity, no minimal time
    # below the bound of the constraint
    reasons = []
    norm_error = max(_norm_error(problem, r) for r in res)
    if norm_error > numerics.norm_tol:
        reasons.append(f"case {case} N={N}: {'trace' if problem.open else 'norm'} error {norm_error:.3g} > numerics.norm_tol")
    tol = float(sec["reach_tol"]) * max(cap, 1.0) + 1e-9
    over = float(np.max(finals[:, 0]) - cap) if problem.objective == "ergotropy" else float(np.max(finals[:, 1]) - cap)
    if over > tol:
        reasons.append(f"case {case} N={N}: optimised objective exceeds the capacity {cap} by {over:.3g}")
    if np.isfinite(t_min) and np.isfinite(t_bound) and t_min < t_bound * (1 - 1e-9):
        reasons.append(f"case {case} N={N}: minimal time {t_min} beats the speed limit {t_bound}")
    if reasons and numerics.on_violation == "fail":
        raise RuntimeError("; ".join(reasons))
    if reasons:  # on_violation = nan: the results of this N are recorded as NaN, the reason in health_violations
        finals[:] = np.nan
        t_min = float("nan")

    def v(name, dims, values, **kw):
        return (dims, np.asarray(values), attrs(name, **kw))

    n = ("N",)
    ds = xr.Dataset(
        {
            "optimal_ergotropy": v("optimal_ergotropy", n + ("final_time",), finals[None, :, 0]),
            "optimal_stored_energy": v("optimal_stored_energy", n + ("final_time",), finals[None, :, 1]),
            "optimal_power_ergotropy": v("optimal_power_ergotropy", n + ("final_time",), (finals[:, 0] / T)[None]),
            "optimal_pulse": v("optimal_pulse", n + ("final_time", "slice", "control"), np.array([r.pulse for r in res])[None]),
            "restart_objective": v("restart_objective", n + ("final_time", "restart"), padded([r.values for r in res])[None]),
            "restart_spread": v("restart_spread", n + ("final_time",), np.array([r.spread for r in res])[None]),
            "optimiser_iterations": v("optimiser_iterations", n + ("final_time", "restart"), padded([r.iterations for r in res])[None]),
            "optimiser_converged": v(
                "optimiser_converged", n + ("final_time",), np.array([int(r.converged) for r in res], dtype="int8")[None]
            ),
            "convergence": v("convergence", n + ("final_time", "evaluation"), hist[None]),
            "minimal_time": v("minimal_time", n, [t_min]),
            "minimal_time_lower": v("minimal_time_lower", n, [sweep.lower_time if np.isfinite(t_min) else np.nan]),
            "minimal_time_pulse": v("minimal_time_pulse", n + ("slice", "control"), pulse_min[None]),
            "fixed_protocol_time": v("fixed_protocol_time", n, [t_fixed]),
            "time_gain": v("time_gain", n, [t_fixed / t_min if np.isfinite(t_min) and t_min > 0 else np.nan]),
            "speed_limit_time": v("speed_limit_time", n, [t_bound]),
            "speed_limit_ratio": v("speed_limit_ratio", n, [t_min / t_bound if np.isfinite(t_bound) and t_bound > 0 else np.nan]),
            "pulse_mt_time": v("pulse_mt_time", n, [t_aa]),
            "control_capacity": v("control_capacity", n, [cap]),
            "control_norm_bound": v("control_norm_bound", n, [constraint.control_norm_bound(problem.controls)]),
            ("trace_error" if problem.open else "norm_error"): v("trace_error" if problem.open else "norm_error", n, [norm_error]),
            "status": v("status", n, np.array([1 if reasons else 0], dtype="int8")),
        },
        coords={
            "N": ("N", [int(N)], attrs("N")),
            "final_time": ("final_time", T, attrs("final_time")),
            "slice": ("slice", np.arange(M), attrs("slice")),
            "control": ("control", np.arange(K), attrs("control")),
            "restart": ("restart", np.arange(R), attrs("restart")),
            "evaluation": ("evaluation", np.arange(E), attrs("evaluation")),
        },
    )
    ds["control_name"] = (("N", "control"), np.array([list(problem.names)], dtype=str), attrs("control_name"))
    ds["control_name"].encoding["dtype"] = "S1"  # classic netCDF char array, not a variable-length string
    model = get_model(entry["model"])
    ds.attrs.update(provenance_attrs(dict(job_cfg)))
    ds.attrs.update(model.attrs())
    ds.attrs.update(
        {
            "case": case,
            "control_frame": model.control_frame,
            "controls": " ".join(entry["controls"]),
            "constraint": entry["constraint"],
            "constraint_bound": float(entry["bound"]),
            "constraint_normalisation": "amplitude: |u_k(t)| <= bound per control; norm: ||sum_k u_k(t) H_k||_op <= N bound",
            "objective": problem.objective,
            "dynamics": entry.get("dynamics", "closed"),
            "fraction": fraction,
            "restarts": int(sec["restarts"]),
            "slices": int(sec["slices"]),
            "bisection_steps": int(sweep.bisection_steps),
            "optimiser": "GRAPE, exact gradients (eigenbasis / expm_frechet); L-BFGS-B (box) or SLSQP (operator-norm constraint)",
            "health_violations": "\n".join(reasons) if reasons else "none",
        }
    )
    ds.attrs.update(numerics.attrs())
    return ds


@job_function("control_point")
def _control_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return control_point(job_cfg, wildcards["case"], int(wildcards["N"]))


def merge_control(parts: list[xr.Dataset]) -> xr.Dataset:
    """One case over N: the per-N datasets concatenated along N; the axes whose length depends on
    N (controls of a local family, evaluations, starts) are outer-joined, NaN-padded (labels '')."""
    from .base import merge_attrs

    parts = sorted(parts, key=lambda d: int(d.N.values[0]))
    ds = xr.concat(parts, dim="N", join="outer", data_vars="all", coords="minimal", compat="override", combine_attrs=merge_attrs)
    ds["control_name"] = ds.control_name.fillna("").astype(str)
    ds["control_name"].encoding["dtype"] = "S1"
    return ds


def merge_files(paths, output: str, log: str) -> None:
    """The merge job: one case's per-N files -> ``control/<case>.nc`` (logged to ``log``)."""
    from ..io import open_dataset, write_netcdf
    from ..runner import logged

    with logged(log):
        write_netcdf(merge_control([open_dataset(p) for p in paths]), output)


def check(cfg: Mapping) -> None:
    """What the schema cannot say: the model's control face, its families, N and parameters."""
    for name, entry in section(cfg).get("cases", {}).items():
        key = f"config key {SECTION}.cases.{name}"
        m = get_model(entry["model"])
        if not m.has("control"):
            raise ConfigError(f"{key}.model = {entry['model']!r}: no control face; models with it: {', '.join(_control_models())}")
        too_big = [n for n in entry["N"] if int(n) > m.control_max_N]
        if too_big:
            raise ConfigError(f"{key}.N = {too_big}: the control route of {m.name!r} (full space) takes N <= {m.control_max_N}")
        names = {p.name: p for p in m.parameters}
        for p, value in dict(entry.get("params", {})).items():
            if p not in names:
                raise ConfigError(f"{key}.params.{p}: not a parameter of {m.name!r}; its parameters: {', '.join(sorted(names)) or 'none'}")
            lo, hi = names[p].minimum, names[p].maximum
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ConfigError(f"{key}.params.{p} = {value}: allowed [{lo}, {hi}]")
        available = set(m.control_system(1, model_params(entry)).families)
        missing = [c for c in entry["controls"] if c not in available]
        if missing:
            raise ConfigError(f"{key}.controls = {missing}: not offered by {m.name!r}; it offers {', '.join(sorted(available))}")
    t = section(cfg).get("times")
    if t and float(t["t_min"]) >= float(t["t_max"]):
        raise ConfigError(f"config key {SECTION}.times: t_min = {t['t_min']} must be below t_max = {t['t_max']}")


def _control_models() -> list[str]:
    from ..models import models_with

    return models_with("control")


__all__ = ["FAMILIES", "cases", "check", "control_point", "job_config", "n_values"]
