"""Exact propagation of pure states under a time-independent Hamiltonian.

psi(t) = exp(-i H t) psi0 on a whole time grid at once (DESIGN.md, performance):

- dense diagonalisation for dim <= ``dense_max_dim`` (one eigh -- real symmetric when H
  is real -- then all time points as a matrix product);
- above it, a Lanczos (Krylov) propagator with a posteriori error control
  (:func:`krylov_advance`): one Krylov basis of dimension <= m_max built from the current
  state serves every following output time whose error estimate is below ``tol``,
      psi(t0 + tau) ~ ||psi|| V_m exp(-i T_m tau) e_1,
      err(tau) ~ ||psi|| beta_m |[exp(-i T_m tau)]_{m-1, 0}|
  (Y. Saad, SIAM J. Numer. Anal. 29, 209 (1992); R. B. Sidje, ACM TOMS 24, 130 (1998),
  Expokit). Its cost scales with the spectral width of the *state* rather than with the
  norm of H (which the Taylor-based scipy expm_multiply needs), and a real H is applied
  to real and imaginary parts as a two-column real sparse product.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh_tridiagonal

#: default absolute error per Krylov step of the state vector (2-norm)
KRYLOV_TOL = 1e-12
#: default largest Krylov dimension (memory: m_max complex vectors)
KRYLOV_M_MAX = 40


def hamiltonian_matvec(H: sp.spmatrix | np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """psi -> H psi; a real H acts on (Re psi, Im psi) as one two-column real product."""
    if sp.issparse(H):
        H = sp.csr_matrix(H)
    if not np.iscomplexobj(H) or not np.any(np.imag(H.data if sp.issparse(H) else H)):
        Hr = H.real.astype(float) if np.iscomplexobj(H) else H.astype(float)
        if sp.issparse(Hr):
            Hr = sp.csr_matrix(Hr)

        def mv(psi: np.ndarray) -> np.ndarray:
            x = np.ascontiguousarray(psi, dtype=complex).view(float).reshape(-1, 2)
            return np.ascontiguousarray(Hr @ x).view(complex).ravel()

        return mv
    Hc = H.astype(complex)
    return lambda psi: Hc @ psi


#: the fused Lanczos route checks every CHECK_EVERY iterations whether the last requested offset is reached
CHECK_EVERY = 4


def _certifiable(tol: float, beta0: float, beta_m: float) -> float:
    """The tolerance an error estimate beta0 beta_m |[exp(-i T tau)]_{m-1, 0}| can certify: the estimate is a
    sum of O(1) terms that cancel to a tiny number, so its round-off level ~2 eps beta0 beta_m exceeds 1e-12
    once beta_m ~ ||H|| > 1e4 (Dicke N = 1024); below it no step could ever be accepted."""
    return max(tol, 2 * np.finfo(float).eps * beta0 * beta_m)


def _error_at(alpha: np.ndarray, beta: np.ndarray, scale: float, tau: float) -> float:
    """Error estimate scale |[exp(-i T tau)]_{m-1, 0}| of a Krylov step with tridiagonal T (alpha, beta)."""
    theta, S = eigh_tridiagonal(alpha, beta)
    return float(scale * abs((S[-1] * np.exp(-1j * tau * theta)) @ S[0]))


def _re_inner(a: np.ndarray, b: np.ndarray) -> float:
    """Re <a|b> as one real sum over the float views. einsum, not BLAS: threaded BLAS level-1
    calls (ddot, zdotc) are pathologically slow on an oversubscribed machine."""
    return float(np.einsum("i,i->", a.view(float), b.view(float)))


_BASIS: dict[tuple[int, int], np.ndarray] = {}


def _krylov_basis(m: int, dim: int) -> np.ndarray:
    """An (m, dim) complex work array reused across Krylov steps of equal shape (one kept): a fresh
    array per step costs a page fault per 4 kB on first touch (~20% of a large-N run)."""
    key = (m, dim)
    if key not in _BASIS:
        _BASIS.clear()
        _BASIS[key] = np.empty(key, dtype=complex)
    return _BASIS[key]


def release_krylov_basis() -> None:
    """Free the cached Krylov work array."""
    _BASIS.clear()


def krylov_advance(
    matvec: Callable[[np.ndarray], np.ndarray],
    psi: np.ndarray,
    taus: np.ndarray,
    tol: float = KRYLOV_TOL,
    m_max: int = KRYLOV_M_MAX,
) -> tuple[np.ndarray, float, np.ndarray]:
    """One Krylov step from ``psi`` (at time 0) towards the increasing offsets ``taus`` > 0.

    Returns (states, tau_reached, psi_reached): ``states`` (k, dim) at the first k offsets
    whose error estimate is <= tol (k may be 0), and the state at ``tau_reached``, the
    largest offset (up to the first rejected output) with error estimate <= tol, to continue from.
    ``matvec`` is psi -> H psi, or an operator with ``expectation(u)`` = <u|H|u> and a fused
    ``lanczos_step(u, s, up, c, a, out) -> (||out||^2, <out|H|out>)``, out = s H u - c up - a u
    (``physics.dicke_stencil.DickeSectorOperator``): one pass over the vectors per iteration; its
    ``combine(Y, V)`` (= Y @ V) then forms the states.
    """
    taus = np.asarray(taus, dtype=float)
    beta0 = float(np.linalg.norm(psi))
    dim = psi.shape[0]
    m_max = int(min(m_max, dim))
    V = _krylov_basis(m_max, dim)
    alpha = np.zeros(m_max)
    beta = np.zeros(m_max)
    fused = getattr(matvec, "lanczos_step", None)
    # Lanczos vectors v_j = sig[j] V[j]: the fused route stores them unnormalised (no scaling pass)
    sig = np.ones(m_max)
    m = m_max
    beta_m = 0.0
    if fused is not None:
        V[0] = psi
        sig[0] = 1.0 / beta0
        a = sig[0] ** 2 * matvec.expectation(V[0])
        for j in range(m_max):
            alpha[j] = a
            out = V[j + 1] if j + 1 < m_max else np.empty(dim, dtype=complex)  # the last: for beta_m only
            prev = V[j - 1] if j > 0 else None
            b2, q = fused(V[j], sig[j], prev, beta[j - 1] * sig[j - 1] if j > 0 else 0.0, a * sig[j], out)
            b = float(np.sqrt(b2))
            if j + 1 == m_max or b <= 1e-14 * max(1.0, abs(a)):
                m, beta_m = j + 1, (b if j + 1 == m_max else 0.0)
                break
            if j >= 7 and j % CHECK_EVERY == 0 and _error_at(alpha[: j + 1], beta[:j], beta0 * b, taus[-1]) <= _certifiable(tol, beta0, b):
                m, beta_m = j + 1, b  # the last requested offset is reached: no more products
                break
            beta[j] = b
            sig[j + 1] = 1.0 / b
            a = q / b2  # alpha_{j+1} = <v_{j+1}|H|v_{j+1}>, v_{j+1} = out / b
    else:
        V[0] = psi / beta0
        tmp = np.empty(dim, dtype=complex)
        for j in range(m_max):
            # three-term Lanczos recurrence, in place (no temporaries of size dim)
            w = matvec(V[j])
            if j > 0:
                np.multiply(V[j - 1], beta[j - 1], out=tmp)
                w -= tmp
            a = _re_inner(V[j], w)
            np.multiply(V[j], a, out=tmp)
            w -= tmp
            alpha[j] = a
            b = float(np.sqrt(_re_inner(w, w)))
            if j + 1 == m_max or b <= 1e-14 * max(1.0, abs(alpha[j])):
                m, beta_m = j + 1, (b if j + 1 == m_max else 0.0)
                break
            beta[j] = b
            np.multiply(w, 1.0 / b, out=V[j + 1])
    theta, S = eigh_tridiagonal(alpha[:m], beta[: m - 1]) if m > 1 else (alpha[:1], np.ones((1, 1)))

    def coeffs(t: np.ndarray) -> np.ndarray:  # (len(t), m): exp(-i T t) e_1
        return (np.exp(-1j * np.outer(t, theta)) * S[0]) @ S.T

    def errors(t: np.ndarray) -> np.ndarray:
        return beta0 * beta_m * np.abs(coeffs(t)[:, m - 1])

    tol = _certifiable(tol, beta0, beta_m)
    err = errors(taus)
    k = int(np.argmax(err > tol)) if np.any(err > tol) else len(taus)
    # continue from the largest offset with err <= tol (bisection up to the first rejected
    # output), not from the last accepted output: no part of the Krylov basis is wasted
    if k == len(taus):
        reach = float(taus[-1])
    else:
        lo, hi = (float(taus[k - 1]) if k else 0.0), float(taus[k])
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            if errors(np.array([mid]))[0] <= tol:
                lo = mid
            else:
                hi = mid
        reach = lo
    if reach == 0.0:
        raise RuntimeError(
            f"Krylov step cannot advance (m = {m}, beta_m = {beta_m:.3e}, first offset {taus[0]:.3e}, error there"
            f" {errors(taus[:1])[0]:.3e}, finite T: {bool(np.all(np.isfinite(alpha[:m])) and np.all(np.isfinite(beta[: m - 1])))}):"
            " increase m_max or the tolerance"
        )
    combine = getattr(matvec, "combine", None) or (lambda Y, B: Y @ B)
    if k and reach == taus[k - 1]:  # the step ends on an output: it is also the state to continue from
        out = combine(beta0 * coeffs(taus[:k]) * sig[:m], V[:m])
        return out, reach, out[-1].copy()
    out = combine(beta0 * coeffs(np.append(taus[:k], reach)) * sig[:m], V[:m])
    return out[:k], reach, out[-1].copy()


def krylov_propagate_iter(
    H: sp.spmatrix | np.ndarray,
    psi0: np.ndarray,
    times: np.ndarray,
    tol: float = KRYLOV_TOL,
    m_max: int = KRYLOV_M_MAX,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (indices, states) blocks of psi(times[indices]) in time order (times >= 0, increasing)."""
    times = np.asarray(times, dtype=float)
    if np.any(np.diff(times) < 0) or (len(times) and times[0] < 0):
        raise ValueError("krylov propagation needs increasing times >= 0")
    mv = hamiltonian_matvec(H)
    psi = np.asarray(psi0, dtype=complex).copy()
    t, i = 0.0, 0
    while i < len(times) and times[i] == t:
        yield np.array([i]), psi[None, :].copy()
        i += 1
    while i < len(times):
        states, dt, psi = krylov_advance(mv, psi, times[i:] - t, tol, m_max)
        t += dt
        if len(states):
            yield np.arange(i, i + len(states)), states
            i += len(states)


def dense_propagate(H: sp.spmatrix | np.ndarray, psi0: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """psi(t) = V exp(-i E t) V^dagger psi0 by one eigh (real symmetric when H is real), for every t;
    returns (states (len(times), dim), eigenvalues E ascending). A real V is applied to the real and
    imaginary parts as two real products (half the flops of a complex one)."""
    Hd = H.toarray() if sp.issparse(H) else np.asarray(H)
    if np.iscomplexobj(Hd) and not np.any(Hd.imag):
        Hd = Hd.real
    e, v = np.linalg.eigh(Hd)
    psi0 = np.asarray(psi0)
    phase = np.outer(np.asarray(times, dtype=float), e)  # (nt, dim)
    if np.iscomplexobj(v):
        return (np.exp(-1j * phase) * (v.conj().T @ psi0)) @ v.T, e
    if not np.iscomplexobj(psi0) or not np.any(psi0.imag):  # real H and psi0: c real, exp(-i phase) = cos - i sin
        c = v.T @ np.real(psi0).astype(float)
        out = np.empty(phase.shape, dtype=complex)
        out.real = (np.cos(phase) * c) @ v.T
        out.imag = -(np.sin(phase) * c) @ v.T
        return out, e
    Z = np.exp(-1j * phase) * (v.T @ psi0)
    out = np.empty(Z.shape, dtype=complex)
    out.real = np.ascontiguousarray(Z.real) @ v.T
    out.imag = np.ascontiguousarray(Z.imag) @ v.T
    return out, e


def propagate(H: sp.spmatrix | np.ndarray, psi0: np.ndarray, times: np.ndarray, dense_max_dim: int = 4000) -> np.ndarray:
    """Return psi(t) for every t in ``times`` as an array of shape (len(times), dim)."""
    times = np.asarray(times, dtype=float)
    psi0 = np.asarray(psi0, dtype=complex)
    dim = psi0.shape[0]
    if dim <= dense_max_dim:  # also the fallback for tiny problems
        return dense_propagate(H, psi0, times)[0]
    out = np.empty((len(times), dim), dtype=complex)
    order = np.argsort(times, kind="stable")
    st = times[order]
    if st[0] < 0:
        raise ValueError("propagate: times must be >= 0")
    for idx, states in krylov_propagate_iter(H, psi0, st):
        out[order[idx]] = states
    return out
