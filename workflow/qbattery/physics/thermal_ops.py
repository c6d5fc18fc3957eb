"""Building blocks of thermal operations: diagonal spectra, random energy-preserving unitaries,
the thermal operation and its Gibbs-preserving population map, relative entropy to a Gibbs state.

A thermal operation (TO) on a battery B with a bath ancilla R in its Gibbs state gamma_R
(Janzing et al., IJTP 39, 2717 (2000); Horodecki & Oppenheim, Nat. Commun. 4, 2059 (2013)):

    rho_B' = Tr_R[ U (rho_B (x) gamma_R) U^dag ],   [U, H_B + H_R] = 0.

All Hamiltonians here are diagonal in the product basis (first factor slowest), so
[U, H] = 0 iff U is block diagonal over the eigenspaces of H: U = (+)_E U_E. Sampling each U_E
Haar-randomly (degenerate blocks mix battery and bath levels) samples the energy-preserving
unitaries; ``commutator_norm`` checks every sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .qobj import qobj_io
from .quantities import Spectrum, von_neumann_entropy

#: energies closer than this [omega_a] form one degenerate eigenspace
ENERGY_TOL = 1e-9
#: |D| below this [nat] is round-off when clipping D >= 0
ROUNDOFF = 1e-12


def cells_energies(N: int, omega: float = 1.0) -> np.ndarray:
    """Diagonal of H = omega sum_i |e><e|_i on N cells in the product basis (2^N entries;
    bit = 1 for an excited cell, first cell most significant)."""
    idx = np.arange(2**N)
    return omega * np.array([bin(i).count("1") for i in idx], dtype=float)


def bath_energies(kind: str, size: int, omega: float) -> np.ndarray:
    """Diagonal of H_R: ``qubits`` -- ``size`` cells at omega; ``ladder`` -- levels 0..size-1 times omega."""
    if kind == "qubits":
        return cells_energies(size, omega)
    if kind == "ladder":
        return omega * np.arange(size, dtype=float)
    raise ValueError(f"unknown bath kind {kind!r}; allowed: qubits, ladder")


def kron_sum(*energies: np.ndarray) -> np.ndarray:
    """Diagonal of H_1 (x) 1 + 1 (x) H_2 + ... for diagonal Hamiltonians (first factor slowest)."""
    out = np.zeros(1)
    for e in energies:
        out = (out[:, None] + np.asarray(e, dtype=float)[None, :]).ravel()
    return out


def gibbs_populations(energies: np.ndarray, beta: float) -> np.ndarray:
    """p_i = exp(-beta E_i) / Z (ground energy shifted out)."""
    e = np.asarray(energies, dtype=float)
    w = np.exp(-beta * (e - e.min()))
    return w / w.sum()


def log_partition(levels: Spectrum | np.ndarray, beta: float) -> float:
    """ln Z = ln sum_k g_k exp(-beta E_k) over the full spectrum (log-sum-exp, exact degeneracies)."""
    if isinstance(levels, Spectrum):
        e = np.asarray(levels.energies, dtype=float)
        lg = np.array([math.log(int(g)) for g in levels.degeneracies])
    else:
        e = np.asarray(levels, dtype=float)
        lg = np.zeros_like(e)
    x = lg - beta * e
    m = x.max()
    return float(m + np.log(np.exp(x - m).sum()))


@qobj_io(states=("rho",), operators=("H",))
def relative_entropy_to_gibbs(
    rho: np.ndarray, H: np.ndarray, beta: float, levels: Spectrum | np.ndarray | None = None
) -> np.ndarray | float:
    """D(rho || gamma_beta) = -S(rho) + beta Tr(rho H) + ln Z [nat] for a (stack of) state(s).

    Since gamma_beta = exp(-beta H_full)/Z is a function of the battery Hamiltonian,
    -Tr(rho ln gamma) = beta Tr(rho H) + ln Z for any rho supported on an H-invariant subspace
    (e.g. the symmetric Dicke subspace of N cells): then ``H`` is H_B restricted to that subspace
    and ``levels`` the FULL spectrum with degeneracies (``cells_spectrum(N)``:
    ln Z = N ln(1 + exp(-beta omega_a))), never the subspace one. Default levels: eigenvalues of H.
    Round-off below ``ROUNDOFF`` is clipped to 0; a clearly negative D raises (it cannot be).
    """
    r = np.asarray(rho)
    h = np.asarray(H)
    lvl = np.linalg.eigvalsh(h) if levels is None else levels
    mean = np.real(np.einsum("...ij,ji->...", r, h))
    out = -np.asarray(von_neumann_entropy(r)) + beta * mean + log_partition(lvl, beta)
    if np.any(out < -ROUNDOFF * (1.0 + np.abs(beta * mean).max())):
        raise ValueError(f"relative entropy to the Gibbs state is negative ({np.min(out):.3e}): state outside the given spectrum?")
    out = np.maximum(out, 0.0)
    return float(out) if out.ndim == 0 else out


@qobj_io(states=("rho",), operators=("H",))
def free_energy_difference(rho: np.ndarray, H: np.ndarray, beta: float, levels: Spectrum | np.ndarray | None = None) -> np.ndarray | float:
    """F_beta(rho) - F_beta(gamma_beta) = D(rho || gamma_beta) / beta [omega_a], F = E - S / beta.

    This is W_TO, the work extractable from rho by thermal operations with a bath at beta
    (Brandao et al., PRL 111, 250404 (2013); asymptotic rate, one-shot values are smaller)."""
    return relative_entropy_to_gibbs(rho, H, beta, levels) / beta


def energy_blocks(energies: np.ndarray, tol: float = ENERGY_TOL) -> list[np.ndarray]:
    """Index sets of the eigenspaces of a diagonal Hamiltonian (energies within ``tol`` merged)."""
    e = np.asarray(energies, dtype=float)
    order = np.argsort(e, kind="stable")
    cuts = np.flatnonzero(np.diff(e[order]) > tol) + 1
    return [np.sort(b) for b in np.split(order, cuts)]


def random_energy_preserving_unitary(energies: np.ndarray, rng: np.random.Generator, tol: float = ENERGY_TOL) -> np.ndarray:
    """U = (+)_E U_E, U_E Haar random on each eigenspace of diag(energies) (1-d block: uniform phase)."""
    from scipy.stats import unitary_group  # here: scipy.stats costs ~1 s at every job start

    d = len(energies)
    U = np.zeros((d, d), dtype=complex)
    for b in energy_blocks(energies, tol):
        if len(b) == 1:
            U[b[0], b[0]] = np.exp(2j * np.pi * rng.random())
        else:
            U[np.ix_(b, b)] = unitary_group.rvs(len(b), random_state=rng)
    return U


def controlled_unitary(blocks: Sequence[np.ndarray]) -> np.ndarray:
    """U = sum_x U^(x) (x) |x><x| (the last factor X controls; ``blocks[x]`` acts on the rest).

    With [U^(x), H_rest] = 0 and H_X diagonal, U commutes with H_rest + H_X and leaves every
    diagonal state of X exactly unchanged: an exactly returned catalyst."""
    dX = len(blocks)
    d = blocks[0].shape[0]
    U = np.zeros((d, dX, d, dX), dtype=complex)
    for x, b in enumerate(blocks):
        U[:, x, :, x] = b
    return U.reshape(d * dX, d * dX)


def random_energy_preserving_permutation(energies: np.ndarray, rng: np.random.Generator, tol: float = ENERGY_TOL) -> np.ndarray:
    """U = (+)_E P_E Phi_E: a uniformly random permutation with uniform random phases inside every
    eigenspace of diag(energies). These are the extreme points (up to phases) of the block
    doubly-stochastic maps on populations, where Haar unitaries of large blocks rarely come close."""
    d = len(energies)
    U = np.zeros((d, d), dtype=complex)
    for b in energy_blocks(energies, tol):
        U[b[rng.permutation(len(b))], b] = np.exp(2j * np.pi * rng.random(len(b)))
    return U


#: sample kinds: even samples Haar on every block, odd samples random block permutations
SAMPLE_KINDS = ("haar", "permutation")


def sample_kind(index: int) -> int:
    """0 (Haar) for even sample indices, 1 (permutation with phases) for odd ones."""
    return int(index) % 2


def random_sample_unitary(energies: np.ndarray, rng: np.random.Generator, index: int) -> np.ndarray:
    """The ``index``-th sampled energy-preserving unitary (its kind from :func:`sample_kind`)."""
    if sample_kind(index) == 0:
        return random_energy_preserving_unitary(energies, rng)
    return random_energy_preserving_permutation(energies, rng)


def sample_unitaries(energies: np.ndarray, samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``samples`` random energy-preserving unitaries (S, d, d), alternating Haar and permutation
    kinds, and their commutator norms ||[U, diag(energies)]||_F (S,)."""
    Us = np.stack([random_sample_unitary(energies, rng, s) for s in range(samples)])
    return Us, commutator_norm(Us, energies)


def commutator_norm(U: np.ndarray, energies: np.ndarray) -> np.ndarray | float:
    """Frobenius norm of [U, H] for H = diag(energies): ([U, H])_ij = U_ij (E_j - E_i); U may be a stack."""
    e = np.asarray(energies, dtype=float)
    out = np.linalg.norm(U * (e[None, :] - e[:, None]), axis=(-2, -1))
    return float(out) if np.ndim(out) == 0 else out


def unitarity_error(U: np.ndarray) -> np.ndarray | float:
    """max |U U^dag - 1| (U may be a stack)."""
    out = np.abs(U @ np.swapaxes(U, -1, -2).conj() - np.eye(U.shape[-1])).max(axis=(-2, -1))
    return float(out) if np.ndim(out) == 0 else out


def conjugate(U: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """U rho U^dag, broadcasting stacks of U and of states."""
    return U @ rho @ np.swapaxes(U, -1, -2).conj()


def reduce(rho: np.ndarray, dims: Sequence[int], keep: int) -> np.ndarray:
    """Reduced state of factor ``keep`` of a (stack of) state(s) on the tensor product ``dims``."""
    dims = tuple(int(x) for x in dims)
    n = len(dims)
    r = np.asarray(rho).reshape(rho.shape[:-2] + dims + dims)
    letters = "abcdefghijklmnopqrstuvwxy"
    left = list(letters[:n])
    right = list(letters[:n])
    right[keep] = "z"
    return np.einsum(f"...{''.join(left)}{''.join(right)}->...{left[keep]}z", r)


def product_state(*factors: np.ndarray) -> np.ndarray:
    """rho_1 (x) rho_2 (x) ... (first factor slowest); the first factor may be a stack (..., d, d)."""
    out = factors[0]
    for f in factors[1:]:
        d1, d2 = out.shape[-1], f.shape[-1]
        out = np.einsum("...ab,xy->...axby", out, f).reshape(out.shape[:-2] + (d1 * d2, d1 * d2))
    return out


@qobj_io(states=("rho_B", "sigma_R"), operators=("U",), returns="rho_B")
def thermal_operation(rho_B: np.ndarray, sigma_R: np.ndarray, U: np.ndarray) -> np.ndarray:
    """rho_B' = Tr_R[U (rho_B (x) sigma_R) U^dag] (a TO when sigma_R is Gibbs and [U, H_B + H_R] = 0).

    ``rho_B`` may be a stack (..., d_B, d_B) and ``U`` a stack (S, d, d) broadcast against it."""
    dB, dR = rho_B.shape[-1], sigma_R.shape[-1]
    return reduce(conjugate(U, product_state(rho_B, sigma_R)), (dB, dR), 0)


def population_map(U: np.ndarray, q_R: np.ndarray, d_B: int) -> np.ndarray:
    """Gibbs-preserving-map view on populations: P[j, i] = sum_{r, r'} q_r |<j r'|U|i r>|^2.

    For a battery state diagonal in the energy basis, diag(rho_B') = P diag(rho_B); P is column
    stochastic and, for a TO, Gibbs preserving: P gamma_B = gamma_B (a d_B x d_B matrix instead of
    a d_B d_R square joint state: the cheap route for incoherent states). U may be a stack."""
    dR = len(q_R)
    A = (np.abs(U) ** 2).reshape(U.shape[:-2] + (d_B, dR, d_B, dR))
    return np.einsum("...jsir,r->...ji", A, np.asarray(q_R, dtype=float))


def kl_to_gibbs(p: np.ndarray, g: np.ndarray) -> np.ndarray | float:
    """Classical D(p || g) = sum_i p_i ln(p_i / g_i) [nat] (0 ln 0 = 0), over the last axis."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 1e-300, p * (np.log(np.where(p > 1e-300, p, 1.0)) - np.log(g)), 0.0)
    out = t.sum(axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def binary_entropy(t: np.ndarray) -> np.ndarray:
    """h(t) = -t ln t - (1 - t) ln(1 - t) [nat], h(0) = h(1) = 0."""
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(t > 0, -t * np.log(np.where(t > 0, t, 1.0)), 0.0)
        b = np.where(t < 1, -(1 - t) * np.log(np.where(t < 1, 1 - t, 1.0)), 0.0)
    return a + b


def catalyst_continuity_bound(trace_distance: np.ndarray, beta: float, d_X: int, spread_X: float) -> np.ndarray:
    """Upper bound on the free energy a catalyst X spends when returned within trace distance t.

    Delta F_spent = [D(sigma||g) - D(rho'||g)]/beta = T [S(rho') - S(sigma)] + Tr[(sigma - rho') H_X]
                 <= T [t ln(d_X - 1) + h(t)] + t (E_max - E_min)
    (Audenaert-Fannes, J. Phys. A 40, 8127 (2007); |Tr(Delta H)| <= t spread for traceless Delta with
    ||Delta||_1 = 2t). The battery's ergotropy from a Gibbs start is below it: t = 0 gives 0."""
    t = np.clip(np.asarray(trace_distance, dtype=float), 0.0, 1.0)
    return (t * math.log(max(d_X - 1, 1)) + binary_entropy(t)) / beta + t * spread_X
