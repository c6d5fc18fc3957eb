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


def dicke_dissipator(N: int, emission: float, pumping: float, dephasing: float, collective_emission: float) -> sp.csr_matrix:
    """The piqs Lindbladian in the Dicke basis (qutip.piqs.Dicke.liouvillian), in double precision.

    qutip.piqs (5.x) evaluates the coefficients gamma_1..gamma_9 of Shammah et al. (2018),
    Eqs. (A1)-(A9), with C ``float`` (single precision): its Liouvillian violates trace
    preservation at the 1e-9 level, more than our norm tolerance. This is the same formula
    (``_piqs.pyx``, Dicke.lindbladian and gamma1..gamma9), ported line by line with float64,
    with piqs's own index maps (``jmm1_dictionary``); the tests compare it with piqs (to
    single precision) and with a full 2^N master equation (to 1e-10).
    """
    Nf = float(N)
    yE, yP, yD, yCE = float(emission), float(pumping), float(dephasing), float(collective_emission)
    nds, row_of, inv = dicke_index_maps(N)
    half = Nf / 2

    def root(x: float) -> float:
        return float(np.sqrt(max(0.0, x)))

    # coefficient of the element |j', m', m1'> in row (j, m, m1), as functions of (j', m', m1')
    def g1(j: float, m: float, m1: float) -> float:
        spontaneous = yCE / 2 * (2 * j * (j + 1) - m * (m - 1) - m1 * (m1 - 1))
        losses = yE / 2 * (Nf + m + m1)
        pump = yP / 2 * (Nf - m - m1)
        dephase = yD * Nf / 4 if j <= 0 else yD / 2 * (half - m * m1 * (half + 1) / j / (j + 1))
        return -(spontaneous + losses + pump + dephase)

    def g2(j: float, m: float, m1: float) -> float:
        r = root((j + m) * (j - m + 1) * (j + m1) * (j - m1 + 1))
        return yCE * r + (yE / 2 * r * (half + 1) / (j * (j + 1)) if j > 0 else 0.0)

    def g3(j: float, m: float, m1: float) -> float:
        return yE / 2 * root((j + m) * (j + m - 1) * (j + m1) * (j + m1 - 1)) * (half + j + 1) / (j * (2 * j + 1)) if j > 0 else 0.0

    def g4(j: float, m: float, m1: float) -> float:
        return yE / 2 * root((j - m + 1) * (j - m + 2) * (j - m1 + 1) * (j - m1 + 2)) * (half - j) / ((j + 1) * (2 * j + 1))

    def g5(j: float, m: float, m1: float) -> float:
        return yD / 2 * root((j**2 - m**2) * (j**2 - m1**2)) * (half + j + 1) / (j * (2 * j + 1)) if j > 0 else 0.0

    def g6(j: float, m: float, m1: float) -> float:
        return yD / 2 * root(((j + 1) ** 2 - m**2) * ((j + 1) ** 2 - m1**2)) * (half - j) / ((j + 1) * (2 * j + 1))

    def g7(j: float, m: float, m1: float) -> float:
        return yP / 2 * root((j - m - 1) * (j - m) * (j - m1 - 1) * (j - m1)) * (half + j + 1) / (j * (2 * j + 1)) if j > 0 else 0.0

    def g8(j: float, m: float, m1: float) -> float:
        return yP / 2 * root((j + m + 1) * (j - m) * (j + m1 + 1) * (j - m1)) * (half + 1) / (j * (j + 1)) if j > 0 else 0.0

    def g9(j: float, m: float, m1: float) -> float:
        return yP / 2 * root((j + m + 1) * (j + m + 2) * (j + m1 + 1) * (j + m1 + 2)) * (half - j) / ((j + 1) * (2 * j + 1))

    shifts = ((0, 0, g1), (0, 1, g2), (1, 1, g3), (-1, 1, g4), (1, 0, g5), (-1, 0, g6), (1, -1, g7), (0, -1, g8), (-1, -1, g9))
    rows, cols, vals = [], [], []
    for r, (j, m, m1) in row_of.items():
        for dj, dm, g in shifts:
            key = (j + dj, m + dm, m1 + dm)
            c = inv.get(key)
            if c is None:
                continue
            v = g(*key)
            if v != 0.0:
                rows.append(r)
                cols.append(c)
                vals.append(v)
    return sp.csr_matrix((np.asarray(vals, dtype=complex), (rows, cols)), shape=(nds * nds, nds * nds))


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
