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
