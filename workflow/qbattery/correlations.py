"""Battery-charger correlations: how much of the charged energy is locked between them.

For a joint battery (x) charger state rho_BC(t) (:class:`~qbattery.models.base.JointTrajectory`)
along the trajectory, and at a switch-off time tau:

- mutual information I(B:C) = S(rho_B) + S(rho_C) - S(rho_BC) [nats], the relative entropy
  S(rho_BC || rho_B (x) rho_C); for a pure joint state S_BC = 0 and S_B = S_C = entanglement
  entropy, so I = 2 S_B. Bounds: 0 <= I <= 2 ln min(d_B, d_C) (support dimensions).
- interaction energy <H_int> and its share <H_int> / <H_B + H_C + H_int> of the total energy
  (the work paid or gained when the coupling is switched off at tau).
- global ergotropy of rho_BC under H_B + H_C (passive state over the FULL joint space: joint
  levels e_i + f_j with degeneracies g_i h_j) against the local ergotropies of rho_B and rho_C
  (each over its full space); locked ergotropy = global - (local B + local C) >= 0 because local
  unitaries U_B (x) U_C are global unitaries and H_B + H_C is additive.
  Pure joint state: the passive state is the joint ground state, so
  Erg_global = <H_B> + <H_C> - (e_B,min + e_C,min) = <H_B> + <H_C> (ground energies 0).
- the battery's ergotropy-to-energy ratio Erg_B / <H_B> (Andolina et al., PRL 122, 047702 (2019)).
- decoupling score: trace distance T = 1/2 || rho_BC - rho_B (x) rho_C ||_1. For a pure state with
  Schmidt probabilities p_k: T = lambda_max(sqrt(p) sqrt(p)^T - diag(p^2)) (derivation in
  docs/correlations.md), an r x r problem (r = Schmidt rank) instead of (d_B d_C)^2.

Routes: pure states via the Schmidt decomposition (batched SVD over time, no rho_BC);
density matrices via einsum partial traces and batched eigvalsh; N identical independent
pairs (``charger_mediated_tls``) from one pair, with the Schmidt spectrum of the product
(values prod of pair values, binomial multiplicities) -- no 4^N state.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from math import comb

import numpy as np
import scipy.sparse as sp
import xarray as xr

from .models import Numerics, get_model
from .models.base import JointTrajectory, Model
from .provenance import provenance_attrs
from .physics import quantities
from .physics.quantities import Spectrum, cells_spectrum
from .simulate import health_violation, parameter_coords, parameter_grid
from .validation import correlations_args
from .vocabulary import CORRELATION_SERIES, at_switch_off
from .vocabulary import var as var_of

log = logging.getLogger("qbattery")

STATUS_OK, STATUS_HEALTH = 0, 1
TOP_FOCK_LEVELS = 2


class CorrelationHealthError(RuntimeError):
    """A diagnostic of the joint state exceeded its configured tolerance."""


#: time series of the correlation dataset (long_name, units: qbattery.vocabulary); each is also
#: stored at the switch-off times as ``<name>_at_switch_off``
SERIES: tuple[str, ...] = CORRELATION_SERIES
#: dataset name -> the key the series functions below compute it under (the battery's local quantities)
_COMPUTED_AS = {"energy": "battery_energy", "ergotropy": "battery_ergotropy", "ergotropy_ratio": "battery_ergotropy_ratio"}

#: names of the switch-off times (config ``correlations.switch_off``) -> variable of the power dataset
SWITCH_OFF_TIMES = {
    "tau_star": "tau_star",
    "tau_star_ergotropy": "tau_star_ergotropy",
    "t_max_energy": "t_max_energy",
    "t_max_ergotropy": "t_max_ergotropy",
}
_RATIO_FLOOR = 1e-12  # denominators below this (in omega_a) give NaN ratios


# --------------------------------------------------------------------------------------
# Spectra: lowest-level sums over full spaces with degeneracies
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LevelSum(Spectrum):
    """A factor's full spectrum (a :class:`~qbattery.physics.quantities.Spectrum`: ascending ``energies``,
    exact integer ``degeneracies``) with F(n) = sum of its n lowest levels and joint spectra:
    lets passive energies use 2^N x Fock levels without listing them."""

    @classmethod
    def of(cls, H: np.ndarray | None, levels: Spectrum | np.ndarray | None = None) -> LevelSum:
        """Full spectrum of a factor: ``levels`` (Spectrum or array) if given, else eigvalsh(H)."""
        s = Spectrum.of(H, levels)
        return cls(s.energies, s.degeneracies)

    @property
    def ground(self) -> float:
        return float(self.energies[0])

    def __call__(self, n: np.ndarray) -> np.ndarray:
        n = np.asarray(n, float)
        g = self.degeneracies.astype(float)
        before = np.concatenate([[0.0], np.cumsum(g)[:-1]])
        filled = np.clip(n[..., None] - before, 0.0, g)
        return filled @ self.energies

    def joint(self, other: LevelSum) -> LevelSum:
        """Spectrum of H_1 (x) 1 + 1 (x) H_2: levels e_i + f_j, degeneracies g_i h_j (exact integers)."""
        e = np.add.outer(self.energies, other.energies).ravel()
        g = np.multiply.outer(self.degeneracies, other.degeneracies).ravel()
        return LevelSum(e, g)


def passive_energy(probs: np.ndarray, levels: Spectrum, multiplicities: np.ndarray | None = None) -> np.ndarray:
    """sum_k r_k e_k with r sorted decreasing (each value ``probs[..., j]`` repeated
    ``multiplicities[j]`` times) against the lowest levels e_k ascending of the full spectrum
    (:func:`qbattery.physics.quantities.passive_energy`)."""
    return quantities.passive_energy(probs, levels, multiplicities)


# --------------------------------------------------------------------------------------
# Information-theoretic functions of spectra
# --------------------------------------------------------------------------------------
def shannon_entropy(probs: np.ndarray, multiplicities: np.ndarray | None = None) -> np.ndarray:
    """H(p) = -sum_j m_j p_j ln p_j in nats (p_j <= 1e-300 contribute 0)."""
    p = np.clip(np.asarray(probs, float), 0.0, None)
    m = np.ones(p.shape[-1]) if multiplicities is None else np.asarray(multiplicities, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 1e-300, -p * np.log(np.where(p > 1e-300, p, 1.0)), 0.0)
    return terms @ m


def schmidt_probabilities(psi: np.ndarray, dims: tuple[int, int]) -> np.ndarray:
    """Squared Schmidt coefficients p_k (decreasing) of pure states psi (..., d_B d_C), battery first:
    singular values of the d_B x d_C amplitude matrix (batched SVD)."""
    dB, dC = dims
    M = np.asarray(psi).reshape(psi.shape[:-1] + (dB, dC))
    return np.linalg.svd(M, compute_uv=False) ** 2


def pure_decoupling_distance(probs: np.ndarray, multiplicities: np.ndarray | None = None) -> np.ndarray:
    """T(|psi><psi|, rho_B (x) rho_C) for Schmidt probabilities p_j (value p_j repeated m_j times).

    In the Schmidt basis rho_B (x) rho_C = diag(p_k p_l); the off-diagonal |k l> (k != l) contribute
    -p_k p_l, span{|k k>} the rank-one update M = s s^T - diag(p^2), s = sqrt(p), with one positive
    eigenvalue; ||.||_1 = (1 - sum p^2) + 2 lambda_+ - Tr M = 2 lambda_+, so T = lambda_+.
    Degenerate values reduce to u_j = sqrt(m_j p_j) (the other m_j - 1 directions give -p_j^2 < 0).
    """
    p = np.clip(np.asarray(probs, float), 0.0, None)
    m = np.ones(p.shape[-1]) if multiplicities is None else np.asarray(multiplicities, float)
    u = np.sqrt(m * p)
    M = u[..., :, None] * u[..., None, :] - np.einsum("...i,ij->...ij", p**2, np.eye(p.shape[-1]))
    return np.clip(np.linalg.eigvalsh(M)[..., -1], 0.0, 1.0)


def _eigvals_psd(rho: np.ndarray) -> np.ndarray:
    return np.clip(np.linalg.eigvalsh(0.5 * (rho + np.swapaxes(rho, -1, -2).conj())), 0.0, None)


def _mean(rho: np.ndarray, H: np.ndarray) -> np.ndarray:
    return np.real(np.einsum("...ij,ji->...", rho, H))


# --------------------------------------------------------------------------------------
# Correlation series of a joint trajectory
# --------------------------------------------------------------------------------------
def _finish(out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Derived series: I, total energy, shares and ratios, locked ergotropy."""
    out["mutual_information"] = np.clip(out["battery_entropy"] + out["charger_entropy"] - out["joint_entropy"], 0.0, None)
    out["total_energy"] = out["battery_energy"] + out["charger_energy"] + out["interaction_energy"]
    out["locked_ergotropy"] = out["global_ergotropy"] - out["battery_ergotropy"] - out["charger_ergotropy"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["interaction_share"] = np.where(
            np.abs(out["total_energy"]) > _RATIO_FLOOR, out["interaction_energy"] / out["total_energy"], np.nan
        )
        out["locked_fraction"] = np.where(out["global_ergotropy"] > _RATIO_FLOOR, out["locked_ergotropy"] / out["global_ergotropy"], np.nan)
        out["battery_ergotropy_ratio"] = np.where(
            out["battery_energy"] > _RATIO_FLOOR, out["battery_ergotropy"] / out["battery_energy"], np.nan
        )
    return {k: np.asarray(out[_COMPUTED_AS.get(k, k)], float) for k in SERIES}


def pure_state_correlations(jt: JointTrajectory) -> dict[str, np.ndarray]:
    """All :data:`SERIES` for pure joint states (nt, d_B d_C), via the Schmidt decomposition."""
    dB, dC = jt.dims
    psi = np.asarray(jt.states)
    M = psi.reshape(psi.shape[0], dB, dC)
    p = schmidt_probabilities(psi, jt.dims)
    LB, LC = LevelSum.of(jt.H_B, jt.battery_levels), LevelSum.of(jt.H_C, jt.charger_levels)
    E_B = np.real(np.einsum("tbc,bd,tdc->t", M.conj(), jt.H_B, M))
    E_C = np.real(np.einsum("tbc,cd,tbd->t", M.conj(), jt.H_C, M))
    Hint = sp.csr_matrix(jt.H_int)
    E_int = np.real(np.einsum("ti,it->t", psi.conj(), Hint @ psi.T))
    S = shannon_entropy(p)
    out = {
        "battery_entropy": S,
        "charger_entropy": S,
        "joint_entropy": np.zeros_like(S),
        "battery_energy": E_B,
        "charger_energy": E_C,
        "interaction_energy": E_int,
        # rho_B and rho_C share the nonzero spectrum p (Schmidt)
        "battery_ergotropy": E_B - passive_energy(p, LB),
        "charger_ergotropy": E_C - passive_energy(p, LC),
        # pure: the passive state is the joint ground state, energy e_B,min + e_C,min
        "global_ergotropy": E_B + E_C - (LB.ground + LC.ground),
        "decoupling_distance": pure_decoupling_distance(p),
    }
    return _finish(out)


def mixed_state_correlations(jt: JointTrajectory) -> dict[str, np.ndarray]:
    """All :data:`SERIES` for joint density matrices (nt, D, D): einsum partial traces, batched eigvalsh."""
    dB, dC = jt.dims
    rho = np.asarray(jt.states)
    t = rho.reshape(rho.shape[0], dB, dC, dB, dC)
    rB, rC = np.einsum("tajbj->tab", t), np.einsum("tiaib->tab", t)
    LB, LC = LevelSum.of(jt.H_B, jt.battery_levels), LevelSum.of(jt.H_C, jt.charger_levels)
    pB, pC, pBC = _eigvals_psd(rB), _eigvals_psd(rC), _eigvals_psd(rho)
    E_B, E_C, E_int = _mean(rB, jt.H_B), _mean(rC, jt.H_C), _mean(rho, jt.H_int)
    prod = np.einsum("tab,tcd->tacbd", rB, rC).reshape(rho.shape)
    diff = np.linalg.eigvalsh(0.5 * ((rho - prod) + np.swapaxes(rho - prod, -1, -2).conj()))
    out = {
        "battery_entropy": shannon_entropy(pB),
        "charger_entropy": shannon_entropy(pC),
        "joint_entropy": shannon_entropy(pBC),
        "battery_energy": E_B,
        "charger_energy": E_C,
        "interaction_energy": E_int,
        "battery_ergotropy": E_B - passive_energy(pB, LB),
        "charger_ergotropy": E_C - passive_energy(pC, LC),
        "global_ergotropy": E_B + E_C - passive_energy(pBC, LB.joint(LC)),
        "decoupling_distance": 0.5 * np.abs(diff).sum(axis=-1),
    }
    return _finish(out)


def joint_correlations(jt: JointTrajectory) -> dict[str, np.ndarray]:
    """All :data:`SERIES` of a joint trajectory (pure states or density matrices)."""
    s = np.asarray(jt.states)
    return pure_state_correlations(jt) if s.ndim == 2 else mixed_state_correlations(jt)


def pair_product_correlations(pair: JointTrajectory, N: int) -> dict[str, np.ndarray]:
    """:data:`SERIES` of N identical independent pairs (x)_i |psi_i>_{B_i C_i} from one pure pair.

    Across the cut B = B_1..B_N | C = C_1..C_N the Schmidt probabilities are the products
    prod_i p_{k_i}: for a qubit pair with (p_0, p_1), value p_0^{N-j} p_1^j with multiplicity C(N, j).
    Energies are N times the pair's; the factor spectra are the N-fold sums of the pair factor spectra.
    """
    if np.asarray(pair.states).ndim != 2:
        raise ValueError("pair_product_correlations takes pure pair states")
    p1 = schmidt_probabilities(pair.states, pair.dims)  # (nt, r1)
    r1 = p1.shape[1]
    if r1 != 2:
        raise ValueError("pair_product_correlations handles qubit pairs (Schmidt rank 2)")
    j = np.arange(N + 1)
    mult = np.array([comb(N, int(x)) for x in j], dtype=object)  # exact: their sum is the dimension 2^N
    with np.errstate(divide="ignore", invalid="ignore"):
        logq = (N - j) * np.log(p1[:, :1]) + j * np.log(p1[:, 1:2])
    q = np.where(np.isfinite(logq), np.exp(logq), 0.0)
    one = pure_state_correlations(pair)
    LB1, LC1 = LevelSum.of(pair.H_B, pair.battery_levels), LevelSum.of(pair.H_C, pair.charger_levels)
    LB, LC = _nfold(LB1, N), _nfold(LC1, N)
    E_B, E_C = N * one["energy"], N * one["charger_energy"]
    S = N * one["battery_entropy"]
    out = {
        "battery_entropy": S,
        "charger_entropy": S,
        "joint_entropy": np.zeros_like(S),
        "battery_energy": E_B,
        "charger_energy": E_C,
        "interaction_energy": N * one["interaction_energy"],
        "battery_ergotropy": E_B - passive_energy(q, LB, mult),
        "charger_ergotropy": E_C - passive_energy(q, LC, mult),
        "global_ergotropy": E_B + E_C - (LB.ground + LC.ground),
        "decoupling_distance": pure_decoupling_distance(q, mult),
    }
    return _finish(out)


def _nfold(L: LevelSum, N: int) -> LevelSum:
    """Spectrum of sum_i h_i over N copies; a two-level h gives e_0 N + k (e_1 - e_0), deg C(N, k)."""
    if len(L.energies) == 2 and all(g == 1 for g in L.degeneracies):
        e0, e1 = L.energies
        s = cells_spectrum(N, e1 - e0)
        return LevelSum(np.asarray(s.energies) + N * e0, s.degeneracies)
    out = LevelSum(np.zeros(1), np.ones(1, dtype=np.int64))
    for _ in range(N):
        out = out.joint(L)
    return out


def joint_diagnostics(jt: JointTrajectory, series: dict[str, np.ndarray], fock_truncated: bool) -> dict[str, float]:
    """Norm error, drift of the conserved <H_B + H_C + H_int>, top-Fock-level weight of the charger."""
    s = np.asarray(jt.states)
    norm = np.sum(np.abs(s) ** 2, axis=1) if s.ndim == 2 else np.real(np.trace(s, axis1=1, axis2=2))
    tot = series["total_energy"]
    trunc = np.nan
    if fock_truncated:
        dB, dC = jt.dims
        pops = (
            (np.abs(s.reshape(len(s), dB, dC)) ** 2).sum(axis=1)
            if s.ndim == 2
            else np.real(np.einsum("tiaia->ta", s.reshape(len(s), dB, dC, dB, dC)))
        )
        trunc = float(pops[:, -TOP_FOCK_LEVELS:].sum(axis=1).max())
    return {
        "norm_error": float(np.abs(norm - 1.0).max()),
        "energy_drift": float(np.abs(tot - tot[0]).max() / (1.0 + abs(tot[0]))),
        "charger_truncation_weight": trunc,
        "charger_dimension": float(jt.dims[1]),
    }


#: diagnostic -> the tolerance it is checked against ("": recorded only); long_name, units: qbattery.vocabulary
DIAGNOSTICS = {
    "norm_error": "norm_tol",
    "energy_drift": "norm_tol",
    "charger_truncation_weight": "truncation_tol",
    "charger_dimension": "",
}


def correlation_trajectory(
    model: Model | str, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics
) -> tuple[dict, dict]:
    """(series, diagnostics) of one model at one N and parameter point over ``times``."""
    m = get_model(model) if isinstance(model, str) else model
    info = m.joint_charger
    if info.pair_product:
        jt = m.joint_trajectory(1, times, params, numerics)
        series = pair_product_correlations(jt, int(N))
        diag = joint_diagnostics(jt, joint_correlations(jt), info.fock_truncated)
        diag["charger_dimension"] = float(2**N)
    else:
        jt = m.joint_trajectory(int(N), times, params, numerics)
        series = joint_correlations(jt)
        diag = joint_diagnostics(jt, series, info.fock_truncated)
    return series, diag


# --------------------------------------------------------------------------------------
# Grid dataset (the workflow's data model)
# --------------------------------------------------------------------------------------
def _cutoff_numerics(numerics: Numerics, N: int, cutoff: float | None) -> Numerics:
    """Numerics that reproduce the simulate stage's converged cavity cutoff (2N + 1 + fock_extra)."""
    if cutoff is None or not np.isfinite(cutoff):
        return numerics
    extra = int(round(cutoff)) - 2 * int(N) - 1
    if extra < 0:
        return numerics
    return numerics.updated(fock_extra=extra, fock_auto=False)


def correlations_grid(
    model,
    N: int,
    times: np.ndarray,
    params: dict,
    numerics: Numerics,
    switch_off: dict[str, xr.DataArray] | None = None,
    cutoffs: xr.DataArray | None = None,
    config: dict | None = None,
) -> xr.Dataset:
    """Correlation dataset of ``model`` at one N over its parameter grid (dims N, swept params, time).

    ``switch_off``: name -> DataArray of switch-off times over (N, swept params) (e.g. tau* of the
    power dataset); the joint state is evaluated exactly there (appended to the time grid) and the
    series are stored as ``<name>_at_switch_off`` over a ``switch_off`` dimension. ``cutoffs``:
    the simulate stage's ``fock_cutoff`` over the same grid (reused for models that allow it).
    """
    times = correlations_args(model, N, times, params, numerics, config)
    m = get_model(model, face="joint") if isinstance(model, str) else model  # a Model instance: a user battery
    model = m.name
    info = m.joint_charger
    t = np.asarray(times, float)
    dims, swept, fixed = parameter_grid(m, params)
    shape = (1,) + tuple(len(swept[d]) for d in dims)
    names = list(switch_off or {})
    data = {k: np.full(shape + (len(t),), np.nan) for k in SERIES}
    at = {k: np.full(shape + (len(names),), np.nan) for k in SERIES}
    tau_vals = np.full(shape + (len(names),), np.nan)
    diag = {k: np.full(shape, np.nan) for k in DIAGNOSTICS}
    status = np.zeros(shape, dtype=np.int8)
    reasons: list[str] = []
    for idx in itertools.product(*(range(len(swept[d])) for d in dims)):
        point = dict(fixed)
        point.update({d: float(swept[d][i]) for d, i in zip(dims, idx)})
        sel = {"N": int(N), **{d: point[d] for d in dims}}
        taus = np.array([_pick(switch_off[n], sel) for n in names], float)
        extra = taus[np.isfinite(taus)]
        t_all, inverse = np.unique(np.concatenate([t, extra]), return_inverse=True)
        num = numerics
        if info.reuse_cutoff and cutoffs is not None:
            num = _cutoff_numerics(numerics, N, _pick(cutoffs, sel))
        series, dg = correlation_trajectory(m, N, t_all, point, num)
        where = (0,) + idx
        for k, v in dg.items():
            diag[k][where] = v
        bad = [
            f"{k}={dg[k]:.3e} > {tol}={getattr(numerics, tol):g}"
            for k, tol in DIAGNOSTICS.items()
            if tol and np.isfinite(dg[k]) and not dg[k] <= getattr(numerics, tol)
        ]
        label = f"correlations health: model={model} N={N} " + " ".join(f"{k}={v:g}" for k, v in point.items())
        msg = health_violation(label, bad, numerics.on_violation, error=CorrelationHealthError)
        if msg:
            status[where] = STATUS_HEALTH
            reasons.append(msg)
            continue
        grid_idx = inverse[: len(t)]
        extra_idx = iter(inverse[len(t) :])
        for k in SERIES:
            data[k][where] = series[k][grid_idx]
        for i, tau in enumerate(taus):
            tau_vals[where + (i,)] = tau
            if np.isfinite(tau):
                j = next(extra_idx)
                for k in SERIES:
                    at[k][where + (i,)] = series[k][j]
        log.info("correlations %s N=%d %s done", model, N, point)
    return _to_dataset(m, int(N), t, dims, swept, fixed, names, data, at, tau_vals, diag, status, reasons, numerics, config)


def _char_labels(ds: xr.Dataset) -> xr.Dataset:
    """Store the ``switch_off`` labels as a classic netCDF char array (not a variable-length string)."""
    if "switch_off" in ds.coords:
        ds["switch_off"].encoding["dtype"] = "S1"
    return ds


def _pick(da: xr.DataArray, sel: dict) -> float:
    """Value of ``da`` at the grid point ``sel`` (dims of ``da`` only; nearest match on floats)."""
    s = {k: v for k, v in sel.items() if k in da.dims}
    return float(da.sel(s, method="nearest").values) if s else float(da.values)


def _to_dataset(m, N, t, dims, swept, fixed, names, data, at, tau_vals, diag, status, reasons, num, config) -> xr.Dataset:
    grid_dims = ("N", *dims)
    tdims, sdims = grid_dims + ("t",), grid_dims + ("switch_off",)
    var = {}
    for k in SERIES:
        var[k] = var_of(k, tdims, data[k])
        if names:
            var[at_switch_off(k)] = var_of(at_switch_off(k), sdims, at[k])
    if names:
        var["switch_off_time"] = var_of("switch_off_time", sdims, tau_vals, comment="the power-dataset variable named by switch_off")
    for k, tol in DIAGNOSTICS.items():
        var[k] = var_of(k, grid_dims, diag[k], **({"tolerance": getattr(num, tol)} if tol else {}))
    var["status"] = var_of("status", grid_dims, status)
    coords = {
        "N": var_of("N", "N", np.array([N], dtype=np.int64)),
        "t": var_of("t", "t", t),
    }
    if names:
        coords["switch_off"] = var_of("switch_off", "switch_off", np.array(names, dtype=object).astype(str))
    coords.update(parameter_coords(m, dims, swept, fixed))
    ds = _char_labels(xr.Dataset(var, coords=coords))
    ds.attrs.update(m.attrs())
    ds.attrs.update(
        {
            "analysis": "battery-charger correlations (qbattery.correlations)",
            "correlation_conventions": (
                "entropies in nats; I(B:C) = S_B + S_C - S_BC = relative entropy S(rho_BC || rho_B x rho_C); ergotropies over the full "
                "spaces (battery 2^N levels with binomial degeneracies, charger Fock levels); global ergotropy under H_B + H_C over the "
                "full joint space; locked = global - local B - local C"
            ),
            "correlation_route": "pair product (N identical pairs from one)"
            if m.joint_charger.pair_product
            else "Schmidt decomposition (pure joint states)",
            "correlation_references": "G. M. Andolina et al., PRL 122, 047702 (2019); A. E. Allahverdyan et al., EPL 67, 565 (2004)",
        }
    )
    ds.attrs.update(num.attrs())
    ds.attrs["health_violations"] = "\n".join(reasons) if reasons else "none"
    ds.attrs.update(provenance_attrs(config))
    return ds
