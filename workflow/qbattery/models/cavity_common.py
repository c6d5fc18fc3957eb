"""Shared run routine of the cavity-charged batteries (Dicke and Tavis-Cummings)."""

from __future__ import annotations

import numpy as np

from .. import spin_cavity
from ..propagation import propagate
from ..quantities import capacity, cells_spectrum, ergotropy
from ..speed_limits import qsl_series
from .base import Diagnostic, JointTrajectory, Numerics, Parameter, Trajectory

CAVITY_PARAMETERS = (
    Parameter("coupling", "cell-cavity coupling lambda", "1", 0.2, minimum=0.0, exclusive_minimum=True),
    Parameter("omega_c", "cavity frequency omega_c", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True),
)
CAVITY_DIAGNOSTICS = (
    Diagnostic("truncation_weight", "max over time of the population of the two highest Fock levels kept", "truncation_tol"),
    Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
    Diagnostic("fock_cutoff", "number of Fock levels kept (after automatic convergence)", ""),
)
TOP_FOCK_LEVELS = 2  # levels whose population measures the truncation error


def fock_cutoff(photons: int, numerics: Numerics) -> int:
    """Number of Fock levels kept: 2 * photons + 1 + fock_extra (as in the QuTiP baseline)."""
    return 2 * photons + 1 + int(numerics.fock_extra)


def run_cavity_battery(N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool) -> Trajectory:
    """Cavity with ``photons`` photons, N cells in the ground state, omega_a = 1.

    The Fock cutoff starts at 2 photons + 1 + fock_extra and, with ``numerics.fock_auto``,
    grows by half until the truncation weight is below ``truncation_tol`` (at most
    ``fock_max_factor`` times the start). The RWA model conserves n + k, so its cutoff
    photons + 1 is exact and never truncates.
    """
    # RWA: n <= photons exactly; two spare levels keep the truncation measure honest (= 0)
    n_max = photons + 1 + TOP_FOCK_LEVELS if rwa else fock_cutoff(photons, numerics)
    limit = n_max * max(1, int(numerics.fock_max_factor))
    while True:
        traj = _run_with_cutoff(N, photons, times, params, numerics, rwa, n_max)
        if rwa or not numerics.fock_auto or traj.diagnostics["truncation_weight"] <= numerics.truncation_tol or n_max >= limit:
            return traj
        n_max = min(limit, int(np.ceil(1.5 * n_max)))


def _evolve(N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool, n_max: int):
    """psi(t) in the sector of |photons, g...g> with n_max Fock levels; returns (n, k, psi_t)."""
    n, k = spin_cavity.sector_basis(N, n_max, photons, 0, rwa)
    H = spin_cavity.hamiltonian(n, k, N, float(params["omega_c"]), 1.0, float(params["coupling"]), rwa)
    psi0 = np.zeros(len(n), dtype=complex)
    psi0[np.flatnonzero((n == photons) & (k == 0))[0]] = 1.0
    return n, k, propagate(H, psi0, times, numerics.dense_max_dim)


def _run_with_cutoff(
    N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool, n_max: int
) -> Trajectory:
    omega_a = 1.0
    n, k, psi_t = _evolve(N, photons, times, params, numerics, rwa, n_max)
    rho_b = spin_cavity.battery_states(psi_t, n, k, n_max, N)
    HB = np.diag(omega_a * np.arange(N + 1)).astype(complex)
    levels = cells_spectrum(N, omega_a)
    p_n = spin_cavity.photon_distribution(psi_t, n, n_max)
    diagnostics = {
        "truncation_weight": float(p_n[:, -TOP_FOCK_LEVELS:].sum(axis=1).max()),
        "norm_error": float(np.abs(np.linalg.norm(psi_t, axis=1) ** 2 - 1.0).max()),
        "fock_cutoff": float(n_max),
    }
    return Trajectory(
        energy=np.real(np.einsum("tkl,lk->t", rho_b, HB)),
        ergotropy=np.asarray(ergotropy(rho_b, HB, levels=levels, tol=numerics.state_tol)),
        capacity=np.asarray(capacity(rho_b, HB, levels=levels, tol=numerics.state_tol)),
        diagnostics=diagnostics,
        series={"photon_number": p_n @ np.arange(n_max), **_qsl(N, photons, params, rwa, n, k, psi_t)},
        states=rho_b,
    )


def _qsl(N: int, photons: int, params: dict[str, float], rwa: bool, n: np.ndarray, k: np.ndarray, psi_t: np.ndarray) -> dict:
    """Speed-limit series (qbattery.speed_limits) of the battery + cavity state in its sector:
    psi(0) = |photons, g...g> is a basis state, so |<psi0|psi_t>| = |psi_t[:, i0]|."""
    i0 = int(np.flatnonzero((n == photons) & (k == 0))[0])
    H = spin_cavity.hamiltonian(n, k, N, float(params["omega_c"]), 1.0, float(params["coupling"]), rwa)
    psi0 = np.zeros(len(n), dtype=complex)
    psi0[i0] = 1.0
    return qsl_series(H, psi0, np.abs(psi_t[:, i0]))


def joint_cavity_trajectory(
    N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool
) -> JointTrajectory:
    """Battery (Dicke subspace, N+1) (x) cavity (Fock, n_max) pure states along the trajectory.

    Uses the converged cutoff of :func:`run_cavity_battery`. H_int is the coupling term
    (Dicke: 2 omega_c lam J_x (a + a^dag); RWA: omega_c lam (J_+ a + J_- a^dag)).
    """
    n_max = int(run_cavity_battery(N, photons, times, params, numerics, rwa).diagnostics["fock_cutoff"])
    omega_a = 1.0
    lam, omega_c = float(params["coupling"]), float(params["omega_c"])
    n, k, psi_t = _evolve(N, photons, times, params, numerics, rwa, n_max)
    d_c = n_max
    full = np.zeros((len(times), (N + 1) * d_c), dtype=complex)
    full[:, k * d_c + n] = psi_t
    jp = spin_cavity.dicke_jplus(N)
    Jp = np.diag(jp, -1).astype(complex)  # <k+1|J_+|k> below the diagonal
    a = np.diag(np.sqrt(np.arange(1, d_c)), 1).astype(complex)
    if rwa:
        H_int = omega_c * lam * (np.kron(Jp, a) + np.kron(Jp.conj().T, a.conj().T))
    else:
        Jx = 0.5 * (Jp + Jp.conj().T)
        H_int = 2 * omega_c * lam * np.kron(Jx, a + a.conj().T)
    return JointTrajectory(
        times=np.asarray(times, dtype=float),
        states=full,
        dims=(N + 1, d_c),
        H_B=np.diag(omega_a * np.arange(N + 1)).astype(complex),
        H_C=np.diag(omega_c * np.arange(d_c)).astype(complex),
        H_int=H_int,
        battery_levels=cells_spectrum(N, omega_a),
        charger_levels=None,
    )
