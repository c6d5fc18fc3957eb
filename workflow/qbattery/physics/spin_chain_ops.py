"""Sparse operators of an N-cell spin-1/2 chain in the full 2^N computational basis.

Basis state s = 0..2^N-1; cell i (i = 0..N-1) is bit N-1-i of s (cell 0 = most
significant bit, as in a tensor product |c_0> (x) |c_1> (x) ...), bit 1 = |e>, bit 0 = |g>.
Pauli operators: sigma^z = |e><e| - |g><g|, sigma^x = |e><g| + |g><e|,
sigma^x_i sigma^x_j + sigma^y_i sigma^y_j = 2 (sigma^+_i sigma^-_j + h.c.), which flips an
antiparallel pair with amplitude 2 and annihilates a parallel one.

Everything is built vectorised from the bit patterns (no 2^N x 2^N dense matrices), so the
chain Hamiltonian of N = 18 cells (dim 262144) is a few million non-zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .propagation import propagate


def bonds(N: int, periodic: bool) -> list[tuple[int, int]]:
    """Nearest-neighbour bonds (i, i+1); periodic adds (N-1, 0) for N >= 3.

    For N = 2 the periodic bond would repeat the open one, so both boundaries give the
    single bond (0, 1); N = 1 has no bonds.
    """
    out = [(i, i + 1) for i in range(N - 1)]
    if periodic and N >= 3:
        out.append((N - 1, 0))
    return out


def _bit(N: int, i: int) -> int:
    return N - 1 - i


def excitations(N: int) -> np.ndarray:
    """Number of excited cells (popcount) of every basis state, shape (2^N,)."""
    s = np.arange(2**N, dtype=np.int64)
    out = np.zeros(2**N, dtype=np.int64)
    for i in range(N):
        out += (s >> i) & 1
    return out


def xxz_hamiltonian(N: int, J: float, anisotropy: float, periodic: bool) -> sp.csr_matrix:
    """H_int = J sum_<ij> [sigma^x_i sigma^x_j + sigma^y_i sigma^y_j + Delta sigma^z_i sigma^z_j], sparse."""
    return xxz_bond_hamiltonian(N, [(i, j, J) for i, j in bonds(N, periodic)], anisotropy)


def long_range_bonds(N: int, J: float, alpha: float, periodic: bool) -> list[tuple[int, int, float]]:
    """All pairs i < j with J_ij = J / r_ij^alpha, r_ij = |i - j| (open) or min(|i - j|, N - |i - j|)
    (periodic: the chord distance on the ring); alpha = 0 is all-to-all (Lipkin-Meshkov-Glick)."""
    out = []
    for i in range(N):
        for j in range(i + 1, N):
            r = j - i if not periodic else min(j - i, N - (j - i))
            out.append((i, j, float(J) / float(r) ** float(alpha)))
    return out


def xxz_bond_hamiltonian(N: int, couplings: list[tuple[int, int, float]], anisotropy: float) -> sp.csr_matrix:
    """H_int = sum_(i,j,J_ij) J_ij [sigma^x_i sigma^x_j + sigma^y_i sigma^y_j + Delta sigma^z_i sigma^z_j], sparse."""
    dim = 2**N
    s = np.arange(dim, dtype=np.int64)
    diag = np.zeros(dim)
    rows, cols, vals = [], [], []
    for i, j, Jij in couplings:
        bi, bj = (s >> _bit(N, i)) & 1, (s >> _bit(N, j)) & 1
        diag += Jij * anisotropy * (2 * bi - 1) * (2 * bj - 1)
        anti = np.flatnonzero(bi != bj)
        mask = (1 << _bit(N, i)) | (1 << _bit(N, j))
        rows.append(anti ^ mask)
        cols.append(anti)
        vals.append(np.full(anti.size, 2.0 * Jij))
    H = sp.diags(diag, format="csr")
    if rows:
        H = H + sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim))
    return H.tocsr()


def field_hamiltonian(N: int, g: float) -> sp.csr_matrix:
    """Transverse charging field g sum_i sigma^x_i, sparse."""
    dim = 2**N
    s = np.arange(dim, dtype=np.int64)
    rows = np.concatenate([s ^ (1 << _bit(N, i)) for i in range(N)])
    cols = np.tile(s, N)
    return sp.csr_matrix((np.full(rows.size, float(g)), (rows, cols)), shape=(dim, dim))


def cells_hamiltonian(N: int, omega_a: float = 1.0, fields: np.ndarray | None = None) -> sp.csr_matrix:
    """H_B = sum_i (omega_a + h_i) |e><e|_i (diagonal), sparse; ``fields`` h_i (default 0)."""
    if fields is None:
        return sp.diags(omega_a * excitations(N).astype(float), format="csr")
    s = np.arange(2**N, dtype=np.int64)
    diag = sum((omega_a + float(fields[i])) * ((s >> _bit(N, i)) & 1) for i in range(N))
    return sp.diags(np.asarray(diag, dtype=float), format="csr")


def ground_energy(H: sp.spmatrix, dense_max_dim: int) -> float:
    """Lowest eigenvalue of a real-symmetric sparse H (dense eigvalsh, or Lanczos from a fixed start)."""
    from .speed_limits import ground_energy as lowest

    return lowest(H, dense_max_dim)


def propagate_observables(
    H: sp.spmatrix,
    psi0: np.ndarray,
    times: np.ndarray,
    observe,
    dense_max_dim: int,
    chunk_bytes: float = 1.5e8,
) -> None:
    """Evolve psi(t) = exp(-i H t) psi0 (psi0 at t = 0) over ``times`` and call
    ``observe(slice, states)`` on consecutive chunks of states (rows = time points), so
    that at most ~``chunk_bytes`` of states are held at once (N = 18: ~35 time points).
    Uses :func:`qbattery.physics.propagation.propagate` (eigh below ``dense_max_dim``, else
    scipy expm_multiply stepping the uniform grid)."""
    times = np.asarray(times, dtype=float)
    dim = psi0.shape[0]
    if dim <= dense_max_dim:
        observe(slice(0, len(times)), propagate(H, psi0, times, dense_max_dim))
        return
    step = max(2, int(chunk_bytes // (16 * dim)))
    psi, i0, t_ref = np.asarray(psi0, dtype=complex), 0, 0.0  # psi is the state at t_ref
    while i0 < len(times):
        i1 = min(len(times), i0 + step)
        extra = 1 if i1 < len(times) else 0
        rel = times[i0 : i1 + extra] - t_ref
        out = psi[None, :] if (rel.size == 1 and rel[0] == 0.0) else propagate(H, psi, rel, dense_max_dim)
        observe(slice(i0, i1), out[: i1 - i0])
        psi, t_ref = out[-1], times[min(i1, len(times) - 1)]
        i0 = i1


# --------------------------------------------------------------------------------------
# Lattice symmetries: the fully symmetric sector of a group of site permutations
# --------------------------------------------------------------------------------------
def permute_sites(N: int, states: np.ndarray, perm: list[int]) -> np.ndarray:
    """Image of basis states under the site map i -> perm[i] (cell i's bit moves to cell perm[i])."""
    out = np.zeros_like(states)
    for i, j in enumerate(perm):
        out |= ((states >> _bit(N, i)) & 1) << _bit(N, j)
    return out


def chain_symmetry_group(N: int, periodic: bool) -> list[list[int]]:
    """Site permutations commuting with the uniform chain Hamiltonian: reflection i -> N-1-i
    (open chain), and for a periodic chain with N >= 3 the dihedral group (translations
    i -> i + r mod N and their reflections)."""
    refl = [N - 1 - i for i in range(N)]
    if not (periodic and N >= 3):
        return [list(range(N)), refl]
    group = []
    for r in range(N):
        group.append([(i + r) % N for i in range(N)])
        group.append([(N - 1 - i + r) % N for i in range(N)])
    return group


@dataclass
class SymmetricSector:
    """Fully symmetric (trivial-irrep) sector of a site-permutation group.

    Basis |r> = |O_r|^{-1/2} sum_{s in O_r} |s> over the orbits O_r (representative
    r = min of the orbit). A symmetric operator A has matrix elements
    <r'|A|r> = sqrt(|O_r| / |O_r'|) sum_{s' in O_r'} A_{s' r}.
    """

    reps: np.ndarray  # representative basis states, ascending
    orbit_size: np.ndarray  # |O_r|
    rep_of: np.ndarray  # index into reps of the orbit of every basis state s (2^N,)

    @property
    def dim(self) -> int:
        return int(self.reps.size)

    def project(self, A: sp.spmatrix) -> sp.csr_matrix:
        """Matrix of a symmetric operator A (full 2^N space) in this sector."""
        cols = sp.csc_matrix(A)[:, self.reps].tocoo()
        r_col, r_row = cols.col, self.rep_of[cols.row]
        w = np.sqrt(self.orbit_size[r_col] / self.orbit_size[r_row])
        return sp.csr_matrix((cols.data * w, (r_row, r_col)), shape=(self.dim, self.dim))


def symmetric_sector(N: int, group: list[list[int]]) -> SymmetricSector:
    s = np.arange(2**N, dtype=np.int64)
    rep = s.copy()
    for perm in group:
        rep = np.minimum(rep, permute_sites(N, s, perm))
    reps, rep_of, counts = np.unique(rep, return_inverse=True, return_counts=True)
    return SymmetricSector(reps=reps, orbit_size=counts.astype(float), rep_of=rep_of)


# --------------------------------------------------------------------------------------
# The chain's own symmetric sector, built directly (no 2^N x 2^N operator is formed)
# --------------------------------------------------------------------------------------
def _state_dtype(N: int) -> type:
    return np.uint32 if N <= 32 else np.uint64


def reverse_bits(states: np.ndarray, N: int) -> np.ndarray:
    """Image of basis states under the reflection i -> N-1-i (bit order reversed)."""
    out = np.zeros_like(states)
    one = states.dtype.type(1)
    for b in range(N):
        out |= ((states >> states.dtype.type(b)) & one) << states.dtype.type(N - 1 - b)
    return out


def _rotate(states: np.ndarray, N: int) -> np.ndarray:
    """Image of basis states under the translation by one site (cyclic bit rotation)."""
    t = states.dtype.type
    return ((states << t(1)) | (states >> t(N - 1))) & t((1 << N) - 1)


def _chain_images(states: np.ndarray, N: int, periodic: bool):
    """Yield the images of ``states`` under every element of ``chain_symmetry_group(N, periodic)``
    (with multiplicity: |G| images), as arrays of the same dtype; the identity first."""
    rev = reverse_bits(states, N)
    if not (periodic and N >= 3):
        yield states
        yield rev
        return
    for x0 in (states, rev):
        x = x0
        for r in range(N):
            yield x
            if r + 1 < N:
                x = _rotate(x, N)


def chain_sector(N: int, periodic: bool) -> SymmetricSector:
    """The fully symmetric sector of ``chain_symmetry_group(N, periodic)`` (reflection, or the
    dihedral group of the ring), as :func:`symmetric_sector` gives it, but vectorised over the
    group's generators: the representative min_g g(s) of every basis state from 2 N cyclic bit
    rotations of s and of its bit reversal (uint32 arrays, no site-by-site permutation), orbit
    sizes |G| / |stabiliser| for the representatives only. ``rep_of`` (int32, 2^N) is the index
    into ``reps`` of each basis state's orbit (the sector operators look their images up in it)."""
    dt = _state_dtype(N)
    s = np.arange(2**N, dtype=dt)
    rep = s.copy()
    n_group = 0
    for img in _chain_images(s, N, periodic):
        np.minimum(rep, img, out=rep)
        n_group += 1
    reps = np.flatnonzero(rep == s).astype(dt)  # ascending: the representative is the orbit minimum
    rep_of = np.searchsorted(reps, rep).astype(np.int32 if reps.size < 2**31 else np.int64)
    del rep, s
    stab = np.zeros(reps.size, dtype=np.int64)
    for img in _chain_images(reps, N, periodic):
        stab += img == reps
    return SymmetricSector(reps=reps.astype(np.int64), orbit_size=n_group / stab.astype(float), rep_of=rep_of)


def _sector_images(sec: SymmetricSector, cols: np.ndarray, images: np.ndarray, values: np.ndarray):
    """COO triplets of <r'|A|r> = sqrt(|O_r| / |O_r'|) A_{s' r} for the basis states s' = images reached
    from the representatives r = reps[cols] with amplitudes ``values`` (summed later by the CSR build)."""
    rows = sec.rep_of[images]
    return rows, cols, values * np.sqrt(sec.orbit_size[cols] / sec.orbit_size[rows])


def sector_excitations(sec: SymmetricSector, N: int) -> np.ndarray:
    """Number of excited cells of every representative (H_B = omega_a sum |e><e| is diagonal in the sector)."""
    r = sec.reps
    out = np.zeros(r.size)
    for i in range(N):
        out += (r >> i) & 1
    return out


def sector_xxz(
    sec: SymmetricSector, N: int, couplings: list[tuple[int, int, float]], anisotropy: float, xy_sign: float = 1.0
) -> sp.csr_matrix:
    """sum_(i,j,J_ij) J_ij [xy_sign (sigma^x_i sigma^x_j + sigma^y_i sigma^y_j) + Delta sigma^z_i sigma^z_j] in the
    sector ``sec`` (which the couplings must leave invariant), built from the representatives' bit patterns:
    diagonal Delta-part, and each antiparallel bond of a representative flipped with amplitude 2 xy_sign J_ij."""
    r = sec.reps
    dim = sec.dim
    diag = np.zeros(dim)
    rows, cols, vals = [np.arange(dim)], [np.arange(dim)], [diag]
    for i, j, Jij in couplings:
        bi, bj = (r >> _bit(N, i)) & 1, (r >> _bit(N, j)) & 1
        diag += Jij * anisotropy * (2 * bi - 1) * (2 * bj - 1)
        anti = np.flatnonzero(bi != bj)
        mask = (1 << _bit(N, i)) | (1 << _bit(N, j))
        a, b, c = _sector_images(sec, anti, r[anti] ^ mask, np.full(anti.size, 2.0 * xy_sign * Jij))
        rows.append(a)
        cols.append(b)
        vals.append(c)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim))


def sector_field(sec: SymmetricSector, N: int, g: float) -> sp.csr_matrix:
    """Transverse field g sum_i sigma^x_i in the sector ``sec`` (each cell of each representative flipped)."""
    r = sec.reps
    dim = sec.dim
    col = np.arange(dim)
    rows, cols, vals = [], [], []
    for i in range(N):
        a, b, c = _sector_images(sec, col, r ^ (1 << _bit(N, i)), np.full(dim, float(g)))
        rows.append(a)
        cols.append(b)
        vals.append(c)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim))


def chain_frustrated(N: int, J: float, periodic: bool) -> bool:
    """True for an antiferromagnetic (J > 0) ring of odd length N >= 3, the only uniform XXZ chain whose
    bonds do not join two sublattices (no Marshall sign rotation)."""
    return bool(periodic and N >= 3 and N % 2 == 1 and J > 0)


def xxz_ground_energy(N: int, J: float, anisotropy: float, periodic: bool, dense_max_dim: int, sec: SymmetricSector | None = None) -> float:
    """Lowest eigenvalue of H_B + H_int (H_B = sum_i |e><e|_i, H_int the uniform XXZ chain) over the full 2^N space.

    H_B + H_int conserves the number n of excited cells. For J <= 0 its hopping amplitudes 2J are <= 0,
    and for J > 0 on a bipartite chain (open, or a ring of even N) the Marshall rotation U = prod_{i odd}
    sigma^z_i maps it onto the same chain with hopping -2|J| (U is diagonal: same spectrum in every n-block).
    That matrix is stoquastic and irreducible in each n-block (Perron-Frobenius): the lowest state of every
    block is unique and positive, hence invariant under the chain's symmetry group, i.e. in ``chain_sector``.
    So E_0 = the lowest level of H_B - |J| (xx + yy) + J Delta zz in the symmetric sector (dimension ~2^N / 2N
    for the ring; checked against the full space in the tests). The frustrated ring (J > 0, odd N) keeps the
    full-space Lanczos."""
    if chain_frustrated(N, J, periodic):
        return ground_energy((cells_hamiltonian(N) + xxz_hamiltonian(N, J, anisotropy, periodic)).tocsr(), dense_max_dim)
    if sec is None:
        sec = chain_sector(N, periodic)
    couplings = [(i, j, J) for i, j in bonds(N, periodic)]
    H = sector_xxz(sec, N, couplings, anisotropy, xy_sign=-1.0 if J > 0 else 1.0) + sp.diags(sector_excitations(sec, N))
    return ground_energy(H.tocsr(), dense_max_dim)
