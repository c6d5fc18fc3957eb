"""Stage work_statistics: two-point-measurement (TPM) work distributions of every model with a
``work`` face over its (N, parameter, temperature, tau) grid, Jarzynski and Crooks checks, one dataset.

The protocols are the ``work`` faces of the catalogue models (``qbattery.models``:
``work_sectors(N, params, n_max)``, ``work_free_energy``, ``work_cyclic``, ``work_cavity``,
``work_copies``, ...); the TPM kernels are :mod:`qbattery.physics.work_distributions` (re-exported here).
A point starts in the Gibbs state exp(-beta H(0))/Z_0, evolves with U = exp(-i K tau) and gives

    P(W) = sum_{a, b} p_a Tr[Pi'_b U Pi_a U^dag] delta(W - (E'_b - E_a))

(Talkner, Lutz, Haenggi, PRE 75, 050102(R) (2007)). Checked on every point: Jarzynski
<exp(-beta W)> = exp(-beta dF) (Jarzynski 1997), Crooks P_F(W)/P_B(-W) = exp(beta (W - dF)) for the
time-reversed pulse (Crooks 1999), the second law <W> >= dF, and for cavity faces the thermal tail
exp(-beta omega_c n_max) and the post-pulse population of the two highest Fock levels against
``numerics.truncation_tol`` (the Fock cutoff grows until they pass).
"""

from __future__ import annotations

import itertools
import logging
import math
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from .models.base import Model, Numerics
from .provenance import provenance_attrs
from .simulate import health_violation
from .physics.work_distributions import (  # noqa: F401  (re-exported: the TPM kernels)
    MAX_BETA_WIDTH,
    TOP_FOCK_LEVELS,
    Sector,
    Transitions,
    WorkDistribution,
    _flip_generator,
    _gibbs_log_z,
    _pauli_chain,
    _pulse_transitions,
    _rabi_generator,
    cavity_sectors,
    collective_sectors,
    convolve,
    convolve_power,
    crooks_residual,
    drop_negligible,
    energy_levels,
    group_sorted,
    level_transitions,
    merge_atoms,
    spin_chain_sector,
    spin_operators,
    spin_sectors,
    thermal_cutoff,
    tpm_distribution,
    tpm_from_transitions,
)
from .validation import work_args

log = logging.getLogger("qbattery")

STATUS_OK, STATUS_HEALTH = 0, 1


def work_model(name: str) -> Model:
    """The catalogue model ``name``, refused unless it has a ``work`` face."""
    from .models import get_model

    return get_model(name, face="work")


def full_params(model: Model, params: dict) -> dict[str, float]:
    """The model's defaults overridden by ``params`` (every parameter present)."""
    return {**model.defaults(), **params}


@dataclass
class PointResult:
    """Work statistics of one protocol point at one beta (see :func:`statistics`)."""

    forward: WorkDistribution
    backward: WorkDistribution | None
    beta: float
    free_energy_change: float
    free_energy_numeric: float
    truncation_weight: float = 0.0
    extras: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# One protocol point: all tau and beta
# --------------------------------------------------------------------------------------
@dataclass
class Settings:
    """Tolerances of the stage (config key ``work_statistics``)."""

    merge_tol: float = 1e-9
    atom_tol: float = 1e-18
    jarzynski_tol: float = 1e-10
    crooks_tol: float = 1e-10


def point_distributions(
    model: Model, N: int, params: dict, taus: Sequence[float], betas: Sequence[float], n_max: int, s: Settings
) -> list[list[PointResult]]:
    """PointResult[tau][beta] of the work face of ``model`` at a fixed Fock cutoff (``params``
    missing a parameter take the model's default)."""
    params = full_params(model, params)
    sectors = model.work_sectors(1 if model.work_copies else N, params, n_max)
    trans = _pulse_transitions(sectors, taus, s.merge_tol)
    out = []
    for it, _tau in enumerate(taus):
        row = []
        for beta in betas:
            n_copies = N if model.work_copies else 1
            f, dF_num = tpm_from_transitions(trans[it], beta, s.merge_tol)
            b, _ = tpm_from_transitions(trans[it], beta, s.merge_tol, backward=True)
            top = 0.0
            if model.work_cavity:
                shift = min(float(t.E0.min()) for t in trans[it])
                lz = _gibbs_log_z([(t.multiplicity, t.E0, t.g0) for t in trans[it]], beta, shift)
                top = sum(t.multiplicity * float(np.sum(t.g0 * t.top_fraction * np.exp(-beta * (t.E0 - shift) - lz))) for t in trans[it])
            if n_copies > 1:
                f, b = convolve_power(f, n_copies, s.merge_tol), convolve_power(b, n_copies, s.merge_tol)
                dF_num *= n_copies
                top *= n_copies  # union bound over the N cavities
            dF = model.work_free_energy(N, params, beta)
            row.append(
                PointResult(drop_negligible(f, beta, dF, s.atom_tol), drop_negligible(b, beta, -dF, s.atom_tol), beta, dF, dF_num, top)
            )
        out.append(row)
    return out


def protocol_point(
    model: Model, N: int, params: dict, taus: Sequence[float], temperatures: Sequence[float], numerics: Numerics, s: Settings
) -> tuple[list[list[PointResult]], int]:
    """All (tau, temperature) results of one (N, parameter point), with the converged Fock cutoff
    (grown by half while the post-pulse top-level population exceeds truncation_tol)."""
    betas = [1.0 / float(T) for T in temperatures]
    if not model.work_cavity:
        return point_distributions(model, N, params, taus, betas, 0, s), 0
    omega_c = float(full_params(model, params)["omega_c"])
    n_max = thermal_cutoff(omega_c, max(temperatures), numerics.truncation_tol) + int(numerics.fock_extra) + TOP_FOCK_LEVELS
    limit = n_max * max(1, int(numerics.fock_max_factor))
    while True:
        res = point_distributions(model, N, params, taus, betas, n_max, s)
        worst = max(r.truncation_weight for row in res for r in row)
        if not numerics.fock_auto or worst <= numerics.truncation_tol or n_max >= limit:
            return res, n_max
        n_max = min(limit, int(math.ceil(1.5 * n_max)))


# --------------------------------------------------------------------------------------
# Config-driven dataset of one protocol
# --------------------------------------------------------------------------------------
#: statistics per (N, temperature, parameters, tau) point; long_name, units: qbattery.vocabulary
STAT_VARS: tuple[str, ...] = (
    "mean_work",
    "work_variance",
    "free_energy_change",
    "free_energy_error",
    "jarzynski_average",
    "jarzynski_target",
    "jarzynski_residual",
    "crooks_residual",
    "negative_work_probability",
    "second_law_margin",
    "normalisation_error",
    "thermal_tail_weight",
    "truncation_weight",
)


def settings_of(cfg: dict) -> Settings:
    ws = cfg.get("work_statistics") or {}
    return Settings(**{k: float(ws[k]) for k in ("merge_tol", "atom_tol", "jarzynski_tol", "crooks_tol") if k in ws})


def protocol_names(cfg: dict) -> list[str]:
    """The protocols (models with a ``work`` face) of the study's ``work_statistics`` section, sorted (empty if absent)."""
    return sorted((cfg.get("work_statistics") or {}).get("protocols", {}))


def protocol_taus(cfg: dict, name: str) -> list[float]:
    ws = cfg["work_statistics"]
    return [float(t) for t in ws["protocols"][name].get("tau", ws.get("tau", [1.0]))]


def memory_mb(cfg: dict, name: str) -> int:
    """Rough peak memory of one protocol job: ~12 dense complex D x D arrays of the largest sector,
    D = ``work_dimension(N, n_max)`` of the model's work face (n_max: twice the starting Fock cutoff)."""
    model = work_model(name)
    entry = cfg["work_statistics"]["protocols"][name]
    N = max(int(n) for n in entry["N"])
    n_max = 0
    if model.work_cavity:
        num = Numerics.from_config(cfg.get("numerics"))
        omega_c = min(np.atleast_1d(entry.get("omega_c", model.defaults()["omega_c"])).astype(float))
        T = max(float(t) for t in cfg["work_statistics"].get("temperature", [1.0]))
        n_max = (thermal_cutoff(omega_c, T, num.truncation_tol) + num.fock_extra + TOP_FOCK_LEVELS) * 2
    D = model.work_dimension(N, n_max)
    return int(400 + 12 * 16 * D * D / 1e6)


def work_statistics_dataset(cfg: dict, name: str, numerics: Numerics | None = None) -> xr.Dataset:
    """TPM statistics of the work face of model ``name`` over its N list, parameter grid, temperatures and taus.

    Dims: N, temperature, <swept parameters>, tau (and ``atom`` for the distributions)."""
    work_args(cfg, name, numerics)
    model = work_model(name)
    ws = cfg["work_statistics"]
    entry = ws["protocols"][name]
    if model.user_defined:  # a user battery (models.custom): its function, parameters under "parameters"
        from .models.custom import bind_work

        model = bind_work(cfg, name)
        entry = {**entry.get("parameters", {}), "N": entry["N"]}
    max_N = model.max_N("work")
    num = numerics or Numerics.from_config(cfg.get("numerics"), seed=cfg.get("seed"))
    s = settings_of(cfg)
    Ns = [int(n) for n in entry["N"]]
    if max(Ns) > max_N:
        raise ValueError(f"work_statistics protocol {name}: N={max(Ns)} > {max_N} ({model.work_route})")
    temps = [float(t) for t in ws.get("temperature", [1.0])]
    taus = protocol_taus(cfg, name)
    pmeta = {p.name: p for p in model.parameters}
    swept, fixed, dims = {}, {}, []
    for p in model.parameters:
        v = entry.get(p.name, p.default)
        if isinstance(v, (list, tuple)):
            swept[p.name] = np.asarray(v, dtype=np.int64 if p.integer else float)
            dims.append(p.name)
        else:
            fixed[p.name] = int(v) if p.integer else float(v)
    grid_dims = ("N", "temperature", *dims, "tau")
    shape = (len(Ns), len(temps), *(len(swept[d]) for d in dims), len(taus))
    stats = {k: np.full(shape, np.nan) for k in STAT_VARS}
    cutoff = np.full((len(Ns), *(len(swept[d]) for d in dims)), -1, dtype=np.int64)
    status = np.zeros(shape, dtype=np.int8)
    atoms: dict[tuple, WorkDistribution] = {}
    reasons: list[str] = []
    t0 = _time.perf_counter()
    for iN, N in enumerate(Ns):
        for idx in itertools.product(*(range(len(swept[d])) for d in dims)):
            point = dict(fixed)
            point.update({d: float(swept[d][i]) for d, i in zip(dims, idx)})
            res, n_max = protocol_point(model, N, point, taus, temps, num, s)
            cutoff[(iN, *idx)] = n_max if model.work_cavity else -1
            for it, tau in enumerate(taus):
                for iT, T in enumerate(temps):
                    r = res[it][iT]
                    where = (iN, iT, *idx, it)
                    vals = _statistics(r, s)
                    if model.work_cavity:
                        n_cav = N if model.work_copies else 1
                        vals["thermal_tail_weight"] = n_cav * math.exp(-r.beta * float(point["omega_c"]) * n_max)
                        vals["truncation_weight"] = r.truncation_weight
                    bad = _violations(vals, s, num, model.work_cavity)
                    label = f"work statistics: protocol={name} N={N} temperature={T:g} tau={tau:g} " + " ".join(
                        f"{k}={v:g}" for k, v in point.items()
                    )
                    msg = health_violation(label, bad, num.on_violation)
                    if msg:
                        reasons.append(msg)
                        status[where] = STATUS_HEALTH
                        for k in (
                            "thermal_tail_weight",
                            "truncation_weight",
                            "jarzynski_residual",
                            "crooks_residual",
                            "normalisation_error",
                            "free_energy_error",
                        ):
                            if k in vals:
                                stats[k][where] = vals[k]
                        continue
                    for k, v in vals.items():
                        stats[k][where] = v
                    atoms[where] = r.forward
            log.info("%s N=%d %s: done (%.1f s elapsed)", name, N, point, _time.perf_counter() - t0)
    n_atoms = max((len(d.values) for d in atoms.values()), default=1)
    W = np.full(shape + (n_atoms,), np.nan)
    P = np.full(shape + (n_atoms,), np.nan)
    count = np.zeros(shape, dtype=np.int64)
    for where, d in atoms.items():
        W[where][: len(d.values)] = d.values
        P[where][: len(d.values)] = d.probabilities
        count[where] = len(d.values)
    from .vocabulary import declared_attrs
    from .vocabulary import var as var_of

    var: dict = {}
    for k in STAT_VARS:
        if k in ("thermal_tail_weight", "truncation_weight") and not model.work_cavity:
            continue
        var[k] = var_of(k, grid_dims, stats[k])
    var["jarzynski_residual"][2]["tolerance"] = s.jarzynski_tol
    var["crooks_residual"][2]["tolerance"] = s.crooks_tol
    var["normalisation_error"][2]["tolerance"] = num.norm_tol
    if model.work_cavity:
        var["thermal_tail_weight"][2]["tolerance"] = num.truncation_tol
        var["truncation_weight"][2]["tolerance"] = num.truncation_tol
        var["truncation_weight"][2]["comment"] = "population of the two highest Fock levels kept after the pulse"
        var["fock_cutoff"] = var_of("fock_cutoff", ("N", *dims), cutoff, comment="Fock levels kept per cavity (n_max, converged)")
    adims = grid_dims + ("atom",)
    var["work_value"] = var_of("work_value", adims, W)
    var["work_probability"] = var_of("work_probability", adims, P)
    var["atom_count"] = var_of("atom_count", grid_dims, count)
    var["status"] = var_of("status", grid_dims, status)
    coords = {
        "N": var_of("N", "N", np.asarray(Ns, dtype=np.int64)),
        "temperature": var_of("temperature", "temperature", np.asarray(temps), comment="temperature of the initial Gibbs state"),
        "beta": var_of("beta", "temperature", 1.0 / np.asarray(temps)),
        "tau": var_of("tau", "tau", np.asarray(taus)),
        "atom": var_of("atom", "atom", np.arange(n_atoms, dtype=np.int64)),
    }
    for d in dims:
        coords[d] = (d, swept[d], declared_attrs(pmeta[d].long_name, pmeta[d].units))
    for k, v in fixed.items():
        coords[k] = ((), v, declared_attrs(pmeta[k].long_name, pmeta[k].units))
    ds = xr.Dataset(var, coords=coords)
    ds.attrs.update(
        {
            "stage": "work_statistics: two-point-measurement work distributions and fluctuation theorems",
            "protocol": model.name,
            "protocol_title": model.title,
            "hamiltonian": model.work_hamiltonian,
            "cyclic": int(model.work_cyclic),
            "initial_state": "Gibbs state exp(-beta H(0))/Z_0 of the full battery (x charger) space",
            "computation_route": model.work_route,
            "references": model.work_references,
            "tpm_formula": "P(W) = sum_{a,b} p_a Tr[Pi'_b U Pi_a U^dag] delta(W - (E'_b - E_a)); "
            "Pi projectors onto degenerate eigenspaces "
            "(levels merged within merge_tol); atoms with |W - W'| <= merge_tol merged; atoms with P <= atom_tol and "
            "P exp(-beta (W - dF)) <= atom_tol dropped",
            "time_reversal": "backward protocol U_B = Theta U^dag Theta^-1, "
            "Theta = complex conjugation in the real basis of H(0), H(tau); "
            "starts in the Gibbs state of H(tau)",
            "atom_storage": "padded: work_value[..., atom] and work_probability[..., atom] hold atom_count[...] valid atoms "
            "sorted by W, NaN beyond; a NaN point (status != 0) has atom_count 0",
            "merge_tol": s.merge_tol,
            "atom_tol": s.atom_tol,
            "health_violations": "\n".join(reasons) if reasons else "none",
        }
    )
    ds.attrs.update(num.attrs())
    ds.attrs.update(provenance_attrs(cfg))
    return ds


def _statistics(r: PointResult, s: Settings) -> dict[str, float]:
    f, beta, dF = r.forward, r.beta, r.free_energy_change
    jar = f.exp_average(beta)
    out = {
        "mean_work": f.mean,
        "work_variance": f.variance,
        "free_energy_change": dF,
        "free_energy_error": abs(r.free_energy_numeric - dF),
        "jarzynski_average": jar,
        "jarzynski_target": math.exp(-beta * dF),
        "jarzynski_residual": abs(jar * math.exp(beta * dF) - 1.0),
        "negative_work_probability": f.probability_below(-s.merge_tol),
        "second_law_margin": f.mean - dF,
        "normalisation_error": abs(float(f.probabilities.sum()) - 1.0),
    }
    out["crooks_residual"] = crooks_residual(f, r.backward, beta, dF, s.merge_tol) if r.backward is not None else float("nan")
    return out


def _violations(v: dict[str, float], s: Settings, num: Numerics, cavity: bool) -> list[str]:
    checks = [
        ("jarzynski_residual", s.jarzynski_tol, "jarzynski_tol"),
        ("crooks_residual", s.crooks_tol, "crooks_tol"),
        ("normalisation_error", num.norm_tol, "norm_tol"),
        ("free_energy_error", s.jarzynski_tol * max(1.0, abs(v["free_energy_change"])), "jarzynski_tol*max(1,|dF|)"),
    ]
    if cavity:
        checks += [
            ("thermal_tail_weight", num.truncation_tol, "truncation_tol"),
            ("truncation_weight", num.truncation_tol, "truncation_tol"),
        ]
    bad = [f"{k}={v[k]:.3e} > {name}={tol:g}" for k, tol, name in checks if not v[k] <= tol]
    if not v["second_law_margin"] >= -s.jarzynski_tol * max(1.0, abs(v["free_energy_change"])):
        bad.append(f"second law violated: <W> - dF = {v['second_law_margin']:.3e} < 0")
    return bad
