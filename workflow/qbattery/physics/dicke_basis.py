"""N identical cells with permutation-invariant (local or collective) dissipation in the
Dicke basis of qutip.piqs (Shammah, Ahmed, Lambert, De Liberato, Nori, PRA 98, 063815 (2018)).

The 2^N space decomposes into spin sectors j = N/2, N/2 - 1, ..., (0 or 1/2), each of
dimension 2j + 1 and multiplicity d_j = state_degeneracy(N, j). A permutation-invariant
state is block diagonal, rho = sum_j rho_j (x) 1_{d_j} / d_j, and piqs stores the blocks
rho_j (their traces add to 1). Linear quantities are plain traces in this basis; the
spectrum of rho in the FULL 2^N space is: the eigenvalues of rho_j / d_j, each repeated
d_j times. Ergotropy and capacity pair that spectrum with the full spectrum of
H_B = omega_a sum_i |e><e|_i (levels k omega_a, degeneracy C(N, k), DESIGN.md), through
run-length merging (no 2^N list is formed), so N = 30 costs ~ (N/2)^2 numbers per time.

piqs rate conventions (checked against a full-space master equation in the tests):
``emission`` g_E -> g_E sum_i D[s^-_i], ``pumping`` g_P -> g_P sum_i D[s^+_i],
``dephasing`` g_D -> g_D sum_i D[s^z_i / 2] = (g_D / 4) sum_i D[s^z_i], ``collective_emission`` g_C -> g_C D[J_-].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import math

import numpy as np
import scipy.sparse as sp

from . import spin_cavity
from .quantities import Spectrum, block_diagonal_spectrum, cells_spectrum, ergotropy_from_spectrum


@dataclass(frozen=True)
class DickeBlocks:
    """Block structure of the piqs Dicke basis of N cells (sectors j in piqs order, j = N/2 first)."""

    N: int

    @cached_property
    def j(self) -> np.ndarray:
        """j = N/2, N/2 - 1, ..., 0 or 1/2 (piqs order)."""
        return self.N / 2.0 - np.arange(self.N // 2 + 1)

    @cached_property
    def multiplicity(self) -> np.ndarray:
        """d_j = (2j + 1) N! / ((N/2 + j + 1)! (N/2 - j)!) (number of copies of sector j): int64 while
        2^N < 2^62, Python integers beyond (d_j ~ C(N, N/2) passes 2^63 from N ~ 66 on), as
        :class:`~qbattery.physics.quantities.Spectrum` keeps its degeneracies."""
        N = self.N
        out = []
        for j in self.j:
            a, b = int(round(N / 2 + j)), int(round(N / 2 - j))
            out.append(int(round(2 * j + 1)) * math.comb(N, b) // (a + 1))
        return np.array(out, dtype=np.int64 if N < 62 else object)

    @cached_property
    def sizes(self) -> np.ndarray:
        return np.rint(2 * self.j + 1).astype(int)

    @cached_property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.sizes)[:-1]])

    @property
    def dimension(self) -> int:
        return int(self.sizes.sum())

    @cached_property
    def excitations(self) -> np.ndarray:
        """Number of excited cells k = m + N/2 of every basis state (m = j, j-1, ..., -j in a block)."""
        return np.concatenate([np.arange(s)[::-1] + (self.N / 2 - j) for j, s in zip(self.j, self.sizes)])

    def battery_hamiltonian(self, omega_a: float = 1.0) -> np.ndarray:
        """H_B = omega_a (J_z + N/2) in the Dicke basis (diagonal, ground energy 0)."""
        return np.diag(omega_a * self.excitations).astype(complex)


def spin_operator(N: int, which: str) -> np.ndarray:
    """Collective J_z, J_x, J_+, J_- (J = sum_i sigma_i / 2) in the piqs Dicke basis (blocks j,
    m = j, ..., -j): <j, m+1| J_+ |j, m> = sqrt(j (j+1) - m (m+1)) within each block
    (:func:`qbattery.physics.spin_cavity.dicke_basis_spin_operators`)."""
    Jz, jp = spin_cavity.dicke_basis_spin_operators(N, dense=True)
    ops = {"+": jp, "-": jp.T, "x": 0.5 * (jp + jp.T), "z": Jz}
    if which not in ops:
        raise ValueError(f"spin_operator: which must be one of {sorted(ops)}")
    return ops[which].astype(complex)


def ensemble_dissipator(N: int, gamma: float, n_thermal: float, gamma_phi: float, gamma_collective: float = 0.0) -> sp.csr_matrix:
    """Local thermal decay/excitation and dephasing of every cell, plus collective decay:
        gamma (n_T + 1) sum_i D[s^-_i] + gamma n_T sum_i D[s^+_i] + (gamma_phi / 2) sum_i D[s^z_i]
        + gamma_collective D[J_-]
    (dephasing normalised so that a cell's coherence decays as exp(-gamma_phi t))."""
    return dicke_dissipator(N, gamma * (n_thermal + 1.0), gamma * n_thermal, 2.0 * gamma_phi, gamma_collective)


def dicke_index_maps(N: int) -> tuple[int, dict[int, tuple[float, float, float]], dict[tuple[float, float, float], int]]:
    """(nds, vec index -> (j, m, m'), (j, m, m') -> vec index) of the block elements |j, m><j, m'|.

    Row i = offset_j + (j - m), column k = offset_j + (j - m'), column-stacked vec index
    k nds + i (piqs's ``jmm1_dictionary`` flattens row-major; its Lindbladian is real and
    transpose-covariant, so both orderings give the same dynamics, tested)."""
    blocks = DickeBlocks(N)
    nds = blocks.dimension
    row_of, inv = {}, {}
    for off, size, j in zip(blocks.starts, blocks.sizes, blocks.j):
        ms = [float(j - q) for q in range(size)]
        for a, m in enumerate(ms):
            for b, m1 in enumerate(ms):
                key = (float(j), m, m1)
                idx = (off + b) * nds + off + a
                row_of[idx] = key
                inv[key] = idx
    return nds, row_of, inv


def _block_elements(blocks: DickeBlocks) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every block element |j, m><j, m'| in the order of :func:`dicke_index_maps`: (block index,
    row a, column b within the block, j, column-stacked vec index (o + b) nds + o + a)."""
    nds = blocks.dimension
    sizes = blocks.sizes
    blk = np.repeat(np.arange(sizes.size), sizes**2)
    first = np.repeat(np.concatenate([[0], np.cumsum(sizes**2)[:-1]]), sizes**2)
    local = np.arange(blk.size) - first
    s = sizes[blk]
    a, b = local // s, local % s
    o = blocks.starts[blk]
    return blk, a, b, blocks.j[blk], (o + b) * nds + o + a


def dicke_dissipator(N: int, emission: float, pumping: float, dephasing: float, collective_emission: float) -> sp.csr_matrix:
    """The piqs Lindbladian in the Dicke basis (qutip.piqs.Dicke.liouvillian), in double precision.

    qutip.piqs (5.x) evaluates the coefficients gamma_1..gamma_9 of Shammah et al. (2018),
    Eqs. (A1)-(A9), with C ``float`` (single precision): its Liouvillian violates trace
    preservation at the 1e-9 level, more than our norm tolerance. This is the same formula
    (``_piqs.pyx``, Dicke.lindbladian and gamma1..gamma9) in float64, evaluated for all block
    elements at once (numpy; the element-by-element port it replaced is kept in the tests as
    the reference, equal to 1e-12), with piqs's own index maps (``jmm1_dictionary``); the tests
    compare it with piqs (to single precision) and with a full 2^N master equation (to 1e-10).
    Row (j, m, m1) holds the coefficient g_k(j', m', m1') of the element (j', m', m1') =
    (j + dj, m + dm, m1 + dm) for the nine shifts (dj, dm) of piqs.
    """
    Nf = float(N)
    yE, yP, yD, yCE = float(emission), float(pumping), float(dephasing), float(collective_emission)
    blocks = DickeBlocks(N)
    nds = blocks.dimension
    half = Nf / 2
    blk, a, b, jrow, rows = _block_elements(blocks)
    mrow, m1row = jrow - a, jrow - b

    def root(x: np.ndarray) -> np.ndarray:
        return np.sqrt(np.maximum(0.0, x))

    def safe(x: np.ndarray) -> np.ndarray:  # denominators where the piqs formula has a j > 0 guard
        return np.where(x == 0, 1.0, x)

    # coefficient of the element |j', m', m1'> in row (j, m, m1), as functions of (j', m', m1')
    def g1(j, m, m1):
        spontaneous = yCE / 2 * (2 * j * (j + 1) - m * (m - 1) - m1 * (m1 - 1))
        losses = yE / 2 * (Nf + m + m1)
        pump = yP / 2 * (Nf - m - m1)
        dephase = np.where(j <= 0, yD * Nf / 4, yD / 2 * (half - m * m1 * (half + 1) / safe(j) / (j + 1)))
        return -(spontaneous + losses + pump + dephase)

    def g2(j, m, m1):
        r = root((j + m) * (j - m + 1) * (j + m1) * (j - m1 + 1))
        return yCE * r + np.where(j > 0, yE / 2 * r * (half + 1) / safe(j * (j + 1)), 0.0)

    def g3(j, m, m1):
        v = yE / 2 * root((j + m) * (j + m - 1) * (j + m1) * (j + m1 - 1)) * (half + j + 1) / safe(j * (2 * j + 1))
        return np.where(j > 0, v, 0.0)

    def g4(j, m, m1):
        return yE / 2 * root((j - m + 1) * (j - m + 2) * (j - m1 + 1) * (j - m1 + 2)) * (half - j) / ((j + 1) * (2 * j + 1))

    def g5(j, m, m1):
        v = yD / 2 * root((j**2 - m**2) * (j**2 - m1**2)) * (half + j + 1) / safe(j * (2 * j + 1))
        return np.where(j > 0, v, 0.0)

    def g6(j, m, m1):
        return yD / 2 * root(((j + 1) ** 2 - m**2) * ((j + 1) ** 2 - m1**2)) * (half - j) / ((j + 1) * (2 * j + 1))

    def g7(j, m, m1):
        v = yP / 2 * root((j - m - 1) * (j - m) * (j - m1 - 1) * (j - m1)) * (half + j + 1) / safe(j * (2 * j + 1))
        return np.where(j > 0, v, 0.0)

    def g8(j, m, m1):
        v = yP / 2 * root((j + m + 1) * (j - m) * (j + m1 + 1) * (j - m1)) * (half + 1) / safe(j * (j + 1))
        return np.where(j > 0, v, 0.0)

    def g9(j, m, m1):
        return yP / 2 * root((j + m + 1) * (j + m + 2) * (j + m1 + 1) * (j + m1 + 2)) * (half - j) / ((j + 1) * (2 * j + 1))

    shifts = ((0, 0, g1), (0, 1, g2), (1, 1, g3), (-1, 1, g4), (1, 0, g5), (-1, 0, g6), (1, -1, g7), (0, -1, g8), (-1, -1, g9))
    R, C, V = [], [], []
    with np.errstate(divide="ignore", invalid="ignore"):
        for dj, dm, g in shifts:
            bj = blk - dj  # j + dj is the block before (dj = 1) or after (dj = -1) in piqs order
            j2, m2, m12 = jrow + dj, mrow + dm, m1row + dm
            ok = (bj >= 0) & (bj < blocks.sizes.size) & (np.abs(m2) <= j2) & (np.abs(m12) <= j2)
            if not np.any(ok):
                continue
            r, jj, mm, mm1, bb = rows[ok], j2[ok], m2[ok], m12[ok], bj[ok]
            o = blocks.starts[bb]
            cols = (o + np.rint(jj - mm1).astype(np.int64)) * nds + o + np.rint(jj - mm).astype(np.int64)
            v = g(jj, mm, mm1)
            nz = v != 0.0
            R.append(r[nz])
            C.append(cols[nz])
            V.append(v[nz])
    rows_all = np.concatenate(R) if R else np.zeros(0, dtype=np.int64)
    cols_all = np.concatenate(C) if C else np.zeros(0, dtype=np.int64)
    vals = np.concatenate(V).astype(complex) if V else np.zeros(0, dtype=complex)
    return sp.csr_matrix((vals, (rows_all, cols_all)), shape=(nds * nds, nds * nds))


def block_spectrum(rho: np.ndarray, blocks: DickeBlocks, tol: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Full-space eigenvalues of block-diagonal Dicke states and their multiplicities.

    ``rho``: (nt, n, n) in the Dicke basis. Returns (eig (nt, n) per copy, mult (n,), max
    off-block weight, most negative eigenvalue). Off-block coherences are not generated by
    permutation-invariant dynamics from a permutation-invariant state; their size is returned
    as a health number.
    """
    rho = np.asarray(rho)
    n = rho.shape[-1]
    mask = np.ones((n, n), dtype=bool)
    for s, size in zip(blocks.starts, blocks.sizes):
        mask[s : s + size, s : s + size] = False
    sl = [slice(s, s + size) for s, size in zip(blocks.starts, blocks.sizes)]
    eig, mult = block_diagonal_spectrum([rho[:, b, b] for b in sl], blocks.multiplicity)
    off = float(np.abs(rho[:, mask]).max(initial=0.0))
    return eig, mult, off, float(min(0.0, eig.min()))


def block_gather(blocks: DickeBlocks, support: np.ndarray, n_mode: int = 1) -> list[np.ndarray]:
    """Positions in a support-restricted vec(rho) (see composite.block_support, no mode) of each
    j block, as (size, size) index arrays [k, i] of the column-stacked elements rho[i, k]."""
    if n_mode != 1:
        raise ValueError("block_gather: only for states of the cells alone")
    d = blocks.dimension
    out = []
    for s0, m in zip(blocks.starts, blocks.sizes):
        k, i = np.meshgrid(np.arange(s0, s0 + m), np.arange(s0, s0 + m), indexing="ij")
        idx = (k * d + i).ravel()
        pos = np.searchsorted(support, idx)
        if np.any(support[np.minimum(pos, len(support) - 1)] != idx):
            raise ValueError("block_gather: support does not contain the block elements")
        out.append(pos.reshape(m, m))
    return out


def gathered_blocks(Vs: np.ndarray, gather: list[np.ndarray]) -> list[np.ndarray]:
    """The j blocks rho_j[t] (nt, s, s) from support-restricted vec(rho) Vs (nt, n_support)."""
    return [np.swapaxes(Vs[:, g], -1, -2) for g in gather]


def block_list_spectrum(blist: list[np.ndarray], blocks: DickeBlocks) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """As :func:`block_spectrum` for a list of blocks: (eig, mult, non-Hermiticity, most
    negative eigenvalue, max |Tr rho - 1|)."""
    herm = max(float(np.abs(b - np.swapaxes(b, -1, -2).conj()).max(initial=0.0)) for b in blist)
    tr = sum(np.trace(b, axis1=-2, axis2=-1) for b in blist)
    eig, mult = block_diagonal_spectrum(blist, blocks.multiplicity)
    return eig, mult, herm, float(min(0.0, eig.min())), float(np.abs(tr - 1.0).max())


def spectrum_ergotropy(eig: np.ndarray, mult: np.ndarray, energy: np.ndarray, levels: Spectrum) -> tuple[np.ndarray, np.ndarray]:
    """Ergotropy and capacity of states given by their full-space spectrum with multiplicities.

    eig (nt, n): eigenvalues, each occurring mult[i] times (sum mult = dimension of ``levels``);
    energy (nt,): Tr(rho H_B). Passive and top-filled energies from the one kernel
    :func:`qbattery.physics.quantities.ergotropy_from_spectrum` (run-length merging, no 2^N list).
    """
    eig = np.atleast_2d(np.asarray(eig, dtype=float))
    total = sum(int(x) for x in np.asarray(mult))
    if total != levels.dimension:
        raise ValueError(f"multiplicities add to {total}, the spectrum has dimension {levels.dimension}")
    return ergotropy_from_spectrum(energy, eig, levels, mult)


def cells_levels(N: int, omega_a: float = 1.0) -> Spectrum:
    """Full 2^N spectrum of H_B (re-exported for the open models)."""
    return cells_spectrum(N, omega_a)


# ----------------------------------------------------------------------------------------
# Generators on the block-diagonal support, and their real symmetric form
# ----------------------------------------------------------------------------------------
def to_support(M: sp.spmatrix, support: np.ndarray) -> sp.csr_matrix:
    """M (on all d^2 vec indices) restricted to the invariant ``support`` (sorted vec indices):
    M[support][:, support] for a matrix whose entries all lie on support x support (checked)."""
    M = sp.coo_matrix(M)
    r, c = np.searchsorted(support, M.row), np.searchsorted(support, M.col)
    n = support.size
    inside = (r < n) & (c < n)
    inside[inside] = (support[r[inside]] == M.row[inside]) & (support[c[inside]] == M.col[inside])
    if not np.all(inside[M.data != 0]):
        raise ValueError("to_support: the generator leaves the block-diagonal support")
    return sp.csr_matrix((M.data[inside], (r[inside], c[inside])), shape=(n, n))


def support_commutator(H: np.ndarray | sp.spmatrix, blocks: DickeBlocks, support: np.ndarray) -> sp.csr_matrix:
    """-i [H, .] on the block-diagonal support (composite.block_support of the cells alone) for a
    block-diagonal H, without forming the d^2 x d^2 superoperator of lindblad.hamiltonian_superop:
    (-i [H, rho])_{ik} = -i sum_c (H_ic rho_ck - rho_ic H_ck), element rho_ik at vec index k d + i."""
    H = sp.coo_matrix(H)
    d = blocks.dimension
    label = np.repeat(np.arange(blocks.sizes.size), blocks.sizes)
    if np.any(label[H.row] != label[H.col]):
        raise ValueError("support_commutator: H couples different j blocks")
    o, s = blocks.starts[label[H.row]], blocks.sizes[label[H.row]]
    rep = np.repeat(np.arange(H.nnz), s)  # each nonzero once for every index of its block
    other = o[rep] + (np.arange(rep.size) - np.repeat(np.cumsum(s) - s, s))
    i, c, h = H.row[rep], H.col[rep], H.data[rep]
    # H rho: row (i, k) <- (c, k) with -i H_ic ; rho H: row (k, c) <- (k, i) with +i H_ic
    rows = np.concatenate([other * d + i, c * d + other])
    cols = np.concatenate([other * d + c, i * d + other])
    vals = np.concatenate([-1j * h, 1j * h])
    pos_r, pos_c = np.searchsorted(support, rows), np.searchsorted(support, cols)
    n = support.size
    return sp.csr_matrix((vals.astype(complex), (pos_r, pos_c)), shape=(n, n))


class RealSymmetricBlocks:
    """Block-diagonal Dicke states in the real frame rho' = P rho P^dag, P = diag(i^m), stored as
    the upper triangle of each block in an orthonormal basis of real symmetric matrices.

    With P, J_x -> -J_y = i (J_+ - J_-) / 2, so -i [2 g J_x, .] becomes the real superoperator
    g [J_+ - J_-, .]; the piqs dissipators keep m - m' and commute with P. A generator that is real
    in this frame maps real symmetric matrices (the Hermitian ones of the frame) to real symmetric
    ones, so rho'(t) stays real symmetric from a real symmetric rho'(0), and the upper triangles
    x = (rho'_aa, sqrt(2) rho'_ab (a < b)) of the blocks carry the state: ~N^3/12 real numbers
    instead of ~N^3/6 complex ones, with the Frobenius norm of rho as the 2-norm of x. Both
    properties are checked for every generator (:meth:`reduce`), not assumed. Spectra are those of
    rho (P is unitary), traces and diagonal functionals are unchanged.
    """

    def __init__(self, blocks: DickeBlocks, support: np.ndarray) -> None:
        d = blocks.dimension
        support = np.asarray(support)
        i, k = support % d, support // d  # element rho[i, k]
        exc = np.rint(blocks.excitations).astype(np.int64)  # m + N/2
        self.blocks, self.support = blocks, support
        self.phase = (1j ** np.mod(exc[i] - exc[k], 4)).astype(complex)  # rho'_ik = i^(m_i - m_k) rho_ik
        up = np.flatnonzero(i <= k)
        n_r = up.size
        half_of = np.full(support.size, -1)
        half_of[up] = np.arange(n_r)
        partner = np.searchsorted(support, i * d + k)  # position of rho[k, i]
        if np.any(support[np.minimum(partner, support.size - 1)] != i * d + k):
            raise ValueError("RealSymmetricBlocks: the support is not closed under transposition")
        self.partner = partner
        self.reduced_index = np.where(i <= k, half_of, half_of[partner])  # x index of every support element
        self.weight = np.where(i[up] < k[up], np.sqrt(2.0), 1.0)  # x_r = weight_r rho'_r
        self.up = up
        self.dim = n_r
        w_of = self.weight[self.reduced_index]
        self.embed = sp.csr_matrix((1.0 / w_of, (np.arange(support.size), self.reduced_index)), shape=(support.size, n_r))
        self.project = sp.csr_matrix((self.weight, (np.arange(n_r), up)), shape=(n_r, support.size))
        gathers = []
        for s0, m in zip(blocks.starts, blocks.sizes):
            a, c = np.meshgrid(np.arange(s0, s0 + m), np.arange(s0, s0 + m), indexing="ij")
            p = np.searchsorted(support, (c * d + a).ravel())
            gathers.append(self.reduced_index[p].reshape(m, m))
        self.gathers = gathers

    def reduce(self, L: sp.spmatrix, tol: float = 1e-13) -> sp.csr_matrix:
        """The generator L (on the support, complex) acting on x: P_up (P L P^-1) E, after checking
        that P L P^-1 is real and maps symmetric matrices to symmetric ones (to ``tol`` relative)."""
        Lc = sp.csr_matrix(L)
        Lp = (sp.diags(self.phase) @ Lc @ sp.diags(1.0 / self.phase)).tocsr()
        scale = max(1.0, float(np.abs(Lp.data).max(initial=0.0)))
        imag = float(np.abs(Lp.data.imag).max(initial=0.0))
        if imag > tol * scale:
            raise ValueError(f"RealSymmetricBlocks: the generator is not real in the frame P rho P^dag (|Im| = {imag:.2e})")
        Lp = sp.csr_matrix((Lp.data.real, Lp.indices, Lp.indptr), shape=Lp.shape)
        M = (Lp @ self.embed).tocsr()  # L' acting on the symmetric matrix of x
        asym = M - M[self.partner]
        bad = float(np.abs(asym.data).max(initial=0.0))
        if bad > tol * scale:
            raise ValueError(f"RealSymmetricBlocks: the generator does not keep rho' symmetric ({bad:.2e})")
        out = (self.project @ M).tocsr()
        out.eliminate_zeros()
        out.sort_indices()
        return out

    def vector(self, v: np.ndarray) -> np.ndarray:
        """x of a support-restricted vec(rho) (real symmetric in the frame: checked by the caller's state)."""
        return self.project @ np.real(self.phase * np.asarray(v))

    def functional(self, f: np.ndarray) -> np.ndarray:
        """Real row vector g with g . x = Re(f . v) for support-restricted functionals f (Tr(A rho) of Hermitian A)."""
        return np.real(self.embed.T @ (np.asarray(f) / self.phase))

    def block_list(self, X: np.ndarray) -> list[np.ndarray]:
        """The blocks rho'_j[t] (nt, s, s), real symmetric, from X (nt, dim)."""
        w = self.weight
        return [X[:, g] / w[g] for g in self.gathers]
