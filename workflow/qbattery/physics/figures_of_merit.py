"""Figures of merit of a quantum battery beyond ergotropy and power (hbar = k_B = 1, nats).

Each function states its definition and reference; the tests check each against an
independent route (analytic case, brute force or a bound). States are numpy arrays (or
stacks ``(..., d, d)``); a state simulated in a symmetry subspace whose energy basis is the
subspace basis (the Dicke basis |N, k> with levels k omega_a) passes ``levels=`` the full
battery spectrum (a :class:`~qbattery.physics.quantities.Spectrum`), as the ergotropy does.

- coherent / incoherent ergotropy (Francica, Binder, Guarnieri, Mitchison, Goold, Plastina,
  PRL 125, 180603 (2020)): E = E_i + E_c, E_i = ergotropy of the dephased state
  Delta(rho) = sum_e P_e rho P_e (P_e projectors on the eigenspaces of H), E_c = E - E_i >= 0;
- asymptotic (many-copy) ergotropy (Alicki and Fannes, PRE 87, 042123 (2013)):
  E_inf = Tr(rho H) - Tr(gamma_b H), gamma_b the Gibbs state with S(gamma_b) = S(rho);
  E <= E_inf <= T D(rho || gamma_T) = F_T(rho) - F_T(gamma_T) for every T >= 0 (free-energy bound);
- local ergotropy of cells and subsets of a pure N-cell state, and the ergotropy gap
  E(rho) - sum_i E(rho_i) (e.g. Le, Levinsen, Modi, Parish, Pollock, PRA 97, 022106 (2018));
- charging precision (Friis and Huber, Quantum 2, 61 (2018)): energy variance
  Var H_B = Tr(rho H_B^2) - Tr(rho H_B)^2 and relative fluctuation sqrt(Var) / E;
- temporal fluctuation of the stored energy after charging (stability; Rosa, Rossini,
  Andolina, Polini, Carrega, JHEP 11, 067 (2020)): std over t in [t_0, t_end] of E(t);
- self-discharge lifetime: the least-squares fit Erg(t) = Erg(0) exp(-t / tau_d) of a
  discharge curve, with the standard error of tau_d from the fit's covariance.
"""

from __future__ import annotations

import math

import numpy as np

from .quantities import ArrayLike, Spectrum, as_array, ergotropy, ergotropy_from_spectrum

_ENTROPY_TOL = 1e-12


# ---------------------------------------------------------------------------------------
# coherent and incoherent ergotropy
# ---------------------------------------------------------------------------------------
def dephase(rho: ArrayLike, H: ArrayLike, degeneracy_tol: float = 1e-9) -> np.ndarray:
    """Delta(rho) = sum_e P_e rho P_e over the eigenspaces of H (levels closer than
    ``degeneracy_tol`` count as one); a stack of states keeps its leading axes."""
    r = as_array(rho).astype(complex)
    h = as_array(H).astype(complex)
    e, v = np.linalg.eigh(h)
    labels = np.concatenate([[0], np.cumsum(np.diff(e) > degeneracy_tol)])
    same = labels[:, None] == labels[None, :]
    r_e = np.swapaxes(v.conj(), 0, 1) @ r @ v  # rho in the eigenbasis
    return v @ (r_e * same) @ v.conj().T


def incoherent_ergotropy(rho: ArrayLike, H: ArrayLike, *, levels=None, tol: float = 1e-8):
    """E_i(rho) = ergotropy of Delta(rho) (Francica et al. 2020): the work extractable by
    permuting populations without touching the coherences. ``levels``: full spectrum."""
    return ergotropy(dephase(rho, H), H, levels=levels, tol=tol)


def coherent_ergotropy(rho: ArrayLike, H: ArrayLike, *, levels=None, tol: float = 1e-8):
    """E_c(rho) = E(rho) - E_i(rho) >= 0 (Francica et al. 2020), the coherence contribution."""
    return np.asarray(ergotropy(rho, H, levels=levels, tol=tol)) - np.asarray(incoherent_ergotropy(rho, H, levels=levels, tol=tol))


def diagonal_ergotropy_split(populations: np.ndarray, energy: np.ndarray, ergotropy: np.ndarray, levels: Spectrum):
    """(E_i, E_c) of states whose energy basis is the simulated basis (levels ``levels`` of the
    full space, populations ``populations[..., k]`` on the basis states, the Dicke route):
    E_i = ergotropy of the populations (:func:`ergotropy_from_spectrum`), E_c = E - E_i."""
    e_inc, _ = ergotropy_from_spectrum(energy, populations, levels)
    return e_inc, np.asarray(ergotropy) - e_inc


# ---------------------------------------------------------------------------------------
# asymptotic ergotropy and the free-energy bound
# ---------------------------------------------------------------------------------------
def _log_degeneracies(levels: Spectrum) -> np.ndarray:
    return np.array([math.log(int(g)) for g in levels.degeneracies])


def gibbs_entropy_energy(levels: Spectrum, beta: float) -> tuple[float, float]:
    """(S, E) of the Gibbs state exp(-beta H) / Z on ``levels`` (degeneracies as log weights;
    beta = inf: the ground level)."""
    e = levels.energies - levels.energies[0]
    lg = _log_degeneracies(levels)
    if np.isinf(beta):
        return float(lg[0]), float(levels.energies[0])
    w = lg - beta * e
    p = np.exp(w - w.max())
    p /= p.sum()  # weight of each level group (degeneracy included)
    E = float(p @ e)
    S = float(-(p * (np.log(np.where(p > 0, p, 1.0)) - lg)).sum())  # -sum_g g (p/g) ln(p/g)
    return S, E + float(levels.energies[0])


def equal_entropy_beta(levels: Spectrum, entropy: float, iterations: int = 200) -> float:
    """Inverse temperature beta >= 0 of the Gibbs state on ``levels`` with entropy ``entropy``
    (bisection on the monotone S(beta)); inf for entropy <= the ground level's ln g_0."""
    s_max = math.log(levels.dimension)
    if entropy >= s_max - _ENTROPY_TOL:
        return 0.0
    if entropy <= gibbs_entropy_energy(levels, np.inf)[0] + _ENTROPY_TOL:
        return float("inf")
    lo, hi = 0.0, 1.0
    while gibbs_entropy_energy(levels, hi)[0] > entropy:
        hi *= 2.0
        if hi > 1e12:
            return float("inf")
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if gibbs_entropy_energy(levels, mid)[0] > entropy:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-14 * hi:
            break
    return 0.5 * (lo + hi)


def entropy_of_spectrum(eigenvalues: np.ndarray) -> np.ndarray:
    """S = -sum r ln r (nats) along the last axis."""
    r = np.clip(np.asarray(eigenvalues, dtype=float), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(r > 1e-300, r * np.log(np.where(r > 1e-300, r, 1.0)), 0.0), axis=-1)


def asymptotic_ergotropy(energy: float, entropy: float, levels: Spectrum) -> float:
    """E_inf = E - E(gamma_b), gamma_b the Gibbs state of ``levels`` with S(gamma_b) = S(rho)
    (Alicki and Fannes 2013: the ergotropy per copy of rho^{(x)n} as n -> inf)."""
    beta = equal_entropy_beta(levels, entropy)
    return float(energy) - gibbs_entropy_energy(levels, beta)[1]


def asymptotic_ergotropy_batch(energy: np.ndarray, entropy: np.ndarray, levels: Spectrum, iterations: int = 64) -> np.ndarray:
    """:func:`asymptotic_ergotropy` of many states at once (vectorised bisection in beta over
    [0, 2^k] per state; entropies at the ground level's ln g_0 give beta = inf)."""
    E = np.asarray(energy, dtype=float)
    S = np.asarray(entropy, dtype=float)
    e = levels.energies - levels.energies[0]
    lg = _log_degeneracies(levels)

    def gibbs(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = lg[None, :] - beta[:, None] * e[None, :]
        p = np.exp(w - w.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return -(p * (np.log(np.where(p > 0, p, 1.0)) - lg[None, :])).sum(axis=1), p @ e

    flat = S.ravel()
    lo, hi = np.zeros(flat.size), np.ones(flat.size)
    for _ in range(60):  # bracket: S(hi) <= target
        above = gibbs(hi)[0] > flat
        if not above.any():
            break
        hi = np.where(above, 2 * hi, hi)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = gibbs(mid)[0] > flat
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    e_gibbs = gibbs(0.5 * (lo + hi))[1]
    e_gibbs = np.where(flat >= math.log(levels.dimension) - _ENTROPY_TOL, gibbs(np.zeros(1))[1][0], e_gibbs)
    e_gibbs = np.where(flat <= lg[0] + _ENTROPY_TOL, 0.0, e_gibbs)
    return E - (e_gibbs.reshape(S.shape) + levels.energies[0])


def asymptotic_ergotropy_of_state(rho: ArrayLike, H: ArrayLike, *, levels: Spectrum | None = None) -> float:
    """:func:`asymptotic_ergotropy` of one state (its energy and entropy; ``levels`` default eigvalsh(H))."""
    r = as_array(rho)
    h = as_array(H)
    spec = Spectrum.of(h, levels)
    S = float(entropy_of_spectrum(np.linalg.eigvalsh(0.5 * (r + r.conj().T))))
    return asymptotic_ergotropy(float(np.real(np.trace(r @ h))), S, spec)


def free_energy_bound(energy: float, entropy: float, levels: Spectrum, temperature: float) -> float:
    """F_T(rho) - F_T(gamma_T) = E - T S - (-T ln Z_T) = T D(rho || gamma_T) >= 0: the work a bath
    at T lets one extract; E_inf <= it for every T, with equality at the equal-entropy T."""
    e = levels.energies
    lg = _log_degeneracies(levels)
    if temperature <= 0:
        return float(energy) - float(e[0])
    w = lg - (e - e[0]) / temperature
    lnZ = float(np.log(np.exp(w - w.max()).sum()) + w.max()) - e[0] / temperature
    return float(energy) - temperature * float(entropy) + temperature * lnZ


# ---------------------------------------------------------------------------------------
# local ergotropy of cells and subsets, ergotropy gap
# ---------------------------------------------------------------------------------------
def reduced_state(psi: np.ndarray, N: int, keep: tuple[int, ...]) -> np.ndarray:
    """Reduced state of cells ``keep`` of a pure N-qubit state (cell 0 = most significant bit)."""
    t = np.asarray(psi, dtype=complex).reshape((2,) * N)
    rest = [i for i in range(N) if i not in keep]
    m = np.transpose(t, list(keep) + rest).reshape(2 ** len(keep), -1)
    return m @ m.conj().T


def subset_hamiltonian(n: int, omega_a: float = 1.0) -> np.ndarray:
    """H_B = omega_a sum_i |e><e|_i on n cells (diagonal, bit 1 = excited)."""
    return np.diag([omega_a * bin(s).count("1") for s in range(2**n)]).astype(complex)


def local_ergotropy(psi: np.ndarray, N: int, subset: tuple[int, ...], omega_a: float = 1.0) -> float:
    """Ergotropy of the reduced state of ``subset`` w.r.t. its own H_B (local unitaries on it only)."""
    return float(ergotropy(reduced_state(psi, N, subset), subset_hamiltonian(len(subset), omega_a)))


def ergotropy_gap(psi: np.ndarray, N: int, omega_a: float = 1.0) -> float:
    """E(psi) - sum_i E(rho_i) >= 0 of a pure N-cell state: what global unitaries extract beyond
    cell-by-cell ones (the global ergotropy of a pure state is its energy above |g...g>)."""
    H = subset_hamiltonian(N, omega_a)
    p = np.asarray(psi, dtype=complex)
    glob = float(np.real(p.conj() @ (H @ p)))  # pure state: passive state |g...g> has energy 0
    return glob - sum(local_ergotropy(p, N, (i,), omega_a) for i in range(N))


def cell_ergotropies(states: np.ndarray, N: int, omega_a: float = 1.0) -> np.ndarray:
    """Local ergotropy of every cell of a stack of pure N-qubit states (T, 2^N) -> (T, N):
    rho_i = Tr_{not i} |psi><psi| and, for H = omega_a |e><e|, Erg = omega_a (rho_ee - lambda_min(rho_i))."""
    T = states.shape[0]
    out = np.empty((T, N))
    for i in range(N):
        m = np.asarray(states).reshape(T, 2**i, 2, 2 ** (N - i - 1))
        rho = np.einsum("taib,tajb->tij", m, m.conj())
        tr, det = np.real(rho[:, 0, 0] + rho[:, 1, 1]), np.real(rho[:, 0, 0] * rho[:, 1, 1] - np.abs(rho[:, 0, 1]) ** 2)
        lam_min = 0.5 * (tr - np.sqrt(np.clip(tr**2 - 4 * det, 0.0, None)))
        out[:, i] = np.clip(omega_a * (np.real(rho[:, 1, 1]) - lam_min), 0.0, None)
    return out


def leading_cells_ergotropy(states: np.ndarray, N: int, k: int, omega_a: float = 1.0) -> np.ndarray:
    """Ergotropy of the reduced state of cells 0..k-1 (unitaries on them only) for a stack (T, 2^N)."""
    T = states.shape[0]
    m = np.asarray(states).reshape(T, 2**k, 2 ** (N - k))
    rho = np.einsum("tab,tcb->tac", m, m.conj())
    return np.asarray(ergotropy(rho, subset_hamiltonian(k, omega_a)))


# ---------------------------------------------------------------------------------------
# charging precision and stability
# ---------------------------------------------------------------------------------------
def energy_variance(populations: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Var H_B = sum_k p_k e_k^2 - (sum_k p_k e_k)^2 of states with energy populations p (last axis)."""
    p = np.asarray(populations, dtype=float)
    e = np.asarray(levels, dtype=float)
    mean = p @ e
    return np.clip(p @ e**2 - mean**2, 0.0, None)


def energy_variance_of_state(rho: ArrayLike, H: ArrayLike) -> np.ndarray:
    """Var H = Tr(rho H^2) - Tr(rho H)^2 (Friis and Huber 2018), for a state or a stack."""
    r, h = as_array(rho), as_array(H)
    m1 = np.real(np.einsum("...ij,ji->...", r, h))
    m2 = np.real(np.einsum("...ij,ji->...", r, h @ h))
    return np.clip(m2 - m1**2, 0.0, None)


def relative_fluctuation(variance: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """sqrt(Var H_B) / E (NaN where E <= 0): the charging precision of Friis and Huber 2018."""
    E = np.asarray(energy, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(E > 0, np.sqrt(np.asarray(variance, dtype=float)) / np.where(E > 0, E, 1.0), np.nan)


def temporal_fluctuation(times: np.ndarray, energy: np.ndarray, t_start: float) -> float:
    """Standard deviation of E(t) over the grid times t >= t_start (time-uniform weights, trapezoid
    rule): how stable the stored energy is once charged; NaN with fewer than 2 points."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(energy, dtype=float)
    sel = t >= t_start
    if sel.sum() < 2:
        return float("nan")
    ts, es = t[sel], e[sel]
    span = ts[-1] - ts[0]
    mean = np.trapezoid(es, ts) / span
    return float(np.sqrt(max(np.trapezoid((es - mean) ** 2, ts) / span, 0.0)))


# ---------------------------------------------------------------------------------------
# self-discharge lifetime
# ---------------------------------------------------------------------------------------
def exponential_lifetime(times: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """(tau_d, its standard error) of the least-squares fit y(t) = y(0) exp(-t / tau_d).

    Nonlinear least squares in the rate k = 1/tau_d (scipy.optimize.curve_fit, y(0) the first
    value); stderr(tau_d) = stderr(k) / k^2 from the covariance (residual-scaled). NaN if
    y(0) <= 0, fewer than 3 finite points, or no decay."""
    from scipy.optimize import curve_fit

    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 3 or not np.isfinite(y[0]) or y[0] <= 1e-12:
        return float("nan"), float("nan")
    t, y = t[ok] - t[ok][0], y[ok]
    y0 = y[0]
    below = np.flatnonzero(y <= y0 / math.e)
    k0 = 1.0 / t[below[0]] if below.size else max(-np.polyfit(t, np.log(np.clip(y / y0, 1e-300, None)), 1)[0], 1e-6 / t[-1])
    import warnings

    from scipy.optimize import OptimizeWarning

    try:
        with warnings.catch_warnings():  # an exact exponential has no residual: covariance 0 or inf, said by the warning
            warnings.simplefilter("ignore", OptimizeWarning)
            (k,), cov = curve_fit(lambda tt, kk: y0 * np.exp(-kk * tt), t, y, p0=[k0], maxfev=2000)
    except RuntimeError:
        return float("nan"), float("nan")
    if not k > 0:
        return float("nan"), float("nan")
    se = float(np.sqrt(cov[0, 0])) if np.isfinite(cov[0, 0]) else 0.0
    return float(1.0 / k), se / k**2
