"""Disorder realisations through the stages: chunked jobs reproduce the single-run grid, the power stage's
disorder means and standard errors are the sample statistics over the realisation axis, and the
disorder figure draws them with their error bars."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from qbattery import simulate, stages
from qbattery.analysis import analyse_power
from qbattery.config import validate_config
from qbattery.stages import simulate as sim_stage

T = np.linspace(0.0, 4.0, 41)
CFG = {
    "study": "d",
    "seed": 99,
    "time": {"t_max": 4.0, "points": 41},
    "models": {"disordered_chain": {"N": [3, 4, 5], "W": [0.0, 0.8], "J": 0.3, "realisations": 5, "realisations_per_job": 2}},
}


def test_chunked_jobs_merge_to_the_single_run_grid():
    """Three chunk jobs per N (2 + 2 + 1 of 5 realisations), merged, equal one run of all five."""
    cfg = validate_config(copy.deepcopy(CFG))
    assert sim_stage.chunks(cfg, "disordered_chain") == [0, 1, 2]
    parts = [
        sim_stage.simulate_point(sim_stage.job_config(cfg, "disordered_chain", N), "disordered_chain", N, c)
        for N in (3, 4, 5)
        for c in sim_stage.chunks(cfg, "disordered_chain")
    ]
    merged = stages.merge_grid(parts)
    whole = simulate("disordered_chain", N=[3, 4, 5], times=T, realisations=5, seed=99, W=[0.0, 0.8], J=0.3)
    assert merged.realisation.values.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(merged.energy.transpose(*whole.energy.dims).values, whole.energy.values)


def test_power_stage_disorder_means_and_standard_errors():
    """<P_max> = mean over r, SE = std(ddof=1)/sqrt(R); at W = 0 every realisation is the clean chain (SE 0);
    the exponent of the mean is the log-log fit of <P_max>(N)."""
    from qbattery.analysis import fit_exponent

    sim = simulate("disordered_chain", N=[3, 4, 5], times=T, realisations=5, seed=99, W=[0.0, 0.8], J=0.3)
    p = analyse_power(sim)
    pm = p.max_power.values  # (N, realisation, W)
    np.testing.assert_allclose(p.max_power_disorder_mean.values, pm.mean(axis=1), rtol=1e-14)
    np.testing.assert_allclose(p.max_power_disorder_stderr.values, pm.std(axis=1, ddof=1) / np.sqrt(5), rtol=1e-12)
    assert np.all(p.max_power_disorder_stderr.sel(W=0.0).values < 1e-12)
    assert np.all(p.max_power_disorder_stderr.sel(W=0.8).values > 1e-4)
    alpha, _ = fit_exponent(np.array([3, 4, 5]), p.max_power_disorder_mean.sel(W=0.8).values)
    assert float(p.power_exponent_disorder_mean.sel(W=0.8)) == pytest.approx(alpha)
    assert p.max_power_disorder_mean.attrs["realisations"] == 5


def test_disorder_figure_draws_the_means_with_their_error_bars():
    """One error-bar line per parameter point; the bar half-lengths are the standard errors."""
    from qbattery.figures.disorder import plot_disorder_means

    p = analyse_power(simulate("disordered_chain", N=[3, 4, 5], times=T, realisations=3, seed=1, W=[0.0, 0.8], J=0.3))
    fig = plot_disorder_means([p])
    ax = fig.axes[0]
    assert len(ax.containers) == 2
    seg = ax.containers[1].lines[2][0].get_segments()
    half = [abs(s[1][1] - s[0][1]) / 2 for s in seg]
    np.testing.assert_allclose(half, p.max_power_disorder_stderr.sel(W=0.8).values, rtol=1e-6)
