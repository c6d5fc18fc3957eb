"""Core state functionals of a quantum battery: energy, ergotropy, capacity, entropies.

Conventions (DESIGN.md): hbar = k_B = 1, entropies in nats. Every public function takes numpy
arrays or qutip ``Qobj``, and a state as a density matrix or a ket (|psi> means |psi><psi|);
a function returning a state (``passive_state``, ``gibbs_state``, ``partial_trace``) returns a
``Qobj`` with the input's dims when it was given one, an array otherwise (one adapter:
:func:`qbattery.physics.qobj.qobj_io`). ``energy``, ``ergotropy`` and ``capacity`` also take a
stack of states of shape ``(..., d, d)`` and return an array of shape ``(...)``.

References
----------
- Ergotropy: A. E. Allahverdyan, R. Balian, Th. M. Nieuwenhuizen, EPL 67, 565 (2004).
- Capacity: X. Yang et al., PRL 131, 030402 (2023).

Symmetry subspaces
------------------
A state simulated inside a subspace (e.g. the symmetric Dicke subspace of N cells) has
its passive state in the *full* Hilbert space. Pass ``levels=`` -- the spectrum of the
full battery Hamiltonian, or a :class:`Spectrum` with degeneracies -- and the passive
and top-filled energies use the full spectrum, not the subspace one.

One kernel
----------
:func:`passive_energy` (and :func:`ergotropy_from_spectrum`) is the package's one passive /
top-filled energy: a state spectrum given as values with multiplicities (block-diagonal states,
:func:`block_diagonal_spectrum`; Schmidt spectra of product states) against a :class:`Spectrum`
with exact integer degeneracies, vectorised over a batch of states. ``ergotropy``/``capacity``
here, the Dicke-basis open systems, the Krylov cavity route, the charger models and the
correlation stage all call it. Its closed form for states of rank <= N + 1 over N cells (every
symmetric-subspace state), from the largest eigenvalue alone, is :func:`symmetric_passive_and_capacity`
(the large-N cavity routes; tested against this kernel and brute force).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import comb
from typing import Any

import numpy as np

from .qobj import factor_dims, operator_array, qobj_io

ArrayLike = Any  # numpy array or qutip.Qobj

#: default tolerance for the Hermiticity / trace / positivity checks of input states
STATE_TOL = 1e-8


def as_array(x: ArrayLike) -> np.ndarray:
    """Return ``x`` as a numpy array (``Qobj`` -> dense matrix)."""
    return operator_array(x)


@dataclass(frozen=True)
class Spectrum:
    """A Hamiltonian spectrum as distinct ``energies`` with integer ``degeneracies``.

    Lets the full 2^N spectrum of N cells be used without listing 2^N numbers.
    """

    energies: np.ndarray
    degeneracies: np.ndarray

    def __post_init__(self) -> None:
        e = np.asarray(self.energies, dtype=float)
        # Python integers: C(N, k) overflows int64 beyond N ~ 60
        g = np.array([int(x) for x in np.ravel(self.degeneracies)], dtype=object).reshape(np.shape(self.degeneracies))
        if e.shape != g.shape or e.ndim != 1:
            raise ValueError("Spectrum: energies and degeneracies must be 1-d of equal length")
        if np.any(g < 1):
            raise ValueError("Spectrum: degeneracies must be >= 1")
        order = np.argsort(e, kind="stable")
        object.__setattr__(self, "energies", e[order])
        object.__setattr__(self, "degeneracies", g[order])

    @classmethod
    def of(cls, H: ArrayLike | None, levels: np.ndarray | Spectrum | None = None) -> Spectrum:
        """``levels`` as a Spectrum: itself, an array of levels (degeneracy 1 each), or eigvalsh(H) if None."""
        if isinstance(levels, Spectrum):
            return levels
        e = np.linalg.eigvalsh(as_array(H)) if levels is None else np.ravel(np.asarray(levels, dtype=float))
        return cls(e, np.ones(e.size, dtype=np.int64))

    @property
    def dimension(self) -> int:
        return int(sum(self.degeneracies))

    @cached_property
    def _cumulative(self) -> tuple[np.ndarray, np.ndarray]:
        """Exact cumulative degeneracies (ascending, descending energy): int64 if they fit, else Python ints."""
        g = self.degeneracies.astype(np.int64) if self.dimension < 2**62 else self.degeneracies
        return np.cumsum(g), np.cumsum(g[::-1])

    def lowest(self, count: int) -> np.ndarray:
        """The ``count`` lowest levels, degeneracies repeated, ascending."""
        return _take_levels(self.energies, self.degeneracies, count)

    def highest(self, count: int) -> np.ndarray:
        """The ``count`` highest levels, degeneracies repeated, descending."""
        return _take_levels(self.energies[::-1], self.degeneracies[::-1], count)

    def filled(self, count: int, top: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(energies, cumulative ends) of the level groups that the ``count`` lowest (``top``: highest)
        levels fill, the last group cut at ``count``: ends are floats, exact below 2^53."""
        e, c = (self.energies[::-1], self._cumulative[1]) if top else (self.energies, self._cumulative[0])
        if count > c[-1]:
            raise ValueError(f"spectrum has dimension {self.dimension} < {count} requested levels")
        k = int(np.searchsorted(c, count))  # first group whose cumulative degeneracy reaches count
        ends = np.empty(k + 1)
        ends[:k] = [float(x) for x in c[:k]] if c.dtype == object else c[:k]
        ends[k] = float(count)
        return e[: k + 1], ends


def _take_levels(energies: np.ndarray, degeneracies: np.ndarray, count: int) -> np.ndarray:
    out = np.empty(count)
    filled = 0
    for e, g in zip(energies, degeneracies):
        take = int(min(g, count - filled))
        out[filled : filled + take] = e
        filled += take
        if filled == count:
            return out
    raise ValueError(f"spectrum has dimension {filled} < {count} requested levels")


def cells_spectrum(N: int, omega_a: float = 1.0) -> Spectrum:
    """Spectrum of H_B = omega_a sum_i |e><e|_i: levels k omega_a, degeneracy C(N, k)."""
    return Spectrum(np.arange(N + 1) * float(omega_a), np.array([comb(N, k) for k in range(N + 1)]))


# ---------------------------------------------------------------------------------------
# The passive-energy kernel: a state spectrum with multiplicities against a level ladder
# ---------------------------------------------------------------------------------------
def block_diagonal_spectrum(blocks: list[np.ndarray], copies: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Full-space spectrum of a block-diagonal state rho = (+)_b rho_b (x) 1_{c_b} / c_b.

    ``blocks``: stacks (..., s_b, s_b) of the (Hermitian) blocks rho_b; ``copies``: c_b (default 1).
    Returns (eigenvalues (..., sum s_b) of rho_b / c_b, their multiplicities c_b), unsorted.
    """
    copies = np.ones(len(blocks), dtype=np.int64) if copies is None else np.asarray(copies)
    eig = [np.linalg.eigvalsh(0.5 * (b + np.swapaxes(b, -1, -2).conj())) / c for b, c in zip(blocks, copies)]
    mult = np.concatenate([np.full(b.shape[-1], c, dtype=np.asarray(copies).dtype) for b, c in zip(blocks, copies)])
    return np.concatenate(eig, axis=-1), mult


def _pair_runs(r: np.ndarray, ends_r: np.ndarray, e: np.ndarray, ends_e: np.ndarray) -> np.ndarray:
    """sum_x r(x) e(x) dx of two step functions on [0, M]: r[b, i] on (ends_r[b, i-1], ends_r[b, i]],
    e[l] on (ends_e[l-1], ends_e[l]] (both ends end at M). The merged breakpoints cut [0, M] into
    pieces of one r value and one e value each; every piece adds r e (length): no cancellation."""
    B, n = r.shape
    L = e.size
    P = np.concatenate([ends_r, np.broadcast_to(ends_e, (B, L))], axis=1)
    order = np.argsort(P, axis=1, kind="stable")  # ties: the state's breakpoint first (length-0 piece after it)
    P = np.take_along_axis(P, order, axis=1)
    is_r = (order < n).astype(np.int64)
    i_r = np.minimum(np.cumsum(is_r, axis=1) - is_r, n - 1)  # run of r that ends at or after the piece's end
    i_e = np.minimum(np.cumsum(1 - is_r, axis=1) - (1 - is_r), L - 1)
    length = np.diff(P, axis=1, prepend=0.0)
    return np.sum(np.take_along_axis(r, i_r, axis=1) * e[i_e] * length, axis=1)


def _filled_energies(
    eigenvalues: ArrayLike, levels: Spectrum, multiplicities: ArrayLike | None, which: tuple[str, ...]
) -> tuple[list[np.ndarray], float]:
    """[sum_k r_k e_k for each of ``which``], 1 + max |e_k| of the passive levels.

    r_k: ``eigenvalues[..., i]`` each repeated ``multiplicities[i]`` times (default 1), decreasing;
    e_k over the first M = sum(multiplicities) levels of ``levels``: increasing ("low": passive
    energy), decreasing ("high": top-filled, most active state) or their difference ("gap").
    Unit multiplicities: the M levels are listed and paired with one dot product; grouped ones:
    the two step functions are merged (:func:`_pair_runs`), never listing M numbers.
    """
    r = np.asarray(eigenvalues, dtype=float)
    shape, n = r.shape[:-1], r.shape[-1]
    if n == 0:
        return [np.zeros(shape) for _ in which], 1.0
    mult = None if multiplicities is None else np.asarray(multiplicities)
    if mult is not None and mult.shape != (n,):
        raise ValueError(f"multiplicities have shape {mult.shape}, the spectrum has {n} values")
    if mult is not None and np.all(mult == 1):
        mult = None
    M = n if mult is None else sum(int(round(float(x))) for x in mult) if mult.dtype.kind == "f" else sum(int(x) for x in mult)
    if M > levels.dimension:
        raise ValueError(f"state rank {M} exceeds the spectrum dimension {levels.dimension}")
    e_low, ends_low = levels.filled(M)
    scale = 1.0 + float(np.abs(e_low).max())
    r = r.reshape(-1, n)
    if mult is None:
        r = -np.sort(-r, axis=1)
        low = levels.lowest(M) if "low" in which or "gap" in which else None
        high = levels.highest(M) if "high" in which or "gap" in which else None
        vec = {"low": low, "high": high, "gap": None if low is None or high is None else high - low}
        return [(r @ vec[w]).reshape(shape) for w in which], scale
    order = np.argsort(-r, axis=1, kind="stable")
    r = np.take_along_axis(r, order, axis=1)
    ends_r = np.cumsum(mult.astype(float)[order], axis=1)
    ends_r[:, -1] = float(M)
    low = _pair_runs(r, ends_r, e_low, ends_low)
    high = _pair_runs(r, ends_r, *levels.filled(M, top=True)) if "high" in which or "gap" in which else None
    vals = {"low": low, "high": high, "gap": None if high is None else high - low}
    return [vals[w].reshape(shape) for w in which], scale


def passive_energy(eigenvalues: ArrayLike, levels: Spectrum, multiplicities: ArrayLike | None = None, *, top: bool = False) -> np.ndarray:
    """Passive energy sum_k r_k e_k: state eigenvalues r_k decreasing (``eigenvalues[..., i]`` repeated
    ``multiplicities[i]`` times), levels e_k of ``levels`` increasing, k = 1..M = sum(multiplicities)
    (Allahverdyan et al. 2004). ``top=True``: levels decreasing, the energy of the top-filled state
    (Yang et al. 2023). Vectorised over the leading axes of ``eigenvalues``; degeneracies may be huge."""
    (out,), _ = _filled_energies(eigenvalues, levels, multiplicities, ("high",) if top else ("low",))
    return out


def _clip_roundoff(erg: np.ndarray, scale: float) -> np.ndarray:
    """ergotropy >= 0 exactly; clip only round-off (|erg| ~ machine eps), never a real error."""
    return np.where((erg < 0) & (erg > -1e-12 * scale), 0.0, erg)


def ergotropy_from_spectrum(
    energy: ArrayLike, eigenvalues: ArrayLike, levels: Spectrum, multiplicities: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(ergotropy E - sum_k r_k e_k^asc, capacity sum_k r_k (e_k^desc - e_k^asc)) of states with mean
    energy ``energy`` (...,) and full-space spectrum ``eigenvalues`` (..., n) with ``multiplicities``
    against the full battery spectrum ``levels`` (see :func:`passive_energy`)."""
    (low, gap), scale = _filled_energies(eigenvalues, levels, multiplicities, ("low", "gap"))
    return _clip_roundoff(np.asarray(energy, dtype=float) - low, scale), gap


def symmetric_passive_and_capacity(r_max: ArrayLike, N: int, omega_a: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(passive energy, capacity) over the full 2^N space of N cells, H_B = omega_a sum_i |e><e|_i, for
    states of rank <= N + 1 (e.g. any state, pure or mixed, of the symmetric Dicke subspace), from the
    largest eigenvalue ``r_max`` alone:

        E_passive = omega_a (1 - r_max),      C = omega_a (N - 2 + 2 r_max).

    Derivation: the levels of H_B are k omega_a with degeneracy C(N, k); the ground level is
    non-degenerate and the first excited level N-fold degenerate, and the same holds mirrored at the
    top (k = N once, k = N - 1 N times). The passive state puts r_1 = r_max on the ground state and
    r_2..r_{N+1} on the first excited level, which has exactly N places: E_passive = omega_a (1 - r_1).
    The top-filled state puts r_1 on k = N and the rest on k = N - 1: E_top = omega_a (N - 1 + r_1).
    Exact condition: rank(rho) <= 1 + C(N, 1) = N + 1 (N >= 1); a state of rank N + 2 (possible only
    outside the symmetric subspace) needs the full :func:`passive_energy`. For a pure battery-charger
    state Psi (matrix battery x charger), r_max is the square of Psi's largest singular value
    (Allahverdyan et al. 2004; Yang et al., PRL 131, 030402 (2023)).
    """
    if N < 1:
        raise ValueError(f"symmetric_passive_and_capacity: N must be >= 1, got {N}")
    r = np.asarray(r_max, dtype=float)
    return omega_a * (1.0 - r), omega_a * (N - 2 + 2.0 * r)


def largest_gram_eigenvalue(
    M: np.ndarray, v0: np.ndarray | None = None, tol: float = 1e-14, dense_max: int = 64
) -> tuple[float, np.ndarray]:
    """Largest eigenvalue of M M^dagger (= squared largest singular value of M, shape (d, n), d <= n),
    never forming M M^dagger; ``v0`` warm-starts it (e.g. the vector of the previous time point);
    d <= ``dense_max``: eigvalsh of M M^dagger. Returns (value, its unit eigenvector).

    Warm start: Lanczos with full reorthogonalisation on x -> M (M^dagger x) from v0, stopped as soon
    as the largest Ritz value theta is accurate to tol theta: residual r = ||M M^dagger y - theta y||
    <= tol theta, or r <= 1e-10 theta and r^2 / (theta - theta_2) <= tol theta (the eigenvalue error
    of a Ritz value is ~ r^2 / gap; theta_2 the next Ritz value). A good start converges in a handful
    of products, where ARPACK builds its ncv = 20 vectors first.
    Cold, or not converged in :data:`WARM_LANCZOS_MAX` products: ARPACK (eigsh on the same operator).
    """
    from scipy.sparse.linalg import LinearOperator, eigsh

    d = M.shape[0]
    if d == 0:
        return 0.0, np.zeros(0, dtype=complex)
    if d <= max(dense_max, 2):  # small: the Gram matrix is cheap and exact (ARPACK needs d > 2)
        w, v = np.linalg.eigh(M @ M.conj().T)
        return float(w[-1]), v[:, -1]
    if not np.any(M):
        return 0.0, np.zeros(d, dtype=complex)
    Mh = M.conj().T

    def matvec(x: np.ndarray) -> np.ndarray:
        return M @ (Mh @ np.ravel(x))

    if v0 is not None and np.any(v0):
        found = _warm_lanczos_top(matvec, np.asarray(v0, dtype=complex), tol, min(WARM_LANCZOS_MAX, d))
        if found is not None:
            return found
    op = LinearOperator((d, d), matvec=matvec, dtype=complex)
    if v0 is not None and not np.any(v0):
        v0 = None
    w, v = eigsh(op, k=1, which="LA", v0=v0, tol=tol, ncv=min(d - 1, 20))
    return float(w[0]), v[:, 0]


#: most products of the warm-started Lanczos of :func:`largest_gram_eigenvalue` before ARPACK takes over
WARM_LANCZOS_MAX = 24


def _warm_lanczos_top(matvec, v0: np.ndarray, tol: float, kmax: int) -> tuple[float, np.ndarray] | None:
    """Largest eigenpair of a Hermitian positive semidefinite operator by Lanczos from v0 (full
    reorthogonalisation, dimension <= kmax); None if the residual criterion is not met."""
    Q = np.zeros((kmax, v0.size), dtype=complex)
    Q[0] = v0 / np.linalg.norm(v0)
    W = np.zeros((kmax, v0.size), dtype=complex)  # W[j] = A Q[j]
    P = np.zeros((kmax, kmax), dtype=complex)  # projected matrix Q^dagger A Q, one new column per product
    for j in range(kmax):
        W[j] = matvec(Q[j])
        P[: j + 1, j] = Q[: j + 1].conj() @ W[j]
        P[j, :j] = P[:j, j].conj()
        P[j, j] = P[j, j].real
        theta, S = np.linalg.eigh(P[: j + 1, : j + 1])
        y = S[:, -1] @ Q[: j + 1]
        r = float(np.linalg.norm(S[:, -1] @ W[: j + 1] - theta[-1] * y))
        top = float(theta[-1])
        gap = top - float(theta[-2]) if j else 0.0
        # eigenvalue error <= r^2 / gap (Kato-Temple, with the Ritz gap), and r <= 1e-10 theta: near-degenerate
        # tops cannot hide an error above ~1e-10 theta
        if top > 0 and (r <= tol * top or (gap > 0 and r <= 1e-10 * top and r * r <= tol * top * gap)):
            return top, y / np.linalg.norm(y)
        if j + 1 == kmax:
            return None
        q = W[j] - Q[: j + 1].T @ (Q[: j + 1].conj() @ W[j])
        q -= Q[: j + 1].T @ (Q[: j + 1].conj() @ q)  # twice is enough (Kahan-Parlett)
        nq = np.linalg.norm(q)
        if nq <= 1e-14 * max(theta[-1], 1e-300):  # invariant subspace: the Ritz pair is exact
            return float(theta[-1]), y / np.linalg.norm(y)
        Q[j + 1] = q / nq
    return None


def _check_states(rho: np.ndarray, tol: float) -> None:
    if rho.ndim < 2 or rho.shape[-1] != rho.shape[-2]:
        raise ValueError(f"state must be a square matrix (or a stack of them), got shape {rho.shape}")
    if not np.all(np.isfinite(rho)):
        raise ValueError("state contains NaN or inf")
    herm = np.max(np.abs(rho - np.swapaxes(rho, -1, -2).conj()), initial=0.0)
    if herm > tol:
        raise ValueError(f"state is not Hermitian: max |rho - rho^dag| = {herm:.3e} > {tol:g}")
    tr = np.trace(rho, axis1=-2, axis2=-1)
    dev = np.max(np.abs(tr - 1.0), initial=0.0)
    if dev > tol:
        raise ValueError(f"state is not normalised: max |Tr rho - 1| = {dev:.3e} > {tol:g}")


def _check_hamiltonian(H: np.ndarray, d: int, tol: float) -> None:
    from ..validation import check_hamiltonian_matrix

    check_hamiltonian_matrix(H, tol, d)


def _state_eigenvalues(rho: np.ndarray, tol: float) -> np.ndarray:
    """Eigenvalues in decreasing order; tiny negative ones (> -tol) are kept as they are."""
    r = np.linalg.eigvalsh(0.5 * (rho + np.swapaxes(rho, -1, -2).conj()))[..., ::-1]
    low = np.min(r, initial=0.0)
    if low < -tol:
        raise ValueError(f"state is not positive semidefinite: smallest eigenvalue {low:.3e}")
    return r


def _spectrum(H: np.ndarray, d: int, levels: np.ndarray | Spectrum | None) -> Spectrum:
    """The full battery spectrum: ``levels`` (Spectrum or array of levels) or eigvalsh(H)."""
    if levels is not None and not isinstance(levels, Spectrum) and np.size(levels) < d:
        raise ValueError(f"levels has {np.size(levels)} entries, fewer than the state dimension {d}")
    spec = Spectrum.of(H, levels)
    if spec.dimension < d:
        raise ValueError(f"spectrum has dimension {spec.dimension} < {d} requested levels")
    return spec


def _prepare(rho: ArrayLike, H: ArrayLike, tol: float) -> tuple[np.ndarray, np.ndarray]:
    r = as_array(rho).astype(complex, copy=False)
    h = as_array(H).astype(complex, copy=False)
    _check_states(r, tol)
    _check_hamiltonian(h, r.shape[-1], tol)
    return r, h


def _mean(rho: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Tr(rho H) for a stack of states, real part."""
    return np.real(np.einsum("...ij,ji->...", rho, H))


@qobj_io(states=("rho",), operators=("H",))
def energy(rho: ArrayLike, H: ArrayLike, *, tol: float = STATE_TOL) -> np.ndarray | float:
    """Mean energy E = Tr(rho H) of a state (Hermitian, unit trace, positive semidefinite: a
    non-positive matrix is refused, as by :func:`ergotropy`)."""
    r, h = _prepare(rho, H, tol)
    _state_eigenvalues(r, tol)
    out = _mean(r, h)
    return float(out) if out.ndim == 0 else out


@qobj_io(states=("rho",), operators=("H",))
def ergotropy(
    rho: ArrayLike,
    H: ArrayLike,
    *,
    levels: np.ndarray | Spectrum | None = None,
    tol: float = STATE_TOL,
) -> np.ndarray | float:
    """Ergotropy E(rho) = Tr(rho H) - sum_k r_k e_k (Allahverdyan et al. 2004).

    r_k: eigenvalues of rho in decreasing order; e_k: eigenvalues of H in increasing order,
    taken from ``levels`` (the full battery spectrum) when rho lives in a subspace.
    """
    r, h = _prepare(rho, H, tol)
    p = _state_eigenvalues(r, tol)
    (low,), scale = _filled_energies(p, _spectrum(h, r.shape[-1], levels), None, ("low",))
    out = _clip_roundoff(_mean(r, h) - low, scale)
    return float(out) if np.ndim(out) == 0 else out


@qobj_io(states=("rho",), operators=("H",))
def capacity(
    rho: ArrayLike,
    H: ArrayLike,
    *,
    levels: np.ndarray | Spectrum | None = None,
    tol: float = STATE_TOL,
) -> np.ndarray | float:
    """Battery capacity C(rho) = sum_k r_k (e_{D-k+1} - e_k) (Yang et al., PRL 131, 030402).

    The energy difference between the most active (top-filled) and the passive state of
    the unitary orbit of rho; r decreasing, e increasing over the full spectrum.
    """
    r, h = _prepare(rho, H, tol)
    p = _state_eigenvalues(r, tol)
    (out,), _ = _filled_energies(p, _spectrum(h, r.shape[-1], levels), None, ("gap",))
    return float(out) if np.ndim(out) == 0 else out


@qobj_io(states=("rho",), operators=("H",), returns="rho")
def passive_state(rho: ArrayLike, H: ArrayLike, *, tol: float = STATE_TOL) -> ArrayLike:
    """Passive state pi = sum_k r_k |e_k><e_k| (r decreasing, |e_k> increasing energy)."""
    r, h = _prepare(rho, H, tol)
    if r.ndim != 2:
        raise ValueError("passive_state takes a single state")
    p = _state_eigenvalues(r, tol)
    _, vecs = np.linalg.eigh(h)
    return (vecs * p) @ vecs.conj().T


@qobj_io(states=("rho",))
def von_neumann_entropy(rho: ArrayLike, *, tol: float = STATE_TOL) -> np.ndarray | float:
    """S(rho) = -Tr rho ln rho in nats (eigenvalues below 1e-300 contribute 0)."""
    r = as_array(rho).astype(complex, copy=False)
    _check_states(r, tol)
    p = np.clip(_state_eigenvalues(r, tol), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 1e-300, -p * np.log(np.where(p > 1e-300, p, 1.0)), 0.0)
    out = terms.sum(axis=-1)
    return float(out) if np.ndim(out) == 0 else out


@qobj_io(states=("rho",), returns=lambda a: factor_dims(a.arguments["rho"], a.arguments["dims"], a.arguments["keep"]))
def partial_trace(rho: ArrayLike, dims: tuple[int, int], keep: int) -> ArrayLike:
    """Reduced state of a bipartite (stack of) state(s) on dims (d_A, d_B); keep 0 (A) or 1 (B)."""
    r = as_array(rho)
    dA, dB = dims
    if r.shape[-1] != dA * dB:
        raise ValueError(f"dims {dims} do not match state dimension {r.shape[-1]}")
    t = r.reshape(r.shape[:-2] + (dA, dB, dA, dB))
    if keep == 0:
        return np.einsum("...ajbj->...ab", t)
    if keep == 1:
        return np.einsum("...iaib->...ab", t)
    raise ValueError("keep must be 0 or 1")


@qobj_io(states=("rho_ab",))
def mutual_information(rho_ab: ArrayLike, dims: tuple[int, int], *, tol: float = STATE_TOL) -> np.ndarray | float:
    """I(A:B) = S(rho_A) + S(rho_B) - S(rho_AB) in nats; 0 <= I <= 2 ln min(d_A, d_B)."""
    r = as_array(rho_ab).astype(complex, copy=False)
    _check_states(r, tol)
    return (
        von_neumann_entropy(partial_trace(r, dims, 0), tol=tol)
        + von_neumann_entropy(partial_trace(r, dims, 1), tol=tol)
        - von_neumann_entropy(r, tol=tol)
    )


@qobj_io(operators=("H",), returns="H")
def gibbs_state(H: ArrayLike, beta: float, *, tol: float = STATE_TOL) -> ArrayLike:
    """Gibbs state exp(-beta H)/Z (computed with the lowest, for beta < 0 the highest, energy
    shifted out). beta = +inf (T = 0): the uniform mixture of the ground manifold (levels within
    ``tol`` of the ground energy, relative to the largest |level|), the limit beta -> inf;
    -inf: of the top manifold. H must be finite and Hermitian (``validation.check_hamiltonian_matrix``)."""
    from ..validation import check_beta, check_hamiltonian_matrix

    h = as_array(H).astype(complex, copy=False)
    check_hamiltonian_matrix(h, tol)
    b = check_beta(beta)
    e, v = np.linalg.eigh(0.5 * (h + h.conj().T))
    ref = e[0] if b >= 0 else e[-1]
    if np.isinf(b):
        w = (np.abs(e - ref) <= tol * max(1.0, float(np.abs(e).max()))).astype(float)
    else:
        w = np.exp(-b * (e - ref))
    w /= w.sum()
    return (v * w) @ v.conj().T
