#!/usr/bin/env python3
"""Speed benchmark: qbattery against the naive QuTiP baseline, large-N Dicke, and scaling of every model.

1. Baseline: benchmarks/baseline_naive_dicke_qutip.py (copied from shared/baselines) is the Dicke
   battery as a typical QuTiP user writes it: full cavity x 2^N space, sesolve, ptrace and
   eigvalsh at every time point. The case: lambda = 0.2, 200 time points,
   t_max = 3 pi / (2 lambda sqrt(N)), Fock cutoff 2N + 31 levels, energy and ergotropy at all
   points. qbattery runs the same case with the same cutoff (fock_extra = 30, no automatic
   growth) in the same process; both are compared with the baseline's code run with tight
   ODE tolerances (referee) and must agree with it to 1e-8.
2. Large N: the Dicke model with a converged cutoff (automatic growth until the
   truncation weight, max over time of the top-two-Fock-level population, is < 1e-10); for
   the largest N an independent rerun with a fixed cutoff 50% larger checks energy and
   ergotropy (agreement to 1e-8 required).
3. Scaling (--scaling): wall time and peak memory (max RSS of a fresh process per run) vs
   N for every model, as a CSV table and a log-log figure.

BLAS threads: --blas-threads (default 1) sets OPENBLAS/OMP/MKL_NUM_THREADS before numpy is
imported. Threaded OpenBLAS level-1/level-3 calls on small operands are many times slower
on an oversubscribed machine; the workload here is memory-bound sparse algebra.

Usage: python benchmarks/run_benchmarks.py [--baseline-N 4 6 8] [--large-N 16 32 64 128 256]
       [--verify-N 256] [--repeat 3] [--scaling] [--out benchmarks/measured]
"""

from __future__ import annotations

import os
import sys


def _preparse_threads(argv: list[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--blas-threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--blas-threads="):
            return a.split("=", 1)[1]
    return "1"


_THREADS = _preparse_threads(sys.argv[1:])
if _THREADS != "auto":
    for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_v] = _THREADS

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "workflow"))
import baseline_naive_dicke_qutip as baseline  # noqa: E402

import qbattery  # noqa: E402

#: N grids of the scaling study (per model); the largest entries are the issue's targets
SCALING_N = {
    "dicke": [8, 16, 32, 64, 128, 256],
    "tavis_cummings": [8, 16, 32, 64, 128, 256],
    "parallel": [8, 16, 32, 64, 128, 256],
    "spin_chain": [8, 10, 12, 14, 16, 18],
    "spin_chain_parallel": [8, 16, 32, 64, 128, 256],
    "charger_mediated_tls": [2, 8, 32, 128, 512],
    "charger_mediated_osc": [2, 8, 32, 128, 256],
    "charger_mediated_ho": [2, 8, 32, 128, 256],
}
LAM = 0.2
#: parameters of the scaling study that differ from the model defaults (as in config/config.yaml)
SCALING_PARAMS = {"spin_chain": {"anisotropy": 0.5}}


def case_times(N: int, lam: float = LAM, nt: int = 200) -> np.ndarray:
    """The baseline's grid: 200 points up to t_max = 3 pi / (2 lambda sqrt N)."""
    return np.linspace(0.0, 3 * np.pi / (2 * lam * np.sqrt(N)), nt)


def project(N: int, times: np.ndarray, converged: bool, **numerics) -> tuple[float, object]:
    num = qbattery.Numerics(fock_extra=30, fock_auto=converged, **numerics)
    m = qbattery.get_model("dicke")
    t0 = time.perf_counter()
    traj = m.run(N, times, {"coupling": LAM, "omega_c": 1.0}, num)
    return time.perf_counter() - t0, traj


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


def baseline_section(Ns: list[int], repeat: int) -> bool:
    print("\n## qbattery vs the naive QuTiP baseline (same case, same cutoff 2N+31, same process)")
    print("max|dE|, max|dErg|: qbattery vs the baseline; 'vs referee': against the baseline code run with")
    print("tight ODE tolerances (the baseline's own rtol = 1e-10 limits it); pass = qbattery within 1e-8 of the referee")
    print(
        f"{'N':>4} {'baseline_s':>11} {'qbattery_s':>11} {'speedup':>9} {'max|dE|':>10} {'max|dErg|':>10}"
        f" {'base-vs-ref':>12} {'qb-vs-ref':>10}"
    )
    ok = True
    for N in Ns:
        t = case_times(N)
        t0 = time.perf_counter()
        _, e_ref, erg_ref, _ = baseline.run(N)
        t_base = time.perf_counter() - t0
        t_proj, traj = best_of(repeat, lambda N=N, t=t: project(N, t, converged=False))
        e, erg = traj.energy, traj.ergotropy
        de, derg = np.abs(e - e_ref).max(), np.abs(erg - erg_ref).max()
        e_tight, erg_tight = referee(N)
        d_base = max(np.abs(e_ref - e_tight).max(), np.abs(erg_ref - erg_tight).max())
        d_proj = max(np.abs(e - e_tight).max(), np.abs(erg - erg_tight).max())
        ok &= bool(d_proj < 1e-8)
        print(f"{N:>4} {t_base:>11.3f} {t_proj:>11.4f} {t_base / t_proj:>8.0f}x {de:>10.1e} {derg:>10.1e} {d_base:>12.1e} {d_proj:>10.1e}")
    print("qbattery within 1e-8 of the tight-tolerance referee:", "yes" if ok else "NO")
    return ok


def large_n_section(Ns: list[int], verify: list[int]) -> bool:
    print("\n## Dicke, converged Fock cutoff (truncation weight < 1e-10, grown during the run), 200 time points")
    print(f"{'N':>4} {'wall_s':>8} {'cutoff':>7} {'trunc_weight':>13} {'norm_err':>9} {'max E':>10} {'max Erg':>10} {'converged':>10}")
    ok = True
    for N in Ns:
        t_proj, traj = project(N, case_times(N), converged=True)
        w = traj.diagnostics["truncation_weight"]
        conv = w < 1e-10
        ok &= conv
        print(
            f"{N:>4} {t_proj:>8.2f} {traj.diagnostics['fock_cutoff']:>7.0f} {w:>13.1e} {traj.diagnostics['norm_error']:>9.1e}"
            f" {traj.energy.max():>10.4f} {traj.ergotropy.max():>10.4f} {'yes' if conv else 'NO':>10}"
        )
        if N in verify:
            cut = int(np.ceil(1.5 * traj.diagnostics["fock_cutoff"]))
            num = qbattery.Numerics(fock_extra=cut - (2 * N + 1), fock_auto=False)
            t0 = time.perf_counter()
            ref = qbattery.get_model("dicke").run(N, case_times(N), {"coupling": LAM, "omega_c": 1.0}, num)
            t_ver = time.perf_counter() - t0
            d = max(np.abs(ref.energy - traj.energy).max(), np.abs(ref.ergotropy - traj.ergotropy).max())
            ok &= bool(d < 1e-8)
            print(
                f"     check: fixed cutoff {cut} (+50%), {t_ver:.1f} s, trunc weight {ref.diagnostics['truncation_weight']:.1e}:"
                f" max |dE|, |dErg| = {d:.1e} {'(< 1e-8: yes)' if d < 1e-8 else '(NO)'}"
            )
    return ok


def _model_times(name: str, N: int) -> np.ndarray:
    if name in ("dicke", "tavis_cummings", "parallel"):
        return case_times(N)
    return np.linspace(0.0, 10.0, 200)


def one_run(name: str, N: int) -> dict:
    """One model run (in this process): wall time and peak memory."""
    import resource

    m = qbattery.get_model(name)
    times = _model_times(name, N)
    t0 = time.perf_counter()
    traj = m.run(N, times, {**m.defaults(), **SCALING_PARAMS.get(name, {})}, qbattery.Numerics())
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB -> MiB
    return {"model": name, "N": N, "wall_s": wall, "peak_mb": rss, "diagnostics": {k: float(v) for k, v in traj.diagnostics.items()}}


def scaling_section(out: Path, models: list[str], timeout: float) -> None:
    print("\n## Scaling: wall time and peak memory (fresh process per run) vs N, 200 time points, default parameters")
    print("(cavity models: the baseline grid up to 3 pi / (2 lambda sqrt N); others: t in [0, 10]; spin_chain: Delta = 0.5)")
    rows = []
    print(f"{'model':>22} {'N':>4} {'wall_s':>9} {'peak_MB':>8}  diagnostics")
    smoke = os.environ.get("QB_SCALING_SMOKE") == "1"  # test hook: the smallest N of each model only
    for name in models:
        for N in SCALING_N.get(name, [])[: 1 if smoke else None]:
            cmd = [sys.executable, __file__, "--one", name, str(N), "--blas-threads", _THREADS]
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                print(f"{name:>22} {N:>4} {'>' + str(int(timeout)):>9} {'':>8}  (timeout: larger N skipped)")
                break
            if p.returncode != 0:
                print(f"{name:>22} {N:>4} {'failed':>9}  {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ''}")
                break
            r = json.loads(p.stdout.strip().splitlines()[-1])
            rows.append(r)
            diag = ", ".join(f"{k}={v:.3g}" for k, v in r["diagnostics"].items())
            print(f"{name:>22} {N:>4} {r['wall_s']:>9.3f} {r['peak_mb']:>8.0f}  {diag}")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "scaling.csv", "w") as f:
        f.write("model,N,wall_s,peak_mb\n")
        for r in rows:
            f.write(f"{r['model']},{r['N']},{r['wall_s']:.4f},{r['peak_mb']:.1f}\n")
    _figure(rows, out / "scaling.pdf", out / "scaling.png")
    print(f"table: {out / 'scaling.csv'}, figure: {out / 'scaling.png'}")


def _figure(rows: list[dict], pdf: Path, png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from qbattery.figures import style

    style.apply_style()
    fig, axes = style.figure(width=2 * style.COLUMN_WIDTH_IN, height=3.2, ncols=2)
    for i, name in enumerate(sorted({r["model"] for r in rows})):
        rr = [r for r in rows if r["model"] == name]
        N = [r["N"] for r in rr]
        for ax, key in zip(axes, ("wall_s", "peak_mb")):
            ax.loglog(N, [r[key] for r in rr], "o-", color=style.model_colour(name, i), label=name, ms=3)
    axes[0].set(xlabel="N (cells)", ylabel="wall time [s]")
    axes[1].set(xlabel="N (cells)", ylabel="peak memory [MB]")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=6, frameon=False)
    style.save_figure(fig, str(pdf), str(png))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baseline-N", type=int, nargs="*", default=[4, 6, 8])
    p.add_argument("--large-N", type=int, nargs="*", default=[16, 32, 64, 128, 256])
    p.add_argument("--verify-N", type=int, nargs="*", default=[256])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--scaling", action="store_true", help="also run the scaling study of every model")
    p.add_argument("--models", nargs="*", default=list(SCALING_N), help="models of the scaling study")
    p.add_argument("--timeout", type=float, default=600.0, help="per-run timeout of the scaling study [s]")
    p.add_argument("--out", type=Path, default=HERE / "measured")
    p.add_argument("--blas-threads", default="1", help="BLAS threads (set before numpy is imported; 'auto' = leave)")
    p.add_argument("--one", nargs=2, metavar=("MODEL", "N"), help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(one_run(a.one[0], int(a.one[1]))))
        return 0
    print(
        f"machine: {platform.machine()} {platform.processor()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
        f"numpy {np.__version__}, qbattery {qbattery.__version__}, BLAS threads {_THREADS}"
    )
    ok = True
    if a.baseline_N:
        ok &= baseline_section(a.baseline_N, a.repeat)
    if a.large_N:
        ok &= large_n_section(a.large_N, a.verify_N)
    if a.scaling:
        scaling_section(a.out, a.models, a.timeout)
    print("\nall checks passed:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
