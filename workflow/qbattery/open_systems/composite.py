"""N cells in the piqs Dicke basis (all spin sectors j) (x) one bosonic mode (cavity or
oscillator charger): the open generator shared by tavis_cummings, dicke, charger_mediated_osc,
and the invariant block-diagonal subspace (``block_support``) of permutation-invariant dynamics.

    H = omega_c a^dag a + omega_a (J_z + N/2) + g (J_+ a + J_- a^dag)            (rwa)
      = omega_c a^dag a + omega_a (J_z + N/2) + 2 g J_x (a + a^dag)               (not rwa)
    L_D = cells (ensemble.ensemble_dissipator) + kappa (n_c + 1) D[a] + kappa n_c D[a^dag]

References: N. Shammah et al., PRA 98, 063815 (2018) (piqs); D. Ferraro et al., PRL 120, 117702 (2018).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..physics import spin_cavity

from ..physics.quantities import cells_spectrum
from ..physics.dicke_basis import DickeBlocks, ensemble_dissipator
from ..physics.lindblad import dissipators, hamiltonian_superop
from .problem import OpenProblem, n_thermal, thermal_margin

#: baths and route text of the lossy cavity batteries (tavis_cummings, dicke)
CAVITY_DISSIPATORS = (
    "cells: sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi/2) D[s^z_i]]; cavity: "
    "kappa (n_c + 1) D[a] + kappa n_c D[a^dag]"
)
CAVITY_ROUTE = (
    "qutip.piqs Dicke basis (all j) (x) Fock space (cutoff grown until the top two levels hold < truncation_tol), exact propagation"
)


def spin_superop_on_composite(S: sp.spmatrix, ds: int, nc: int) -> sp.csr_matrix:
    """S (x) id: a superoperator S on the spin factor (dimension ds) acting on operators of
    spin (x) mode (dimension ds nc), column stacking on both; element rho[(a, n), (b, m)] has
    composite vec index (b nc + m) ds nc + a nc + n and spin vec index b ds + a."""
    S = sp.coo_matrix(S)
    r_a, r_b = S.row % ds, S.row // ds
    c_a, c_b = S.col % ds, S.col // ds
    n, m = np.meshgrid(np.arange(nc), np.arange(nc), indexing="ij")
    n, m = n.ravel(), m.ravel()
    d = ds * nc
    rows = ((r_b[:, None] * nc + m) * d + r_a[:, None] * nc + n).ravel()
    cols = ((c_b[:, None] * nc + m) * d + c_a[:, None] * nc + n).ravel()
    vals = np.repeat(S.data, n.size)
    return sp.csr_matrix((vals, (rows, cols)), shape=(d * d, d * d))


def block_support(blocks: DickeBlocks, n_mode: int) -> np.ndarray:
    """Column-stacked vec indices of the operators on (Dicke basis) (x) (mode of n_mode levels)
    whose spin indices lie in one j block: the subspace that permutation-invariant dynamics
    from a permutation-invariant state never leaves (piqs's Lindbladian and collective
    Hamiltonians do not couple different j)."""
    label = np.repeat(np.arange(len(blocks.sizes)), blocks.sizes)
    lab = np.repeat(label, n_mode)  # spin-major composite index
    d = lab.size
    row, col = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
    keep = lab[row] == lab[col]
    return np.flatnonzero(keep.T.ravel())  # vec index = col * d + row


def fock(n: int, n_max: int) -> np.ndarray:
    """Amplitudes of the Fock state |n> with n_max levels."""
    out = np.zeros(n_max)
    out[n] = 1.0
    return out


def spins_and_mode(N: int, p: dict[str, float], n_max: int, omega_c: float, g: float, rwa: bool, charger: np.ndarray) -> OpenProblem:
    """N cells (Dicke basis, all j) (x) a mode with n_max Fock levels, spins first (module docstring).

    ``charger``: the mode's initial amplitudes (length n_max); cells in |g...g>.
    """
    blocks = DickeBlocks(N)
    ds = blocks.dimension
    a = np.diag(np.sqrt(np.arange(1, n_max)), 1).astype(complex)
    A = np.kron(np.eye(ds, dtype=complex), a)  # mode lowering operator (cavity dissipator)
    Jz, Jp = spin_cavity.dicke_basis_spin_operators(N)
    H0 = spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, 1.0, 0.0, rwa, N).toarray().astype(complex)
    H = spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, 1.0, g, rwa, N).toarray().astype(complex)
    HB = np.kron(blocks.battery_hamiltonian(), np.eye(n_max, dtype=complex))
    spin_diss = ensemble_dissipator(N, p["gamma"], n_thermal(1.0, p["temperature"]), p["gamma_phi"])
    nc = n_thermal(omega_c, p["temperature"])
    kappa = p["kappa"]
    L_D = (
        spin_superop_on_composite(spin_diss, ds, n_max) + dissipators([(kappa * (nc + 1.0), A), (kappa * nc, A.conj().T)], ds * n_max)
    ).tocsr()
    psi_s = np.zeros(ds)
    psi_s[N] = 1.0
    psi0 = np.kron(psi_s, np.asarray(charger, dtype=complex))
    rho0 = np.outer(psi0, psi0.conj())
    d = ds * n_max
    dB = ds

    def battery(rho: np.ndarray) -> np.ndarray:
        return np.einsum("...ajbj->...ab", rho.reshape(rho.shape[:-2] + (dB, n_max, dB, n_max)))

    def top(rho: np.ndarray) -> np.ndarray:
        diag = np.real(np.einsum("...ii->...i", rho)).reshape(rho.shape[:-2] + (dB, n_max))
        return diag[..., -2:].sum(axis=(-1, -2))

    return OpenProblem(
        L_H=hamiltonian_superop(H),
        L_D=L_D,
        L_H_off=hamiltonian_superop(H0),
        rho0=rho0,
        H_B=HB,
        H_S=H,
        H_S_off=H0,
        battery=battery,
        levels=cells_spectrum(N),
        H_B_reduced=blocks.battery_hamiltonian(),
        blocks=blocks,
        top_levels=top,
        cutoff=n_max,
        support=block_support(blocks, n_max),
        switch_on_work=float(np.real(np.trace(rho0 @ (H - H0)))),
        extra={"dim": d},
    )


# ----------------------------------------------------------------------------------------
# Lossy cavity batteries (tavis_cummings: rwa, dicke: not rwa), cavity with N photons
# ----------------------------------------------------------------------------------------
def cavity_initial_cutoff(N: int, p: dict[str, float], extra: int, tol: float, rwa: bool) -> int:
    """Fock levels at the start: the charged block (N + 1 rwa, 2N + 1 otherwise) + max(extra, thermal margin)."""
    return (N + 1 if rwa else 2 * N + 1) + max(extra, thermal_margin(float(p["omega_c"]), p["temperature"], tol))


def cavity_problem(N: int, p: dict[str, float], cutoff: int, rwa: bool) -> OpenProblem:
    """Cavity of frequency omega_c with N photons, coupling g = omega_c lambda (Ferraro et al.'s normalisation)."""
    omega_c, lam = float(p["omega_c"]), float(p["coupling"])
    return spins_and_mode(N, p, cutoff, omega_c, omega_c * lam, rwa, fock(N, cutoff))


def cavity_memory_mb(N: int, n_times: int) -> int:
    """Dense states of dimension d = dim(Dicke basis) (2N + 8) on the grid (+ integrals, discharge)."""
    d = DickeBlocks(N).dimension * (2 * N + 8)
    return int(400 + 16 * d * d * (2 * n_times + 60) / 1e6)
