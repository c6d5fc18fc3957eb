"""Exact propagation of pure states under a time-independent Hamiltonian.

psi(t) = exp(-i H t) psi0 on a whole time grid at once (DESIGN.md, performance):
dense diagonalisation for dim <= ``dense_max_dim`` (one eigh, then all time points as a
matrix product); otherwise Krylov-type action of the exponential
(scipy.sparse.linalg.expm_multiply) on uniform grids, stepping between grid points.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply


def _is_uniform(times: np.ndarray) -> bool:
    if len(times) < 3:
        return True
    d = np.diff(times)
    return bool(np.allclose(d, d[0], rtol=1e-12, atol=1e-14 * max(1.0, abs(times[-1]))))


def propagate(H: sp.spmatrix | np.ndarray, psi0: np.ndarray, times: np.ndarray, dense_max_dim: int = 4000) -> np.ndarray:
    """Return psi(t) for every t in ``times`` as an array of shape (len(times), dim)."""
    times = np.asarray(times, dtype=float)
    psi0 = np.asarray(psi0, dtype=complex)
    dim = psi0.shape[0]
    if dim <= dense_max_dim:
        Hd = H.toarray() if sp.issparse(H) else np.asarray(H)
        e, v = np.linalg.eigh(Hd)
        c = v.conj().T @ psi0
        phases = np.exp(-1j * np.outer(times, e))  # (nt, dim)
        return (phases * c) @ v.T
    Hs = sp.csr_matrix(H, dtype=complex)
    if times[0] == 0.0 and _is_uniform(times):
        out = expm_multiply(-1j * Hs, psi0, start=0.0, stop=float(times[-1]), num=len(times), endpoint=True)
        return np.asarray(out)
    out = np.empty((len(times), dim), dtype=complex)
    psi, t_prev = psi0, 0.0
    for i, t in enumerate(times):
        if t != t_prev:
            psi = expm_multiply(-1j * (t - t_prev) * Hs, psi)
        out[i] = psi
        t_prev = t
    return out
