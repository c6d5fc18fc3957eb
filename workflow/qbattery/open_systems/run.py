"""Run an open charging protocol over an N x rates x temperature x parameter grid and
collect an xarray Dataset (DESIGN.md data model).

Per grid point: exact Lindblad propagation (lindblad.evolve) of rho and of its time
integral (cells alone in the Dicke basis with ``real_frame``: the real symmetric block
coordinates of dicke_basis.RealSymmetricBlocks, propagated by lindblad.krylov_evolve together
with the work and heat integrals); battery energy, ergotropy and capacity over the full battery space; the first
law for the battery and for the whole system (first_law.py); power and tau* from
qbattery.physics.power exactly as for the closed models; efficiency = ergotropy / work; the
self-discharge after switching the charger off at tau*; the late-time ergotropy under
continued charging. Health: trace, Hermiticity and positivity of rho, first-law
residual, Fock truncation weight, each against its tolerance (fail, or NaN + status flag).
"""

from __future__ import annotations

import itertools
import logging
import math
import time as _time
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..models import get_model
from ..models.base import Model, Numerics
from ..physics.power import summarise
from ..provenance import provenance_attrs
from ..physics.quantities import capacity, ergotropy
from ..simulate import STATUS_HEALTH, health_violation
from ..simulate import parameter_coords, parameter_grid
from ..validation import open_grid_args
from ..vocabulary import var as var_of
from ..physics.dicke_basis import (
    RealSymmetricBlocks,
    block_gather,
    block_list_spectrum,
    block_spectrum,
    gathered_blocks,
    spectrum_ergotropy,
)
from ..physics.first_law import EnergyFlows, efficiency, energy_flows
from ..physics.lindblad import KRYLOV_TOL, evolve, evolve_to, functional, krylov_evolve, unvec, vec
from .problem import RATES, OpenProblem, lindblad_attrs

log = logging.getLogger("qbattery")


@dataclass
class OpenSettings:
    """Settings of the open-system stage (config section ``open_systems``)."""

    discharge_t_max: float = 40.0
    discharge_points: int = 201
    late_time: float = 200.0
    fock_extra: int = 2
    fock_max_factor: int = 3
    truncation_tol: float = 1e-8
    positivity_samples: int = 41

    @classmethod
    def from_config(cls, section: dict | None) -> OpenSettings:
        s = dict(section or {})
        d = s.get("discharge", {})
        return cls(
            discharge_t_max=float(d.get("t_max", cls.discharge_t_max)),
            discharge_points=int(d.get("points", cls.discharge_points)),
            late_time=float(s.get("late_time", cls.late_time)),
            fock_extra=int(s.get("fock_extra", cls.fock_extra)),
            fock_max_factor=int(s.get("fock_max_factor", cls.fock_max_factor)),
            truncation_tol=float(s.get("truncation_tol", cls.truncation_tol)),
            positivity_samples=int(s.get("positivity_samples", cls.positivity_samples)),
        )

    @property
    def discharge_times(self) -> np.ndarray:
        return np.linspace(0.0, self.discharge_t_max, self.discharge_points)


#: time series, scalars per grid point and diagnostics (long_name, units: qbattery.vocabulary)
SERIES = (
    "energy",
    "stored_energy",
    "ergotropy",
    "capacity",
    "work",
    "heat",
    "efficiency",
    "system_energy",
    "system_work",
    "system_heat",
)
SCALARS = (
    "tau_star",
    "max_power",
    "tau_star_ergotropy",
    "max_power_ergotropy",
    "tau_star_at_boundary",
    "efficiency_at_tau_star",
    "ergotropy_at_switch_off",
    "switch_off_time",
    "switch_off_work",
    "self_discharge_time",
    "self_discharge_lifetime",
    "self_discharge_lifetime_stderr",
    "ergotropy_at_late_time",
    "energy_at_late_time",
    "ergotropy_drift_at_late_time",
)
#: diagnostic -> the tolerance it is checked against ("" : recorded only)
DIAGNOSTICS = {
    "trace_error": "norm_tol",
    "positivity_error": "state_tol",
    "first_law_residual": "first_law_tol",
    "truncation_weight": "truncation_tol",
    "fock_cutoff": "",
    "liouville_dim": "",
}
BOUNDARY_UNDEFINED = -1  # tau_star_at_boundary of a point without finite series


@dataclass
class PointResult:
    series: dict[str, np.ndarray]
    scalars: dict[str, float]
    diagnostics: dict[str, float]
    discharge: np.ndarray
    solver: str
    extras: dict = field(default_factory=dict)


class Restricted:
    """An OpenProblem whose generators act on the invariant subspace ``support`` of vec(rho).

    With ``real_frame`` (cells alone in the Dicke basis) the generators act on the real symmetric
    upper-triangle coordinates x of :class:`~qbattery.physics.dicke_basis.RealSymmetricBlocks`
    instead (``self.real``): states, functionals and blocks then go through ``self.real``."""

    def __init__(self, prob: OpenProblem) -> None:
        self.__dict__.update(prob.__dict__)
        D = prob.dim * prob.dim
        self.support = np.arange(D) if prob.support is None else np.asarray(prob.support)
        self.full = prob.support is None
        if not self.full and not prob.on_support:
            s = self.support
            self.L_H = prob.L_H[s][:, s].tocsr()
            self.L_D = prob.L_D[s][:, s].tocsr()
            self.L_H_off = prob.L_H_off[s][:, s].tocsr()
        self.real = None
        if prob.real_frame:
            if self.full or prob.blocks is None or prob.top_levels is not None:
                raise ValueError("real_frame needs the cells alone in the Dicke basis with a block-diagonal support")
            self.real = RealSymmetricBlocks(prob.blocks, self.support)
            self.L_H, self.L_D, self.L_H_off = (self.real.reduce(M) for M in (self.L_H, self.L_D, self.L_H_off))

    @property
    def dim(self) -> int:
        return self.rho0.shape[0]

    @property
    def L(self):
        return (self.L_H + self.L_D).tocsr()

    @property
    def L_off(self):
        return (self.L_H_off + self.L_D).tocsr()

    def expand(self, Vs: np.ndarray) -> np.ndarray:
        """Full vec(rho) from its components on the support (zeros elsewhere)."""
        if self.real is not None:
            raise ValueError("expand: the real-frame coordinates are not vec(rho) components")
        if self.full:
            return Vs
        out = np.zeros(Vs.shape[:-1] + (self.dim * self.dim,), dtype=complex)
        out[..., self.support] = Vs
        return out

    def functional(self, A: np.ndarray) -> np.ndarray:
        """Row vector f with f . v = Tr(A rho) (real part, for the real frame) in the propagated coordinates."""
        f = functional(A)[self.support]
        return f if self.real is None else self.real.functional(f)

    def initial(self) -> np.ndarray:
        v = vec(self.rho0)[self.support]
        return v if self.real is None else self.real.vector(v)


def restrict(prob: OpenProblem) -> Restricted:
    return Restricted(prob)


def _battery_functionals(prob: OpenProblem, rho_b: np.ndarray, energy: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, float]:
    """(ergotropy, capacity, positivity error) of reduced battery states over the full space."""
    herm = float(np.abs(rho_b - np.swapaxes(rho_b, -1, -2).conj()).max(initial=0.0))
    if prob.blocks is not None:
        eig, mult, off, neg = block_spectrum(rho_b, prob.blocks, tol)
        erg, cap = spectrum_ergotropy(eig, mult, energy / prob.copies if prob.copies > 1 else energy, prob.levels)
        return erg, cap, max(herm, off, -neg)
    r = np.linalg.eigvalsh(0.5 * (rho_b + np.swapaxes(rho_b, -1, -2).conj()))
    bad = max(herm, -float(r.min()))
    if bad > tol:
        nan = np.full(rho_b.shape[0], np.nan)
        return nan, nan, bad
    H = prob.H_B_reduced
    return np.asarray(ergotropy(rho_b, H, levels=prob.levels, tol=tol)), np.asarray(capacity(rho_b, H, levels=prob.levels, tol=tol)), bad


def _state_health(rho: np.ndarray, samples: int) -> tuple[float, float]:
    """(max |Tr rho - 1|, max negativity / non-Hermiticity of the full state at sampled times)."""
    tr = np.abs(np.trace(rho, axis1=-2, axis2=-1) - 1.0).max()
    idx = np.unique(np.linspace(0, rho.shape[0] - 1, max(2, samples)).round().astype(int))
    sub = rho[idx]
    herm = float(np.abs(sub - np.swapaxes(sub, -1, -2).conj()).max(initial=0.0))
    neg = -float(np.linalg.eigvalsh(0.5 * (sub + np.swapaxes(sub, -1, -2).conj())).min())
    return float(tr), max(herm, neg, 0.0)


def _e_folding(times: np.ndarray, y: np.ndarray) -> float:
    """First time at which y falls to y(0)/e (linear interpolation); NaN if never or y(0) <= 0."""
    y0 = y[0]
    if not np.isfinite(y0) or y0 <= 1e-12:
        return float("nan")
    target = y0 / math.e
    below = np.flatnonzero(y <= target)
    if below.size == 0:
        return float("nan")
    i = int(below[0])
    t0, t1, a, b = times[i - 1], times[i], y[i - 1], y[i]
    return float(t0 + (a - target) / (a - b) * (t1 - t0)) if a != b else float(t1)


def _flows(energy: np.ndarray, work: np.ndarray, heat: np.ndarray, switch_on_work: float = 0.0) -> EnergyFlows:
    """The first law of one energy operator from its energy series and its exact work / heat integrals
    (as physics.first_law.energy_flows, with the integrals propagated by lindblad.krylov_evolve)."""
    work = np.asarray(work, dtype=float) + switch_on_work
    heat = np.asarray(heat, dtype=float)
    e_before = energy[0] - switch_on_work
    return EnergyFlows(energy=energy, work=work, heat=heat, residual=float(np.abs(energy - e_before - work - heat).max()))


def run_point(model: Model, N: int, p: dict[str, float], times: np.ndarray, settings: OpenSettings, num: Numerics) -> PointResult:
    """All open-system quantities of one grid point of ``model``'s lindblad face (see the module docstring)."""
    t = np.asarray(times, dtype=float)
    cutoff = model.lindblad_initial_cutoff(N, p, settings.fock_extra, settings.truncation_tol) if model.lindblad_has_cavity else 0
    limit = cutoff * max(1, settings.fock_max_factor)
    while True:
        prob = restrict(model.lindblad(N, p, cutoff))
        d = prob.dim
        real = prob.real
        if real is not None:  # real symmetric frame: the work and heat integrals ride along the Krylov propagation
            fB, fS = prob.functional(prob.H_B), prob.functional(prob.H_S)
            G = np.stack([prob.L_H.T @ fB, prob.L_D.T @ fB, prob.L_H.T @ fS, prob.L_D.T @ fS])
            Vs, flow_integrals, solver = krylov_evolve(prob.L, prob.initial(), t, G)
            solver = "real symmetric Dicke frame (physics.dicke_basis.RealSymmetricBlocks); " + solver
        else:
            Vs, R, solver = evolve(prob.L, vec(prob.rho0)[prob.support], t)
        # cells alone in the Dicke basis: work block by block, never forming the d x d states
        by_blocks = real is None and prob.blocks is not None and prob.top_levels is None and not prob.full
        gather = block_gather(prob.blocks, prob.support) if by_blocks else None
        rho = None if gather is not None or real is not None else unvec(prob.expand(Vs), d)
        trunc = float(prob.top_levels(rho).max()) if prob.top_levels is not None else 0.0
        if prob.top_levels is None or trunc <= settings.truncation_tol or cutoff >= limit:
            break
        cutoff = min(limit, int(np.ceil(1.5 * cutoff)))
    if real is not None:
        fi = flow_integrals
        fb = _flows(Vs @ fB, fi[:, 0], fi[:, 1])
        fs = _flows(Vs @ fS, fi[:, 2], fi[:, 3], prob.switch_on_work)
    else:
        fb = energy_flows(prob.H_B, prob.L_H, prob.L_D, Vs, R, support=prob.support)
        fs = energy_flows(prob.H_S, prob.L_H, prob.L_D, Vs, R, prob.switch_on_work, support=prob.support)
    blocked = gather is not None or real is not None

    def battery_quantities(Vx: np.ndarray, states: np.ndarray | None, energy: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
        """(ergotropy, capacity, positivity error, trace error) of one copy along Vx."""
        if blocked:
            blist = real.block_list(Vx) if real is not None else gathered_blocks(Vx, gather)
            eig, mult, herm, neg, tr_err = block_list_spectrum(blist, prob.blocks)
            erg, cap = spectrum_ergotropy(eig, mult, energy, prob.levels)
            return erg, cap, max(herm, -neg), tr_err
        e, cp, pos = _battery_functionals(prob, prob.battery(states), energy, num.state_tol)
        return e, cp, pos, float("nan")

    erg1, cap1, pos_b, tr_b = battery_quantities(Vs, rho, fb.energy)
    if blocked:  # the state is its blocks: their spectrum is the full-state check
        trace_err, pos_err = tr_b, pos_b
    else:
        trace_err, pos_err = _state_health(rho, settings.positivity_samples)
    c = prob.copies
    series = {
        "energy": c * fb.energy,
        "stored_energy": c * (fb.energy - fb.energy[0]),
        "ergotropy": c * erg1,
        "capacity": c * cap1,
        "work": c * fb.work,
        "heat": c * fb.heat,
        "system_energy": c * fs.energy,
        "system_work": c * fs.work,
        "system_heat": c * fs.heat,
    }
    series["efficiency"] = efficiency(series["ergotropy"], series["work"])
    diagnostics = {
        "trace_error": trace_err,
        "positivity_error": max(pos_err, pos_b),
        "first_law_residual": c * max(fb.residual, fs.residual),
        "truncation_weight": trunc,
        "fock_cutoff": float(cutoff),
        "liouville_dim": float(prob.L.shape[0]),
    }
    scalars = {k: np.nan for k in SCALARS}
    scalars["tau_star_at_boundary"] = BOUNDARY_UNDEFINED
    discharge = np.full(settings.discharge_points, np.nan)
    if np.all(np.isfinite(series["ergotropy"])):
        pe = summarise(t, series["stored_energy"])
        pg = summarise(t, series["ergotropy"])
        i_star = int(np.argmin(np.abs(t - pe.tau_star)))
        scalars.update(
            tau_star=pe.tau_star,
            max_power=pe.max_power,
            tau_star_ergotropy=pg.tau_star,
            max_power_ergotropy=pg.max_power,
            tau_star_at_boundary=int(pe.tau_at_boundary),
            efficiency_at_tau_star=float(series["efficiency"][i_star]),
            switch_off_time=float(t[i_star]),
        )
        td = settings.discharge_times
        if real is not None:
            Vd = krylov_evolve(prob.L_off, Vs[i_star], td)[0]
            e_d = Vd @ fB
        else:
            Vd, _, _ = evolve(prob.L_off, Vs[i_star], td)
            e_d = energy_flows(prob.H_B, prob.L_H_off, prob.L_D, Vd, np.zeros_like(Vd), support=prob.support).energy
        rd = None if blocked else unvec(prob.expand(Vd), d)
        discharge = c * battery_quantities(Vd, rd, e_d)[0]
        scalars["ergotropy_at_switch_off"] = float(discharge[0])
        f_off = prob.functional(prob.H_S_off - prob.H_S) if real is not None else functional(prob.H_S_off - prob.H_S)[prob.support]
        scalars["switch_off_work"] = float(c * np.real(Vs[i_star] @ f_off))
        scalars["self_discharge_time"] = _e_folding(td, discharge)
        from ..physics.figures_of_merit import exponential_lifetime

        scalars["self_discharge_lifetime"], scalars["self_discharge_lifetime_stderr"] = exponential_lifetime(td, discharge)
        late = settings.late_time
        if real is not None:  # one Krylov run: t[-1] -> late -> 2 late
            first = max(late - t[-1], 0.0)
            stops = np.array([0.0, first, first + late]) if first > 0 else np.array([0.0, late])
            V2 = krylov_evolve(prob.L, Vs[-1], stops)[0][-2:]
            e_l = V2 @ fB
        else:
            v1 = evolve_to(prob.L, Vs[-1], max(late - t[-1], 0.0))
            v2 = evolve_to(prob.L, v1, late)
            V2 = np.stack([v1, v2])
            e_l = energy_flows(prob.H_B, prob.L_H, prob.L_D, V2, np.zeros((2, v1.size)), support=prob.support).energy
        lr = None if blocked else unvec(prob.expand(V2), d)
        el = c * battery_quantities(V2, lr, e_l)[0]
        scalars.update(
            ergotropy_at_late_time=float(el[0]),
            energy_at_late_time=float(c * e_l[0]),
            ergotropy_drift_at_late_time=float(abs(el[1] - el[0])),
        )
    return PointResult(series=series, scalars=scalars, diagnostics=diagnostics, discharge=discharge, solver=solver)


def _as_list(v) -> list[float]:
    return [float(x) for x in (v if isinstance(v, (list, tuple, np.ndarray)) else [v])]


def open_grid(
    model: str,
    N,
    times,
    rates: dict[str, float | list[float]] | None = None,
    params: dict[str, float | list[float]] | None = None,
    settings: OpenSettings | None = None,
    numerics: Numerics | dict | None = None,
    config: dict | None = None,
) -> xr.Dataset:
    """Open-system grid of ``model``: dims N, each swept rate the model uses (a rate given as one
    number, a list of one value, or omitted (0), is a 0-d coordinate), swept model parameters, time. Example::

        open_grid("rabi_parallel", N=[1, 4], times=np.linspace(0, 20, 401),
                  rates={"gamma": [0.0, 0.05], "temperature": 0.0}, params={"drive": 0.5})
    """
    times = open_grid_args(model, N, times, rates, params, numerics, config)
    m = get_model(model, face="lindblad")
    num = numerics if isinstance(numerics, Numerics) else Numerics.from_config(numerics)
    s = settings or OpenSettings()
    rates = dict(rates or {})
    unknown = set(rates) - set(RATES)
    if unknown:
        raise ValueError(f"unknown rate(s) {sorted(unknown)}; allowed: {sorted(RATES)}")
    foreign = sorted(set(rates) - set(m.lindblad_rates))
    if foreign:
        raise ValueError(f"open model {model!r} has no bath for {foreign}; its rates: {', '.join(m.lindblad_rates)}")
    # a list of two or more values sweeps (a dimension); one value, as a number or a list of one, fixes (a 0-d coordinate)
    rate_dims = [r for r in m.lindblad_rates if len(_as_list(rates.get(r, 0.0))) > 1]
    rate_axes = {r: np.asarray(_as_list(rates[r]), dtype=float) for r in rate_dims}
    fixed_rates = {r: _as_list(rates.get(r, 0.0))[0] for r in m.lindblad_rates if r not in rate_dims}
    pdims, swept, fixed = parameter_grid(m, dict(params or {}))
    Ns = [int(n) for n in np.atleast_1d(N)]
    t = np.asarray(list(times), dtype=float)
    dims = ["N", *rate_dims, *pdims]
    axes = [np.asarray(Ns), *(rate_axes[r] for r in rate_dims), *(swept[d] for d in pdims)]
    shape = tuple(len(a) for a in axes)
    series = {k: np.full(shape + (len(t),), np.nan) for k in SERIES}
    scalars = {k: np.full(shape, np.nan) for k in SCALARS}
    scalars["tau_star_at_boundary"] = np.full(shape, BOUNDARY_UNDEFINED, dtype=np.int8)
    diag = {k: np.full(shape, np.nan) for k in DIAGNOSTICS}
    discharge = np.full(shape + (s.discharge_points,), np.nan)
    status = np.zeros(shape, dtype=np.int8)
    reasons: list[str] = []
    solvers: set[str] = set()
    t0 = _time.perf_counter()
    total = int(np.prod(shape))
    for done, idx in enumerate(itertools.product(*(range(n) for n in shape)), start=1):
        n = Ns[idx[0]]
        point = dict(fixed)
        point.update(fixed_rates)
        point.update({r: float(rate_axes[r][i]) for r, i in zip(rate_dims, idx[1 : 1 + len(rate_dims)])})
        point.update({d: float(swept[d][i]) for d, i in zip(pdims, idx[1 + len(rate_dims) :])})
        for r in RATES:
            point.setdefault(r, 0.0)
        res = run_point(m, n, point, t, s, num)
        solvers.add(res.solver)
        for k, v in res.diagnostics.items():
            diag[k][idx] = v
        tols = {
            "norm_tol": num.norm_tol,
            "state_tol": num.state_tol,
            "first_law_tol": num.first_law_tol,
            "truncation_tol": s.truncation_tol,
        }
        bad = [
            f"{k}={res.diagnostics[k]:.3e} > {tol}={tols[tol]:g}"
            for k, tol in DIAGNOSTICS.items()
            if tol and not res.diagnostics[k] <= tols[tol]
        ]
        label = f"open model={model} N={n} " + " ".join(f"{k}={v:g}" for k, v in point.items())
        msg = health_violation(f"numerical health: {label}", bad, num.on_violation, hint="tighten numerics / raise the Fock cutoff,")
        if msg:
            status[idx] = STATUS_HEALTH
            reasons.append(msg)
            continue
        for k in SERIES:
            series[k][idx] = res.series[k]
        for k in SCALARS:
            scalars[k][idx] = res.scalars[k]
        discharge[idx] = res.discharge
        el = _time.perf_counter() - t0
        log.info("%s: %d/%d points, %.1f s elapsed", label, done, total, el)
    grid_dims = tuple(dims)
    var = {k: var_of(k, grid_dims + ("t",), series[k]) for k in SERIES}
    var.update({k: var_of(k, grid_dims, scalars[k]) for k in SCALARS})
    var["ergotropy_discharge"] = var_of("ergotropy_discharge", grid_dims + ("discharge_time",), discharge)
    tolv = {"norm_tol": num.norm_tol, "state_tol": num.state_tol, "first_law_tol": num.first_law_tol, "truncation_tol": s.truncation_tol}
    for k, tol in DIAGNOSTICS.items():
        var[k] = var_of(k, grid_dims, diag[k], **({"tolerance": tolv[tol]} if tol else {}))
    var["status"] = var_of("status", grid_dims, status)
    coords = {
        "N": var_of("N", "N", np.asarray(Ns, dtype=np.int64)),
        "t": var_of("t", "t", t),
        "discharge_time": var_of("discharge_time", "discharge_time", s.discharge_times),
    }
    coords.update({r: var_of(r, r, rate_axes[r]) for r in rate_dims})
    coords.update({r: var_of(r, (), v) for r, v in fixed_rates.items()})
    coords.update(parameter_coords(m, pdims, swept, fixed))
    ds = xr.Dataset(var, coords=coords)
    ds.attrs.update(lindblad_attrs(m))
    ds.attrs["stage"] = "open_systems"
    ds.attrs["normalisation"] = (
        "omega_a = 1; H_B = omega_a sum_i |e><e|_i (ground energy 0, capacity N omega_a); n_T(omega) = 1/(exp(omega/T) - 1)"
    )
    ds.attrs["first_law"] = (
        "battery: dE_B/dt = -i Tr(H_B [H, rho]) + sum_k Tr(H_B D_k[rho]) = work rate + heat rate; system: "
        "d<H_S>/dt = Tr(rho dH/dt) + Tr(H_S L_D[rho]); "
        "integrals exact through R(t) = int rho dt; residual max |Delta E - W - Q| checked against numerics.first_law_tol"
    )
    ds.attrs["solver"] = "; ".join(sorted(solvers))
    tol_text = "exact exponential to double precision (scipy expm / expm_multiply); no ODE stepping"
    if any("Krylov" in x for x in solvers):
        tol_text = (
            f"Krylov exponential with the Expokit a posteriori error estimate below {KRYLOV_TOL:g} per unit time (absolute, "
            "Frobenius norm of rho), no ODE stepping; the first-law residual measures the propagation error"
        )
    ds.attrs["solver_tolerance"] = tol_text
    ds.attrs["self_discharge"] = (
        "charger/drive switched off at the grid point nearest tau*, then free evolution under the same baths; 1/e time of the ergotropy "
        "(self_discharge_time, interpolated) and the least-squares lifetime tau_d of Erg(0) exp(-t/tau_d) with its standard error "
        "(self_discharge_lifetime[_stderr], physics.figures_of_merit.exponential_lifetime; NaN without decay)"
    )
    ds.attrs.update(num.attrs())
    ds.attrs.update({f"open_{k}": v for k, v in vars(s).items()})
    ds.attrs["health_violations"] = "\n".join(reasons) if reasons else "none"
    ds.attrs.update(provenance_attrs(config))
    return ds
