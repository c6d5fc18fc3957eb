"""Power quantities against analytic charging curves."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery import average_power, instantaneous_power, summarise


@settings(max_examples=40, deadline=None)
@given(st.floats(0.2, 5.0), st.floats(0.5, 3.0))
def test_rabi_curve_optimal_time_solves_tan_x_equals_2x(Omega, E0):
    """E(t) = E0 sin^2(Omega t / 2): P(t) = E/t is maximal where tan(x) = 2x with x = Omega t/2,
    x* = 1.16556118520721, so tau* = 2 x*/Omega and P_max = E0 sin^2(x*) / tau*; peak dE/dt = E0 Omega/2."""
    x_star = 1.1655611852072113
    t = np.linspace(0, 4 * np.pi / Omega, 2001)
    E = E0 * np.sin(Omega * t / 2) ** 2
    s = summarise(t, E)
    tau = 2 * x_star / Omega
    assert s.tau_star == pytest.approx(tau, rel=1e-6)
    assert s.max_power == pytest.approx(E0 * np.sin(x_star) ** 2 / tau, rel=1e-8)
    assert s.peak_power == pytest.approx(E0 * Omega / 2, rel=1e-5)
    assert s.max_stored == pytest.approx(E0, rel=1e-6)
    assert not s.tau_at_boundary


def test_average_power_is_nan_at_zero_time_and_boundary_maximum_is_flagged():
    """P(0) is undefined; a monotonically growing E/t peaks at the last point -> flagged."""
    t = np.linspace(0, 1, 11)
    E = t**3
    assert np.isnan(average_power(t, E)[0])
    assert summarise(t, E).tau_at_boundary


def test_instantaneous_power_of_quadratic_is_exact():
    """Second-order differences are exact for E = t^2: dE/dt = 2t."""
    t = np.linspace(0, 2, 9)
    np.testing.assert_allclose(instantaneous_power(t, t**2), 2 * t, atol=1e-12)


def test_power_figures_draw_every_parameter_point_not_only_the_first():
    """Regression (issue 3): with a swept coupling the P_max(N), Gamma(N) and speed-limit panels
    hold one line per coupling value, and every line carries that point's own data."""
    import qbattery
    from qbattery.analysis import analyse_power
    from qbattery.figures.power import plot_power_scaling, plot_quantum_advantage, plot_speed_limits

    t = np.linspace(0, 20, 201)
    ds = qbattery.simulate("tavis_cummings", N=[1, 2, 3], coupling=[0.1, 0.3], times=t)
    pw = analyse_power(ds, qbattery.simulate("parallel", N=[1, 2, 3], coupling=[0.1, 0.3], times=t))
    from qbattery.figures.labels import value_label

    low, high = value_label("coupling", 0.1, "tavis_cummings"), value_label("coupling", 0.3, "tavis_cummings")
    assert low == r"$\lambda = 0.1$"  # display form, not the config key "coupling=0.1"
    for plot in (plot_power_scaling, plot_quantum_advantage, plot_speed_limits):
        fig = plot([pw])
        lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
        assert any(k.startswith(low) for k in lines) and any(k.startswith(high) for k in lines)
    fig = plot_power_scaling([pw])
    drawn = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith(high)]
    assert drawn
    for ln in drawn:
        np.testing.assert_allclose(ln.get_ydata(), pw.max_power.sel(coupling=0.3).values)


def test_speed_limit_variables_need_the_pure_state_series():
    """Models without the pure-state series (overlap, mean_energy, energy_spread), e.g. mixed or
    reduced routes, get no QSL variables; closed models get them with units and long names."""
    import qbattery
    from qbattery.analysis import analyse_power

    ds = qbattery.simulate("rabi_parallel", N=[1, 2, 4], times=np.linspace(0, 10, 101))
    pw = analyse_power(ds)
    for v in ("qsl_time", "qsl_mt_time", "qsl_ml_time", "qsl_ratio", "qsl_power_bound", "qsl_time_tau_star"):
        assert pw[v].attrs["units"] and pw[v].attrs["long_name"]
    assert "speed_limits" in pw.attrs
    bare = analyse_power(ds.drop_vars(["overlap", "mean_energy", "energy_spread"]))
    assert not any(v.startswith("qsl_") for v in bare.data_vars)
