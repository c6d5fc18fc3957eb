"""Smoke run of the benchmark runner (the full benchmark is run on demand, not in CI)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runner_agrees_with_tight_tolerance_baseline_and_prints_speedup():
    """At N = 2 the project's exact propagation and the naive QuTiP baseline (run with tight
    ODE tolerances) agree to 1e-8 at all 200 time points; the runner prints the speed-up."""
    p = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_benchmarks.py"), "--baseline-N", "2", "--large-N", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "within 1e-8 of the tight-tolerance referee: yes" in p.stdout
    assert "x " in p.stdout
