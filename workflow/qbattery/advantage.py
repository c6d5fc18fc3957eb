"""Quantum advantage under every normalisation and the power bounds (power stage; issue 19,
docs/quantum-advantage.md).

- :func:`add_normalisations`: the variables ``*_normalised`` along a ``normalisation``
  dimension (``qbattery.normalisations``): c_N, P_max, tau*, Gamma(N) against the reference at
  its configured parameters, and alpha of each normalisation.
- :func:`add_bounds`: the power bounds of ``physics.charging_bounds`` for every model and point
  whose assumption holds (``Model.charging_bound``), and the check that P_max never exceeds them
  (``numerics.on_violation``: "fail" raises, "nan" flags the point in
  ``charging_bound_violation`` and the attribute ``health_violations``).
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from . import normalisations as norms
from .models import get_model
from .vocabulary import var

#: relative slack of the bound check (round-off of the refined tau* parabola, never physics)
BOUND_RTOL = 1e-9


class BoundViolationError(RuntimeError):
    """A power above a bound whose assumption holds."""


def grid_points(ds: xr.Dataset, model: str):
    """(index, N, params) of every point of the grid dims (N first, then the swept parameters)."""
    m = get_model(model)
    dims = [d for d in ds.max_power.dims]
    for idx in itertools.product(*(range(ds.sizes[d]) for d in dims)):
        sel = dict(zip(dims, idx))
        point = {
            p.name: float(ds[p.name].isel({k: v for k, v in sel.items() if k in ds[p.name].dims}).values)
            for p in m.parameters
            if p.name in ds.coords
        }
        yield idx, int(ds.N.values[sel["N"]]), point


def _fit_alpha(N: np.ndarray, P: np.ndarray) -> np.ndarray:
    from .analysis import fit_exponent

    flat = P.reshape(P.shape[0], -1)
    fits = np.array([fit_exponent(N, flat[:, j]) for j in range(flat.shape[1])])
    return fits.reshape(P.shape[1:] + (2,))


def add_normalisations(out: xr.Dataset, sim: xr.Dataset, names: list[str], normalised: dict[str, xr.Dataset]) -> None:
    """Add the normalisation dimension to ``out`` (a power dataset with ``reference_max_power``).
    ``normalised``: name -> power dataset of the simulated normalised grid (route "simulated")."""
    model = sim.attrs["model"]
    unknown = [n for n in names if n not in norms.NORMALISATIONS]
    if unknown:
        raise ValueError(f"normalisations: unknown {unknown}; allowed: {', '.join(norms.NORMALISATIONS)}")
    dims = out.max_power.dims
    shape = out.max_power.shape
    n = len(names)
    c = np.full((n,) + shape, np.nan)
    P, Pe, tau = (np.full((n,) + shape, np.nan) for _ in range(3))
    routes = []
    for i, name in enumerate(names):
        for idx, N, point in grid_points(out, model):
            c[(i,) + idx] = norms.factor(name, model, N, point)
        route = norms.route(name, model)
        routes.append(f"{name}: {route}")
        ok = np.isfinite(c[i])
        if route == "identity" or (np.all(c[i][ok] == 1.0) and route != "simulated"):
            P[i], Pe[i], tau[i] = out.max_power.values, out.max_power_ergotropy.values, out.tau_star.values
        elif route == "exact rescaling":
            P[i], Pe[i], tau[i] = c[i] * out.max_power.values, c[i] * out.max_power_ergotropy.values, out.tau_star.values / c[i]
        elif route == "simulated":
            if name not in normalised:
                raise ValueError(
                    f"power of {model!r}: normalisation {name!r} needs its simulated grid (simulate/normalised/{model}/{name}.nc)"
                )
            d = normalised[name]
            P[i] = d.max_power.transpose(*dims).values
            Pe[i], tau[i] = d.max_power_ergotropy.transpose(*dims).values, d.tau_star.transpose(*dims).values
        P[i][~ok], Pe[i][~ok], tau[i][~ok] = np.nan, np.nan, np.nan
    ndims = ("normalisation", *dims)
    out.coords["normalisation"] = ("normalisation", np.array(names, dtype=object), {"long_name": "normalisation of the charging coupling"})
    out["normalisation_factor"] = var("normalisation_factor", ndims, c)
    out["max_power_normalised"] = var("max_power_normalised", ndims, P)
    out["max_power_ergotropy_normalised"] = var("max_power_ergotropy_normalised", ndims, Pe)
    out["tau_star_normalised"] = var("tau_star_normalised", ndims, tau)
    if "reference_max_power" in out:
        ref = out.reference_max_power.broadcast_like(out.max_power).transpose(*dims).values
        ref_e = out.reference_max_power_ergotropy.broadcast_like(out.max_power).transpose(*dims).values
        out["quantum_advantage_normalised"] = var("quantum_advantage_normalised", ndims, P / ref)
        out["quantum_advantage_ergotropy_normalised"] = var("quantum_advantage_ergotropy_normalised", ndims, Pe / ref_e)
    if out.sizes.get("N", 0) >= 3:
        iN = dims.index("N")
        moved = np.moveaxis(P, 1 + iN, 0)  # (N, normalisation, others)
        fits = _fit_alpha(out.N.values, moved)
        other = ("normalisation", *[d for d in dims if d != "N"])
        out["power_exponent_normalised"] = var("power_exponent_normalised", other, fits[..., 0])
        out["power_exponent_normalised_stderr"] = var("power_exponent_normalised_stderr", other, fits[..., 1])
    for name in names:
        out.attrs[f"normalisation_{name}"] = norms.attrs(name)
    out.attrs["normalisation_route"] = (
        "; ".join(routes) + " (identity: the fixed-coupling results; exact rescaling: H -> c H gives P_max -> c P_max, "
        "tau* -> tau*/c; simulated: simulate_normalised jobs at the rescaled coupling; undefined: NaN)"
    )


def add_bounds(out: xr.Dataset, model: str, on_violation: str) -> list[str]:
    """Power bounds at the configured parameters (and along ``normalisation`` at the normalised
    couplings, where present), checked against P_max = max_t E(t)/t. Returns the violations
    recorded (on_violation "nan"); raises BoundViolationError on the first one if "fail"."""
    m = get_model(model)
    dims = out.max_power.dims
    shape = out.max_power.shape
    bn, bl, k = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, dtype=np.int64)
    flag = np.full(shape, -1, dtype=np.int8)
    bad: list[str] = []
    names = list(out.normalisation.values) if "normalisation" in out.coords else []
    bnorm = np.full((len(names),) + shape, np.nan)

    def check(label: str, powers: dict[str, float], bound: float) -> bool:
        over = [f"{k}={v:.6g} > bound {bound:.6g}" for k, v in powers.items() if np.isfinite(v) and v > bound * (1 + BOUND_RTOL) + 1e-14]
        if over:
            bad.append(f"charging bound: model={model} {label}: " + "; ".join(over))
        return not over

    for idx, N, point in grid_points(out, model):
        b = m.charging_bound(N, point)
        if b is None:
            continue
        bn[idx], bl[idx], k[idx] = b.norm_bound, b.local_bound, b.interaction_order
        label = f"N={N} " + " ".join(f"{a}={v:g}" for a, v in point.items())
        # P_max = max_t E(t)/t only: peak_power is a finite-difference estimate of max dE/dt, which the
        # flip reaches exactly (dE/dt = N g_N sin(2 g_N t)), so its grid error could cross the bound
        ok = check(label, {"max_power": float(out.max_power.values[idx])}, b.bound)
        for i, name in enumerate(names):
            c = float(out.normalisation_factor.values[(i,) + idx])
            if not np.isfinite(c):
                continue
            bc = m.charging_bound(N, norms.rescaled(model, point, c))
            bnorm[(i,) + idx] = bc.bound
            ok &= check(
                f"{label} normalisation={name}", {"max_power_normalised": float(out.max_power_normalised.values[(i,) + idx])}, bc.bound
            )
        flag[idx] = 0 if ok else 1
    if bad and on_violation == "fail":
        raise BoundViolationError("; ".join(bad) + " (a power above a rigorous bound: a bug, or set numerics.on_violation: nan)")
    out["charging_power_bound_norm"] = var("charging_power_bound_norm", dims, bn)
    out["charging_power_bound_local"] = var("charging_power_bound_local", dims, bl)
    out["interaction_order"] = var("interaction_order", dims, k)
    out["charging_bound_violation"] = var("charging_bound_violation", dims, flag)
    if names:
        out["charging_power_bound_normalised"] = var("charging_power_bound_normalised", ("normalisation", *dims), bnorm)
    out.attrs["charging_bounds"] = (
        "P(t) <= ||[H_B, V]|| <= min((e_max - e_min) ||V||, sum_X k_X omega_a ||h_X||) for a bounded, time-independent "
        "charging Hamiltonian V on the cells (Gyhm, Safranek, Rosa, PRL 128, 140501 (2022): norm constraint; Campaioli et al., "
        "PRL 118, 150601 (2017): interaction order k); checked on max_power (physics.charging_bounds); "
        + (m.charging_bound_reason or "the assumption holds for this model")
    )
    return bad
