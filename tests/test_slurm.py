"""The cluster path against a real SLURM: a one-node cluster on 127.0.0.1 (tests/slurm/minicluster.py).

As root on Debian the fixture installs slurm-wlm and munge if missing (apt-get), writes a
one-node slurm.conf, starts munged, slurmctld and slurmd, and stops them by PID afterwards
(also when a test fails). A tiny study then runs through
``snakemake --workflow-profile workflow/profiles/slurm``; its NetCDF data must equal a local
``--cores`` run bit for bit: the same library, the same inputs and one BLAS thread per job in
both cases, so SLURM may change where a job runs but not one bit of what it computes.
Skipped (not failed) without root, apt-get, Linux or snakemake-executor-plugin-slurm.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml
from slurm.minicluster import MiniCluster, ensure_installed, unavailable_reason

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "workflow" / "profiles" / "slurm"
STUDY = "slurmtest"
# the per-N outputs of the two simulate jobs: on the cluster one group job (small_jobs) runs both
TARGETS = [f"results/{STUDY}/simulate/dicke/N{n}.nc" for n in (1, 2)]
# attrs that legitimately differ between two runs of the same computation
RUN_ATTRS = {"created", "creation_date", "date_created", "history", "hostname", "host"}


def tiny_config() -> dict:
    """Two Dicke jobs (N = 1, 2; two couplings each) on a short time grid: seconds of compute."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    return {
        "study": STUDY,
        "seed": cfg["seed"],
        "time": {"t_max": 16.0, "points": 61},  # covers tau* of the parallel reference at coupling 0.1 (issue 22)
        "numerics": cfg["numerics"],
        "models": {"dicke": {"N": [1, 2], "coupling": [0.1, 0.2], "omega_c": 1.0}},
    }


def snakemake(workdir: Path, *args: str, env: dict | None = None, timeout: int = 240) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir)]
    cmd += ["--configfile", str(workdir / "study.yaml"), "--no-hooks", *args, *TARGETS]
    log = open(workdir / "snakemake.log", "w")
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)


def finish(p: subprocess.Popen, workdir: Path, timeout: int = 240) -> None:
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise
    assert p.returncode == 0, (workdir / "snakemake.log").read_text()[-6000:]


def slurm_args(cluster: MiniCluster) -> list[str]:
    """The profile, plus what this one-node test cluster needs: 2 CPUs per group job at most
    (its CPU count), fast first status check, and squeue for job status (no slurmdbd: the
    plugin's own option, valid since MinJobAge keeps finished jobs visible to squeue)."""
    return [
        "--workflow-profile",
        str(PROFILE),
        "--cores",
        str(cluster.cpus),
        "--latency-wait",
        "5",
        "--slurm-init-seconds-before-status-checks",
        "1",
        "--slurm-status-command",
        "squeue",
    ]


def new_workdir(tmp_path_factory, name: str) -> Path:
    wd = tmp_path_factory.mktemp(name)
    (wd / "study.yaml").write_text(yaml.safe_dump(tiny_config()))
    return wd


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"real-SLURM test: {reason}")
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        pytest.skip("real-SLURM test: snakemake-executor-plugin-slurm missing (pip install -e '.[test]')")
    ensure_installed()
    c = MiniCluster(tmp_path_factory.mktemp("slurm"))
    with c:
        yield c
    # the context manager stopped the daemons by PID; make sure none survived
    assert not c.procs


@pytest.fixture(scope="module")
def local_reference(tmp_path_factory):
    """The same study run locally with --cores 2 (no SLURM)."""
    wd = new_workdir(tmp_path_factory, "local")
    finish(snakemake(wd, "--cores", "2"), wd)
    return load(wd)


def load(wd: Path) -> list[xr.Dataset]:
    return [xr.load_dataset(wd / t) for t in TARGETS]


def assert_same_attrs(a: dict, b: dict, what: str) -> None:
    assert set(a) == set(b), what
    for key in a:
        assert np.array_equal(np.asarray(a[key]), np.asarray(b[key])), (what, key, a[key], b[key])


def assert_same_data(a: xr.Dataset, b: xr.Dataset) -> None:
    """Every variable and coordinate bitwise equal (NaN at the same places), same attrs apart
    from run metadata."""
    assert set(a.variables) == set(b.variables)
    for name in a.variables:
        x, y = a[name].values, b[name].values
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), name
        else:
            assert np.array_equal(x, y), name
        assert_same_attrs(a[name].attrs, b[name].attrs, name)
    keep = lambda d: {k: v for k, v in d.attrs.items() if k not in RUN_ATTRS}
    assert_same_attrs(keep(a), keep(b), "dataset attrs")


def slurm_jobs(cluster: MiniCluster) -> list[dict[str, str]]:
    """The finished jobs of the cluster from its job-completion log (jobcomp/filetxt)."""
    if not cluster.jobcomp.exists():
        return []
    jobs = []
    for line in cluster.jobcomp.read_text().splitlines():
        jobs.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))
    return jobs


@pytest.mark.slow
def test_slurm_run_equals_local_run_bitwise(cluster, local_reference, tmp_path_factory):
    """The tiny study through the slurm profile: every job went through SLURM (jobcomp log:
    COMPLETED jobs whose working directory is this run's) and the merged NetCDF grid equals
    the local --cores run bit for bit. (Slow: the default suite checks the same through the
    scancel test below, whose retried run must equal the local run bit for bit.)"""
    wd = new_workdir(tmp_path_factory, "cluster")
    t0 = time.monotonic()
    finish(snakemake(wd, *slurm_args(cluster), env=cluster.env()), wd)
    elapsed = time.monotonic() - t0
    ours = [j for j in slurm_jobs(cluster) if j.get("WorkDir") == str(wd)]
    # one group job: both simulate jobs are short, so they share the group small_jobs
    assert len(ours) == 1, (ours, cluster.logs())
    assert all(j["JobState"] == "COMPLETED" for j in ours), ours
    log = (wd / "snakemake.log").read_text()
    for j in ours:  # Snakemake submitted exactly these jobs (the plugin logs each SLURM job id)
        assert f"submitted with SLURM jobid {j['JobId']} " in log, log[-3000:]
    for a, b in zip(load(wd), local_reference):
        assert_same_data(a, b)
    print(f"slurm run: {elapsed:.1f} s wall, SLURM jobs {[j['JobId'] for j in ours]}")


def test_scancel_mid_run_is_retried_to_identical_results(cluster, local_reference, tmp_path_factory):
    """A SLURM job killed with scancel while it runs: the profile's retries resubmit it and the
    study completes with results bitwise equal to the local run (atomic NetCDF writes leave
    nothing half-written for the retry to trip over). Every job went through SLURM: Snakemake
    logged the SLURM job id of each, and the merged grid equals the local --cores run bit for bit."""
    wd = new_workdir(tmp_path_factory, "scancel")
    p = snakemake(wd, *slurm_args(cluster), env=cluster.env())
    victim = None
    t0 = time.monotonic()
    try:
        while victim is None and time.monotonic() - t0 < 120 and p.poll() is None:
            q = subprocess.run(
                ["squeue", "-h", "-t", "RUNNING", "-o", "%i|%Z"], env=cluster.env(), capture_output=True, text=True, timeout=30
            )
            for line in q.stdout.splitlines():
                jobid, workdir = line.split("|", 1)
                if workdir == str(wd):
                    victim = jobid
                    break
            time.sleep(0.2)
        assert victim is not None, "no running SLURM job of the run to cancel"
        time.sleep(1.0)  # let it get into the computation
        subprocess.run(["scancel", victim], env=cluster.env(), check=True, timeout=30)
        finish(p, wd)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    jobs = {j["JobId"]: j for j in slurm_jobs(cluster) if j.get("WorkDir") == str(wd)}
    assert jobs[victim]["JobState"] == "CANCELLED", jobs[victim]
    assert len(jobs) == 2, jobs  # the cancelled group job and its retry
    assert sum(j["JobState"] == "COMPLETED" for j in jobs.values()) == 1, jobs
    log = (wd / "snakemake.log").read_text()
    for jobid in jobs:  # Snakemake submitted exactly these jobs (the plugin logs each SLURM job id)
        assert f"submitted with SLURM jobid {jobid} " in log, log[-3000:]
    for a, b in zip(load(wd), local_reference):
        assert_same_data(a, b)


@pytest.mark.slow  # the fallback profile; the default suite keeps the real-SLURM scancel test (10-minute budget)
def test_cluster_generic_fallback_profile_runs_on_slurm(cluster, local_reference, tmp_path_factory):
    """The documented fallback for sites without sacct: snakemake-executor-plugin-cluster-generic
    with plain sbatch and workflow/profiles/cluster-generic/status.sh; the job goes through SLURM
    (jobcomp log) and the results equal the local run bit for bit."""
    if importlib.util.find_spec("snakemake_executor_plugin_cluster_generic") is None:
        pytest.skip("snakemake-executor-plugin-cluster-generic missing (pip install -e '.[test]')")
    wd = new_workdir(tmp_path_factory, "generic")
    args = ["--workflow-profile", str(ROOT / "workflow" / "profiles" / "cluster-generic"), "--cores", str(cluster.cpus)]
    finish(snakemake(wd, *args, "--latency-wait", "5", env=cluster.env()), wd)
    ours = [j for j in slurm_jobs(cluster) if j.get("WorkDir") == str(wd)]
    assert len(ours) == 1 and ours[0]["JobState"] == "COMPLETED", ours
    assert f"with external jobid '{ours[0]['JobId']}'" in (wd / "snakemake.log").read_text()
    for a, b in zip(load(wd), local_reference):
        assert_same_data(a, b)
