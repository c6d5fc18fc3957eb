"""Complex-fermion Sachdev-Ye-Kitaev Hamiltonians in the particle-number sectors of the Fock space.

N complex fermion modes c_i; Fock basis state s = 0..2^N-1, mode i occupied iff bit i of s is set.
Jordan-Wigner order = mode index: c_i |s> = (-1)^{#occupied modes j < i} |s - 2^i> (bit i set), so
c_i = (prod_{j<i} sigma^z_j) sigma^-_i on qubit i (sigma^z_j = 1 - 2 n_j).

q-body complex SYK (q = 2p): H = sum_{I, K} J_{IK} c^dag_{i_1} ... c^dag_{i_p} c_{k_p} ... c_{k_1} over
ordered p-subsets I = (i_1 < ... < i_p), K likewise, with J a Hermitian random matrix over the
p-subsets (J_{KI} = J_{IK}^*), so H is Hermitian and conserves the particle number Q = sum_i n_i.
Normalisation (Gu, Kitaev, Sachdev, Tarnopolsky, JHEP 2020, 157): <|J_{IK}|^2> = J^2 p! (p-1)! / N^(q-1),
which makes the spectrum extensive; q = 2 is free fermions, H = sum_ij J_ij c^dag_i c_j with
single-particle energies eig(J) (a GUE matrix of variance J^2 / N, semicircle of radius 2 J).
"""

from __future__ import annotations

from itertools import combinations
from math import comb, factorial

import numpy as np
import scipy.sparse as sp


def subsets(N: int, p: int) -> np.ndarray:
    """The ordered p-subsets of 0..N-1 as rows (C(N, p), p), lexicographic."""
    return np.array(list(combinations(range(N), p)), dtype=np.int64).reshape(-1, p)


def coupling_variance(J: float, N: int, q: int) -> float:
    """<|J_{IK}|^2> = J^2 p! (p-1)! / N^(q-1), p = q / 2."""
    p = q // 2
    return J**2 * factorial(p) * factorial(p - 1) / N ** (q - 1)


def unit_hermitian(n: int, rng: np.random.Generator) -> np.ndarray:
    """A GUE matrix of unit element variance: <|G_IK|^2> = 1 (real diagonal, complex off-diagonal)."""
    a = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2.0)
    g = np.triu(a, 1)
    return g + g.conj().T + np.diag(rng.standard_normal(n))


def sector_states(N: int, Q: int) -> np.ndarray:
    """Fock states with Q particles, ascending."""
    s = np.arange(2**N, dtype=np.int64)
    return s[popcount(s) == Q]


def popcount(s: np.ndarray) -> np.ndarray:
    """Number of set bits of every (non-negative) integer."""
    return np.bitwise_count(np.asarray(s, dtype=np.int64)).astype(np.int64)


def _apply(states: np.ndarray, sign: np.ndarray, mode: int, create: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """c^dag_mode (create) or c_mode on basis states with signs: (new states, new signs, valid mask)."""
    bit = np.int64(1) << mode
    occupied = (states & bit) != 0
    ok = ~occupied if create else occupied
    jw = 1 - 2 * (popcount(states & (bit - 1)) & 1)
    return states ^ bit, sign * jw, ok


def syk_sector(N: int, Q: int, couplings: np.ndarray, p: int) -> sp.csr_matrix:
    """Matrix of H = sum_{IK} couplings[I, K] c^dag_I c_K (``couplings`` over the p-subsets of
    :func:`subsets`) in the Q-particle sector (basis :func:`sector_states`)."""
    states = sector_states(N, Q)
    dim = states.size
    if dim == 0 or Q < p:
        return sp.csr_matrix((dim, dim), dtype=complex)
    subs = subsets(N, p)
    rows, cols, vals = [], [], []
    col_idx = np.arange(dim)
    for k, K in enumerate(subs):
        # c_K = c_{k_p} ... c_{k_1}: c_{k_1} acts first
        t, sg, ok = states, np.ones(dim, dtype=np.int64), np.ones(dim, dtype=bool)
        for mode in K:
            t, sg, good = _apply(t, sg, int(mode), create=False)
            ok &= good
        t, sg, src = t[ok], sg[ok], col_idx[ok]
        if t.size == 0:
            continue
        # every I at once: c^dag_I = c^dag_{i_1} ... c^dag_{i_p}, c^dag_{i_p} acts first
        u = np.broadcast_to(t, (len(subs), t.size)).copy()
        su = np.broadcast_to(sg, (len(subs), t.size)).copy()
        okI = np.ones(u.shape, dtype=bool)
        for pos in range(p - 1, -1, -1):
            modes = subs[:, pos][:, None]
            bit = np.int64(1) << modes
            occ = (u & bit) != 0
            okI &= ~occ
            su = su * (1 - 2 * (popcount(u & (bit - 1)) & 1))
            u = u | bit
        iI, js = np.nonzero(okI)
        amp = couplings[iI, k] * su[iI, js]
        nz = amp != 0
        rows.append(np.searchsorted(states, u[iI, js][nz]))
        cols.append(src[js][nz])
        vals.append(amp[nz])
    if not rows:
        return sp.csr_matrix((dim, dim), dtype=complex)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim), dtype=complex)


def sector_dims(N: int) -> list[int]:
    return [comb(N, Q) for Q in range(N + 1)]
