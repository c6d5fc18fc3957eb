"""Cluster scale: the DAG of a study with thousands of jobs builds (dry run; its wall time is a
benchmark, ``python tests/slurm/dag_scale.py 400``, not a test), and the scheduler requests
of the cluster profile grow with the problem they describe."""

from __future__ import annotations

import importlib.util

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from qbattery.stages import resources as study
from qbattery.config import validate_config
from slurm.dag_scale import ROOT, dry_run, large_config

PROFILE = ROOT / "workflow" / "profiles" / "slurm"


def test_dry_run_of_two_thousand_jobs_builds_the_dag_and_bundles_short_jobs(tmp_path):
    """`snakemake -n` on a synthetic study of > 2000 jobs (every model's N list stretched to
    400 values) plans every job (its wall time is printed: a benchmark, not a pass mark); through the slurm profile (when its plugin
    is installed) the short jobs are bundled into group jobs, so far fewer SLURM jobs are
    submitted than Snakemake jobs exist."""
    extra = ["--workflow-profile", str(PROFILE)] if importlib.util.find_spec("snakemake_executor_plugin_slurm") else []
    seconds, counts, out = dry_run(tmp_path, large_config(400), *extra)
    assert counts["total"] > 2000, out[-2000:]
    if extra:
        assert counts["group_jobs"] > 0
        assert counts["submissions"] < counts["total"] - 1
    print(f"dry run {seconds:.1f} s: {counts}")


def default_config() -> dict:
    return validate_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))


@given(points=st.integers(1, 10**4), dim=st.floats(1, 3e4), attempt=st.integers(1, 4))
def test_runtime_request_is_monotone_in_work_and_doubles_per_retry(points, dim, attempt):
    """More grid points or a bigger matrix never ask for less wall time; each retry asks for
    twice the previous attempt (a job killed at its limit must get more, not the same)."""
    t = study.runtime_minutes(points, dim, attempt)
    assert t >= 1
    assert study.runtime_minutes(points + 1, dim, attempt) >= t
    assert study.runtime_minutes(points, dim * 1.5, attempt) >= t
    assert study.runtime_minutes(points, dim, attempt + 1) == 2 * t
    # an upper bound of the estimate itself: at least RUNTIME_SAFETY x the estimated seconds
    est = study.JOB_OVERHEAD_SECONDS + points * (study.POINT_OVERHEAD_SECONDS + study.EIGH_SECONDS_PER_DIM3 * dim**3)
    assert study.runtime_minutes(points, dim) * 60 >= study.RUNTIME_SAFETY * est


def test_simulate_requests_scale_with_N_and_grid_and_only_short_jobs_are_grouped():
    """Dicke: runtime non-decreasing in N (the Fock x Dicke dimension grows); doubling a swept
    axis never lowers it; jobs estimated above SMALL_JOB_MINUTES run alone (group None)."""
    cfg = default_config()
    Ns = [1, 2, 4, 8, 16, 32, 64, 128]
    times = [study.simulate_runtime_min(cfg, "dicke", n) for n in Ns]
    assert times == sorted(times) and times[-1] > times[0]
    wide = yaml.safe_load(yaml.safe_dump(cfg))
    wide["models"]["dicke"]["coupling"] = [0.05, 0.1, 0.15, 0.2]
    assert study.grid_points(wide, "dicke") == 2 * study.grid_points(cfg, "dicke")
    assert all(study.simulate_runtime_min(wide, "dicke", n) >= t for n, t in zip(Ns, times))
    for n, t in zip(Ns, times):
        assert study.simulate_group(cfg, "dicke", n) == (study.SMALL_JOB_GROUP if t <= study.SMALL_JOB_MINUTES else None)


@pytest.mark.parametrize("protocol", ["dicke", "rabi_parallel", "spin_chain"])
def test_work_statistics_runtime_grows_with_the_protocol_grid(protocol):
    """Adding temperatures to the work-statistics grid never lowers a protocol's request."""
    cfg = default_config()
    t = study.work_statistics_runtime_min(cfg, protocol)
    more = yaml.safe_load(yaml.safe_dump(cfg))
    more["work_statistics"]["temperature"] = [0.5, 1.0, 2.0, 4.0] * 50
    assert study.work_statistics_runtime_min(more, protocol) >= t >= 1


@given(mem=st.floats(300, 1e5), points=st.integers(1, 1000))
def test_runtime_from_memory_grows_with_the_memory_estimate(mem, points):
    """A bigger memory estimate means a bigger matrix, never a shorter wall-time request."""
    assert study.runtime_from_memory_min(mem * 2, points) >= study.runtime_from_memory_min(mem, points) >= 1
