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
SIAM J. Sci. Comput. 33, 488 (2011)) over the uniform grid. :func:`krylov_evolve`: Krylov time
stepping (Expokit) with the integrals of chosen functionals as extra components, for large
generators whose 1-norm overstates the work (the Dicke-basis ensembles at large N).
"""

from __future__ import annotations

import math
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


#: Krylov dimension and local error per unit time (absolute, 2-norm of vec rho) of krylov_evolve
KRYLOV_DIM = 30
KRYLOV_TOL = 1e-13
#: largest augmented dimension D + k exponentiated densely by krylov_evolve
KRYLOV_DENSE_MAX = 64
#: classical Gram-Schmidt is repeated when the projection cancels more than this fraction of a vector
REORTH_RATIO = 0.1


def krylov_evolve(
    L: sp.spmatrix,
    v0: np.ndarray,
    times: np.ndarray,
    functionals: np.ndarray | None = None,
    m: int | None = None,
    tol: float | None = None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """exp(L t) v0 at every t of ``times`` (times[0] = 0) and the exact time integrals
    int_0^t g_k . v(s) ds of the rows g_k of ``functionals`` (k x D), by Krylov time stepping.

    Arnoldi (classical Gram-Schmidt, repeated when the projection cancels more than 90% of a
    vector's norm) with the step-size control and corrected scheme of Expokit's expv (R. B. Sidje,
    ACM TOMS 24, 130 (1998); Y. Saad, SIAM J. Numer. Anal. 29, 209 (1992)): each step takes the
    largest time for which the a posteriori error estimate stays below ``tol`` x step (absolute,
    in the 2-norm of v); the output times inside a step come from the same Krylov basis (dense
    output, exp(tau H_m) of the small Hessenberg matrix). The integrals are propagated exactly as
    extra components of the augmented generator [[L, 0], [G, 0]] (as :func:`evolve` does with
    R = int rho), so the first law of every flow written through them holds to the propagation
    error. For generators whose Krylov subspaces adapt to the state better than the 1-norm bound
    of :func:`evolve` (Al-Mohy & Higham's Taylor degree grows with ||L||_1 t). Returns (V (nt, D),
    integrals (nt, k), solver text).
    """
    from scipy.linalg.blas import get_blas_funcs

    m = KRYLOV_DIM if m is None else int(m)
    tol = KRYLOV_TOL if tol is None else float(tol)
    t = np.asarray(times, dtype=float)
    if t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError("krylov_evolve: times must start at 0 and increase")
    L = sp.csr_matrix(L)
    n = L.shape[0]
    G = np.zeros((0, n)) if functionals is None else np.atleast_2d(np.asarray(functionals))
    k = G.shape[0]
    dtype = np.result_type(L.dtype, np.asarray(v0).dtype, G.dtype, float)
    t_out = float(t[-1])
    # the integrals enter scaled so that they stay ~ |v|: the error control then weighs them like v
    g_scale = 1.0 / (max(1.0, t_out) * max(1.0, float(np.abs(G).sum(axis=1).max(initial=0.0))))
    Gs = (G * g_scale).astype(dtype)
    nt = t.size
    X = np.empty((nt, n), dtype=dtype)  # v(t)
    Z = np.empty((nt, k), dtype=dtype)  # scaled integrals
    x = np.array(v0, dtype=dtype)
    z = np.zeros(k, dtype=dtype)
    X[0], Z[0] = x, z
    text = f"Krylov exponential (Expokit expv step control, m = {m}, local error {tol:g} per unit time) on [rho, int g_k . rho]"
    if nt == 1 or n == 0:
        return X, Z / g_scale, text
    if n + k <= KRYLOV_DENSE_MAX:  # small: the dense exponential of the augmented generator, step by step
        A = np.zeros((n + k, n + k), dtype=dtype)
        A[:n, :n] = L.toarray()
        A[n:, :n] = Gs
        y = np.concatenate([x, z])
        uniform = _is_uniform(t)
        step = sla.expm(A * (t[1] - t[0])) if uniform else None
        for i in range(1, nt):
            y = (step if uniform else sla.expm(A * (t[i] - t[i - 1]))) @ y
            X[i], Z[i] = y[:n], y[n:]
        return X, Z / g_scale, "dense exponential of the augmented generator [[L, 0], [G, 0]] per time step (scipy.linalg.expm)"
    m = max(1, min(m, n + k))
    anorm = max(float(abs(L).sum(axis=1).max()), float(np.abs(Gs).sum(axis=1).max(initial=0.0)), 1e-300)
    breakdown = 1e-14 * max(anorm, 1.0)
    gamma, delta, max_reject = 0.9, 1.2, 30
    beta = math.hypot(float(np.linalg.norm(x)), float(np.linalg.norm(z)))
    fact = (((m + 1) / math.e) ** (m + 1)) * math.sqrt(2 * math.pi * (m + 1))
    t_new = (1.0 / anorm) * ((fact * tol) / (4.0 * max(beta, 1e-300) * anorm)) ** (1.0 / m)
    # Krylov basis: state part V (m + 1, n) and integral part W (m + 1, k) of each vector
    V = np.empty((m + 1, n), dtype=dtype)
    W = np.empty((m + 1, k), dtype=dtype)
    (gemv,) = get_blas_funcs(("gemv",), (V,))
    cplx = np.iscomplexobj(V)

    def project(j: int, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        """h = B^dag [p; q] over the basis vectors 0..j, and [p; q] -= B h in place (BLAS gemv)."""
        B = V[: j + 1].T  # (n, j + 1), Fortran order: no copy
        h = gemv(1.0, B, p, trans=2 if cplx else 1)
        if k:
            h = h + (W[: j + 1].conj() @ q)
            q -= W[: j + 1].T @ h
        gemv(-1.0, B, h, beta=1.0, y=p, overwrite_y=True)
        return h

    t_now, nxt, steps, nmv = 0.0, 1, 0, 0
    while nxt < nt:
        if beta == 0.0:  # the zero state stays zero
            X[nxt:], Z[nxt:] = 0.0, 0.0
            break
        t_step = min(t_out - t_now, t_new)
        H = np.zeros((m + 2, m + 2), dtype=dtype)
        np.divide(x, beta, out=V[0])
        W[0] = z / beta
        mb, k1 = m, 2
        for j in range(m):
            p = L @ V[j]
            q = Gs @ V[j]
            nmv += 1
            h = project(j, p, q)
            s = math.hypot(float(np.linalg.norm(p)), float(np.linalg.norm(q)))
            # |p| before the projection is sqrt(s^2 + |h|^2); a cancellation beyond REORTH_RATIO
            # loses orthogonality ~ eps |p| / s: project once more ("twice is enough")
            if s < REORTH_RATIO * math.sqrt(s * s + float(np.vdot(h, h).real)):
                h = h + project(j, p, q)
                s = math.hypot(float(np.linalg.norm(p)), float(np.linalg.norm(q)))
            H[: j + 1, j] = h
            if s <= breakdown:  # invariant subspace: exact for any step
                k1, mb = 0, j + 1
                t_step = t_out - t_now
                break
            H[j + 1, j] = s
            np.divide(p, s, out=V[j + 1])
            W[j + 1] = q / s
        if k1:
            H[m + 1, m] = 1.0
            av_norm = math.hypot(float(np.linalg.norm(L @ V[m])), float(np.linalg.norm(Gs @ V[m])))
            nmv += 1
        for _ in range(max_reject):
            F = sla.expm(t_step * H[: mb + k1, : mb + k1])
            if k1 == 0:
                err, xm = 0.0, 1.0 / m
                break
            phi1, phi2 = abs(beta * F[m, 0]), abs(beta * F[m + 1, 0] * av_norm)
            if phi1 > 10.0 * phi2:
                err, xm = phi2, 1.0 / m
            elif phi1 > phi2:
                err, xm = phi1 * phi2 / (phi1 - phi2), 1.0 / m
            else:
                err, xm = phi1, 1.0 / max(m - 1, 1)
            if err <= delta * t_step * tol:
                break
            t_step = gamma * t_step * (t_step * tol / err) ** xm
        else:
            raise RuntimeError(f"krylov_evolve: no step meets the error tolerance {tol:g} at t = {t_now:g}")
        mx = mb + max(0, k1 - 1)
        t_end = t_out if t_out - (t_now + t_step) <= 1e-13 * max(1.0, t_out) else t_now + t_step
        inside = [i for i in range(nxt, nt) if t[i] <= t_end + 1e-13 * max(1.0, t_out)]
        if inside:
            C = np.empty((len(inside), mx), dtype=dtype)
            for r, i in enumerate(inside):
                tau = t[i] - t_now
                C[r] = F[:mx, 0] if abs(tau - t_step) <= 1e-14 * max(1.0, t_out) else sla.expm(tau * H[: mb + k1, : mb + k1])[:mx, 0]
            C *= beta
            X[inside[0] : inside[-1] + 1] = C @ V[:mx]
            Z[inside[0] : inside[-1] + 1] = C @ W[:mx]
            nxt = inside[-1] + 1
        c = beta * F[:mx, 0]
        x, z = c @ V[:mx], c @ W[:mx]
        beta = math.hypot(float(np.linalg.norm(x)), float(np.linalg.norm(z)))
        t_now = t_end
        steps += 1
        t_new = gamma * t_step * (t_step * tol / err) ** xm if err > 0 else 2.0 * max(t_step, 1e-300) + (t_out - t_now)
    text += f"; {steps} steps, {nmv} products with L"
    return X, Z / g_scale, text
