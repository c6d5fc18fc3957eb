"""Two-photon Dicke quantum battery (Crescente, Carrega, Sassetti, Ferraro, PRB 102, 245407 (2020)).

N cells coupled collectively to one cavity mode by two-photon processes (omega_a = 1):
    H = omega_c a^dag a + omega_a (J_z + N/2) + 2 omega_c lambda J_x (a^2 + a^dag^2),
    psi(0) = |2N photons> (x) |g...g>   (two photons per cell to charge),  H_B = omega_a sum_i |e><e|_i.

Stability window. For a fixed eigenvalue m of J_x (|m| <= N/2) the mode sees
omega_c a^dag a + kappa (a^2 + a^dag^2), kappa = 2 omega_c lambda m, i.e. in quadratures
(omega_c / 2 + kappa) x^2 + (omega_c / 2 - kappa) p^2: bounded below iff 2 |kappa| < omega_c. The
worst m = N/2 gives the window
    lambda < lambda_c(N) = 1 / (2N),
beyond which H is unbounded below (the spectral collapse of the two-photon Rabi model at N = 1,
lambda = 1/2). A point outside the window is refused (``Model.refuse``: the config check and
``qbattery.simulate`` name the key); a truncated Fock space would return a finite, meaningless answer.

Route: the symmetric Dicke subspace (spin_cavity.spin_ladder) x the even Fock states (a^2 keeps the
photon parity), further split by the conserved parity of n/2 + k, propagated exactly
(``propagation.propagate``); the Fock cutoff 2 * photons + 1 + fock_extra grows by half until the
population of the two highest levels kept is below truncation_tol (as the one-photon Dicke route).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..physics.propagation import propagate
from ..physics.quantities import capacity, cells_spectrum, ergotropy
from ..physics.spin_cavity import battery_states, photon_distribution, spin_ladder
from .base import Model, Numerics, Parameter, Trajectory, register
from .cavity_common import CAVITY_DIAGNOSTICS, TOP_FOCK_LEVELS
from .fock_need import shell_photons


def stability_bound(N: int) -> float:
    """lambda_c(N) = 1 / (2N): H is bounded below iff lambda < lambda_c."""
    return 1.0 / (2.0 * N)


def sector(N: int, n_max: int, photons: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, k) of the states with even n < n_max and (n/2 + k) = photons/2 mod 2 (the sector of |photons, 0>)."""
    n, k = np.meshgrid(np.arange(0, n_max, 2), np.arange(N + 1), indexing="ij")
    n, k = n.ravel(), k.ravel()
    keep = (n // 2 + k) % 2 == (photons // 2) % 2
    return n[keep], k[keep]


def two_photon_hamiltonian(N: int, n: np.ndarray, k: np.ndarray, omega_c: float, lam: float) -> sp.csr_matrix:
    """omega_c n + k + 2 omega_c lambda J_x (a^2 + a^dag^2) on the basis (n, k): <n+2| a^dag^2 |n> = sqrt((n+1)(n+2)),
    <k +- 1| J_x |k> from the spin-N/2 ladder J_+ (spin_ladder)."""
    _, Jp = spin_ladder(N, dense=True)
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(n, k))}
    rows, cols, vals = list(range(len(n))), list(range(len(n))), list(omega_c * n + k.astype(float))
    for i, (a, b) in enumerate(zip(n, k)):
        for kk in (int(b) + 1, int(b) - 1):
            j = index.get((int(a) + 2, kk))
            if j is None or not 0 <= kk <= N:
                continue
            jx = 0.5 * (Jp[kk, b] if kk > b else Jp[b, kk])
            v = 2.0 * omega_c * lam * jx * np.sqrt((a + 1.0) * (a + 2.0))
            rows += [j, i]
            cols += [i, j]
            vals += [v, v]
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(n), len(n)))


@register
class TwoPhotonDicke(Model):
    name = "two_photon_dicke"
    title = "Two-photon Dicke QB"
    kind = "global"
    hamiltonian = "H = omega_c a^dag a + omega_a (J_z + N/2) + 2 omega_c lambda J_x (a^2 + a^dag^2), J = sum_i sigma_i/2"
    initial_state = "|2N photons> (x) |g...g>"
    normalisation = "omega_a = 1; lambda in units of omega_c; stable (bounded below) only for lambda < 1/(2N)"
    route = "symmetric Dicke subspace x even Fock states, parity sector of n/2 + k, exact propagation, Fock cutoff grown to truncation_tol"
    references = "F. Crescente, M. Carrega, M. Sassetti, D. Ferraro, PRB 102, 245407 (2020)"
    parameters = (
        Parameter("coupling", "two-photon coupling lambda (stable for lambda < 1/(2N))", "1", 0.02, minimum=0.0, exclusive_minimum=True),
        Parameter("omega_c", "cavity frequency omega_c", "omega_a", 2.0, minimum=0.0, exclusive_minimum=True),
    )
    diagnostics = CAVITY_DIAGNOSTICS
    series = {"photon_number": ("mean photon number in the cavity", "1")}
    numerics_used = {"closed": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_factor", "state_tol")}
    closed_max_N = 64

    def refuse(self, N: int, params: dict[str, float]) -> tuple[str, str] | None:
        lam = float(params["coupling"])
        if lam >= stability_bound(N):
            return "coupling", (
                f"value {lam:g} at N = {N} is outside the stability window lambda < 1/(2N) = {stability_bound(N):g} "
                "(the two-photon Dicke Hamiltonian is unbounded below there)"
            )
        return None

    def fock_need(self, N: int, params: dict[str, float], t_max: float, numerics: Numerics) -> tuple[int, int] | None:
        """The energy shell's photon number 2N / (1 - 2 lambda N) (``fock_need.shell_photons``) plus the
        two top (even) levels; the run starts at 2 * 2N + 1 + fock_extra levels."""
        if self.refuse(N, params):
            return None  # outside the stability window: refused as such
        photons = shell_photons(N, float(params["coupling"]), two_photon=True)
        return int(np.ceil(photons)) + 2 * TOP_FOCK_LEVELS, 4 * N + 1 + int(numerics.fock_extra)

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        bad = self.refuse(N, params)
        if bad:
            raise ValueError(f"model 'two_photon_dicke': {bad[0]}: {bad[1]}")
        photons = 2 * N
        n_max = 2 * photons + 1 + int(numerics.fock_extra)
        limit = n_max * max(1, int(numerics.fock_max_factor))
        while True:
            traj = self._run_with_cutoff(N, photons, times, params, numerics, n_max)
            if not numerics.fock_auto or traj.diagnostics["truncation_weight"] <= numerics.truncation_tol or n_max >= limit:
                return traj
            n_max = min(limit, int(np.ceil(1.5 * n_max)))

    def _run_with_cutoff(self, N, photons, times, params, numerics, n_max) -> Trajectory:
        n, k = sector(N, n_max, photons)
        H = two_photon_hamiltonian(N, n, k, float(params["omega_c"]), float(params["coupling"]))
        psi0 = np.zeros(len(n), dtype=complex)
        psi0[np.flatnonzero((n == photons) & (k == 0))[0]] = 1.0
        psi_t = propagate(H, psi0, np.asarray(times, dtype=float), numerics.dense_max_dim)
        n_levels = int(n.max()) + 1
        rho_b = battery_states(psi_t, n, k, n_levels, N)
        HB = np.diag(np.arange(N + 1)).astype(complex)
        levels = cells_spectrum(N)
        p_n = photon_distribution(psi_t, n, n_levels)
        top = np.sort(np.unique(n))[-TOP_FOCK_LEVELS:]
        return Trajectory(
            energy=np.real(np.einsum("tkl,lk->t", rho_b, HB)),
            ergotropy=np.asarray(ergotropy(rho_b, HB, levels=levels, tol=numerics.state_tol)),
            capacity=np.asarray(capacity(rho_b, HB, levels=levels, tol=numerics.state_tol)),
            diagnostics={
                "truncation_weight": float(p_n[:, top].sum(axis=1).max()),
                "norm_error": float(np.abs(np.linalg.norm(psi_t, axis=1) ** 2 - 1.0).max()),
                "fock_cutoff": float(n_levels),
            },
            series={"photon_number": p_n @ np.arange(n_levels)},
        )

    def memory_mb(self, N: int, n_times: int) -> int:
        dim = (2 * N + 16) * (N + 1)
        return int(300 + 16 * n_times * dim * 3 / 1e6 + 16 * (min(dim, 4000) ** 2) * 3 / 1e6)
