"""Interruption and reproducibility: a killed workflow (or a killed job) resumes to results
bitwise identical to an uninterrupted run; no partial file survives."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
import xarray as xr
import yaml
from e2e import ROOT, tiny_config

SNAKE = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile")]


def config_for(wd: Path) -> Path:
    """A minimal study for the interruption tests: two models, no further stages."""
    cfg = tiny_config()
    cfg = {k: cfg[k] for k in ("seed", "time", "numerics") if k in cfg}
    cfg["study"] = "rel"
    full = tiny_config()["models"]
    cfg["models"] = {k: dict(full[k], N=[1, 2, 10]) for k in ("dicke", "parallel")}
    p = wd / "rel.yaml"
    p.write_text(yaml.safe_dump(cfg))
    return p


#: the interruption tests compare data: they build the power files (and so every simulate job and
#: merge before them), not the figures and the report, which the tiny-study tests check
DATA = ["results/rel/power/dicke.nc", "results/rel/power/parallel.nc"]


def run(wd: Path, *args, check=True) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [*SNAKE, "--directory", str(wd), "--configfile", str(config_for(wd)), *args], capture_output=True, text=True, timeout=600
    )
    if check:
        assert p.returncode == 0, p.stderr[-3000:]
    return p


def data_of(wd: Path, study: str = "rel") -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for f in sorted((wd / "results" / study).rglob("*.nc")):
        with xr.open_dataset(f) as ds:
            out[str(f.relative_to(wd))] = {k: v.values.copy() for k, v in ds.variables.items()}
    return out


def assert_bitwise_equal(a, b):
    assert sorted(a) == sorted(b)
    for f in a:
        assert sorted(a[f]) == sorted(b[f]), f
        for k in a[f]:
            np.testing.assert_array_equal(a[f][k], b[f][k], err_msg=f"{f}:{k}")


def no_partial_files(wd: Path) -> None:
    leftovers = [p for p in (wd / "results").rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, leftovers


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory):
    wd = tmp_path_factory.mktemp("ref")
    run(wd, "--cores", "2", *DATA)
    return wd


@pytest.fixture(scope="module")
def reference(reference_dir):
    return data_of(reference_dir)


MODULE_SNAKEFILE = """configfile: "tiny.yaml"


module qbattery:
    snakefile:
        {snakefile!r}
    config:
        config


use rule * from qbattery
"""


@pytest.mark.slow  # a second full run of the tiny study (~4 min); determinism across runs is also checked by the SIGKILL tests
def test_tiny_study_as_a_snakemake_module_gives_bitwise_identical_data_and_byte_identical_figures(tiny_run, tmp_path):
    """Determinism and module use in one run: the tiny config (all models, all stages) run a
    second time, now as a Snakemake ``module`` of a two-line host workflow in another directory
    (``module qbattery: snakefile: <repo>/workflow/Snakefile; config: config``, ``use rule * from
    qbattery``, as snakedeploy writes it), gives data variables identical to the first run's and
    byte-identical PDF and PNG figures (no timestamps)."""
    ref_dir, cfg = tiny_run
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(cfg))
    (tmp_path / "Snakefile").write_text(MODULE_SNAKEFILE.format(snakefile=str(ROOT / "workflow" / "Snakefile")))
    p = subprocess.run(
        [sys.executable, "-m", "snakemake", "--directory", str(tmp_path), "--cores", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert_bitwise_equal(data_of(ref_dir, "tiny"), data_of(tmp_path, "tiny"))
    figs = sorted(f for f in (ref_dir / "results" / "tiny" / "figures").rglob("*") if f.is_file())
    assert figs
    for f in figs:
        rel = f.relative_to(ref_dir)
        assert f.read_bytes() == (tmp_path / rel).read_bytes(), str(rel)


def _wait_for(predicate, timeout=120.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        hit = predicate()
        if hit:
            return hit
        time.sleep(0.02)
    raise TimeoutError("condition not reached")


def test_sigkill_of_snakemake_then_resume_gives_identical_results(reference, tmp_path):
    """SIGKILL of Snakemake and all its jobs mid-run; `--unlock` and `--rerun-incomplete`
    complete the study with results bitwise identical to the uninterrupted run."""
    proc = subprocess.Popen(
        [*SNAKE, "--directory", str(tmp_path), "--configfile", str(config_for(tmp_path)), "--cores", "1", *DATA],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: list((tmp_path / "results" / "rel" / "simulate").rglob("N*.nc")))
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (tmp_path / "results" / "rel" / "power").exists() or len(list((tmp_path / "results" / "rel" / "power").glob("*.nc"))) < 2
    run(tmp_path, "--unlock")
    run(tmp_path, "--cores", "2", "--rerun-incomplete", *DATA)
    no_partial_files(tmp_path)
    assert_bitwise_equal(reference, data_of(tmp_path))


@pytest.mark.slow  # the default suite keeps the SIGKILL of Snakemake and its jobs (unlock, rerun-incomplete) (10-minute budget)
def test_sigkill_of_one_job_fails_the_run_and_a_rerun_completes_identically(reference, tmp_path):
    """A job killed by SIGKILL (as an OOM killer or a node loss would) makes the run fail
    loudly; rerunning completes it, bitwise identical to the uninterrupted run."""
    proc = subprocess.Popen(
        [*SNAKE, "--directory", str(tmp_path), "--configfile", str(config_for(tmp_path)), "--cores", "1", *DATA],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def job():
        for c in psutil.Process(proc.pid).children(recursive=True):
            try:
                if any("stage_job" in a for a in c.cmdline()) and c.name().startswith("python"):
                    return c
            except psutil.Error:
                continue
        return None

    victim = _wait_for(job)
    victim.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode != 0
    assert "Error" in out
    run(tmp_path, "--cores", "2", "--rerun-incomplete", *DATA)
    no_partial_files(tmp_path)
    assert_bitwise_equal(reference, data_of(tmp_path))
