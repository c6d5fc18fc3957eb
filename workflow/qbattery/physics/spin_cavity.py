"""A single cavity mode coupled to N two-level cells in the symmetric Dicke subspace.

Basis |n> (x) |j = N/2, k>, n = 0..n_max-1 photons, k = 0..N cell excitations
(m = k - j). Operators (J = sum_i sigma_i / 2):
    <k+1| J_+ |k> = sqrt(j(j+1) - m(m+1)),  J_x = (J_+ + J_-)/2,
    <n+1| a^dag |n> = sqrt(n+1).
The coupling ``2 omega_c lam J_x (a + a^dag)`` (Dicke) conserves the parity of n + k;
its rotating-wave part ``omega_c lam (J_+ a + J_- a^dag)`` (Tavis-Cummings) conserves
n + k itself. Only the sector of the initial state is built.

The one spin-boson Hamiltonian builder of the package is :func:`spin_boson_hamiltonian`
(any spin basis: one multiplet, every multiplet of the piqs Dicke basis; full product space
or a given set of basis states); :func:`spin_ladder` is the one spin-j ladder builder.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: (J_z, J_+) as sparse CSR matrices or dense arrays
SpinOperators = tuple[sp.csr_matrix, sp.csr_matrix] | tuple[np.ndarray, np.ndarray]


def ladder_amplitudes(two_j: int) -> np.ndarray:
    """<k+1|J_+|k> = sqrt(j(j+1) - m(m+1)), m = k - j, k = 0..2j-1, of spin j = two_j / 2."""
    j = two_j / 2.0
    m = np.arange(two_j) - j
    return np.sqrt(j * (j + 1) - m * (m + 1))


def dicke_jplus(N: int) -> np.ndarray:
    """<k+1|J_+|k> for k = 0..N-1 in the spin-N/2 representation."""
    return ladder_amplitudes(N)


def spin_ladder(two_j: int, *, descending: bool = False, dense: bool = False) -> SpinOperators:
    """J_z and J_+ of one spin-j multiplet, j = two_j / 2 (real, sparse unless ``dense``).

    Basis m = -j..j (k = m + j excitations ascending: the cavity routes and work statistics) or,
    with ``descending``, m = j..-j (the qutip.piqs order); <m+1|J_+|m> = sqrt(j(j+1) - m(m+1)).
    """
    amp = ladder_amplitudes(two_j)
    m = np.arange(two_j + 1) - two_j / 2.0
    if descending:  # index i <-> m = j - i; J_+ takes i to i - 1 with the amplitude of k = two_j - i
        Jz, Jp = sp.diags(m[::-1]), sp.diags(amp[::-1], 1, shape=(two_j + 1, two_j + 1))
    else:
        Jz, Jp = sp.diags(m), sp.diags(amp, -1, shape=(two_j + 1, two_j + 1))
    if dense:
        return Jz.toarray(), Jp.toarray()
    return sp.csr_matrix(Jz), sp.csr_matrix(Jp)


def dicke_basis_spin_operators(N: int, *, dense: bool = False) -> SpinOperators:
    """Collective J_z, J_+ of N spins 1/2 in the qutip.piqs Dicke basis: blocks j = N/2, N/2 - 1, ...,
    (0 or 1/2), each with m = j..-j (:func:`spin_ladder` descending), block diagonal. Each block
    stands for its d_j copies (multiplicities: ``physics.dicke_basis.DickeBlocks``)."""
    ops = [spin_ladder(N - 2 * s, descending=True) for s in range(N // 2 + 1)]
    Jz, Jp = sp.block_diag([o[0] for o in ops], format="csr"), sp.block_diag([o[1] for o in ops], format="csr")
    return (Jz.toarray(), Jp.toarray()) if dense else (Jz, Jp)


def spin_boson_hamiltonian(
    Jz: sp.spmatrix | np.ndarray,
    Jp: sp.spmatrix | np.ndarray,
    n_max: int,
    omega_c: float,
    omega_a: float,
    g: float,
    rwa: bool,
    N: int,
    states: tuple[np.ndarray, np.ndarray] | None = None,
) -> sp.csr_matrix:
    """H = omega_c a^dag a + omega_a (J_z + N/2) + coupling on (spin basis) (x) (Fock, n_max levels).

    Coupling: g (J_+ a + J_- a^dag) (rwa, Tavis-Cummings) or g (J_+ + J_-)(a + a^dag) = 2 g J_x (a + a^dag)
    (Dicke); the cavity batteries have g = omega_c lambda. ``Jz`` (diagonal) and ``Jp`` act on any
    spin basis: one multiplet (:func:`spin_ladder`) or all of them (:func:`dicke_basis_spin_operators`).
    Basis: all pairs, index s n_max + n (spin first), or the given ``states`` = (s, n) arrays in their
    order (a parity sector, an excitation block, ...); couplings leaving the set are dropped.
    <s', n-1| J_+ a |s, n> = <s'|J_+|s> sqrt(n), <s', n+1| J_+ a^dag |s, n> = <s'|J_+|s> sqrt(n+1).
    """
    Jp = sp.csc_matrix(Jp)
    Jp.sort_indices()
    ds = Jp.shape[0]
    excitations = np.real(sp.csr_matrix(Jz).diagonal()) + N / 2.0
    if states is None:
        s, n = np.divmod(np.arange(ds * n_max), n_max)
    else:
        s, n = (np.asarray(x, dtype=np.int64) for x in states)
    dim = s.size
    index = np.full((ds, n_max), -1, dtype=np.int64)
    index[s, n] = np.arange(dim)
    per_column = np.diff(Jp.indptr)
    rows, cols, vals = [], [], []
    for q in range(int(per_column.max(initial=0))):  # q-th element of J_+'s column s (one for a ladder)
        src = np.flatnonzero(per_column[s] > q)
        ptr = Jp.indptr[s[src]] + q
        s2, amp_s = Jp.indices[ptr], g * Jp.data[ptr]
        for dn in (-1,) if rwa else (-1, 1):  # J_+ a, then J_+ a^dag; their conjugates J_- a^dag, J_- a
            n2 = n[src] + dn
            ok = (n2 >= 0) & (n2 < n_max)
            dst = np.full(src.size, -1, dtype=np.int64)
            dst[ok] = index[s2[ok], n2[ok]]
            ok &= dst >= 0
            v = amp_s[ok] * np.sqrt(n[src][ok] if dn == -1 else n[src][ok] + 1.0)
            rows += [dst[ok], src[ok]]
            cols += [src[ok], dst[ok]]
            vals += [v, np.conj(v)]
    if not vals:
        vals, rows, cols = [np.zeros(0, dtype=Jp.dtype)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    H = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim)).tocsr()
    return (H + sp.diags((omega_c * n + omega_a * excitations[s]).astype(float))).tocsr()


def sector_basis(N: int, n_max: int, n0: int, k0: int, rwa: bool) -> tuple[np.ndarray, np.ndarray]:
    """Photon and excitation numbers (n, k) of the basis states in the sector of |n0, k0>."""
    n, k = np.meshgrid(np.arange(n_max), np.arange(N + 1), indexing="ij")
    n, k = n.ravel(), k.ravel()
    keep = (n + k == n0 + k0) if rwa else ((n + k) % 2 == (n0 + k0) % 2)
    return n[keep], k[keep]


def hamiltonian(n: np.ndarray, k: np.ndarray, N: int, omega_c: float, omega_a: float, lam: float, rwa: bool) -> sp.csr_matrix:
    """H = omega_c a^dag a + omega_a (J_z + N/2) + coupling, in the sector basis (n, k) (spin N/2).

    Dicke (rwa=False): 2 omega_c lam J_x (a + a^dag); Tavis-Cummings (rwa=True):
    omega_c lam (J_+ a + J_- a^dag) (:func:`spin_boson_hamiltonian`, g = omega_c lam).
    The constant -omega_a N/2 is dropped.
    """
    n_max = int(np.max(n)) + 1 if len(n) else 1
    Jz, Jp = spin_ladder(N)
    return spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, omega_a, omega_c * lam, rwa, N, states=(k, n))


def battery_states(psi_t: np.ndarray, n: np.ndarray, k: np.ndarray, n_max: int, N: int) -> np.ndarray:
    """Reduced battery states rho_B(t) (nt, N+1, N+1) in the Dicke basis, tracing the cavity."""
    full = np.zeros((psi_t.shape[0], n_max, N + 1), dtype=complex)
    full[:, n, k] = psi_t
    return np.einsum("tnk,tnl->tkl", full, full.conj())


def photon_distribution(psi_t: np.ndarray, n: np.ndarray, n_max: int) -> np.ndarray:
    """Photon-number populations p_n(t) = sum_k |psi_t(n, k)|^2, shape (nt, n_max) (one sparse product:
    the indicator matrix of the photon number of each basis state)."""
    n = np.asarray(n, dtype=np.int64)
    S = sp.csr_matrix((np.ones(n.size), (np.arange(n.size), n)), shape=(n.size, n_max))
    prob = psi_t.real**2 + psi_t.imag**2
    return np.asarray((S.T @ prob.T).T)
