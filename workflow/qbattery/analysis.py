"""Power analysis of a simulated grid: average and peak power, optimal time tau*, the
quantum advantage Gamma(N) (``quantum_advantage``) against the parallel reference and the
scaling exponent alpha (``power_exponent``); ergotropy-based variants end in ``_ergotropy``
(names, long names and units: ``qbattery.vocabulary``).

- Gamma(N) = P_max(global, N) / P_max(parallel, N) at equal parameters (coupling,
  frequencies), with the normalisation stated by the two models (attrs).
- alpha from a least-squares fit log P_max = alpha log N + c over the N of the grid,
  with the standard error of the slope (needs >= 3 values of N).
- Quantum speed limits (``qbattery.physics.speed_limits``) for models that return the pure-state
  series ``overlap``, ``mean_energy``, ``energy_spread`` (every closed, time-independent
  protocol): Mandelstam-Tamm and generalised Margolus-Levitin times for reaching the state
  of maximal ergotropy (the first grid time t_erg with Erg >= (1 - 1e-3) Erg_max, so that
  later revivals are not taken) and the state at tau* (grid
  point of the maximum of E(t)/t), t_QSL = max(t_MT, t_ML), the ratio t_erg / t_QSL >= 1 and
  the bound Erg_max / t_QSL on the average power of reaching the maximal ergotropy.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .physics.power import average_power, summarise
from .provenance import provenance_attrs
from .physics.speed_limits import QSL_SERIES, margolus_levitin_time, mandelstam_tamm_time
from .validation import power_args
from .vocabulary import DISORDER_STATISTICS, attrs, disorder_mean, disorder_stderr, var

#: power summaries of E(t) - E(0) and their names for the ergotropy Erg(t) - Erg(0) (qbattery.vocabulary)
SUMMARY_NAMES = {
    "tau_star": "tau_star_ergotropy",
    "max_power": "max_power_ergotropy",
    "peak_power": "peak_power_ergotropy",
    "t_peak_power": "t_peak_power_ergotropy",
    "max_energy": "max_ergotropy",
    "t_max_energy": "t_max_ergotropy",
    "tau_star_at_boundary": "tau_star_ergotropy_at_boundary",
}
BOUNDARY_UNDEFINED = -1  # tau_star_at_boundary of a point recorded as NaN
#: the summaries a tau* at the end of the grid biases (P_max is then a lower bound), per flag
BIASED_BY_BOUNDARY = {
    "tau_star_at_boundary": ("tau_star", "max_power"),
    "tau_star_ergotropy_at_boundary": ("tau_star_ergotropy", "max_power_ergotropy"),
}
BOUNDARY_HINT = "raise time.t_max (or the model's time.t_max) beyond tau*"


def boundary_health(power: xr.Dataset, label: str, on_violation: str) -> list[str]:
    """The health check of tau*: a maximum of E(t)/t (or Erg(t)/t) at the last time point means
    the grid ends before tau*, so tau* and P_max (and Gamma, alpha from it) are biased low.
    ``on_violation == "fail"``: raise NumericalHealthError naming the points; else warn, record
    the flagged points' tau* and P_max as NaN in ``power`` (in place) and return the messages
    for its health record (``health_violations``)."""
    from .simulate import health_violation

    reasons: list[str] = []
    for flag, biased in BIASED_BY_BOUNDARY.items():
        f = power[flag]
        hit = f.values == 1
        if not hit.any():
            continue
        t_end = float(power.t.values[-1])
        for idx in np.argwhere(hit):
            point = " ".join(f"{d}={f[d].values[i].item():g}" for d, i in zip(f.dims, idx))
            scalars = " ".join(f"{k}={v.item():g}" for k, v in f.coords.items() if v.ndim == 0 and k != "t")
            where = f"numerical health: {label} {point} {scalars}".rstrip()
            bad = [f"{biased[0]} at the end of the time grid t_max={t_end:g} ({flag}=1: {biased[1]} is biased low)"]
            msg = health_violation(where, bad, on_violation, hint=BOUNDARY_HINT)
            reasons.append(msg)
        for name in biased:
            power[name].values[hit] = np.nan
    return reasons


def _summaries(times: np.ndarray, curves: np.ndarray, ergotropy: bool = False) -> dict[str, np.ndarray]:
    flat = curves.reshape(-1, curves.shape[-1])
    out = {k: np.full(flat.shape[0], np.nan) for k in SUMMARY_NAMES}
    out["tau_star_at_boundary"] = np.full(flat.shape[0], BOUNDARY_UNDEFINED, dtype=np.int8)
    for i, c in enumerate(flat):
        if not np.all(np.isfinite(c)):
            continue  # a point recorded as NaN by the health check stays NaN
        s = summarise(times, c - c[0])
        out["tau_star"][i], out["max_power"][i] = s.tau_star, s.max_power
        out["peak_power"][i], out["t_peak_power"][i] = s.peak_power, s.t_peak_power
        out["max_energy"][i], out["t_max_energy"][i] = s.max_stored, s.t_max_stored
        out["tau_star_at_boundary"][i] = int(s.tau_at_boundary)
    return {(SUMMARY_NAMES[k] if ergotropy else k): v.reshape(curves.shape[:-1]) for k, v in out.items()}


QSL_TARGET_RTOL = 1e-3  # target of the QSL: first state with Erg >= (1 - rtol) Erg_max
_QSL_VARS = (
    "qsl_target_time",
    "qsl_target_ergotropy",
    "qsl_mt_time",
    "qsl_ml_time",
    "qsl_time",
    "qsl_ratio",
    "qsl_power_bound",
    "qsl_time_tau_star",
    "qsl_ratio_tau_star",
)


def speed_limits(sim: xr.Dataset, power: xr.Dataset) -> dict[str, tuple]:
    """QSL variables of a grid whose model returns the ``QSL_SERIES`` (else {})."""
    if not all(k in sim for k in QSL_SERIES):
        return {}
    t = sim.t.values
    grid_dims = tuple(d for d in sim.energy.dims if d != "t")
    order = grid_dims + ("t",)
    ov, E, dE = (sim[k].transpose(*order).values for k in QSL_SERIES)
    erg = sim.ergotropy.transpose(*order).values
    erg = erg - erg[..., :1]
    p = average_power(t, sim.energy.transpose(*order).values - sim.energy.transpose(*order).values[..., :1])

    def at(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.take_along_axis(a, idx[..., None], axis=-1)[..., 0]

    finite = np.all(np.isfinite(erg), axis=-1) & np.all(np.isfinite(ov), axis=-1)
    e_ok = np.where(np.isfinite(erg), erg, -np.inf)
    # first grid time within QSL_TARGET_RTOL of the maximal ergotropy (later revivals are not the target)
    i_erg = np.argmax(e_ok >= (1.0 - QSL_TARGET_RTOL) * e_ok.max(axis=-1, keepdims=True), axis=-1)
    i_tau = np.argmax(np.where(np.isfinite(p), p, -np.inf), axis=-1)
    out = {}
    t_erg, erg_max = t[i_erg], at(erg, i_erg)
    mt, ml = mandelstam_tamm_time(at(ov, i_erg), at(dE, i_erg)), margolus_levitin_time(at(ov, i_erg), at(E, i_erg))
    qsl = np.maximum(mt, ml)
    mt_tau = mandelstam_tamm_time(at(ov, i_tau), at(dE, i_tau))
    qsl_tau = np.maximum(mt_tau, margolus_levitin_time(at(ov, i_tau), at(E, i_tau)))
    with np.errstate(divide="ignore", invalid="ignore"):
        vals = {
            "qsl_target_time": t_erg,
            "qsl_target_ergotropy": erg_max,
            "qsl_mt_time": mt,
            "qsl_ml_time": ml,
            "qsl_time": qsl,
            "qsl_ratio": np.where(qsl > 0, t_erg / qsl, np.nan),
            "qsl_power_bound": np.where(qsl > 0, erg_max / qsl, np.nan),
            "qsl_time_tau_star": qsl_tau,
            "qsl_ratio_tau_star": np.where(qsl_tau > 0, t[i_tau] / qsl_tau, np.nan),
        }
    for k in _QSL_VARS:
        out[k] = var(k, grid_dims, np.where(finite, vals[k], np.nan))
    return out


def fit_exponent(N: np.ndarray, P: np.ndarray) -> tuple[float, float]:
    """Slope alpha of log P vs log N and its standard error (NaN if < 3 finite points)."""
    N, P = np.asarray(N, float), np.asarray(P, float)
    ok = np.isfinite(P) & (P > 0)
    if ok.sum() < 3:
        return np.nan, np.nan
    x, y = np.log(N[ok]), np.log(P[ok])
    A = np.vstack([x, np.ones_like(x)]).T
    coef, res, *_ = np.linalg.lstsq(A, y, rcond=None)
    dof = len(x) - 2
    resid = y - A @ coef
    s2 = resid @ resid / dof
    se = np.sqrt(s2 / np.sum((x - x.mean()) ** 2))
    return float(coef[0]), float(se)


def analyse_power(
    sim: xr.Dataset,
    reference: xr.Dataset | None = None,
    config: dict | None = None,
    normalisations: list[str] | None = None,
    normalised: dict[str, xr.Dataset] | None = None,
    on_violation: str | None = None,
    bounds: bool = True,
) -> xr.Dataset:
    """Power dataset of a simulated grid (and Gamma(N) if the parallel ``reference`` grid is given).
    Datasets of another kind, or a reference lacking an N of ``sim`` or on other parameters,
    raise a ValueError naming the argument (``qbattery.validation.power_args``).

    ``normalisations`` (with a reference): the ``*_normalised`` variables along a ``normalisation``
    dimension (``qbattery.advantage``), ``normalised`` the simulated grids of the normalisations
    that need them; the power bounds are added and checked for every model (``on_violation``;
    ``bounds=False``: not, for a grid whose coordinates are not the parameters it ran at).

    Health: a tau* at the last time point of ``sim`` or of ``reference`` (:func:`boundary_health`)
    fails, or under ``on_violation: nan`` records tau*, P_max (and so Gamma) of the point as NaN,
    with the reason in ``health_violations``; ``on_violation`` defaults to the policy the grid
    was simulated with (attribute ``numerics_on_violation``), else "fail"."""
    power_args(sim, reference)
    policy = on_violation or str(sim.attrs.get("numerics_on_violation", "fail"))
    t = sim.t.values
    grid_dims = tuple(d for d in sim.energy.dims if d != "t")
    out = xr.Dataset(coords={k: v for k, v in sim.coords.items()})
    stored = sim.energy.values - sim.energy.values[..., :1]
    erg = sim.ergotropy.values - sim.ergotropy.values[..., :1]
    tdims = grid_dims + ("t",)
    out["average_power"] = var("average_power", tdims, average_power(t, stored))
    out["average_power_ergotropy"] = var("average_power_ergotropy", tdims, average_power(t, erg))
    for name, val in {**_summaries(t, stored), **_summaries(t, erg, ergotropy=True)}.items():
        out[name] = var(name, grid_dims, val)
    for name, v in speed_limits(sim, out).items():
        out[name] = v
    out["late_energy_spread"] = var("late_energy_spread", grid_dims, late_spread(t, sim.energy.transpose(*grid_dims, "t").values))
    reasons = boundary_health(out, f"model={sim.attrs.get('model', '?')}", policy)
    if any(k in sim for k in QSL_SERIES):
        out.attrs["speed_limits"] = (
            "pure-state quantum speed limits of the full charging Hamiltonian H (time independent; rotating frame for driven models): "
            "Mandelstam-Tamm t >= arccos|<psi0|psi_t>| / Delta E; Margolus-Levitin t >= alpha(|<psi0|psi_t>|^2) / (<H> - E_0) "
            "(Giovannetti, Lloyd, Maccone, PRA 67, 052109 (2003)); target = first state within 1e-3 of "
            "the maximal ergotropy (grid time t_erg)"
        )
    other = [d for d in grid_dims if d != "N"]
    if "N" in grid_dims and sim.sizes["N"] >= 3 and "realisation" not in grid_dims:
        for pmax, alpha in (("max_power", "power_exponent"), ("max_power_ergotropy", "power_exponent_ergotropy")):
            pm = out[pmax].transpose("N", *other).values.reshape(sim.sizes["N"], -1)
            fits = np.array([fit_exponent(sim.N.values, pm[:, j]) for j in range(pm.shape[1])])
            shape = tuple(sim.sizes[d] for d in other)
            out[alpha] = var(alpha, other, fits[:, 0].reshape(shape))
            out[alpha + "_stderr"] = var(alpha + "_stderr", other, fits[:, 1].reshape(shape))
    if reference is not None:
        ref = analyse_power(reference, on_violation=policy)
        ref = ref.sel(N=sim.N.values)
        reasons += [f"reference {r}" for r in ref.attrs["health_violations"].split("\n") if r != "none"]
        for flag in BIASED_BY_BOUNDARY:
            out["reference_" + flag] = var("reference_" + flag, ref[flag].dims, ref[flag].values)
        ratio = f"P_max({sim.attrs['model']}) / P_max({reference.attrs['model']})"
        for pmax, suffix in (("max_power", ""), ("max_power_ergotropy", "_ergotropy")):
            adv, ref_name = "quantum_advantage" + suffix, "reference_max_power" + suffix
            # drop_attrs: the ratio is dimensionless, it must not keep the attributes (reduced_units) of P_max
            out[adv] = (out[pmax] / ref[pmax]).drop_attrs(deep=False).assign_attrs(attrs(adv, comment=ratio))
            ref_attrs = attrs(ref_name, comment=f"reference model {reference.attrs['model']}")
            out[ref_name] = ref[pmax].drop_attrs(deep=False).assign_attrs(ref_attrs)
        out.attrs["quantum_advantage_normalisation"] = (
            f"Gamma = P_max({sim.attrs['model']}) / P_max({reference.attrs['model']}) at equal N and parameters; "
            f"{sim.attrs['model']}: {sim.attrs['normalisation']}; {reference.attrs['model']}: {reference.attrs['normalisation']}"
        )
    if "realisation" in grid_dims:
        disorder_statistics(out)
    if reference is not None and normalisations:
        from .advantage import add_normalisations

        # a normalised grid's tau* at the grid end is recorded (NaN and a reason), as the model's own
        powers = {k: analyse_power(v, bounds=False, on_violation="nan") for k, v in (normalised or {}).items()}
        for k, pw in powers.items():
            reasons += [f"normalisation {k}: {r}" for r in pw.attrs["health_violations"].split("\n") if r != "none"]
        add_normalisations(out, sim, list(normalisations), powers)
    _stability(out, sim)
    from .advantage import add_bounds

    violations = add_bounds(out, sim.attrs["model"], policy) if bounds else []
    out.attrs.update({k: v for k, v in sim.attrs.items() if not k.startswith(("history", "config_"))})
    previous = [r for r in str(sim.attrs.get("health_violations", "none")).split("\n") if r and r != "none"]
    out.attrs["health_violations"] = "\n".join(dict.fromkeys(previous + reasons + violations)) or "none"
    out.attrs.update(provenance_attrs(config))
    return out


def late_spread(t: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Temporal standard deviation of E(t) over t >= t_max / 2 (Rosa et al., JHEP 2020, 067: the
    temporal fluctuation of the stored energy once charged); NaN where the curve is NaN."""
    late = energy[..., t >= t[-1] / 2]
    return late.std(axis=-1)


def mean_and_stderr(x: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """Disorder mean over ``realisation`` and its standard error (sample std / sqrt(R), NaN for R = 1)."""
    R = x.sizes["realisation"]
    err = x.std("realisation", ddof=1) / np.sqrt(R) if R > 1 else xr.full_like(x.isel(realisation=0, drop=True), np.nan)
    return x.mean("realisation"), err


def disorder_statistics(out: xr.Dataset) -> None:
    """Disorder means and standard errors (sample std / sqrt(R), NaN for R = 1) over the
    ``realisation`` axis of the quantities in ``vocabulary.DISORDER_STATISTICS``, and the power
    exponent of the disorder-mean P_max (a realisation at one N is an independent draw from one at
    another N, so the exponent is fitted to the means, with the fit's standard error)."""
    R = out.sizes["realisation"]
    for name in DISORDER_STATISTICS:
        if name not in out:
            continue
        mean, err = mean_and_stderr(out[name])
        out[disorder_mean(name)] = mean.assign_attrs(attrs(disorder_mean(name), realisations=R))
        out[disorder_stderr(name)] = err.assign_attrs(attrs(disorder_stderr(name), realisations=R))
    if out.sizes.get("N", 0) >= 3:
        pairs = (("max_power", "power_exponent_disorder_mean"), ("max_power_ergotropy", "power_exponent_ergotropy_disorder_mean"))
        for pmax, alpha in pairs:
            pm = out[disorder_mean(pmax)]
            other = [d for d in pm.dims if d != "N"]
            flat = pm.transpose("N", *other).values.reshape(out.sizes["N"], -1)
            fits = np.array([fit_exponent(out.N.values, flat[:, j]) for j in range(flat.shape[1])])
            shape = tuple(out.sizes[d] for d in other)
            out[alpha] = var(alpha, tuple(other), fits[:, 0].reshape(shape))
            out[alpha + "_stderr"] = var(alpha + "_stderr", tuple(other), fits[:, 1].reshape(shape))


def _stability(out: xr.Dataset, sim: xr.Dataset) -> None:
    """Charging precision at tau* (energy variance, relative fluctuation; Friis and Huber 2018) where the
    grid has ``energy_variance``, and the energy's temporal fluctuation over t >= tau* (stability)."""
    from .physics.figures_of_merit import relative_fluctuation, temporal_fluctuation

    dims = out.tau_star.dims
    t = sim.t.values
    tau = out.tau_star.transpose(*dims).values
    E = sim.energy.transpose(*dims, "t").values
    fl = np.full(tau.shape, np.nan)
    var_tau = np.full(tau.shape, np.nan)
    e_tau = np.full(tau.shape, np.nan)
    V = sim.energy_variance.transpose(*dims, "t").values if "energy_variance" in sim else None
    for idx in np.ndindex(tau.shape):
        if not np.isfinite(tau[idx]):
            continue
        fl[idx] = temporal_fluctuation(t, E[idx], tau[idx])
        i = int(np.argmin(np.abs(t - tau[idx])))
        e_tau[idx] = E[idx][i] - E[idx][0]
        if V is not None:
            var_tau[idx] = V[idx][i]
    out["energy_temporal_fluctuation"] = var("energy_temporal_fluctuation", dims, fl)
    if V is not None:
        out["energy_variance_at_tau_star"] = var("energy_variance_at_tau_star", dims, var_tau)
        out["relative_fluctuation_at_tau_star"] = var("relative_fluctuation_at_tau_star", dims, relative_fluctuation(var_tau, e_tau))
