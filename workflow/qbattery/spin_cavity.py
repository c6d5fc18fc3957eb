"""A single cavity mode coupled to N two-level cells in the symmetric Dicke subspace.

Basis |n> (x) |j = N/2, k>, n = 0..n_max-1 photons, k = 0..N cell excitations
(m = k - j). Operators (J = sum_i sigma_i / 2):
    <k+1| J_+ |k> = sqrt(j(j+1) - m(m+1)),  J_x = (J_+ + J_-)/2,
    <n+1| a^dag |n> = sqrt(n+1).
The coupling ``2 omega_c lam J_x (a + a^dag)`` (Dicke) conserves the parity of n + k;
its rotating-wave part ``omega_c lam (J_+ a + J_- a^dag)`` (Tavis-Cummings) conserves
n + k itself. Only the sector of the initial state is built.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def dicke_jplus(N: int) -> np.ndarray:
    """<k+1|J_+|k> for k = 0..N-1 in the spin-N/2 representation."""
    j = N / 2.0
    m = np.arange(N) - j
    return np.sqrt(j * (j + 1) - m * (m + 1))


def sector_basis(N: int, n_max: int, n0: int, k0: int, rwa: bool) -> tuple[np.ndarray, np.ndarray]:
    """Photon and excitation numbers (n, k) of the basis states in the sector of |n0, k0>."""
    n, k = np.meshgrid(np.arange(n_max), np.arange(N + 1), indexing="ij")
    n, k = n.ravel(), k.ravel()
    keep = (n + k == n0 + k0) if rwa else ((n + k) % 2 == (n0 + k0) % 2)
    return n[keep], k[keep]


def hamiltonian(n: np.ndarray, k: np.ndarray, N: int, omega_c: float, omega_a: float, lam: float, rwa: bool) -> sp.csr_matrix:
    """H = omega_c a^dag a + omega_a (J_z + N/2) + coupling, in the sector basis (n, k).

    Dicke (rwa=False): 2 omega_c lam J_x (a + a^dag); Tavis-Cummings (rwa=True):
    omega_c lam (J_+ a + J_- a^dag). The constant -omega_a N/2 is dropped.
    """
    dim = len(n)
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(n, k))}
    jp = dicke_jplus(N)
    rows, cols, vals = [], [], []
    for i, (a, b) in enumerate(zip(n, k)):
        a, b = int(a), int(b)
        if b < N:  # J_+ raises k -> k+1, amplitude jp[b]/2 from J_x
            for da in (-1,) if rwa else (-1, 1):
                a2 = a + da
                j2 = index.get((a2, b + 1))
                if j2 is None:
                    continue
                amp = np.sqrt(a) if da == -1 else np.sqrt(a + 1)  # a or a^dag on |a>
                v = (omega_c * lam * jp[b] * amp) if rwa else (2 * omega_c * lam * 0.5 * jp[b] * amp)
                rows += [j2, i]
                cols += [i, j2]
                vals += [v, v]
    diag = omega_c * n + omega_a * k
    H = sp.coo_matrix((vals, (rows, cols)), shape=(dim, dim)).tocsr()
    return (H + sp.diags(diag.astype(float))).tocsr()


def battery_states(psi_t: np.ndarray, n: np.ndarray, k: np.ndarray, n_max: int, N: int) -> np.ndarray:
    """Reduced battery states rho_B(t) (nt, N+1, N+1) in the Dicke basis, tracing the cavity."""
    full = np.zeros((psi_t.shape[0], n_max, N + 1), dtype=complex)
    full[:, n, k] = psi_t
    return np.einsum("tnk,tnl->tkl", full, full.conj())


def photon_distribution(psi_t: np.ndarray, n: np.ndarray, n_max: int) -> np.ndarray:
    """Photon-number populations p_n(t), shape (nt, n_max)."""
    p = np.zeros((psi_t.shape[0], n_max))
    np.add.at(p.T, n, (np.abs(psi_t) ** 2).T)
    return p
