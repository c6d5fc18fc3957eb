"""Lindblad generators as sparse superoperators and their exact propagation.

Master equation (Gorini, Kossakowski, Sudarshan 1976; Lindblad 1976), hbar = 1:
    drho/dt = L[rho] = -i [H, rho] + sum_k D[c_k] rho,
    D[c] rho = c rho c^dag - (1/2) {c^dag c, rho}.
Vectorisation by column stacking (as qutip): vec(A X B) = (B^T (x) A) vec(X), so
    -i [H, .]  ->  -i (1 (x) H - H^T (x) 1),
    D[c]       ->  conj(c) (x) c - (1/2) 1 (x) c^dag c - (1/2) (c^dag c)^T (x) 1.

Propagation (DESIGN.md, performance): the generator is time independent on each
charging segment, so instead of stepping an ODE solver we apply exp(L t) exactly. The
time integral R(t) = int_0^t rho(s) ds is propagated along with rho through the augmented
generator
    d/dt [rho, R] = [[L, 0], [1, 0]] [rho, R],
so that every energy flow of the first law, a linear functional of L_part[rho], integrates
exactly: int_0^t Tr(A L_part[rho]) ds = Tr(A L_part[R(t)]) (see first_law.py).
Small generators: the exponential of the augmented generator over one time step, dense,
applied repeatedly; large ones: scipy.sparse.linalg.expm_multiply (Al-Mohy and Higham,
SIAM J. Sci. Comput. 33, 488 (2011)) over the uniform grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply

#: largest superoperator dimension d^2 propagated with a dense step exponential
DENSE_SUPEROP_MAX = 64


def _csr(A) -> sp.csr_matrix:
    if hasattr(A, "data") and hasattr(A.data, "as_scipy"):  # qutip Qobj
        return sp.csr_matrix(A.data.as_scipy(), dtype=complex)
    if hasattr(A, "full") and callable(A.full):
        return sp.csr_matrix(A.full(), dtype=complex)
    return sp.csr_matrix(A, dtype=complex)


def hamiltonian_superop(H) -> sp.csr_matrix:
    """-i [H, .] as a column-stacking superoperator."""
    H = _csr(H)
    one = sp.identity(H.shape[0], dtype=complex, format="csr")
    return (-1j * (sp.kron(one, H) - sp.kron(H.T, one))).tocsr()


def dissipator_superop(c, rate: float = 1.0) -> sp.csr_matrix:
    """rate * D[c] as a column-stacking superoperator."""
    c = _csr(c)
    one = sp.identity(c.shape[0], dtype=complex, format="csr")
    cdc = (c.conj().T @ c).tocsr()
    return (rate * (sp.kron(c.conj(), c) - 0.5 * sp.kron(one, cdc) - 0.5 * sp.kron(cdc.T, one))).tocsr()


def dissipators(terms: Sequence[tuple[float, object]], dim: int) -> sp.csr_matrix:
    """sum_k rate_k D[c_k]; terms with rate 0 are skipped."""
    out = sp.csr_matrix((dim * dim, dim * dim), dtype=complex)
    for rate, c in terms:
        if rate > 0:
            out = out + dissipator_superop(c, rate)
    return out.tocsr()


def vec(rho: np.ndarray) -> np.ndarray:
    """Column-stacked vector of a matrix (or of the last two axes of a stack)."""
    rho = np.asarray(rho)
    return np.swapaxes(rho, -1, -2).reshape(rho.shape[:-2] + (-1,))


def unvec(v: np.ndarray, d: int) -> np.ndarray:
    """Inverse of :func:`vec`: (..., d*d) -> (..., d, d)."""
    v = np.asarray(v)
    return np.swapaxes(v.reshape(v.shape[:-1] + (d, d)), -1, -2)


def functional(A: np.ndarray) -> np.ndarray:
    """Row vector f with f . vec(X) = Tr(A X)."""
    return vec(np.asarray(A).T)


def _is_uniform(times: np.ndarray) -> bool:
    if len(times) < 3:
        return True
    d = np.diff(times)
    return bool(np.allclose(d, d[0], rtol=1e-12, atol=1e-14 * max(1.0, abs(times[-1]))))


def evolve(L: sp.spmatrix, v0: np.ndarray, times: np.ndarray, dense_max: int = DENSE_SUPEROP_MAX) -> tuple[np.ndarray, np.ndarray, str]:
    """vec rho(t) and vec R(t) = int_0^t vec rho(s) ds for every t of ``times`` (times[0] = 0).

    Returns (V, R, solver) with V, R of shape (len(times), D) and a text naming the method.
    """
    t = np.asarray(times, dtype=float)
    if t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError("evolve: times must start at 0 and increase")
    L = _csr(L)
    D = L.shape[0]
    nt = len(t)
    V = np.empty((nt, D), dtype=complex)
    R = np.empty((nt, D), dtype=complex)
    V[0], R[0] = v0, 0.0
    if nt == 1:
        return V, R, "none"
    if D <= dense_max:
        Ld = L.toarray()
        aug = np.zeros((2 * D, 2 * D), dtype=complex)
        aug[:D, :D] = Ld
        aug[D:, :D] = np.eye(D)
        uniform = _is_uniform(t)
        step = sla.expm(aug * (t[1] - t[0])) if uniform else None
        for i in range(1, nt):  # einsum: no BLAS call (threads only cost time at this size)
            M = step if uniform else sla.expm(aug * (t[i] - t[i - 1]))
            V[i] = np.einsum("ij,j->i", M[:D, :D], V[i - 1])
            R[i] = R[i - 1] + np.einsum("ij,j->i", M[D:, :D], V[i - 1])
        return V, R, "dense exponential of the augmented generator [[L, 0], [1, 0]] per time step (scipy.linalg.expm)"
    one = sp.identity(D, dtype=complex, format="csr")
    zero = sp.csr_matrix((D, D), dtype=complex)
    aug = sp.bmat([[L, zero], [one, zero]], format="csr")
    x0 = np.concatenate([np.asarray(v0, dtype=complex), np.zeros(D, dtype=complex)])
    if _is_uniform(t):
        X = np.asarray(expm_multiply(aug, x0, start=0.0, stop=float(t[-1]), num=nt, endpoint=True))
    else:
        X = np.empty((nt, 2 * D), dtype=complex)
        X[0] = x0
        for i in range(1, nt):
            X[i] = expm_multiply(aug * (t[i] - t[i - 1]), X[i - 1])
    return X[:, :D], X[:, D:], "scipy.sparse.linalg.expm_multiply (Al-Mohy & Higham 2011) on the augmented generator [[L, 0], [1, 0]]"


def evolve_to(L: sp.spmatrix, v0: np.ndarray, t: float, dense_max: int = DENSE_SUPEROP_MAX) -> np.ndarray:
    """vec rho(t) = exp(L t) vec rho(0) for one (possibly long) time t."""
    L = _csr(L)
    v0 = np.asarray(v0, dtype=complex)
    if L.shape[0] <= dense_max:
        return sla.expm(L.toarray() * float(t)) @ v0
    return np.asarray(expm_multiply(L * float(t), v0))


def evolve_driven(
    L0: sp.spmatrix,
    drives: Sequence[tuple[sp.spmatrix, Callable[[float], float]]],
    v0: np.ndarray,
    times: np.ndarray,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], str]:
    """vec rho(t) of drho/dt = (L0 + sum_k f_k(t) L_k) rho, with R(t) = int_0^t rho ds and
    R_k(t) = int_0^t f_k(s) rho(s) ds, for every t of ``times`` (times[0] = 0).

    A time-dependent generator has no exact exponential: the augmented linear system
        d/dt [rho, R, R_1, ..] = [(L0 + sum f_k L_k) rho, rho, f_1 rho, ..]
    is integrated by scipy's DOP853 (Hairer, Norsett, Wanner, Solving ODEs I, 8th-order
    Dormand-Prince) at ``rtol``/``atol``, so every first-law flow stays a linear functional,
    int_0^t Tr(A L_k[rho]) f_k ds = Tr(A L_k[R_k(t)]), and its residual measures the ODE error.
    Returns (V, R, [R_k], solver text).
    """
    from scipy.integrate import solve_ivp

    t = np.asarray(times, dtype=float)
    if t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError("evolve_driven: times must start at 0 and increase")
    L0 = _csr(L0)
    Ls = [_csr(L) for L, _ in drives]
    fs = [f for _, f in drives]
    D, K = L0.shape[0], len(drives)

    def rhs(s: float, y: np.ndarray) -> np.ndarray:
        v = y[:D]
        c = [float(f(s)) for f in fs]
        dv = L0 @ v
        for ck, Lk in zip(c, Ls):
            if ck:
                dv = dv + ck * (Lk @ v)
        return np.concatenate([dv, v, *(ck * v for ck in c)])

    y0 = np.concatenate([np.asarray(v0, dtype=complex), np.zeros((K + 1) * D, dtype=complex)])
    sol = solve_ivp(rhs, (0.0, float(t[-1])), y0, method="DOP853", t_eval=t, rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"evolve_driven: the ODE solver failed: {sol.message}")
    Y = sol.y.T
    parts = [Y[:, i * D : (i + 1) * D] for i in range(K + 2)]
    return parts[0], parts[1], parts[2:], f"scipy.integrate.solve_ivp DOP853 (rtol {rtol:g}, atol {atol:g}) on [rho, int rho, int f_k rho]"
