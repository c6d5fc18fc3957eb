"""Two-point-measurement (TPM) work distributions: the pure kernels (numpy only: no config, no xarray).

The stage (grid, dataset, health checks) is :mod:`qbattery.work_statistics`; the protocols are the
``work`` faces of the catalogue models (``qbattery.models``), built from the sector helpers here.

A protocol starts in the Gibbs state rho_0 = exp(-beta H(0)) / Z_0 and evolves unitarily
(propagator U) to H(tau) = H'. Measuring H(0) before and H' after gives the work
distribution (Talkner, Lutz, Haenggi, PRE 75, 050102(R) (2007); Campisi, Haenggi, Talkner,
RMP 83, 771 (2011))

    P(W) = sum_{a, b} p_a Tr[Pi'_b U Pi_a U^dag] delta(W - (E'_b - E_a)),

with Pi_a, Pi'_b the projectors onto the (degenerate) eigenspaces of H(0) and H' -- the
measurement resolves energies, not eigenvectors, so degenerate eigenvalues (within
``merge_tol``) are merged into one level before anything else, and the result does not
depend on which eigenbasis numpy returns. p_a = exp(-beta E_a)/Z_0 is the Gibbs weight per
state. Atoms with equal W (within ``merge_tol``) are merged.

Checked on every point:
  Jarzynski  <exp(-beta W)> = exp(-beta dF),  dF = -ln(Z'/Z_0)/beta  (Jarzynski 1997; Tasaki 2000),
  Crooks     P_F(W) / P_B(-W) = exp(beta (W - dF))  for the time-reversed protocol
             (Crooks 1999; Talkner & Haenggi 2007), U_B = Theta U^dag Theta^-1 with Theta complex
             conjugation in the real basis of H(0), H' (U_B = exp(-i K^* tau) for a sudden pulse),
  second law <W> >= dF (Jensen's inequality on Jarzynski).

Symmetry (large N): a permutation-invariant protocol on N two-level cells acts in every
total-spin sector j = N/2, N/2-1, ... (0 or 1/2) separately, each present d_j = C(N, N/2-j) -
C(N, N/2-j-1) times (Mandel & Wolf; Arecchi et al. 1972); the N-cell Gibbs state is NOT confined to
the symmetric sector j = N/2. Summing the sectors with these multiplicities gives the
distribution of the full 2^N (x cavity) space exactly. N independent identical copies
(parallel charging) give the N-fold convolution of the one-copy distribution.

Cavities: the Gibbs state of the mode at temperature T is truncated at ``n_max`` Fock levels;
the thermal tail exp(-beta omega_c n_max) (weight of the untruncated Gibbs state above the
cutoff) and the population of the two highest kept levels after the pulse are recorded and
checked against ``numerics.truncation_tol``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import comb

import numpy as np

from .spin_cavity import spin_boson_hamiltonian, spin_ladder

TOP_FOCK_LEVELS = 2
#: largest beta * (spectral width) kept: exp(-700) is still a normal double
MAX_BETA_WIDTH = 700.0


# --------------------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkDistribution:
    """Atoms of a discrete work distribution: ascending ``values`` [omega_a] and ``probabilities``."""

    values: np.ndarray
    probabilities: np.ndarray

    def moment(self, k: int) -> float:
        """<W^k> = sum_i P_i W_i^k."""
        return float(np.sum(self.probabilities * self.values**k))

    @property
    def mean(self) -> float:
        return self.moment(1)

    @property
    def variance(self) -> float:
        """Var W = <(W - <W>)^2> (central, numerically stable)."""
        return float(np.sum(self.probabilities * (self.values - self.mean) ** 2))

    def exp_average(self, beta: float) -> float:
        """<exp(-beta W)> = sum_i exp(ln P_i - beta W_i) (log-space, no overflow)."""
        p = self.probabilities
        keep = p > 0
        return float(np.sum(np.exp(np.log(p[keep]) - beta * self.values[keep])))

    def characteristic(self, u: np.ndarray | float) -> np.ndarray:
        """G(u) = <exp(i u W)> = Tr[U^dag e^{i u H'} U e^{-i u H(0)} rho_0] (Talkner, Lutz, Haenggi 2007)."""
        u = np.asarray(u, dtype=float)
        return np.exp(1j * np.multiply.outer(u, self.values)) @ self.probabilities

    def probability_below(self, w: float) -> float:
        """P(W < w)."""
        return float(self.probabilities[self.values < w].sum())


def group_sorted(values: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Group ascending ``values`` into runs whose neighbouring gaps are <= tol.

    Returns (group index of every value, start index of every group)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    brk = np.diff(values) > tol
    idx = np.concatenate([[0], np.cumsum(brk)]).astype(np.int64)
    starts = np.concatenate([[0], np.flatnonzero(brk) + 1]).astype(np.int64)
    return idx, starts


def merge_atoms(values: np.ndarray, probabilities: np.ndarray, tol: float) -> WorkDistribution:
    """Merge atoms whose values lie within ``tol`` (chained); the merged value is the mean of the members."""
    values = np.asarray(values, dtype=float).ravel()
    probabilities = np.asarray(probabilities, dtype=float).ravel()
    order = np.argsort(values, kind="stable")
    v, p = values[order], probabilities[order]
    idx, starts = group_sorted(v, tol)
    counts = np.diff(np.append(starts, len(v)))
    centres = np.add.reduceat(v, starts) / counts if len(v) else v
    return WorkDistribution(centres, np.bincount(idx, weights=p, minlength=len(starts)))


def energy_levels(E: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Degenerate levels of ascending eigenvalues ``E``: (level energies, degeneracies, start indices)."""
    _, starts = group_sorted(E, tol)
    g = np.diff(np.append(starts, len(E)))
    return np.add.reduceat(E, starts) / g, g, starts


def convolve(d1: WorkDistribution, d2: WorkDistribution, tol: float) -> WorkDistribution:
    """Distribution of W1 + W2 for independent W1, W2 (parallel charging of independent copies)."""
    return merge_atoms(np.add.outer(d1.values, d2.values), np.multiply.outer(d1.probabilities, d2.probabilities), tol)


def convolve_power(d: WorkDistribution, N: int, tol: float) -> WorkDistribution:
    """N-fold convolution of ``d`` (binary powering, merging at every step)."""
    result: WorkDistribution | None = None
    base, n = d, int(N)
    while n:
        if n & 1:
            result = base if result is None else convolve(result, base, tol)
        n >>= 1
        if n:
            base = convolve(base, base, tol)
    assert result is not None
    return result


# --------------------------------------------------------------------------------------
# Level-to-level transition weights, one symmetry sector at a time
# --------------------------------------------------------------------------------------
@dataclass
class Sector:
    """One symmetry block of a protocol: H(0), H' and the pulse generator K, so U(tau) = exp(-i K tau).

    ``multiplicity``: how many times the block occurs in the full space (d_j);
    ``top``: basis indices whose final population measures the Fock truncation (cavity models)."""

    multiplicity: int
    H0: np.ndarray
    H1: np.ndarray
    K: np.ndarray
    top: np.ndarray | None = None


@dataclass
class Transitions:
    """T[b, a] = Tr[Pi'_b U Pi_a U^dag] between levels a of H(0) (energies E0, degeneracies g0)
    and levels b of H' (E1, g1) of one sector, forward (``T``) and time-reversed (``TB``[a, b] =
    Tr[Pi_a U_B Pi'_b U_B^dag]); ``top_fraction``[a] = population of the top Fock levels after
    the pulse per unit initial population of level a."""

    multiplicity: int
    E0: np.ndarray
    g0: np.ndarray
    E1: np.ndarray
    g1: np.ndarray
    T: np.ndarray
    TB: np.ndarray | None = None
    top_fraction: np.ndarray | None = None


def level_transitions(
    H0: np.ndarray,
    H1: np.ndarray,
    U: np.ndarray,
    tol: float,
    eig0: tuple[np.ndarray, np.ndarray] | None = None,
    eig1: tuple[np.ndarray, np.ndarray] | None = None,
    UB: np.ndarray | None = None,
    multiplicity: int = 1,
) -> Transitions:
    """T[b, a] = sum_{n in a, m in b} |<m|U|n>|^2 = Tr[Pi'_b U Pi_a U^dag] (basis independent).

    ``eig0``/``eig1`` optionally give the eigen-decompositions (ascending) to use."""
    E0, V0 = eig0 if eig0 is not None else np.linalg.eigh(H0)
    E1, V1 = eig1 if eig1 is not None else np.linalg.eigh(H1)
    e0, g0, s0 = energy_levels(E0, tol)
    e1, g1, s1 = energy_levels(E1, tol)

    def reduce(A: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        T = np.abs(A) ** 2
        return np.add.reduceat(np.add.reduceat(T, cols, axis=1), rows, axis=0)

    T = reduce(V1.conj().T @ U @ V0, s1, s0)
    TB = reduce(V0.conj().T @ UB @ V1, s0, s1) if UB is not None else None
    return Transitions(multiplicity, e0, g0, e1, g1, T, TB)


def _pulse_transitions(sectors: Sequence[Sector], taus: Sequence[float], tol: float) -> list[list[Transitions]]:
    """Transitions of every sector at every tau, U = exp(-i K tau), U_B = exp(-i K^* tau).

    Each of H(0), H' and K is diagonalised once; all tau reuse the decompositions."""
    out: list[list[Transitions]] = [[] for _ in taus]
    for s in sectors:
        E0, V0 = np.linalg.eigh(s.H0)
        if s.H1 is s.H0 or np.array_equal(s.H1, s.H0):
            E1, V1 = E0, V0
        else:
            E1, V1 = np.linalg.eigh(s.H1)
        k, Q = np.linalg.eigh(s.K)
        e0, g0, s0 = energy_levels(E0, tol)
        e1, g1, s1 = energy_levels(E1, tol)
        L, R = V1.conj().T @ Q, Q.conj().T @ V0  # forward: V1^dag Q e^{-ik tau} Q^dag V0
        LB, RB = V0.conj().T @ Q.conj(), Q.T @ V1  # backward: V0^dag Q^* e^{-ik tau} Q^T V1
        for it, tau in enumerate(taus):
            ph = np.exp(-1j * k * float(tau))
            A = (L * ph) @ R
            AB = (LB * ph) @ RB
            T = np.add.reduceat(np.add.reduceat(np.abs(A) ** 2, s0, axis=1), s1, axis=0)
            TB = np.add.reduceat(np.add.reduceat(np.abs(AB) ** 2, s1, axis=1), s0, axis=0)
            top = None
            if s.top is not None and len(s.top):
                Utop = (Q[s.top] * ph) @ Q.conj().T @ V0  # <top|U|eigvec of H0>
                pop = (np.abs(Utop) ** 2).sum(axis=0)
                top = np.add.reduceat(pop, s0) / g0  # per unit population of each H(0) state
            out[it].append(Transitions(s.multiplicity, e0, g0, e1, g1, T, TB, top))
    return out


def _gibbs_log_z(levels: list[tuple[int, np.ndarray, np.ndarray]], beta: float, shift: float) -> float:
    """ln sum_sectors d sum_a g_a exp(-beta (E_a - shift)) + beta shift... returned without the shift term."""
    tot = 0.0
    for d, E, g in levels:
        tot += d * float(np.sum(g * np.exp(-beta * (E - shift))))
    return math.log(tot)


def tpm_from_transitions(blocks: Sequence[Transitions], beta: float, tol: float, backward: bool = False) -> tuple[WorkDistribution, float]:
    """P(W) of the sectors ``blocks`` from the Gibbs state of H(0) (or of H' when ``backward``).

    Returns the merged distribution and the numerical free-energy change
    dF = -(ln Z_final - ln Z_initial)/beta of that direction."""
    if backward:
        parts = [(b.multiplicity, b.E1, b.g1, b.E0, b.g0, b.TB) for b in blocks]
    else:
        parts = [(b.multiplicity, b.E0, b.g0, b.E1, b.g1, b.T) for b in blocks]
    shift = min(float(p[1].min()) for p in parts)
    width = max(float(max(p[1].max(), p[3].max())) for p in parts) - min(float(min(p[1].min(), p[3].min())) for p in parts)
    if beta * width > MAX_BETA_WIDTH:
        raise ValueError(f"beta * spectral width = {beta * width:.0f} > {MAX_BETA_WIDTH:.0f}: temperature too low for double precision")
    lz0 = _gibbs_log_z([(p[0], p[1], p[2]) for p in parts], beta, shift)
    lz1 = _gibbs_log_z([(p[0], p[3], p[4]) for p in parts], beta, shift)
    vals, probs = [], []
    for d, Ei, _gi, Ef, _gf, T in parts:
        if T is None:
            raise ValueError("backward transitions were not computed")
        w = d * np.exp(-beta * (Ei - shift) - lz0)  # Gibbs weight per state of level a, times d_j
        vals.append(np.subtract.outer(Ef, Ei).ravel())
        probs.append((T * w[None, :]).ravel())
    dist = merge_atoms(np.concatenate(vals), np.concatenate(probs), tol)
    return dist, -(lz1 - lz0) / beta


def tpm_distribution(
    H0: np.ndarray,
    H1: np.ndarray,
    U: np.ndarray,
    beta: float,
    tol: float = 1e-9,
    eig0: tuple[np.ndarray, np.ndarray] | None = None,
    eig1: tuple[np.ndarray, np.ndarray] | None = None,
) -> WorkDistribution:
    """Exact TPM work distribution of U from the Gibbs state of H0 at inverse temperature beta, final H1.

    P(W) = sum_{a,b} p_a Tr[Pi'_b U Pi_a U^dag] delta(W - (E'_b - E_a)) (Talkner, Lutz, Haenggi 2007)."""
    t = level_transitions(np.asarray(H0), np.asarray(H1), np.asarray(U), tol, eig0, eig1)
    return tpm_from_transitions([t], beta, tol)[0]


def drop_negligible(d: WorkDistribution, beta: float, dF: float, atom_tol: float) -> WorkDistribution:
    """Drop atoms with P(W) <= atom_tol AND P(W) exp(-beta (W - dF)) <= atom_tol (the latter is
    P_B(-W) by Crooks): keeps every atom that matters for Jarzynski and Crooks at that level."""
    if atom_tol <= 0:
        return d
    p = d.probabilities
    with np.errstate(divide="ignore", over="ignore"):
        dual = np.exp(np.log(np.maximum(p, 1e-320)) - beta * (d.values - dF))
    keep = (p > atom_tol) | ((dual > atom_tol) & (p > 0))
    return WorkDistribution(d.values[keep], p[keep])


def crooks_residual(fwd: WorkDistribution, bwd: WorkDistribution, beta: float, dF: float, tol: float) -> float:
    """max_W | P_F(W) - exp(beta (W - dF)) P_B(-W) | over the union of both atom sets (absolute)."""
    v = np.concatenate([fwd.values, -bwd.values])
    with np.errstate(divide="ignore"):
        lpb = np.log(np.maximum(bwd.probabilities, 0.0))
    pf = np.concatenate([fwd.probabilities, np.zeros(len(bwd.values))])
    pb = np.concatenate([np.zeros(len(fwd.values)), np.exp(lpb + beta * (-bwd.values - dF))])
    order = np.argsort(v, kind="stable")
    idx, starts = group_sorted(v[order], tol)
    f = np.bincount(idx, weights=pf[order], minlength=len(starts))
    b = np.bincount(idx, weights=pb[order], minlength=len(starts))
    return float(np.max(np.abs(f - b), initial=0.0))


# --------------------------------------------------------------------------------------
# Hamiltonians of the protocols
# --------------------------------------------------------------------------------------
def spin_operators(two_j: int) -> tuple[np.ndarray, np.ndarray]:
    """J_z and J_+ of spin j = two_j/2 in the basis m = -j..j (k = m + j excitations, ascending),
    dense (the one ladder: ``spin_cavity.spin_ladder``)."""
    return spin_ladder(two_j, dense=True)


def spin_sectors(N: int) -> list[tuple[int, int]]:
    """(2j, d_j) of N spins 1/2: j = N/2 - s, d_j = C(N, s) - C(N, s-1), s = 0..floor(N/2)."""
    out = []
    for s in range(N // 2 + 1):
        d = comb(N, s) - (comb(N, s - 1) if s > 0 else 0)
        out.append((N - 2 * s, d))
    return out


def collective_sectors(
    N: int, omega_0: float, omega_1: float, generator: Callable[[int, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
) -> list[Sector]:
    """Sectors of a permutation-invariant cell protocol: H(0) = omega_0 (J_z + N/2), H' = omega_1 (J_z + N/2),
    K = generator(two_j, J_z + N/2, J_z, J_+)."""
    out = []
    for two_j, d in spin_sectors(N):
        Jz, Jp = spin_operators(two_j)
        n_exc = Jz + (N / 2.0) * np.eye(two_j + 1)
        H0 = omega_0 * n_exc
        H1 = H0 if omega_1 == omega_0 else omega_1 * n_exc
        out.append(Sector(d, H0, H1, generator(two_j, n_exc, Jz, Jp)))
    return out


def cavity_sectors(N: int, n_max: int, omega_c: float, coupling: float, rwa: bool, omega_a: float = 1.0) -> list[Sector]:
    """Dicke (rwa=False) / Tavis-Cummings (rwa=True) battery + cavity, every spin sector j (x) n_max Fock levels.

    H(0) = H' = H_B + H_C = omega_a (J_z + N/2) + omega_c a^dag a;
    K = H(0) + 2 omega_c lam J_x (a + a^dag)   (Dicke; Ferraro et al., PRL 120, 117702 (2018)), or
    K = H(0) + omega_c lam (J_+ a + J_- a^dag) (Tavis-Cummings). Battery factor first in the basis."""
    out = []
    for two_j, d in spin_sectors(N):
        Jz, Jp = spin_ladder(two_j)
        H0 = spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, omega_a, 0.0, rwa, N).toarray()
        K = spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, omega_a, omega_c * coupling, rwa, N).toarray()
        top = np.flatnonzero(np.tile(np.arange(n_max) >= n_max - TOP_FOCK_LEVELS, two_j + 1))
        out.append(Sector(d, H0, H0, K, top))
    return out


def _pauli_chain(N: int) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """n_i = |e><e|_i, sigma^x_i, sigma^y_i sigma^y_{i+1} building blocks on 2^N (cell 0 = most significant bit)."""
    n1 = np.array([[0.0, 0.0], [0.0, 1.0]])  # basis |g>=0, |e>=1
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])

    def site(op: np.ndarray, i: int) -> np.ndarray:
        out = np.eye(1)
        for k in range(N):
            out = np.kron(out, op if k == i else np.eye(2))
        return out

    ns = [site(n1, i) for i in range(N)]
    xs = [site(sx, i) for i in range(N)]
    zs = [np.eye(2**N) - 2 * n for n in ns]
    return ns, xs, zs


def spin_chain_sector(N: int, J: float, anisotropy: float, drive: float, omega_a: float = 1.0) -> list[Sector]:
    """Open XXZ chain, full 2^N space (Le, Levinsen, Modi, Parish, Pollock, PRA 97, 022106 (2018)):
    H(0) = H' = omega_a sum_i n_i + J sum_i [s^x_i s^x_{i+1} + s^y_i s^y_{i+1} + Delta s^z_i s^z_{i+1}],
    K = H(0) + g sum_i s^x_i (field switched on for 0 < t < tau), s = Pauli matrices.

    Dense Kronecker-product builder, kept as an independent reference: the ``spin_chain`` work face
    uses the closed face's sparse operators (qbattery.physics.spin_chain_ops), open or periodic."""
    ns, xs, zs = _pauli_chain(N)
    H0 = omega_a * sum(ns)
    for i in range(N - 1):
        # s^x s^x + s^y s^y = 2 (s^+ s^- + s^- s^+), real in the computational basis
        flip = xs[i] @ xs[i + 1]
        yy = -(xs[i] @ zs[i]) @ (xs[i + 1] @ zs[i + 1])  # s^y = i s^x s^z  =>  s^y s^y = -(s^x s^z)(s^x s^z)
        H0 = H0 + J * (flip + yy + anisotropy * zs[i] @ zs[i + 1])
    K = H0 + drive * sum(xs)
    return [Sector(1, H0, H0, K)]


# --------------------------------------------------------------------------------------
# Pulse generators of the collective protocols and the cavity cutoff
# --------------------------------------------------------------------------------------
def _rabi_generator(g: float):
    return lambda two_j, n_exc, Jz, Jp: g * (Jp + Jp.T)  # g sum_i sigma^x_i = 2 g J_x


def _flip_generator(g: float, N: int):
    def gen(two_j, n_exc, Jz, Jp):
        K = np.zeros_like(Jz)
        if two_j == N:  # |g..g> (k = 0) and |e..e> (k = N) live in the symmetric sector only
            K[0, N] = K[N, 0] = g
        return K

    return gen


def thermal_cutoff(omega_c: float, temperature: float, tol: float) -> int:
    """Smallest n_max with exp(-omega_c n_max / T) <= tol / 10 (thermal tail of the mode)."""
    return max(1, int(math.ceil(math.log(10.0 / tol) * temperature / omega_c)))
