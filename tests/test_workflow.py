"""End-to-end: the Snakemake workflow on a tiny config, and a dry run of the default study."""

import subprocess

import numpy as np
import pytest
import qbattery
import xarray as xr
import yaml

from e2e import ROOT, snakemake


def test_default_study_dry_run_builds_the_dag(tmp_path):
    """`snakemake -n` on the default config succeeds and plans the simulate jobs."""
    p = snakemake(tmp_path, "--configfile", str(ROOT / "config" / "config.yaml"), "-n", "--quiet", "rules")
    assert p.returncode == 0, p.stderr
    assert "simulate_point" in p.stdout + p.stderr


def test_tiny_workflow_writes_merged_grids_that_equal_the_library(tiny_run):
    """The merged NetCDF grid of every model has dims (N, swept params, time), units and
    long names on every variable, provenance attrs, and equals a direct library call."""
    wd, cfg = tiny_run
    res = wd / "results" / "tiny"
    for model, entry in cfg["models"].items():
        ds = xr.open_dataset(res / "simulate" / f"{model}.nc")
        assert list(ds.N.values) == entry["N"]
        assert ds.energy.dims[0] == "N" and ds.energy.dims[-1] == "t"
        for name, var in ds.variables.items():
            assert "long_name" in var.attrs and ("units" in var.attrs or "flag_values" in var.attrs), (model, name)
        for key in ("model", "hamiltonian", "config_hash", "qbattery_version", "qutip_version", "numpy_version", "scipy_version"):
            assert ds.attrs.get(key), (model, key)
        assert (ds.status.values == 0).all()
        random = {"realisations": entry["realisations"], "seed": cfg["seed"]} if "realisations" in entry else {}
        direct = qbattery.simulate(
            model,
            N=entry["N"],
            times=np.linspace(0, cfg["time"]["t_max"], cfg["time"]["points"]),
            numerics=qbattery.Numerics.from_config(cfg.get("numerics"), seed=cfg["seed"]),
            **random,
            **{k: v for k, v in entry.items() if k not in ("N", "realisations", "realisations_per_job")},
        )
        # equal up to BLAS round-off: Snakemake pins jobs to `threads` BLAS threads
        np.testing.assert_allclose(ds.energy.values, direct.energy.values, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ds.ergotropy.values, direct.ergotropy.values, rtol=0, atol=1e-12)
        power = xr.open_dataset(res / "power" / f"{model}.nc")
        assert np.all(np.isfinite(power.max_power.values))


def test_tiny_workflow_gamma_of_dicke_is_one_at_N1_and_above_one_beyond(tiny_run):
    """Gamma(N) = P_max(Dicke)/P_max(parallel): exactly 1 at N = 1 (same Hamiltonian), > 1 for N >= 2."""
    wd, cfg = tiny_run
    if "dicke" not in cfg["models"]:
        pytest.skip("dicke not in the default study")
    p = xr.open_dataset(wd / "results" / "tiny" / "power" / "dicke.nc")
    g = p.quantum_advantage.sel(N=1).values
    np.testing.assert_allclose(g, 1.0, rtol=1e-12)
    assert np.all(p.quantum_advantage.sel(N=p.N.values[1:]).values > 1.0)


def test_tiny_workflow_makes_the_figures_the_report_and_rerun_has_nothing_to_do(tiny_run):
    """Figures and the HTML report exist after one run; a second run has nothing to do."""
    wd, cfg = tiny_run
    figs = list((wd / "results" / "tiny" / "figures").glob("*.png"))
    assert figs and all(f.stat().st_size > 5000 for f in figs)
    report = (wd / "results" / "tiny" / "report.html").read_text(errors="replace")
    assert "power_scaling.png" in report
    p = snakemake(wd, "--configfile", str(wd / "tiny.yaml"), "--cores", "1", "-n")
    assert "Nothing to be done" in p.stdout + p.stderr


def test_every_netcdf_file_of_the_study_is_cf_style_and_readable_by_the_c_library(tiny_run):
    """Every NetCDF file the workflow writes (all stages) opens with the netCDF C library
    (netCDF4-python; and `ncdump -h` where installed), has `units` (or CF flag attrs) and
    `long_name` on every variable, no complex data, and the provenance global attributes."""
    import shutil

    import netCDF4

    wd, _ = tiny_run
    files = sorted((wd / "results" / "tiny").rglob("*.nc"))
    assert files
    for f in files:
        with netCDF4.Dataset(f) as nc:
            assert nc.getncattr("Conventions").startswith("CF-")
            for key in ("config_hash", "qbattery_version", "history"):
                assert key in nc.ncattrs(), (f, key)
            for name, var in nc.variables.items():
                attrs = var.ncattrs()
                assert "long_name" in attrs, (f.name, name)
                text = var.dtype == str or getattr(var.dtype, "kind", "") == "S"  # labels (char arrays) have no units
                assert "units" in attrs or "flag_values" in attrs or text, (f.name, name)
                assert var.dtype != str, (f.name, name)  # classic types: no variable-length strings
                assert var.dtype.kind != "c"
        if shutil.which("ncdump"):
            p = subprocess.run(["ncdump", "-h", str(f)], capture_output=True, text=True)
            assert p.returncode == 0, p.stderr


def test_user_configfile_replaces_the_default_config_instead_of_merging(tmp_path):
    """`snakemake --configfile my.yaml` in the repository (where config/config.yaml exists)
    runs only what my.yaml asks for: the default models must not leak in by a deep merge."""
    mine = {"study": "mine", "seed": 3, "time": {"t_max": 2.0, "points": 5}, "models": {"dicke": {"N": [3]}}}
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump(mine))
    p = snakemake(ROOT, "--configfile", str(tmp_path / "mine.yaml"), "-n", "--forceall")
    assert p.returncode == 0, p.stderr
    out = p.stdout + p.stderr
    assert "results/mine/simulate/dicke/N3.nc" in out
    assert "parallel" not in out and "work_statistics" not in out and "results/default" not in out


def test_snakemake_lint_reports_nothing(tmp_path):
    """`snakemake --lint` on the default config: every rule has log, benchmark, conda, no lints."""
    p = snakemake(tmp_path, "--configfile", str(ROOT / "config" / "config.yaml"), "--lint")
    assert "Congratulations, your workflow is in a good condition" in p.stdout + p.stderr, (p.stdout + p.stderr)[-3000:]
