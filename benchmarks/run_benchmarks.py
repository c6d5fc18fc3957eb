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
# threads of the compiled large-N Dicke kernel (physics/_dicke_stencil_kernels.py): memory-bound, it
# gains from both cores; set QBATTERY_THREADS=1 to compare
os.environ.setdefault("QBATTERY_THREADS", str(os.cpu_count() or 1))

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


#: memory guard of the large-N runs: largest parity sector the cutoff growth may reach (default 2e6)
LARGE_FOCK_MAX_DIM = 40_000_000


def project(N: int, times: np.ndarray, converged: bool, model: str = "dicke", **numerics) -> tuple[float, object]:
    num = qbattery.Numerics(fock_extra=30, fock_auto=converged, **numerics)
    m = qbattery.get_model(model)
    t0 = time.perf_counter()
    traj = m.run(N, times, {"coupling": LAM, "omega_c": 1.0}, num)
    return time.perf_counter() - t0, traj


def referee(N: int, extra: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """The baseline's own code with tight ODE tolerances (atol 1e-14, rtol 1e-13) and Fock cutoff
    2N + 1 + ``extra``: the default rtol = 1e-10 of the baseline limits its accuracy to ~1e-8 at N = 8."""
    orig = baseline.qt.sesolve

    def tight(H, psi0, times, options=None):
        return orig(H, psi0, times, options={"atol": 1e-14, "rtol": 1e-13, "nsteps": 10**7})

    baseline.qt.sesolve = tight
    try:
        _, e, erg, _ = baseline.run(N, extra=extra)
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


def _old_route_difference(traj, N: int) -> float:
    """max |dErg|, |dC| of the r_max route against the full-spectrum kernel (quantities.ergotropy /
    capacity with all 2^N levels) on the same battery states: the current implementation's route."""
    from qbattery.physics.quantities import capacity, cells_spectrum, ergotropy

    if traj.states is None:
        return float("nan")
    HB = np.diag(np.arange(N + 1.0)).astype(complex)
    lv = cells_spectrum(N)
    return max(
        np.abs(ergotropy(traj.states, HB, levels=lv) - traj.ergotropy).max(),
        np.abs(capacity(traj.states, HB, levels=lv) - traj.capacity).max(),
    )


def large_n_section(Ns: list[int], verify: list[int], models: list[str] = ("dicke",), old_route: list[int] = ()) -> bool:
    print("\n## Converged Fock cutoff (truncation weight < 1e-10 at every time point, grown during the run), 200 points,")
    print("## energy, ergotropy and capacity at all points; lambda = 0.2, t_max = 3 pi / (2 lambda sqrt N)")
    print("vs-full-spectrum: max |dErg|, |dC| of the r_max route against the full 2^N-spectrum kernel on the same states")
    print("(the current implementation's route; only where states are kept, N <= 256)")
    print(
        f"{'model':>15} {'N':>5} {'wall_s':>8} {'cutoff':>7} {'sector_dim':>10} {'trunc_weight':>13} {'norm_err':>9}"
        f" {'max E':>10} {'max Erg':>10} {'max C':>10} {'vs-full-spec':>12} {'converged':>10}"
    )
    ok = True
    for model in models:
        for N in Ns:
            t_proj, traj = project(N, case_times(N), converged=True, model=model, fock_max_dim=LARGE_FOCK_MAX_DIM)
            w = traj.diagnostics["truncation_weight"]
            conv = w < 1e-10
            ok &= conv
            cut = int(traj.diagnostics["fock_cutoff"])
            dim = (N + 1) if model == "tavis_cummings" else (N + 1) * cut // 2
            d_old = _old_route_difference(traj, N)
            ok &= not d_old > 1e-10
            print(
                f"{model:>15} {N:>5} {t_proj:>8.2f} {cut:>7} {dim:>10} {w:>13.1e} {traj.diagnostics['norm_error']:>9.1e}"
                f" {traj.energy.max():>10.4f} {traj.ergotropy.max():>10.4f} {traj.capacity.max():>10.4f} {d_old:>12.1e}"
                f" {'yes' if conv else 'NO':>10}",
                flush=True,
            )
            if N in old_route and model == "dicke":
                from qbattery.models.cavity_common import run_dicke_streamed

                num = qbattery.Numerics(fock_extra=30, fock_auto=True, fock_max_dim=LARGE_FOCK_MAX_DIM)
                t0 = time.perf_counter()
                prev = run_dicke_streamed(N, N, case_times(N), {"coupling": LAM, "omega_c": 1.0}, num, assembled=True)
                t_prev = time.perf_counter() - t0
                dq = [np.abs(getattr(prev, q) - getattr(traj, q)).max() for q in ("energy", "ergotropy", "capacity")]
                ok &= bool(max(dq) < 1e-9)
                print(
                    f"     previous implementation (assembled CSR H, plain Lanczos recurrence): {t_prev:.1f} s"
                    f" ({t_prev / t_proj:.1f}x the matrix-free run); max |dE|, |dErg|, |dC| = {dq[0]:.1e}, {dq[1]:.1e}, {dq[2]:.1e}"
                    f" {'(< 1e-9: yes)' if max(dq) < 1e-9 else '(NO)'}",
                    flush=True,
                )
            if N in verify and model == "dicke":
                big = int(np.ceil(1.5 * cut))
                num = qbattery.Numerics(fock_extra=big - (2 * N + 1), fock_auto=False, fock_max_dim=LARGE_FOCK_MAX_DIM)
                t0 = time.perf_counter()
                ref = qbattery.get_model(model).run(N, case_times(N), {"coupling": LAM, "omega_c": 1.0}, num)
                t_ver = time.perf_counter() - t0
                dq = [np.abs(getattr(ref, q) - getattr(traj, q)).max() for q in ("energy", "ergotropy", "capacity")]
                d = max(dq)
                ok &= bool(d < 1e-8)
                print(
                    f"     check: fixed cutoff {big} (+50%), {t_ver:.1f} s, trunc weight {ref.diagnostics['truncation_weight']:.1e}:"
                    f" max |dE|, |dErg|, |dC| = {dq[0]:.1e}, {dq[1]:.1e}, {dq[2]:.1e} {'(< 1e-8: yes)' if d < 1e-8 else '(NO)'}",
                    flush=True,
                )
            elif N in verify:
                print("     check: Tavis-Cummings conserves n + k: the cutoff N + 3 is exact (truncation weight 0)")
    return ok


def peers_section(Ns: list[int]) -> bool:
    """qthermo and qenvs on the baseline's case, default and converged cutoff, against the referee."""
    import peers

    print("\n## Peers on the same case (Dicke, lambda = 0.2, 200 points): default and converged cutoff")
    print("referee: the baseline's full 2^N code, tight ODE tolerances, at qbattery's converged cutoff.")
    print("Erg_full: ergotropy over the 2^N cell space (qbattery, referee); Erg_sym: passive state restricted to the")
    print("N+1 symmetric states (what both peers compute), from qbattery's states with the (N+1)-level H_B.")
    print(f"{'N':>3} {'code':>9} {'cutoff':>6} {'wall_s':>8} {'compile_s':>9} {'max|dE|':>9} {'|dErg_full|':>11} {'|dErg_sym|':>10}")
    from qbattery.physics.quantities import ergotropy

    ok = True
    for N in Ns:
        t = case_times(N)
        t_qb, traj = project(N, t, converged=True)
        cut = int(traj.diagnostics["fock_cutoff"])
        e_ref, erg_ref = referee(N, extra=cut - (2 * N + 1))
        HB = np.diag(np.arange(N + 1.0)).astype(complex)
        erg_sym = ergotropy(traj.states, HB)  # the (N+1)-level spectrum: symmetric-subspace passive state
        de, dg = np.abs(traj.energy - e_ref).max(), np.abs(traj.ergotropy - erg_ref).max()
        ok &= bool(max(de, dg) < 1e-8)
        print(f"{N:>3} {'qbattery':>9} {cut:>6} {t_qb:>8.4f} {0:>9.1f} {de:>9.1e} {dg:>11.1e} {'':>10}")
        print(f"{'':>3} {'(sym-full)':>9} {'':>6} {'':>8} {'':>9} {'':>9} {np.abs(erg_sym - erg_ref).max():>11.1e} {'0':>10}")
        for name, fn, conv_kw in (
            ("qthermo", peers.qthermo_dicke, {"cutoff": cut}),
            ("qenvs", peers.qenvs_dicke, {"n_max": cut - 1}),
        ):
            for label, kw in (("default", {}), ("converged", conv_kw)):
                try:
                    r = fn(N, t, **kw)
                except ImportError as err:
                    print(f"{'':>3} {name:>9} not installed ({err}); pip install -e '.[bench]'")
                    break
                dE = np.abs(r["energy"] - e_ref).max()
                print(
                    f"{'':>3} {name:>9} {r['cutoff']:>6} {r['wall_s']:>8.3f} {r['compile_s']:>9.1f} {dE:>9.1e}"
                    f" {np.abs(r['ergotropy'] - erg_ref).max():>11.1e} {np.abs(r['ergotropy'] - erg_sym).max():>10.1e}  ({label})",
                    flush=True,
                )
    return ok


def overhead_section(configfile: Path, cores: int) -> None:
    """The study's wall time under Snakemake (--cores) vs the same jobs replayed in one process
    (``replay_in_one_process.py``: every kept job script, figures included, in one interpreter)."""
    import tempfile

    import replay_in_one_process

    print(f"\n## Workflow overhead: {configfile} with snakemake --cores {cores} vs its jobs replayed in one process")
    with tempfile.TemporaryDirectory() as tmp:
        wd = Path(tmp) / "wf"
        cmd = [sys.executable, "-m", "snakemake", "-s", str(HERE.parent / "Snakefile"), "--directory", str(wd)]
        cmd += ["--configfile", str(Path(configfile).resolve()), "--cores", str(cores), "--quiet", "--skip-script-cleanup"]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        t_wf = time.perf_counter() - t0
        if p.returncode != 0:
            print("snakemake failed:", p.stderr[-2000:])
            return
        cwd = Path.cwd()
        try:
            secs = replay_in_one_process.replay(wd)
        finally:
            os.chdir(cwd)
    jobs, total = int(secs.pop("jobs")), secs.pop("total")
    print(
        f"snakemake --cores {cores} (DAG, {jobs} script jobs, run: rules, report): {t_wf:.1f} s;"
        f" the same {jobs} jobs in one process: {total:.1f} s; ratio {t_wf / total:.2f} (target <= 1.5)"
    )
    print("in one process, seconds per script: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(secs.items(), key=lambda kv: -kv[1])))


def many_body_section(chain_N: list[int], open_N: list[int]) -> None:
    """Issue-18 targets beyond the cavity: the periodic XXZ chain (spin_chain, J = Delta = g = 0.5, 200
    points on t <= 10, translation + reflection sector) and the open collective drive through the Dicke
    basis (bench_open_piqs.py's point: local decay, dephasing, collective decay; full pipeline)."""
    import resource

    print("\n## Many-body and open targets: spin_chain periodic (target N = 22 < 60 s), collective_drive open (N = 100 < 60 s)")
    m = qbattery.get_model("spin_chain")
    params = {**m.defaults(), "periodic": 1, "J": 0.5, "anisotropy": 0.5, "drive": 0.5}
    for N in chain_N:
        t0 = time.perf_counter()
        traj = m.run(N, np.linspace(0.0, 10.0, 200), params, qbattery.Numerics())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"spin_chain periodic N = {N}: {time.perf_counter() - t0:.1f} s, max ergotropy {traj.ergotropy.max():.6f},"
            f" peak RSS so far {peak:.0f} MB",
            flush=True,
        )
    if open_N:
        import bench_open_piqs

        bench_open_piqs.main(open_N)


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
    p.add_argument("--baseline-N", type=int, nargs="*", default=[4, 6, 8, 10])
    p.add_argument("--large-N", type=int, nargs="*", default=[64, 128, 256, 512, 1024])
    p.add_argument("--verify-N", type=int, nargs="*", default=[64, 128, 256, 512, 1024])
    p.add_argument(
        "--old-route-N", type=int, nargs="*", default=[64, 128], help="N at which the previous implementation (assembled H) is also run"
    )
    p.add_argument("--large-models", nargs="*", default=["dicke", "tavis_cummings"], help="models of the large-N section")
    p.add_argument("--peers-N", type=int, nargs="*", default=[8], help="N of the peer comparison (qthermo, qenvs)")
    p.add_argument(
        "--overhead",
        type=Path,
        nargs="?",
        const=HERE.parent / "config" / "config.yaml",
        default=None,
        help="workflow-overhead measurement on this config (default study if no file given)",
    )
    p.add_argument("--overhead-cores", type=int, default=2)
    p.add_argument("--chain-N", type=int, nargs="*", default=[], help="periodic spin_chain sizes of the many-body section")
    p.add_argument("--open-N", type=int, nargs="*", default=[], help="open collective_drive sizes of the many-body section")
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
        f"numpy {np.__version__}, qbattery {qbattery.__version__}, BLAS threads {_THREADS},"
        f" large-N kernel threads {os.environ['QBATTERY_THREADS']}"
    )
    ok = True
    if a.baseline_N:
        ok &= baseline_section(a.baseline_N, a.repeat)
    if a.large_N:
        ok &= large_n_section(a.large_N, a.verify_N, a.large_models, a.old_route_N)
    if a.peers_N:
        ok &= peers_section(a.peers_N)
    if a.chain_N or a.open_N:
        many_body_section(a.chain_N, a.open_N)
    if a.overhead:
        overhead_section(a.overhead, a.overhead_cores)
    if a.scaling:
        scaling_section(a.out, a.models, a.timeout)
    print("\nall checks passed:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
