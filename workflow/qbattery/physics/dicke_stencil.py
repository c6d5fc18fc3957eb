"""Matrix-free Dicke Hamiltonian on a parity sector, with a fused Lanczos step (numba).

The operator is the one of :func:`qbattery.models.cavity_common.dicke_sector_hamiltonian`
(built there by :func:`spin_cavity.spin_boson_hamiltonian`, the package's one spin-boson builder),
applied without assembling it:

    (H u)(n, k) = (omega_c n + omega_a k) u(n, k)
                  + g sum_{n' = n +- 1} sum_{k' = k +- 1} sqrt(max(n, n')) A(min(k, k')) u(n', k'),

with A(k) = <k+1|J_+|k> of spin N/2 and g = omega_c lambda, on the sector n + k = photons (mod 2),
0 <= n < n_max, 0 <= k <= N, stored photon-number-major (the order of ``parity_sector``): row n holds
k = k0(n), k0(n) + 2, ... with k0(n) = (photons + n) mod 2. In the rows n +- 1 the start flips
(k0' = 1 - k0), so k' = k + 1 sits at column j (k0 = 0) or j + 1 (k0 = 1), and k' = k - 1 at
column j - 1 (k0 = 0) or j (k0 = 1).

Why: at N >= 256 the converged sector has 1e5-1e7 states and the Lanczos propagation needs
~1e4 products; an assembled CSR matrix streams ~60 bytes per row and product on top of the
vectors, and the numpy Lanczos recurrence makes ~8 passes over them. Here one pass applies H with
the three-term recurrence and accumulates the new vector's norm and <v_{j+1}|H|v_{j+1}> (the next
alpha, row-lagged while the rows are in cache) (:meth:`DickeSectorOperator.lanczos_step`).
``tests/test_dicke_stencil.py`` checks the operator against the assembled matrix.
"""

from __future__ import annotations

import numpy as np

from .spin_cavity import dicke_jplus

def _kernels():
    """The compiled passes (numba, cached on disk after the first compilation)."""
    from . import _dicke_stencil_kernels as kernels

    return kernels


class DickeSectorOperator:
    """H of the Dicke parity sector of |photons, g..g> with ``n_max`` Fock levels, matrix-free.

    Calling it applies H (``op(u)``); :meth:`lanczos_step` is one fused Lanczos iteration for
    :func:`qbattery.physics.propagation.krylov_advance`.
    """

    def __init__(self, N: int, n_max: int, photons: int, omega_c: float, lam: float, omega_a: float = 1.0) -> None:
        self.N, self.n_max = int(N), int(n_max)
        if self.n_max < 2:
            raise ValueError(f"DickeSectorOperator needs at least 2 Fock levels, got n_max = {n_max}")
        n = np.arange(self.n_max)
        self.k0 = ((photons + n) % 2).astype(np.int64)
        lengths = (self.N - self.k0) // 2 + 1
        self.off = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.dim = int(self.off[-1])
        self.shape = (self.dim, self.dim)
        self.omega_c, self.omega_a, self.g = float(omega_c), float(omega_a), float(omega_c) * float(lam)
        self.amp = np.ascontiguousarray(dicke_jplus(self.N) if self.N else np.zeros(1))
        self.sq = np.sqrt(np.arange(self.n_max + 1, dtype=float))
        # per float position f of a row starting at k0 = kk: k = kk + 2 (f // 2)
        f = np.arange(2 * (self.N // 2 + 2))
        self.tables = []
        for name in ("plus", "minus", "diag"):
            T = np.zeros((2, f.size))
            for kk in (0, 1):
                k = kk + 2 * (f // 2)
                ok = k <= self.N
                if name == "plus":
                    T[kk, ok & (k < self.N)] = self.g * self.amp[k[ok & (k < self.N)]]
                elif name == "minus":
                    T[kk, ok & (k >= 1)] = self.g * self.amp[k[ok & (k >= 1)] - 1]
                else:
                    T[kk, ok] = self.omega_a * k[ok]
            self.tables.append(T)
        self._k = _kernels()
        # row chunks of the fused pass: a few per thread (load balance), each >= 3 rows
        import numba

        parts = max(1, min(4 * numba.get_num_threads(), self.n_max // 8))
        self.chunks = np.unique(np.linspace(0, self.n_max, parts + 1).astype(np.int64))

    def _args(self) -> tuple:
        return (self.off, self.k0, self.N, self.n_max, self.omega_c, self.omega_a, self.g, self.amp, self.sq, *self.tables)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        """H u."""
        u = np.ascontiguousarray(u, dtype=complex)
        out = np.empty_like(u)
        self._k.step_pass(u.view(np.float64), 1.0, u.view(np.float64), 0.0, 0.0, out.view(np.float64), self.chunks, *self._args())
        return out

    def expectation(self, u: np.ndarray) -> float:
        """Re <u|H|u> in one read-only pass."""
        return float(self._k.quad_pass(np.ascontiguousarray(u, dtype=complex).view(np.float64), *self._args()))

    def combine(self, Y: np.ndarray, V: np.ndarray) -> np.ndarray:
        """Y @ V (complex (k, m) by (m, dim)) on the kernel's threads: the states of a Krylov step."""
        out = np.empty((Y.shape[0], V.shape[1]), dtype=complex)
        self._k.combine(np.ascontiguousarray(Y.real), np.ascontiguousarray(Y.imag), V.view(np.float64), out.view(np.float64), 2048)
        return out

    def lanczos_step(
        self, u: np.ndarray, s: float, up: np.ndarray | None, c: float, a: float, out: np.ndarray
    ) -> tuple[float, float]:
        """out = s H u - c up - a u (with v = s u the current Lanczos vector, stored unnormalised, the
        previous one entering as c up and a = alpha s, alpha = <v|H|v>) in one pass over the vectors;
        returns (||out||^2, Re <out|H|out>), from which the next alpha follows without another pass."""
        f = lambda x: x.view(np.float64)  # noqa: E731
        w2, q = self._k.step_pass(f(u), s, f(u if up is None else up), c if up is not None else 0.0, a, f(out), self.chunks, *self._args())
        return float(w2), float(q)
