"""Smoke runs of the benchmark tools (the full benchmark is run on demand, not in CI)."""

import subprocess

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runner_agrees_with_tight_tolerance_baseline_and_prints_speedup():
    """At N = 2 the project's exact propagation and the naive QuTiP baseline (run with tight
    ODE tolerances) agree to 1e-8 at all 200 time points; the runner prints the speed-up. The
    converged large-N section at N = 8 passes its own check against a rerun with a fixed
    cutoff 50% larger (energy, ergotropy and capacity to 1e-8, truncation weight < 1e-10), and the
    r_max route of Dicke and Tavis-Cummings equals the full-spectrum kernel on the same states (1e-10)."""
    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run_benchmarks.py"),
            "--baseline-N",
            "2",
            "--large-N",
            "8",
            "--verify-N",
            "8",
            "--repeat",
            "1",
            "--large-models",
            "dicke",
            "tavis_cummings",
            "--peers-N",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "within 1e-8 of the tight-tolerance referee: yes" in p.stdout
    assert "(< 1e-8: yes)" in p.stdout
    assert "all checks passed: yes" in p.stdout
    assert "tavis_cummings     8" in p.stdout
    assert "x " in p.stdout


def test_scaling_study_writes_table_and_loglog_figure(tmp_path):
    """The scaling study runs every requested model in a fresh process and writes the CSV
    table (wall time, peak memory > 0 per model and N) and the figure."""
    import csv

    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run_benchmarks.py"),
            "--baseline-N",
            "--large-N",
            "--peers-N",
            "--scaling",
            "--models",
            "parallel",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"QB_SCALING_SMOKE": "1", **__import__("os").environ},
    )
    assert p.returncode == 0, p.stdout + p.stderr
    rows = list(csv.DictReader(open(tmp_path / "scaling.csv")))
    assert rows and all(r["model"] == "parallel" and float(r["wall_s"]) > 0 and float(r["peak_mb"]) > 0 for r in rows)
    assert (tmp_path / "scaling.png").stat().st_size > 0


def test_snakemake_benchmark_summary_totals_per_rule(tmp_path):
    """Per-rule summary of Snakemake benchmark files: job counts and summed wall/CPU seconds
    equal the sums over the input files (two rules, three jobs)."""
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    for rule, name, s, cpu, rss in [("a", "x", 1.5, 1.0, 100), ("a", "y", 2.5, 2.0, 300), ("b", "z", 0.25, 0.5, 50)]:
        d = tmp_path / rule
        d.mkdir(exist_ok=True)
        (d / f"{name}.tsv").write_text(header + f"{s}\t0:00:01\t{rss}\t0\t0\t0\t0\t0\t0\t{cpu}\n")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from summarise_snakemake_benchmarks import summarise

    rows = {r["rule"]: r for r in summarise(tmp_path)}
    assert rows["a"]["jobs"] == 2 and rows["a"]["total_s"] == 4.0 and rows["a"]["cpu_s"] == 3.0 and rows["a"]["max_rss_mb"] == 300
    assert rows["b"]["jobs"] == 1 and rows["b"]["max_s"] == 0.25
    assert list(rows) == ["a", "b"]  # largest total first


@pytest.mark.slow
def test_replay_in_one_process_recomputes_every_job_of_a_workflow_run(tmp_path):
    """The workflow-overhead measurement's one-process side (benchmarks/replay_in_one_process.py)
    runs the same jobs as Snakemake: after a run of the quick study with --skip-script-cleanup, the
    replay deletes every output and makes it again in one process; every NetCDF file has the same
    variables and values (1e-12) as the workflow's, and every figure PNG exists again."""
    import shutil

    import numpy as np
    import xarray as xr

    wd = tmp_path / "wf"
    p = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(wd),
         "--configfile", str(ROOT / "config" / "examples" / "quick.yaml"), "--cores", "2", "--quiet", "--skip-script-cleanup"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr[-3000:]
    ref = tmp_path / "ref"
    shutil.copytree(wd / "results", ref)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from replay_in_one_process import replay

    cwd = Path.cwd()
    try:
        secs = replay(wd)
    finally:
        import os

        os.chdir(cwd)
    assert secs["jobs"] >= 10
    files = sorted(q.relative_to(ref) for q in ref.rglob("*.nc"))
    assert len(files) >= 8
    for rel in files:
        a, b = xr.open_dataset(wd / "results" / rel), xr.open_dataset(ref / rel)
        assert sorted(a.data_vars) == sorted(b.data_vars), rel
        for v in a.data_vars:
            if a[v].dtype.kind in "fc":
                np.testing.assert_allclose(a[v].values, b[v].values, rtol=1e-12, atol=1e-12, err_msg=f"{rel}:{v}")
            else:
                assert (a[v].values == b[v].values).all(), f"{rel}:{v}"
    pngs = sorted(q.relative_to(ref) for q in ref.rglob("*.png"))
    assert pngs and all((wd / "results" / q).stat().st_size > 0 for q in pngs)
