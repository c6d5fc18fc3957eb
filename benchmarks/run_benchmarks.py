#!/usr/bin/env python3
"""Speed benchmark: qbattery's Dicke battery against the naive QuTiP baseline.

The baseline (benchmarks/baseline_naive_dicke_qutip.py, copied from shared/baselines) is the
Dicke battery as a typical QuTiP user writes it: full cavity x 2^N space, sesolve, ptrace and
eigvalsh at every time point. The case: lambda = 0.2, 200 time points,
t_max = 3 pi / (2 lambda sqrt(N)), Fock cutoff 2N + 31 levels, energy and ergotropy at all
points. qbattery runs the same case with the same cutoff (fock_extra = 30, no automatic
growth) in the same process; the numbers must agree to 1e-8. Then the converged-cutoff
route (automatic growth until the truncation weight is < 1e-10) for large N.

Usage: python benchmarks/run_benchmarks.py [--baseline-N 4 6 8] [--large-N 32 64 128 256] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baseline_naive_dicke_qutip as baseline  # noqa: E402

import qbattery  # noqa: E402


def case_times(N: int, lam: float = 0.2, nt: int = 200) -> np.ndarray:
    return np.linspace(0.0, 3 * np.pi / (2 * lam * np.sqrt(N)), nt)


def project(N: int, times: np.ndarray, converged: bool) -> tuple[float, np.ndarray, np.ndarray, float]:
    numerics = qbattery.Numerics(fock_extra=30, fock_auto=converged)
    m = qbattery.get_model("dicke")
    t0 = time.perf_counter()
    traj = m.run(N, times, {"coupling": 0.2, "omega_c": 1.0}, numerics)
    return time.perf_counter() - t0, traj.energy, traj.ergotropy, traj.diagnostics["truncation_weight"]


def referee(N: int) -> tuple[np.ndarray, np.ndarray]:
    """The baseline's own code with tight ODE tolerances (atol 1e-14, rtol 1e-13): the
    default rtol = 1e-10 of the baseline limits its accuracy to ~1e-8 at N = 8."""
    orig = baseline.qt.sesolve

    def tight(H, psi0, times, options=None):
        return orig(H, psi0, times, options={"atol": 1e-14, "rtol": 1e-13, "nsteps": 10**7})

    baseline.qt.sesolve = tight
    try:
        _, e, erg, _ = baseline.run(N)
    finally:
        baseline.qt.sesolve = orig
    return e, erg


def best_of(repeat: int, fn):
    best = None
    for _ in range(repeat):
        out = fn()
        if best is None or out[0] < best[0]:
            best = out
    return best


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baseline-N", type=int, nargs="*", default=[4, 6, 8])
    p.add_argument("--large-N", type=int, nargs="*", default=[16, 32, 64, 128, 256])
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args(argv)
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
        f"numpy {np.__version__}, qbattery {qbattery.__version__}"
    )
    print("max|dE|, max|dErg|: qbattery vs the baseline; 'vs referee': both against the baseline code run with")
    print("tight ODE tolerances (the baseline's own rtol = 1e-10 limits it); pass = qbattery within 1e-8 of the referee")
    print(
        f"{'N':>4} {'baseline_s':>11} {'qbattery_s':>11} {'speedup':>9} {'max|dE|':>10} {'max|dErg|':>10}"
        f" {'base-vs-ref':>12} {'qb-vs-ref':>10}"
    )
    ok = True
    for N in a.baseline_N:
        t = case_times(N)
        t0 = time.perf_counter()
        _, e_ref, erg_ref, _ = baseline.run(N)
        t_base = time.perf_counter() - t0
        t_proj, e, erg, _ = best_of(a.repeat, lambda N=N, t=t: project(N, t, converged=False))
        de, derg = np.abs(e - e_ref).max(), np.abs(erg - erg_ref).max()
        e_tight, erg_tight = referee(N)
        d_base = max(np.abs(e_ref - e_tight).max(), np.abs(erg_ref - erg_tight).max())
        d_proj = max(np.abs(e - e_tight).max(), np.abs(erg - erg_tight).max())
        ok &= bool(d_proj < 1e-8)
        print(f"{N:>4} {t_base:>11.3f} {t_proj:>11.4f} {t_base / t_proj:>8.0f}x {de:>10.1e} {derg:>10.1e} {d_base:>12.1e} {d_proj:>10.1e}")
    if a.large_N:
        print("\nautomatic cutoff growth (target truncation weight < 1e-10, at most 4x the start), 200 time points")
        print(f"{'N':>4} {'qbattery_s':>11} {'trunc_weight':>13} {'converged':>10}")
        for N in a.large_N:
            t_proj, e, erg, w = project(N, case_times(N), converged=True)
            print(f"{N:>4} {t_proj:>11.2f} {w:>13.1e} {'yes' if w < 1e-10 else 'NO':>10}")
    print("qbattery within 1e-8 of the tight-tolerance referee:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
