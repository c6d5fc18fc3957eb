"""Quantum speed limits (QSL) of a pure state under a time-independent Hamiltonian (hbar = 1).

A state psi(0) evolving under H reaches psi(t) with overlap |<psi(0)|psi(t)>| = cos L, L the
Bures angle (Fubini-Study distance). Two lower bounds on t hold for every such pair:

- Mandelstam-Tamm (Mandelstam & Tamm, J. Phys. USSR 9, 249 (1945); Bures-angle form for
  non-orthogonal targets, Anandan & Aharonov, PRL 65, 1697 (1990)):
      t >= t_MT = L / Delta E,   Delta E = sqrt(<H^2> - <H>^2).
- Margolus-Levitin for an arbitrary fidelity eps = cos^2 L (Giovannetti, Lloyd, Maccone,
  PRA 67, 052109 (2003); proved tight by Hoernedal & Soennerborn, arXiv:2301.10063 (2023)):
      t >= t_ML = alpha(eps) / (<H> - E_0),
      alpha(eps) = min_{theta in [theta_0, pi]} theta p(theta),
      p(theta) = [1 - sqrt(1 - (1 - eps) / sin^2(theta/2))] / 2,  theta_0 = 2 arcsin sqrt(1 - eps),
  the smallest phase-weighted time of a two-level state {E_0, E_0 + omega} with excited weight p
  to reach fidelity eps (alpha(0) = pi/2: the original ML bound). alpha(eps) >= 2 L^2 / pi,
  so the closed form t >= 2 L^2 / (pi (<H> - E_0)) is a weaker valid bound.
  E_0 may be any lower bound of the energies in the spectral support of psi(0); the models
  use the lowest eigenvalue of H on the invariant subspace they propagate (symmetry sector).

t_QSL = max(t_MT, t_ML). For a charging protocol that reaches its maximal ergotropy
Erg_max at t_erg, the ratio t_erg / t_QSL >= 1 says how far from the speed limit it is and
Erg_max / t_QSL bounds the average power of reaching that state.

Pure states only: a model whose full (battery + charger) state is mixed (open systems,
thermal initial states) has no series ``overlap`` and gets no QSL variables.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .qobj import qobj_io

#: time series a pure-state model returns for the speed limits (name -> long_name, units)
QSL_SERIES: dict[str, tuple[str, str]] = {
    "overlap": ("overlap |<psi(0)|psi(t)>| of the full (battery + charger) state with the initial state", "1"),
    "mean_energy": (
        "<H> - E_0 of the full charging Hamiltonian (conserved; E_0 lowest level of the propagated sector, "
        "or a rigorous lower bound of it on the Dicke Krylov route: the ML time is then a valid, weaker bound)",
        "omega_a",
    ),
    "energy_spread": ("energy spread Delta E = sqrt(<H^2> - <H>^2) of the full charging Hamiltonian (conserved)", "omega_a"),
}

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
_DENSE_GROUND_MAX = 256  # larger H: Lanczos for the lowest eigenvalue


#: overlaps within this of 1 count as 1: arccos(1 - d) ~ sqrt(2 d) turns the rounding of a
#: propagated overlap (~1e-15) into a spurious angle ~1e-7; rounding L down keeps every bound valid
OVERLAP_ROUNDING = 1e-13


def bures_angle(overlap: np.ndarray | float) -> np.ndarray:
    """L = arccos |<psi(0)|psi(t)>| (clipped to [0, 1]; overlaps within OVERLAP_ROUNDING of 1 give 0)."""
    ov = np.clip(np.abs(np.asarray(overlap, dtype=float)), 0.0, 1.0)
    return np.arccos(np.where(ov >= 1.0 - OVERLAP_ROUNDING, 1.0, ov))


def ml_alpha(fidelity: np.ndarray | float, iterations: int = 80) -> np.ndarray:
    """alpha(eps) of the generalised Margolus-Levitin bound (GLM 2003), vectorised.

    Golden-section minimisation of theta p(theta) over [theta_0, pi] (unimodal; checked
    against a dense grid in the tests); alpha(0) = pi/2, alpha(1) = 0.
    """
    eps = np.clip(np.asarray(fidelity, dtype=float), 0.0, 1.0)
    eps = np.where(eps >= 1.0 - 2 * OVERLAP_ROUNDING, 1.0, eps)
    c = 1.0 - eps

    def f(theta: np.ndarray) -> np.ndarray:
        s = np.sin(theta / 2.0) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 0.5 * (1.0 - np.sqrt(np.clip(1.0 - c / s, 0.0, 1.0)))
        return np.where(s > 0, theta * p, 0.0)

    a = 2.0 * np.arcsin(np.sqrt(c))
    b = np.full_like(a, np.pi)
    x1, x2 = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    f1, f2 = f(x1), f(x2)
    for _ in range(iterations):
        left = f1 <= f2  # the minimum lies in [a, x2], else in [x1, b]
        a, b = np.where(left, a, x1), np.where(left, x2, b)
        x1n = np.where(left, b - _GOLDEN * (b - a), x2)
        x2n = np.where(left, x1, a + _GOLDEN * (b - a))
        f1, f2 = np.where(left, f(x1n), f2), np.where(left, f1, f(x2n))
        x1, x2 = x1n, x2n
    # the minimum over the whole interval also includes the end points
    ends = np.minimum(f(2.0 * np.arcsin(np.sqrt(c))), f(np.full_like(c, np.pi)))
    return np.minimum(np.minimum(f1, f2), ends)


def mandelstam_tamm_time(overlap: np.ndarray | float, energy_spread: np.ndarray | float) -> np.ndarray:
    """t_MT = arccos|<psi0|psi_t>| / Delta E (0 where L = 0, inf where Delta E = 0 < L)."""
    L = bures_angle(overlap)
    dE = np.asarray(energy_spread, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(L == 0, 0.0, L / dE)


def margolus_levitin_time(overlap: np.ndarray | float, mean_energy: np.ndarray | float) -> np.ndarray:
    """t_ML = alpha(|<psi0|psi_t>|^2) / (<H> - E_0) (GLM 2003)."""
    a = ml_alpha(np.abs(np.asarray(overlap, dtype=float)) ** 2)
    E = np.asarray(mean_energy, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == 0, 0.0, a / E)


def qsl_time(overlap, energy_spread, mean_energy) -> np.ndarray:
    """t_QSL = max(t_MT, t_ML)."""
    return np.maximum(mandelstam_tamm_time(overlap, energy_spread), margolus_levitin_time(overlap, mean_energy))


def ground_energy(H: sp.spmatrix | np.ndarray, dense_max_dim: int = _DENSE_GROUND_MAX) -> float:
    """Lowest eigenvalue of a Hermitian H (dense up to ``dense_max_dim``, else Lanczos)."""
    if H.shape[0] <= dense_max_dim:
        return float(np.linalg.eigvalsh(H.toarray() if sp.issparse(H) else np.asarray(H))[0])
    from scipy.sparse.linalg import eigsh

    # ARPACK starts from a random vector unless given one: a fixed start keeps reruns bitwise identical
    v0 = np.random.default_rng(0).standard_normal(H.shape[0])
    return float(eigsh(sp.csr_matrix(H), k=1, which="SA", tol=1e-12, v0=v0, return_eigenvectors=False)[0])


@qobj_io(operators=("H", "psi0"))
def energy_moments(H: sp.spmatrix | np.ndarray, psi0: np.ndarray) -> tuple[float, float]:
    """(<H>, Delta E) of a normalised pure state."""
    h = H @ psi0
    mean = float(np.real(np.vdot(psi0, h)))
    var = float(np.real(np.vdot(h, h))) - mean**2
    return mean, float(np.sqrt(max(var, 0.0)))


def qsl_series(H: sp.spmatrix | np.ndarray, psi0: np.ndarray, overlap: np.ndarray, e0: float | None = None) -> dict[str, np.ndarray]:
    """The ``QSL_SERIES`` of a run: |<psi0|psi(t)>| (given), <H> - E_0 and Delta E (constant in time).

    ``e0``: lowest energy of the propagated sector (computed from H if None)."""
    mean, spread = energy_moments(H, psi0)
    e0 = ground_energy(H) if e0 is None else e0
    nt = len(overlap)
    return {
        "overlap": np.abs(np.asarray(overlap, dtype=float)),
        "mean_energy": np.full(nt, max(mean - e0, 0.0)),
        "energy_spread": np.full(nt, spread),
    }


def product_series(one: dict[str, np.ndarray], N: int) -> dict[str, np.ndarray]:
    """QSL series of N independent identical copies from one copy's:
    overlap^N, N (<h> - e_0), sqrt(N) Delta h (means and variances add)."""
    return {
        "overlap": np.asarray(one["overlap"]) ** N,
        "mean_energy": N * np.asarray(one["mean_energy"]),
        "energy_spread": np.sqrt(N) * np.asarray(one["energy_spread"]),
    }
