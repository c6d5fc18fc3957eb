"""Hardening (issue 22): no silent bias, fail before running, one clear line for every
mistake. Each test here failed on the code before issue 22."""

from __future__ import annotations

import numpy as np
import pytest
from qbattery.physics.quantities import capacity, energy, ergotropy, gibbs_state, passive_state

NAN, INF = float("nan"), float("inf")
H2 = np.diag([0.0, 1.0])
MIXED = np.diag([0.7, 0.3])


# ---------------------------------------------------------------------------------------
# Hamiltonians and states with NaN or inf; energy of a non-state; Gibbs state at T = 0
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
@pytest.mark.parametrize("where", [(0, 0), (0, 1)])
@pytest.mark.parametrize("fn", [energy, ergotropy, capacity, passive_state], ids=lambda f: f.__name__)
def test_non_finite_hamiltonian_is_refused(fn, where, bad):
    """NaN passes the Hermiticity check (NaN > tol is false) and eigh then returns NaN (or, for
    the passive state, a finite wrong state): a Hamiltonian with a non-finite entry is refused."""
    H = H2.astype(complex)
    H[where] = bad
    if where != (0, 0):
        H[where[::-1]] = bad
    with pytest.raises(ValueError, match="non-finite entry"):
        fn(MIXED, H)


@pytest.mark.parametrize("fn", [energy, ergotropy, capacity], ids=lambda f: f.__name__)
def test_non_finite_state_is_refused(fn):
    with pytest.raises(ValueError, match="NaN or inf"):
        fn(np.array([[NAN, 0], [0, 1.0]]), H2)


def test_energy_of_a_non_positive_matrix_is_refused_as_ergotropy_refuses_it():
    """diag(1.5, -0.5) has unit trace and is Hermitian but is not a state: Tr(rho H) = -0.5
    would be a 'mean energy' below the ground energy 0. energy refuses it like ergotropy."""
    rho = np.diag([1.5, -0.5])
    for fn in (energy, ergotropy):
        with pytest.raises(ValueError, match="not positive semidefinite"):
            fn(rho, H2)


def test_gibbs_state_refuses_non_hermitian_or_non_finite_hamiltonians_and_nan_beta():
    with pytest.raises(ValueError, match="not Hermitian"):
        gibbs_state(np.array([[0.0, 1.0], [0.0, 1.0]]), 1.0)
    with pytest.raises(ValueError, match="non-finite entry"):
        gibbs_state(np.diag([0.0, NAN]), 1.0)
    with pytest.raises(ValueError, match="beta"):
        gibbs_state(H2, NAN)


@pytest.mark.parametrize("levels, ground", [([0.0, 1.0, 2.5], [0]), ([-1.0, -1.0, 0.5, 3.0], [0, 1])])
def test_gibbs_state_at_infinite_beta_is_the_ground_manifold_projector(levels, ground):
    """T -> 0 limit: exp(-beta H)/Z -> P_0 / g, the projector onto the g-fold degenerate ground
    manifold (third law). Checked analytically in a random eigenbasis and against beta = 60,
    where the excited weight exp(-60 * gap) < 1e-26 is below round-off. beta = -inf: the top
    manifold (negative-temperature limit). Before issue 22 beta = inf returned NaN."""
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.normal(size=(len(levels),) * 2) + 1j * rng.normal(size=(len(levels),) * 2))
    H = q @ np.diag(levels) @ q.conj().T
    P0 = q[:, ground] @ q[:, ground].conj().T / len(ground)
    g = gibbs_state(H, INF)
    np.testing.assert_allclose(g, P0, atol=1e-12)
    np.testing.assert_allclose(gibbs_state(H, 60.0), g, atol=1e-12)
    top = q[:, [-1]] @ q[:, [-1]].conj().T
    np.testing.assert_allclose(gibbs_state(H, -INF), top, atol=1e-12)


# ---------------------------------------------------------------------------------------
# tau* at the end of the time grid: recorded for model and reference, fails or NaN; checked before the run
# ---------------------------------------------------------------------------------------
def _dicke_and_parallel(on_violation: str, t_max: float = 20.0):
    import qbattery

    t = np.linspace(0.0, t_max, 201)
    kw = dict(N=[1, 2], coupling=[0.05, 0.2], times=t, numerics={"on_violation": on_violation})
    return qbattery.simulate("dicke", **kw), qbattery.simulate("parallel", **kw)


def test_tau_star_at_the_grid_end_of_the_reference_is_recorded_and_its_gamma_is_nan():
    """One cell charged by its own cavity at lambda = 0.05 reaches tau* ~ 1.19 / lambda = 24 > t_max = 20
    (E(t)/t still rising: P_max and so Gamma = P_max / P_max,ref biased); at lambda = 0.2
    tau* ~ 6 is inside the grid. Under on_violation: nan the reference's flag is a variable of
    the model's power dataset, the health record names the reference's point, and Gamma at
    lambda = 0.05 is NaN; the healthy lambda = 0.2 points keep their numbers (Gamma(N = 1) = 1:
    at N = 1 the Dicke battery is its own parallel reference)."""
    from qbattery import analyse_power

    sim, ref = _dicke_and_parallel("nan")
    p = analyse_power(sim, ref)
    assert p.reference_tau_star_at_boundary.sel(coupling=0.05).values.tolist() == [1, 1]
    assert p.reference_tau_star_at_boundary.sel(coupling=0.2).values.tolist() == [0, 0]
    record = p.attrs["health_violations"]
    assert "reference numerical health: model=parallel N=1 coupling=0.05" in record and "tau_star at the end of the time grid" in record
    assert np.isnan(p.quantum_advantage.sel(coupling=0.05)).all()
    assert np.isnan(p.reference_max_power.sel(coupling=0.05)).all()
    np.testing.assert_allclose(p.quantum_advantage.sel(coupling=0.2, N=1), 1.0, rtol=1e-10)
    assert np.isfinite(p.quantum_advantage.sel(coupling=0.2)).all()
    own = analyse_power(ref)  # the reference's own power dataset records it too
    assert "model=parallel N=2 coupling=0.05" in own.attrs["health_violations"] and np.isnan(own.max_power.sel(coupling=0.05)).all()


def test_tau_star_at_the_grid_end_fails_under_on_violation_fail():
    from qbattery import analyse_power
    from qbattery.simulate import NumericalHealthError

    sim, ref = _dicke_and_parallel("fail")
    with pytest.raises(NumericalHealthError, match=r"model=parallel N=1 coupling=0.05.*raise time.t_max"):
        analyse_power(ref)
    with pytest.raises(NumericalHealthError, match="tau_star at the end of the time grid"):
        analyse_power(sim, ref)


def _config(**models):
    import copy

    import yaml
    from conftest import ROOT

    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg = {k: copy.deepcopy(cfg[k]) for k in ("study", "seed", "time", "numerics")}
    cfg["models"] = models
    return cfg


def test_a_time_grid_too_short_for_the_parallel_tau_star_is_refused_before_any_job():
    """The issue's study: couplings 0.05 to 0.3, t_max = 20. The parallel reference's tau* is
    exact at N = 1 (N independent cells: E_N = N E_1, so tau* does not depend on N); at lambda =
    0.05 it is ~24 > 20: refused at validation naming time.t_max, the reference and the coupling.
    A model's own time grid is named when it has one; on_violation: nan lets the study run."""
    from qbattery import stages
    from qbattery.config import ConfigError, validate_config

    cfg = _config(dicke={"N": [1, 2], "coupling": [0.05, 0.3]})
    with pytest.raises(
        ConfigError,
        match=r"config key time.t_max: value 20.0 is invalid: the grid ends before tau\* of the parallel model parallel "
        r"at coupling=0.05 omega_c=1 \(tau\* = 2[34]\.\d+\)",
    ):
        stages.check(validate_config(cfg))
    cfg["models"]["dicke"]["time"] = {"t_max": 18.0, "points": 181}
    with pytest.raises(ConfigError, match="config key models.dicke.time.t_max: value 18.0"):
        stages.check(validate_config(cfg))
    cfg["models"]["dicke"]["coupling"] = [0.1, 0.3]
    cfg["models"]["dicke"]["time"]["t_max"] = 20.0
    stages.check(validate_config(cfg))  # tau* = 11.9, ergotropy-based 14.1: covered
    cfg["models"]["dicke"]["coupling"] = [0.05]
    cfg["numerics"]["on_violation"] = "nan"
    stages.check(validate_config(cfg))


# ---------------------------------------------------------------------------------------
# Fail before running: every stage's memory and size needs at validation
# ---------------------------------------------------------------------------------------
def _default(edit):
    import copy

    import yaml
    from conftest import ROOT

    cfg = copy.deepcopy(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))
    edit(cfg)
    return cfg


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda c: c["work_statistics"]["protocols"]["dicke"].update(N=[4096]),
            r"config key work_statistics.protocols.dicke.N: N=4096 is invalid: needs about \d+ MB per job.*raise resources.max_mem_mb",
        ),
        (
            lambda c: c["models"]["tavis_cummings"].update(N=[100000]),
            r"config key models.tavis_cummings.N: N=100000 is invalid: needs about \d+ MB per job",
        ),
        (lambda c: c["numerics"].update(fock_extra=100000000), r"config key numerics.fock_extra: value 100000000 is invalid"),
        (
            lambda c: c["thermal"]["bath"].update(sizes=[16]),
            r"config key thermal.bath.sizes: value 16 is invalid: at N=1 the joint .* dimension is 262144 > numerics.dense_max_dim=1000",
        ),
    ],
    ids=["work-dicke-N4096", "tavis-cummings-N100000", "fock-extra-1e8", "thermal-bath-16-qubits"],
)
def test_jobs_that_cannot_run_are_refused_at_validation_naming_the_key(edit, message):
    """Each passed `snakemake -n` and failed inside its job (or requested absurd memory): the
    TPM work job's 12 dense D x D arrays at N = 4096 (~88 TB); the Tavis-Cummings block of
    dimension N + 1 at N = 100000 (~5 GB, with a 500 MB default request: MemoryError);
    an unbounded Fock margin; the thermal stage's dense 2^N 2^M 2 joint space."""
    from qbattery import stages
    from qbattery.config import ConfigError, validate_config

    with pytest.raises(ConfigError, match=message):
        stages.check(validate_config(_default(edit)))


# ---------------------------------------------------------------------------------------
# One line, no traceback: damaged input file, full disk, read-only results folder
# ---------------------------------------------------------------------------------------
def _small_dataset():
    import xarray as xr

    return xr.Dataset({"energy": (("N", "t"), np.arange(6.0).reshape(2, 3))}, coords={"N": [1, 2], "t": [0.0, 1.0, 2.0]})


def test_a_truncated_netcdf_file_is_named_damaged_with_how_to_rebuild_it(tmp_path):
    """A file cut short (a full disk during a copy, a killed transfer) gave two tracebacks and
    'NetCDF: HDF error'; now one line naming the file, saying it is damaged and how to rebuild it."""
    from qbattery.io import DamagedFileError, open_dataset, write_netcdf

    f = tmp_path / "grid.nc"
    write_netcdf(_small_dataset(), f)
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.raises(DamagedFileError) as err:
        open_dataset(f)
    msg = str(err.value)
    assert "\n" not in msg and str(f) in msg and "damaged" in msg and "delete it and run snakemake again" in msg


@pytest.mark.parametrize("code, says", [(28, "no space left"), (30, "the file system is read-only"), (13, "permission denied")])
def test_a_results_folder_that_cannot_be_written_gives_one_line_and_no_traceback(tmp_path, monkeypatch, capsys, code, says):
    """Full disk (ENOSPC), read-only file system (EROFS), no permission (EACCES): the job script
    ends with one line naming the file and what to do, exit status 1, no traceback, and no
    partial file left behind. (The OS error is injected: the tests may run as root, for whom a
    read-only folder is writable.)"""
    import os
    import xarray as xr
    from qbattery.io import write_netcdf
    from qbattery.runner import logged

    def full(self, path, *a, **k):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(xr.Dataset, "to_netcdf", full)
    out = tmp_path / "results" / "x.nc"
    with pytest.raises(SystemExit) as ex:
        with logged(str(tmp_path / "job.log"), script=True):
            write_netcdf(_small_dataset(), out)
    assert ex.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"cannot write {out}: {says}" in err, err
    assert not any(p.name.endswith(".tmp") for p in out.parent.iterdir())
    assert says in (tmp_path / "job.log").read_text()


# ---------------------------------------------------------------------------------------
# The workflow: raw config files checked, the default profile found, the lock message
# ---------------------------------------------------------------------------------------
SMALL = "study: small\nseed: 1\ntime: {t_max: 20.0, points: 21}\nmodels:\n  parallel: {N: [1], coupling: 0.2}\n"


def test_workflow_refuses_a_duplicate_key_of_its_configfile_and_finds_the_default_profile(tmp_path):
    """Snakemake's loader keeps the last of two `study:` keys silently (the results would go to
    another study's folder); the Snakefile reads the raw --configfile first and refuses it
    naming the key and both lines. The default workflow profile (workflow/profiles/default,
    with show-failed-logs) is used without --workflow-profile."""
    from e2e import snakemake

    (tmp_path / "c.yaml").write_text(SMALL + "study: other\n")
    p = snakemake(tmp_path, "--configfile", str(tmp_path / "c.yaml"), "-n")
    assert p.returncode == 1
    assert f"qbattery: config file {tmp_path / 'c.yaml'}: key study is given twice, at lines 1 and 6" in p.stderr, p.stderr[-2000:]
    assert "Traceback" not in p.stderr
    assert "profiles/default for setting default command line arguments" in p.stdout + p.stderr


def test_a_second_run_while_one_runs_gets_the_lock_message(tmp_path):
    """A run in progress holds .snakemake/locks and has its running outputs marked incomplete;
    a second run said IncompleteFilesException, whose advice (--rerun-incomplete) then hit the
    lock. Now the lock message comes first, in one line, with what to do."""
    from e2e import snakemake

    (tmp_path / "c.yaml").write_text(SMALL)
    locks, incomplete = tmp_path / ".snakemake" / "locks", tmp_path / ".snakemake" / "incomplete"
    locks.mkdir(parents=True)
    incomplete.mkdir(parents=True)
    (locks / "0.output.lock").write_text(str(tmp_path / "results" / "small" / "simulate" / "parallel" / "N1.nc") + "\n")
    p = snakemake(tmp_path, "--configfile", str(tmp_path / "c.yaml"), "--cores", "1")
    assert p.returncode == 1
    assert "qbattery: another Snakemake run holds the lock of this directory" in p.stderr, p.stderr[-2000:]
    assert "IncompleteFilesException" not in p.stderr and "Traceback" not in p.stderr


# ---------------------------------------------------------------------------------------
# Progress in the job log: per point, cost-weighted remaining time, heartbeat
# ---------------------------------------------------------------------------------------
def test_remaining_time_is_weighted_by_the_cost_of_the_points_left(caplog):
    """Two cheap points (cost 1) done in 2 s, one of cost 8 left: ~8 s left, where the
    count-based extrapolation said 1 s (the issue's factor-of-three misses come from this)."""
    import logging

    from qbattery.progress import Progress

    now = [0.0]
    p = Progress("job", [1.0, 1.0, 8.0], heartbeat_seconds=3600, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="qbattery"):
        for i in range(2):
            p.start(i, f"N={i + 1}")
            now[0] += 1.0
            p.done(i, f"N={i + 1}")
    assert p.remaining_seconds() == pytest.approx(8.0)
    assert "job: point 2/3 done (N=2); 20% of the estimated cost, 2.0 s elapsed, ~8.0 s left" in caplog.text


def test_a_long_point_sends_heartbeats_and_simulate_logs_every_point(caplog):
    import logging
    import time

    import qbattery
    from qbattery.progress import Progress

    p = Progress("job", [1.0], heartbeat_seconds=0.02)
    with caplog.at_level(logging.INFO, logger="qbattery"):
        p.start(0, "N=64")
        time.sleep(0.3)
        p.done(0)
        assert "job: still computing point 1/1 (N=64)" in caplog.text
        qbattery.simulate("parallel", N=[1, 2], coupling=[0.1, 0.2], times=np.linspace(0, 20, 41))
    assert "simulate parallel: point 4/4 done (N=2 omega_c=1 coupling=0.2); 100% of the estimated cost" in caplog.text


# ---------------------------------------------------------------------------------------
# A job that fails its health check names the key to change and keeps its healthy points
# ---------------------------------------------------------------------------------------
def test_a_cutoff_capped_by_fock_max_factor_names_the_key_and_the_job_keeps_its_healthy_points(tmp_path):
    """Dicke N = 2 from |2 photons, g g> with the cutoff held at its start (fock_extra 0,
    fock_max_factor 1: 5 Fock levels): at lambda = 0.02 the top-level population stays below
    1e-2, at lambda = 0.5 it is ~0.4 (the stronger coupling pumps photons up the ladder). Under
    on_violation: fail the job fails naming numerics.fock_max_factor, after computing every
    point: the error carries the dataset with the healthy lambda = 0.02 point (equal to a run of
    that point alone) and the failed one NaN; the job script saves it next to its log."""
    import qbattery
    from qbattery.runner import keep_partial
    from qbattery.simulate import NumericalHealthError

    t = np.linspace(0.0, 20.0, 101)
    num = {"fock_extra": 0, "fock_max_factor": 1, "truncation_tol": 1e-2}
    with pytest.raises(
        NumericalHealthError, match=r"coupling=0.5: truncation_weight=.*1 of 2 points are healthy.*numerics.fock_max_factor"
    ) as err:
        qbattery.simulate("dicke", N=[2], coupling=[0.02, 0.5], times=t, numerics=num)
    part = err.value.partial
    assert part.status.values.tolist() == [[0, 1]] and np.isnan(part.energy.sel(coupling=0.5)).all()
    alone = qbattery.simulate("dicke", N=[2], coupling=[0.02], times=t, numerics=num)
    np.testing.assert_array_equal(part.energy.sel(coupling=0.02).values, alone.energy.sel(coupling=0.02).values)
    saved = keep_partial(err.value, str(tmp_path / "dicke_N2.log"))
    assert saved == str(tmp_path / "dicke_N2.partial.nc")
    from qbattery.io import open_dataset

    np.testing.assert_array_equal(open_dataset(saved).energy.values, part.energy.values)


# ---------------------------------------------------------------------------------------
# The Fock cutoff a point needs, estimated before any job (numerics.fock_max_factor)
# ---------------------------------------------------------------------------------------
def _with_dicke(factor=None):
    def edit(c):
        c["models"]["dicke"].update(N=[8, 64], coupling=[0.1, 0.4])
        if factor is not None:
            c["numerics"]["fock_max_factor"] = factor

    return _default(edit)


def test_a_dicke_point_whose_cutoff_cannot_grow_far_enough_is_refused_at_validation():
    """Dicke N = 64 at lambda = 0.4 (the README's regime) failed after ten minutes: its photon
    distribution needs ~3000 Fock levels, the cutoff grows to at most 16 x (2N + 31) = 2544.
    Refused at validation, naming numerics.fock_max_factor, the point and the smallest factor
    that reaches the estimate; with that factor the config passes."""
    from qbattery.config import ConfigError, validate_config

    with pytest.raises(ConfigError) as err:
        validate_config(_with_dicke())
    msg = str(err.value)
    assert msg.startswith("config key numerics.fock_max_factor: value 16 is invalid: models.dicke point N=64, coupling=0.4")
    assert "16 x 159 = 2544" in msg and "numerics.fock_max_factor >= 18" in msg and "\n" not in msg
    validate_config(_with_dicke(factor=18))
    validate_config(_with_dicke() | {"numerics": {"on_violation": "nan"}})  # such points are recorded as NaN


def test_the_library_refuses_the_same_dicke_point_before_running():
    """qbattery.simulate refuses what the config check refuses (same check, same estimate), in
    well under the run's time; a short grid reaches fewer levels (the semiclassical reach) and passes."""
    import time

    import qbattery
    from qbattery.validation import InputError

    t = np.linspace(0.0, 20.0, 801)
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"^simulate: argument numerics.fock_max_factor: value 16 is invalid: model 'dicke' point N=64"):
        qbattery.simulate("dicke", N=[64], coupling=[0.4], times=t)
    assert time.perf_counter() - start < 30
    with pytest.raises(InputError, match=r"argument numerics.fock_auto: value False is invalid: .*fixed cutoff"):
        qbattery.simulate("dicke", N=[64], coupling=[0.4], times=t, numerics={"fock_auto": False})
    from qbattery.models import get_model
    from qbattery.models.base import Numerics

    # t <= 0.5: the photon distribution has not spread to the energy shell (2748 photons)
    levels, start_cutoff = get_model("dicke").fock_need(64, {"coupling": 0.4, "omega_c": 1.0}, 0.5, Numerics())
    assert levels < 16 * start_cutoff


@pytest.mark.parametrize(
    "N, lam, converged",
    [(8, 0.4, 161), (16, 0.3, 215), (24, 0.4, 606), (32, 0.2, 390)],
)
def test_the_fock_need_estimate_is_below_the_converged_cutoff(N, lam, converged):
    """The estimate must not refuse a point that converges: below the cutoff the adaptive run
    converged to at truncation_tol 1e-10 on t <= 20 (measured, docs/robustness.md)."""
    from qbattery.models import get_model
    from qbattery.models.base import Numerics

    levels, _ = get_model("dicke").fock_need(N, {"coupling": lam, "omega_c": 1.0}, 20.0, Numerics(fock_max_factor=1))
    assert levels < converged
