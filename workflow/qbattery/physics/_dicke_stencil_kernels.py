"""numba kernels of :mod:`qbattery.physics.dicke_stencil` (module level, so numba caches them on disk).

Imported lazily: only the large-N Dicke route compiles them. Threads: numba's pool, limited to
``QBATTERY_THREADS`` or ``OMP_NUM_THREADS`` when set (Snakemake sets the latter to a job's threads).
"""

from __future__ import annotations

import os

import numba
import numpy as np
from numba import njit, prange

_threads = os.environ.get("QBATTERY_THREADS") or os.environ.get("OMP_NUM_THREADS")
if _threads and _threads.isdigit() and int(_threads) >= 1:
    numba.set_num_threads(min(int(_threads), numba.config.NUMBA_NUM_THREADS))


@njit(cache=True)
def site(u, s, up, c, a_, out, write, i, k, jp, jm, od, ou, sd, su, diag, g, amp, N):  # pragma: no cover
    # one (n, k) entry on the float views (re at 2i, im at 2i + 1); a missing neighbour has weight 0.
    # write: out_i = s (H u)_i - c up_i - a_ u_i, returns |out_i|^2; else returns Re(u_i^* (H u)_i)
    ar = 0.0
    ai = 0.0
    if k < N:
        a = amp[k]
        ar += a * (sd * u[2 * (od + jp)] + su * u[2 * (ou + jp)])
        ai += a * (sd * u[2 * (od + jp) + 1] + su * u[2 * (ou + jp) + 1])
    if k >= 1:
        a = amp[k - 1]
        ar += a * (sd * u[2 * (od + jm)] + su * u[2 * (ou + jm)])
        ai += a * (sd * u[2 * (od + jm) + 1] + su * u[2 * (ou + jm) + 1])
    xr = u[2 * i]
    xi = u[2 * i + 1]
    hr = diag * xr + g * ar
    hi = diag * xi + g * ai
    if not write:
        return xr * hr + xi * hi
    wr = s * hr - c * up[2 * i] - a_ * xr
    wi = s * hi - c * up[2 * i + 1] - a_ * xi
    out[2 * i] = wr
    out[2 * i + 1] = wi
    return wr * wr + wi * wi


@njit(cache=True, fastmath=True)
def interior_quad(x, b0, c0, bm, cm, ap, am, dk, sd, su, d0):  # pragma: no cover - compiled
    # contiguous float slices of one row: sum x (H x). A separate function on 1-D slices is what lets
    # LLVM vectorise the loop (~3x against indexing the whole vector).
    p = 0.0
    for f in range(x.size):
        p += x[f] * ((d0 + dk[f]) * x[f] + ap[f] * (sd * b0[f] + su * c0[f]) + am[f] * (sd * bm[f] + su * cm[f]))
    return p


@njit(cache=True, fastmath=True)
def interior_step(x, b0, c0, bm, cm, y, o, ap, am, dk, sd, su, d0, s, c, a_):  # pragma: no cover - compiled
    # o = s (H x) - c y - a_ x on contiguous float slices of one row; returns sum o^2
    p = 0.0
    for f in range(x.size):
        w = s * ((d0 + dk[f]) * x[f] + ap[f] * (sd * b0[f] + su * c0[f]) + am[f] * (sd * bm[f] + su * cm[f])) - c * y[f] - a_ * x[f]
        o[f] = w
        p += w * w
    return p


@njit(cache=True)
def row(u, s, up, c, a_, out, write, n, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK):  # pragma: no cover
    """Row n (fixed photon number) of the pass: write: out = s H u - c up - a_ u there, returns its
    |out|^2; else returns its part of Re <u, H u>. u, up, out: float views (2 dim) of complex vectors;
    AP/AM/DK[kk, f]: g A(k), g A(k - 1), omega_a k at float position f (k = kk + 2 (f // 2)) of a row
    starting at k0 = kk."""
    o = off[n]
    length = off[n + 1] - o
    kk = k0[n]
    # rows n - 1 and n + 1 (start k0' = 1 - kk); a missing row gets weight 0 and the other's offset
    sd = sq[n]
    su = sq[n + 1] if n + 1 < n_max else 0.0
    od = off[n - 1] if n >= 1 else off[n + 1]
    ou = off[n + 1] if n + 1 < n_max else off[n - 1]
    diag0 = wc * n
    j_lo = 1 - kk  # first column with k >= 1
    j_hi = min((N - kk - 1) // 2, length - 1)  # last column with k < N
    part = 0.0
    for j in range(0, min(j_lo, length)):
        k = kk + 2 * j
        part += site(u, s, up, c, a_, out, write, o + j, k, j + kk, j - 1 + kk, od, ou, sd, su, diag0 + wa * k, g, amp, N)
    if j_hi >= j_lo:
        f0, f1 = 2 * j_lo, 2 * (j_hi + 1)
        a, b, e = 2 * o + f0, 2 * (od + kk) + f0, 2 * (ou + kk) + f0
        m = f1 - f0
        x, b0, c0, bm, cm = u[a : a + m], u[b : b + m], u[e : e + m], u[b - 2 : b + m - 2], u[e - 2 : e + m - 2]
        ap, am, dk = AP[kk, f0:f1], AM[kk, f0:f1], DK[kk, f0:f1]
        if write:
            part += interior_step(x, b0, c0, bm, cm, up[a : a + m], out[a : a + m], ap, am, dk, sd, su, diag0, s, c, a_)
        else:
            part += interior_quad(x, b0, c0, bm, cm, ap, am, dk, sd, su, diag0)
    for j in range(max(j_hi + 1, j_lo), length):
        k = kk + 2 * j
        part += site(u, s, up, c, a_, out, write, o + j, k, j + kk, j - 1 + kk, od, ou, sd, su, diag0 + wa * k, g, amp, N)
    return part


@njit(parallel=True, cache=True, nogil=True)
def quad_pass(u, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK):  # pragma: no cover - compiled
    """Re <u, H u> (read only)."""
    total = 0.0
    for n in prange(n_max):
        total += row(u, 1.0, u, 0.0, 0.0, u, False, n, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK)
    return total


@njit(parallel=True, cache=True, nogil=True)
def step_pass(u, s, up, c, a_, out, chunks, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK):  # pragma: no cover
    """out = s H u - c up - a_ u; returns (||out||^2, Re <out, H out>) from one pass over the vectors.

    The rows are split at ``chunks`` (increasing, chunks[0] = 0, chunks[-1] = n_max), one chunk per
    task, processed in order: once row n of out is written, row n - 1 has all its neighbours and its
    part of <out, H out> is taken while they are still in cache. The first and last row of each chunk
    (neighbours in other chunks) are added after the parallel loop."""
    nc = chunks.size - 1
    norms = np.zeros(nc)
    quads = np.zeros(nc)
    for t in prange(nc):
        r0, r1 = chunks[t], chunks[t + 1]
        w2 = 0.0
        q = 0.0
        for n in range(r0, r1):
            w2 += row(u, s, up, c, a_, out, True, n, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK)
            if n - 1 > r0:
                q += row(out, 1.0, out, 0.0, 0.0, out, False, n - 1, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK)
        norms[t] = w2
        quads[t] = q
    q = quads.sum()
    for t in range(nc):  # rows whose neighbours lie in other chunks: every row is counted once
        r0, r1 = chunks[t], chunks[t + 1]
        q += row(out, 1.0, out, 0.0, 0.0, out, False, r0, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK)
        if r1 - 1 > r0:
            q += row(out, 1.0, out, 0.0, 0.0, out, False, r1 - 1, off, k0, N, n_max, wc, wa, g, amp, sq, AP, AM, DK)
    return norms.sum(), q


@njit(parallel=True, cache=True, fastmath=True, nogil=True)
def combine(Yr, Yi, Vf, out, chunk):  # pragma: no cover - compiled
    """out[r] = sum_j (Yr + i Yi)[r, j] V[j] on float views (Vf (m, 2 dim), out (k, 2 dim)): the states
    of a Krylov step formed from its basis, in column chunks over the same threads as the passes
    (BLAS runs with one thread in the jobs and the benchmarks)."""
    k, m = Yr.shape
    n2 = Vf.shape[1]
    nchunks = (n2 // 2 + chunk - 1) // chunk
    for c in prange(nchunks):
        lo = 2 * c * chunk
        hi = min(n2, lo + 2 * chunk)
        for r in range(k):
            o = out[r, lo:hi]
            o[:] = 0.0
            for j in range(m):
                yr = Yr[r, j]
                yi = Yi[r, j]
                v = Vf[j, lo:hi]
                for f in range(0, hi - lo, 2):
                    vr = v[f]
                    vi = v[f + 1]
                    o[f] += yr * vr - yi * vi
                    o[f + 1] += yr * vi + yi * vr
    return out
