"""Two-point-measurement (TPM) work statistics of charging protocols and fluctuation theorems.

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

import itertools
import logging
import math
import time as _time
from dataclasses import dataclass, field
from math import comb
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from .models.base import Numerics, Parameter
from .provenance import provenance_attrs
from .simulate import health_violation

log = logging.getLogger("qbattery")

STATUS_OK, STATUS_HEALTH = 0, 1
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


@dataclass
class PointResult:
    """Work statistics of one protocol point at one beta (see :func:`statistics`)."""

    forward: WorkDistribution
    backward: WorkDistribution | None
    beta: float
    free_energy_change: float
    free_energy_numeric: float
    truncation_weight: float = 0.0
    extras: dict[str, float] = field(default_factory=dict)


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
    """J_z and J_+ of spin j = two_j/2 in the basis m = -j..j (k = m + j excitations, ascending).

    <k+1|J_+|k> = sqrt(j(j+1) - m(m+1))."""
    j = two_j / 2.0
    m = np.arange(two_j + 1) - j
    Jp = np.diag(np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1)), -1)
    return np.diag(m), Jp


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
    a = np.diag(np.sqrt(np.arange(1, n_max)), 1)
    nc = np.diag(np.arange(n_max, dtype=float))
    ic = np.eye(n_max)
    out = []
    for two_j, d in spin_sectors(N):
        Jz, Jp = spin_operators(two_j)
        ib = np.eye(two_j + 1)
        H0 = omega_a * np.kron(Jz + (N / 2.0) * ib, ic) + omega_c * np.kron(ib, nc)
        if rwa:
            V = omega_c * coupling * (np.kron(Jp, a) + np.kron(Jp.T, a.T))
        else:
            V = 2 * omega_c * coupling * np.kron(0.5 * (Jp + Jp.T), a + a.T)
        top = np.flatnonzero(np.tile(np.arange(n_max) >= n_max - TOP_FOCK_LEVELS, two_j + 1))
        out.append(Sector(d, H0, H0, H0 + V, top))
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
    K = H(0) + g sum_i s^x_i (field switched on for 0 < t < tau)."""
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
# Protocol registry
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Protocol:
    """A charging protocol for the TPM analysis.

    ``sectors(N, params, n_max)`` returns the symmetry blocks (``n_max``: Fock cutoff, cavity
    protocols only); ``free_energy(N, params, beta)`` the analytic dF; ``copies``: the N-cell
    distribution is the N-fold convolution of the N = 1 one (independent cells)."""

    name: str
    title: str
    hamiltonian: str
    route: str
    references: str
    parameters: tuple[Parameter, ...]
    sectors: Callable[[int, dict, int], list[Sector]]
    free_energy: Callable[[int, dict, float], float]
    cyclic: bool = True
    cavity: bool = False
    copies: bool = False
    max_N: int = 100000


def _zero_dF(N: int, params: dict, beta: float) -> float:
    return 0.0


def _splitting_dF(N: int, params: dict, beta: float) -> float:
    """dF = -(N/beta) ln[(1 + e^{-beta omega_f}) / (1 + e^{-beta omega_i})] for N free cells."""
    wi, wf = float(params["omega_i"]), float(params["omega_f"])
    return -(N / beta) * (math.log1p(math.exp(-beta * wf)) - math.log1p(math.exp(-beta * wi)))


_COUPLING = Parameter("coupling", "cell-cavity coupling lambda", "1", 0.2, minimum=0.0, exclusive_minimum=True, maximum=10.0)
_OMEGA_C = Parameter("omega_c", "cavity frequency omega_c", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True, maximum=100.0)
_DRIVE = Parameter("drive", "drive amplitude g", "omega_a", 0.5, minimum=0.0, maximum=100.0)


def _rabi_generator(g: float):
    return lambda two_j, n_exc, Jz, Jp: g * (Jp + Jp.T)  # g sum_i sigma^x_i = 2 g J_x


def _flip_generator(g: float, N: int):
    def gen(two_j, n_exc, Jz, Jp):
        K = np.zeros_like(Jz)
        if two_j == N:  # |g..g> (k = 0) and |e..e> (k = N) live in the symmetric sector only
            K[0, N] = K[N, 0] = g
        return K

    return gen


PROTOCOLS: dict[str, Protocol] = {}


def _register(p: Protocol) -> None:
    PROTOCOLS[p.name] = p


_register(
    Protocol(
        name="dicke",
        title="Dicke QB",
        hamiltonian="H(0) = H(tau) = omega_a (J_z + N/2) + omega_c a^dag a; 0 < t < tau: + 2 omega_c lambda J_x (a + a^dag)",
        route="every total-spin sector j with multiplicity d_j (x) n_max Fock levels; exact diagonalisation",
        references="D. Ferraro et al., PRL 120, 117702 (2018)",
        parameters=(_COUPLING, _OMEGA_C),
        sectors=lambda N, p, n_max: cavity_sectors(N, n_max, float(p["omega_c"]), float(p["coupling"]), rwa=False),
        free_energy=_zero_dF,
        cavity=True,
    )
)
_register(
    Protocol(
        name="tavis_cummings",
        title="Tavis-Cummings QB",
        hamiltonian="H(0) = H(tau) = omega_a (J_z + N/2) + omega_c a^dag a; 0 < t < tau: + omega_c lambda (J_+ a + J_- a^dag)",
        route="every total-spin sector j with multiplicity d_j (x) n_max Fock levels; exact diagonalisation",
        references="D. Ferraro et al., PRL 120, 117702 (2018) (rotating-wave coupling)",
        parameters=(_COUPLING, _OMEGA_C),
        sectors=lambda N, p, n_max: cavity_sectors(N, n_max, float(p["omega_c"]), float(p["coupling"]), rwa=True),
        free_energy=_zero_dF,
        cavity=True,
    )
)
_register(
    Protocol(
        name="parallel",
        title="Parallel QB",
        hamiltonian="N independent copies of the Dicke protocol at N = 1: H(0) = H(tau) = omega_a |e><e| + omega_c a^dag a; "
        "0 < t < tau: + omega_c lambda sigma^x (a + a^dag)",
        route="one cell + cavity exactly, N-fold convolution of its distribution",
        references="D. Ferraro et al., PRL 120, 117702 (2018)",
        parameters=(_COUPLING, _OMEGA_C),
        sectors=lambda N, p, n_max: cavity_sectors(1, n_max, float(p["omega_c"]), float(p["coupling"]), rwa=False),
        free_energy=_zero_dF,
        cavity=True,
        copies=True,
    )
)
_register(
    Protocol(
        name="rabi_parallel",
        title="Rabi (parallel)",
        hamiltonian="H(0) = H(tau) = H_B; resonant drive g sum_i (sigma^+_i e^{-i omega_a t} + h.c.), "
        "i.e. U = e^{-i H_B tau} e^{-i g tau sum_i sigma^x_i}",
        route="every total-spin sector j with multiplicity d_j (interaction picture; H_B commutes with the frame change)",
        references="F. C. Binder et al., NJP 17, 075015 (2015); P(W = +omega_a) = p_g sin^2(g tau) per cell",
        parameters=(_DRIVE,),
        sectors=lambda N, p, n_max: collective_sectors(N, 1.0, 1.0, _rabi_generator(float(p["drive"]))),
        free_energy=_zero_dF,
    )
)
_register(
    Protocol(
        name="global_flip",
        title="Global flip",
        hamiltonian="H(0) = H(tau) = H_B; resonant global drive g (|e..e><g..g| e^{-i N omega_a t} + h.c.), "
        "i.e. U = e^{-i H_B tau} e^{-i g tau (|g..g><e..e| + h.c.)}",
        route="every total-spin sector j with multiplicity d_j (the flip acts in j = N/2 only)",
        references="F. C. Binder et al., NJP 17, 075015 (2015)",
        parameters=(_DRIVE,),
        sectors=lambda N, p, n_max: collective_sectors(N, 1.0, 1.0, _flip_generator(float(p["drive"]), N)),
        free_energy=_zero_dF,
    )
)
_register(
    Protocol(
        name="spin_chain",
        title="XXZ chain",
        hamiltonian="H(0) = H(tau) = omega_a sum_i n_i + J sum_i [s^x s^x + s^y s^y + Delta s^z s^z]_{i,i+1} (open chain); "
        "0 < t < tau: + g sum_i s^x_i",
        route="full 2^N space, exact diagonalisation",
        references="T. P. Le et al., PRA 97, 022106 (2018)",
        parameters=(
            Parameter("J", "nearest-neighbour exchange J", "omega_a", 0.5, minimum=-100.0, maximum=100.0),
            Parameter("anisotropy", "XXZ anisotropy Delta", "1", 0.5, minimum=-100.0, maximum=100.0),
            _DRIVE,
        ),
        sectors=lambda N, p, n_max: spin_chain_sector(N, float(p["J"]), float(p["anisotropy"]), float(p["drive"])),
        free_energy=_zero_dF,
        max_N=12,
    )
)
_register(
    Protocol(
        name="splitting_quench",
        title="Splitting quench",
        hamiltonian="H(0) = omega_i sum_i n_i; 0 < t < tau: omega_f sum_i n_i + g sum_i s^x_i; H(tau) = omega_f sum_i n_i (non-cyclic)",
        route="every total-spin sector j with multiplicity d_j",
        references="dF = -(N/beta) ln[(1 + e^{-beta omega_f}) / (1 + e^{-beta omega_i})]",
        parameters=(
            Parameter("omega_i", "initial cell splitting omega_i", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True, maximum=100.0),
            Parameter("omega_f", "final cell splitting omega_f", "omega_a", 1.5, minimum=0.0, exclusive_minimum=True, maximum=100.0),
            _DRIVE,
        ),
        sectors=lambda N, p, n_max: collective_sectors(
            N,
            float(p["omega_i"]),
            float(p["omega_f"]),
            lambda two_j, n_exc, Jz, Jp: float(p["omega_f"]) * n_exc + float(p["drive"]) * (Jp + Jp.T),
        ),
        free_energy=_splitting_dF,
        cyclic=False,
    )
)


def get_protocol(name: str) -> Protocol:
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ValueError(f"unknown work-statistics protocol {name!r}; known: {', '.join(sorted(PROTOCOLS))}") from None


# --------------------------------------------------------------------------------------
# One protocol point: all tau and beta
# --------------------------------------------------------------------------------------
@dataclass
class Settings:
    """Tolerances of the stage (config key ``work_statistics``)."""

    merge_tol: float = 1e-9
    atom_tol: float = 1e-18
    jarzynski_tol: float = 1e-10
    crooks_tol: float = 1e-10


def thermal_cutoff(omega_c: float, temperature: float, tol: float) -> int:
    """Smallest n_max with exp(-omega_c n_max / T) <= tol / 10 (thermal tail of the mode)."""
    return max(1, int(math.ceil(math.log(10.0 / tol) * temperature / omega_c)))


def point_distributions(
    proto: Protocol, N: int, params: dict, taus: Sequence[float], betas: Sequence[float], n_max: int, s: Settings
) -> list[list[PointResult]]:
    """PointResult[tau][beta] at a fixed Fock cutoff."""
    sectors = proto.sectors(1 if proto.copies else N, params, n_max)
    trans = _pulse_transitions(sectors, taus, s.merge_tol)
    out = []
    for it, _tau in enumerate(taus):
        row = []
        for beta in betas:
            n_copies = N if proto.copies else 1
            f, dF_num = tpm_from_transitions(trans[it], beta, s.merge_tol)
            b, _ = tpm_from_transitions(trans[it], beta, s.merge_tol, backward=True)
            top = 0.0
            if proto.cavity:
                shift = min(float(t.E0.min()) for t in trans[it])
                lz = _gibbs_log_z([(t.multiplicity, t.E0, t.g0) for t in trans[it]], beta, shift)
                top = sum(t.multiplicity * float(np.sum(t.g0 * t.top_fraction * np.exp(-beta * (t.E0 - shift) - lz))) for t in trans[it])
            if n_copies > 1:
                f, b = convolve_power(f, n_copies, s.merge_tol), convolve_power(b, n_copies, s.merge_tol)
                dF_num *= n_copies
                top *= n_copies  # union bound over the N cavities
            dF = proto.free_energy(N, params, beta)
            row.append(
                PointResult(drop_negligible(f, beta, dF, s.atom_tol), drop_negligible(b, beta, -dF, s.atom_tol), beta, dF, dF_num, top)
            )
        out.append(row)
    return out


def protocol_point(
    proto: Protocol, N: int, params: dict, taus: Sequence[float], temperatures: Sequence[float], numerics: Numerics, s: Settings
) -> tuple[list[list[PointResult]], int]:
    """All (tau, temperature) results of one (N, parameter point), with the converged Fock cutoff
    (grown by half while the post-pulse top-level population exceeds truncation_tol)."""
    betas = [1.0 / float(T) for T in temperatures]
    if not proto.cavity:
        return point_distributions(proto, N, params, taus, betas, 0, s), 0
    omega_c = float(params["omega_c"])
    n_max = thermal_cutoff(omega_c, max(temperatures), numerics.truncation_tol) + int(numerics.fock_extra) + TOP_FOCK_LEVELS
    limit = n_max * max(1, int(numerics.fock_max_factor))
    while True:
        res = point_distributions(proto, N, params, taus, betas, n_max, s)
        worst = max(r.truncation_weight for row in res for r in row)
        if not numerics.fock_auto or worst <= numerics.truncation_tol or n_max >= limit:
            return res, n_max
        n_max = min(limit, int(math.ceil(1.5 * n_max)))


# --------------------------------------------------------------------------------------
# Config-driven dataset of one protocol
# --------------------------------------------------------------------------------------
#: statistics per (N, temperature, parameters, tau) point; long_name, units: qbattery.vocabulary
STAT_VARS: tuple[str, ...] = (
    "mean_work",
    "work_variance",
    "free_energy_change",
    "free_energy_error",
    "jarzynski_average",
    "jarzynski_target",
    "jarzynski_residual",
    "crooks_residual",
    "negative_work_probability",
    "second_law_margin",
    "normalisation_error",
    "thermal_tail_weight",
    "truncation_weight",
)


def settings_of(cfg: dict) -> Settings:
    ws = cfg.get("work_statistics") or {}
    return Settings(**{k: float(ws[k]) for k in ("merge_tol", "atom_tol", "jarzynski_tol", "crooks_tol") if k in ws})


def protocol_names(cfg: dict) -> list[str]:
    """The protocols of the study's ``work_statistics`` section, sorted (empty if absent)."""
    return sorted((cfg.get("work_statistics") or {}).get("protocols", {}))


def protocol_taus(cfg: dict, name: str) -> list[float]:
    ws = cfg["work_statistics"]
    return [float(t) for t in ws["protocols"][name].get("tau", ws.get("tau", [1.0]))]


def memory_mb(cfg: dict, name: str) -> int:
    """Rough peak memory of one protocol job: ~12 dense complex D x D arrays of the largest sector."""
    proto = get_protocol(name)
    entry = cfg["work_statistics"]["protocols"][name]
    N = max(int(n) for n in entry["N"])
    if proto.cavity:
        num = Numerics.from_config(cfg.get("numerics"))
        omega_c = min(np.atleast_1d(entry.get("omega_c", 1.0)).astype(float))
        T = max(float(t) for t in cfg["work_statistics"].get("temperature", [1.0]))
        n_max = (thermal_cutoff(omega_c, T, num.truncation_tol) + num.fock_extra + 2) * 2
        D = (1 if proto.copies else N + 1) * n_max
    elif proto.name == "spin_chain":
        D = 2**N
    else:
        D = N + 1
    return int(400 + 12 * 16 * D * D / 1e6)


def work_statistics_dataset(cfg: dict, name: str, numerics: Numerics | None = None) -> xr.Dataset:
    """TPM statistics of protocol ``name`` over its N list, parameter grid, temperatures and taus.

    Dims: N, temperature, <swept parameters>, tau (and ``atom`` for the distributions)."""
    proto = get_protocol(name)
    ws = cfg["work_statistics"]
    entry = ws["protocols"][name]
    num = numerics or Numerics.from_config(cfg.get("numerics"), seed=cfg.get("seed"))
    s = settings_of(cfg)
    Ns = [int(n) for n in entry["N"]]
    if max(Ns) > proto.max_N:
        raise ValueError(f"work_statistics protocol {name}: N={max(Ns)} > {proto.max_N} (full-space route)")
    temps = [float(t) for t in ws.get("temperature", [1.0])]
    taus = protocol_taus(cfg, name)
    pmeta = {p.name: p for p in proto.parameters}
    swept, fixed, dims = {}, {}, []
    for p in proto.parameters:
        v = entry.get(p.name, p.default)
        if isinstance(v, (list, tuple)):
            swept[p.name] = np.asarray(v, dtype=float)
            dims.append(p.name)
        else:
            fixed[p.name] = float(v)
    grid_dims = ("N", "temperature", *dims, "tau")
    shape = (len(Ns), len(temps), *(len(swept[d]) for d in dims), len(taus))
    stats = {k: np.full(shape, np.nan) for k in STAT_VARS}
    cutoff = np.full((len(Ns), *(len(swept[d]) for d in dims)), -1, dtype=np.int64)
    status = np.zeros(shape, dtype=np.int8)
    atoms: dict[tuple, WorkDistribution] = {}
    reasons: list[str] = []
    t0 = _time.perf_counter()
    for iN, N in enumerate(Ns):
        for idx in itertools.product(*(range(len(swept[d])) for d in dims)):
            point = dict(fixed)
            point.update({d: float(swept[d][i]) for d, i in zip(dims, idx)})
            res, n_max = protocol_point(proto, N, point, taus, temps, num, s)
            cutoff[(iN, *idx)] = n_max if proto.cavity else -1
            for it, tau in enumerate(taus):
                for iT, T in enumerate(temps):
                    r = res[it][iT]
                    where = (iN, iT, *idx, it)
                    vals = _statistics(r, s)
                    if proto.cavity:
                        n_cav = N if proto.copies else 1
                        vals["thermal_tail_weight"] = n_cav * math.exp(-r.beta * float(point["omega_c"]) * n_max)
                        vals["truncation_weight"] = r.truncation_weight
                    bad = _violations(vals, s, num, proto.cavity)
                    label = f"work statistics: protocol={name} N={N} temperature={T:g} tau={tau:g} " + " ".join(
                        f"{k}={v:g}" for k, v in point.items()
                    )
                    msg = health_violation(label, bad, num.on_violation)
                    if msg:
                        reasons.append(msg)
                        status[where] = STATUS_HEALTH
                        for k in (
                            "thermal_tail_weight",
                            "truncation_weight",
                            "jarzynski_residual",
                            "crooks_residual",
                            "normalisation_error",
                            "free_energy_error",
                        ):
                            if k in vals:
                                stats[k][where] = vals[k]
                        continue
                    for k, v in vals.items():
                        stats[k][where] = v
                    atoms[where] = r.forward
            log.info("%s N=%d %s: done (%.1f s elapsed)", name, N, point, _time.perf_counter() - t0)
    n_atoms = max((len(d.values) for d in atoms.values()), default=1)
    W = np.full(shape + (n_atoms,), np.nan)
    P = np.full(shape + (n_atoms,), np.nan)
    count = np.zeros(shape, dtype=np.int64)
    for where, d in atoms.items():
        W[where][: len(d.values)] = d.values
        P[where][: len(d.values)] = d.probabilities
        count[where] = len(d.values)
    from .vocabulary import var as var_of

    var: dict = {}
    for k in STAT_VARS:
        if k in ("thermal_tail_weight", "truncation_weight") and not proto.cavity:
            continue
        var[k] = var_of(k, grid_dims, stats[k])
    var["jarzynski_residual"][2]["tolerance"] = s.jarzynski_tol
    var["crooks_residual"][2]["tolerance"] = s.crooks_tol
    var["normalisation_error"][2]["tolerance"] = num.norm_tol
    if proto.cavity:
        var["thermal_tail_weight"][2]["tolerance"] = num.truncation_tol
        var["truncation_weight"][2]["tolerance"] = num.truncation_tol
        var["truncation_weight"][2]["comment"] = "population of the two highest Fock levels kept after the pulse"
        var["fock_cutoff"] = var_of("fock_cutoff", ("N", *dims), cutoff, comment="Fock levels kept per cavity (n_max, converged)")
    adims = grid_dims + ("atom",)
    var["work_value"] = var_of("work_value", adims, W)
    var["work_probability"] = var_of("work_probability", adims, P)
    var["atom_count"] = var_of("atom_count", grid_dims, count)
    var["status"] = var_of("status", grid_dims, status)
    coords = {
        "N": var_of("N", "N", np.asarray(Ns, dtype=np.int64)),
        "temperature": var_of("temperature", "temperature", np.asarray(temps), comment="temperature of the initial Gibbs state"),
        "beta": var_of("beta", "temperature", 1.0 / np.asarray(temps)),
        "tau": var_of("tau", "tau", np.asarray(taus)),
        "atom": var_of("atom", "atom", np.arange(n_atoms, dtype=np.int64)),
    }
    for d in dims:
        coords[d] = (d, swept[d], {"long_name": pmeta[d].long_name, "units": pmeta[d].units})
    for k, v in fixed.items():
        coords[k] = ((), v, {"long_name": pmeta[k].long_name, "units": pmeta[k].units})
    ds = xr.Dataset(var, coords=coords)
    ds.attrs.update(
        {
            "stage": "work_statistics: two-point-measurement work distributions and fluctuation theorems",
            "protocol": proto.name,
            "protocol_title": proto.title,
            "hamiltonian": proto.hamiltonian,
            "cyclic": int(proto.cyclic),
            "initial_state": "Gibbs state exp(-beta H(0))/Z_0 of the full battery (x charger) space",
            "computation_route": proto.route,
            "references": proto.references,
            "tpm_formula": "P(W) = sum_{a,b} p_a Tr[Pi'_b U Pi_a U^dag] delta(W - (E'_b - E_a)); "
            "Pi projectors onto degenerate eigenspaces "
            "(levels merged within merge_tol); atoms with |W - W'| <= merge_tol merged; atoms with P <= atom_tol and "
            "P exp(-beta (W - dF)) <= atom_tol dropped",
            "time_reversal": "backward protocol U_B = Theta U^dag Theta^-1, "
            "Theta = complex conjugation in the real basis of H(0), H(tau); "
            "starts in the Gibbs state of H(tau)",
            "atom_storage": "padded: work_value[..., atom] and work_probability[..., atom] hold atom_count[...] valid atoms "
            "sorted by W, NaN beyond; a NaN point (status != 0) has atom_count 0",
            "merge_tol": s.merge_tol,
            "atom_tol": s.atom_tol,
            "health_violations": "\n".join(reasons) if reasons else "none",
        }
    )
    ds.attrs.update({f"numerics_{k}": (int(v) if isinstance(v, bool) else v) for k, v in vars(num).items()})
    ds.attrs.update(provenance_attrs(cfg))
    return ds


def _statistics(r: PointResult, s: Settings) -> dict[str, float]:
    f, beta, dF = r.forward, r.beta, r.free_energy_change
    jar = f.exp_average(beta)
    out = {
        "mean_work": f.mean,
        "work_variance": f.variance,
        "free_energy_change": dF,
        "free_energy_error": abs(r.free_energy_numeric - dF),
        "jarzynski_average": jar,
        "jarzynski_target": math.exp(-beta * dF),
        "jarzynski_residual": abs(jar * math.exp(beta * dF) - 1.0),
        "negative_work_probability": f.probability_below(-s.merge_tol),
        "second_law_margin": f.mean - dF,
        "normalisation_error": abs(float(f.probabilities.sum()) - 1.0),
    }
    out["crooks_residual"] = crooks_residual(f, r.backward, beta, dF, s.merge_tol) if r.backward is not None else float("nan")
    return out


def _violations(v: dict[str, float], s: Settings, num: Numerics, cavity: bool) -> list[str]:
    checks = [
        ("jarzynski_residual", s.jarzynski_tol, "jarzynski_tol"),
        ("crooks_residual", s.crooks_tol, "crooks_tol"),
        ("normalisation_error", num.norm_tol, "norm_tol"),
        ("free_energy_error", s.jarzynski_tol * max(1.0, abs(v["free_energy_change"])), "jarzynski_tol*max(1,|dF|)"),
    ]
    if cavity:
        checks += [
            ("thermal_tail_weight", num.truncation_tol, "truncation_tol"),
            ("truncation_weight", num.truncation_tol, "truncation_tol"),
        ]
    bad = [f"{k}={v[k]:.3e} > {name}={tol:g}" for k, tol, name in checks if not v[k] <= tol]
    if not v["second_law_margin"] >= -s.jarzynski_tol * max(1.0, abs(v["free_energy_change"])):
        bad.append(f"second law violated: <W> - dF = {v['second_law_margin']:.3e} < 0")
    return bad
