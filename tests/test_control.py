"""Optimal-control charging (qbattery.physics.optimal_control, stage control): GRAPE against
analytic optima, bang-bang structure, the N-fold speed-up of the global flip at equal operator
norm (Binder et al. 2015), no speed-up with local drives, the capacity and speed-limit bounds."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from scipy.optimize import minimize_scalar
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.config import ConfigError, validate_config
from qbattery.models import get_model
from qbattery.physics import optimal_control as oc

NE = np.diag([0.0, 1.0]).astype(complex)
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
SM = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)
G0 = np.array([1.0, 0.0], dtype=complex)


def cells(N: int, controls: list[str], **kw) -> oc.ControlProblem:
    return get_model("rabi_parallel").control_system(N, {}).problem(controls, **kw)


def test_gradient_is_exact_against_finite_differences_closed_and_open():
    """GRAPE gradient (eigenbasis closed, Frechet derivative open) = central differences, for the
    ergotropy of a battery reduced from battery (x) charger and for the stored energy."""
    rng = np.random.default_rng(1)
    sys_ = get_model("charger_mediated_tls").control_system(1, {})
    for rates in (None, {"gamma": 0.2, "gamma_phi": 0.1, "temperature": 0.3}):
        for objective in ("ergotropy", "energy"):
            P = sys_.problem(["coupling", "local_x"], objective=objective, rates=rates)
            u = rng.normal(size=(4, 2))
            _, g, _ = oc.evaluate(P, u, 1.7)
            fd = np.zeros_like(u)
            for idx in np.ndindex(u.shape):
                e = np.zeros_like(u)
                e[idx] = 1e-6
                fd[idx] = (oc.evaluate(P, u + e, 1.7, False)[0] - oc.evaluate(P, u - e, 1.7, False)[0]) / 2e-6
            assert np.abs(g - fd).max() < 1e-7


def test_block_triangular_exponential_gives_the_frechet_derivatives():
    """exp([[A, E_1, E_2], [0, A, 0], [0, 0, A]]) first block row = exp(A), L(A, E_1), L(A, E_2), as
    scipy.linalg.expm_frechet (Al-Mohy & Higham 2009) computes them independently."""
    rng = np.random.default_rng(7)
    A = rng.normal(size=(5, 5)) + 1j * rng.normal(size=(5, 5))
    Es = [rng.normal(size=(5, 5)) + 1j * rng.normal(size=(5, 5)) for _ in range(2)]
    P, dP = oc.expm_and_derivatives(A, Es)
    for E, d in zip(Es, dP):
        ref_P, ref_d = sla.expm_frechet(A, E)
        assert np.abs(P - ref_P).max() < 1e-10 * np.abs(ref_P).max()
        assert np.abs(d - ref_d).max() < 1e-10 * np.abs(ref_d).max()


def test_single_cell_rotating_frame_optimum_is_a_constant_pi_pulse():
    """H = g(t) sigma^x, |g| <= g_max, no drift: the minimal time to full charge is the pi pulse
    pi / (2 g_max) (to 1e-6), and the pulse is constant at the bound."""
    g_max = 0.5
    P = cells(1, ["local_x"])
    sweep = oc.minimal_time(
        P, oc.Constraint("amplitude", g_max), [1.0, 4.0], 1.0, 4, 1, np.random.default_rng(0), bisection=23, reach_tol=1e-13
    )
    assert abs(sweep.minimal_time - np.pi / (2 * g_max)) < 1e-6
    assert np.allclose(np.abs(sweep.minimal_result.pulse), g_max, atol=1e-9)
    assert np.ptp(sweep.minimal_result.pulse) < 1e-9  # one sign: constant


def _one_switch_energy(t1: float, T: float, u: float, sign: float) -> float:
    """Exact energy after u -> -u bang-bang (switch at t1) under H = |e><e| + u sigma^x."""
    U = sla.expm(-1j * (NE - sign * u * SX) * (T - t1)) @ sla.expm(-1j * (NE + sign * u * SX) * t1)
    return float(abs((U @ G0)[1]) ** 2)


def test_lab_frame_bounded_real_control_is_bang_bang_with_one_switch():
    """Lab frame, H = omega_a |e><e| + u(t) sigma^x (= omega_a sigma^z / 2 up to a constant), real
    |u| <= u_max = omega_a / 2, stored energy at T = 4 / omega_a: the optimum found by GRAPE is bang-bang,
    |u| = u_max on every slice with one sign change (the rotation axis tilts to +-45 degrees, a single
    bang cannot leave the cone around it), and its energy is the best one-switch bang-bang energy, the
    switching time from an independent scan of that family (within the slice length; t* and T - t* are
    equivalent by sigma^z conjugation and time reversal). Convention: sigma^z |e> = +|e>, u_max = omega_a / 2."""
    T, u_max, M = 4.0, 0.5, 20
    P = oc.ControlProblem(drift=NE, controls=(SX,), H_B=NE, psi0=G0, objective="energy")
    r = oc.optimise(P, oc.Constraint("amplitude", u_max), T, M, 2, np.random.default_rng(3), max_iterations=300)
    u = r.pulse.ravel()
    assert np.allclose(np.abs(u), u_max, atol=1e-6)
    assert np.count_nonzero(np.diff(np.sign(u))) == 1
    s0 = float(np.sign(u[0]))  # the first arc's sign (both orders give the same energy: time reversal)
    coarse = max((_one_switch_energy(t, T, u_max, s0), t) for t in np.linspace(0.0, T, 401))
    fine = minimize_scalar(
        lambda t: -_one_switch_energy(t, T, u_max, s0),
        bounds=(coarse[1] - 0.02, coarse[1] + 0.02),
        method="bounded",
        options={"xatol": 1e-10},
    )
    best = (-fine.fun, fine.x)
    assert r.value <= best[0] + 1e-6
    assert r.value >= best[0] - 1e-3  # switching restricted to slice boundaries
    t_switch = (np.flatnonzero(np.diff(np.sign(u)))[0] + 1) * T / M
    # sigma^z conjugation (u -> -u) and time reversal make t* and T - t* equally optimal
    assert min(abs(t_switch - best[1]), abs(t_switch - (T - best[1]))) <= T / M


@pytest.mark.parametrize("N", [2, 3])
def test_norm_bounded_global_flip_is_N_times_faster_and_not_faster(N):
    """N cells, the flip |g..g><e..e| + h.c. bounded by the operator norm N g of the parallel drive:
    the minimal time to charge f = 0.99 is arcsin(sqrt f) / (N g), N times the single-cell time and
    equal to the speed limit of the constraint (no faster)."""
    g, f = 0.5, 0.99
    P = cells(N, ["flip"])
    con = oc.Constraint("norm", N * g)
    sweep = oc.minimal_time(P, con, [0.5, 4.0], f, 4, 1, np.random.default_rng(N), bisection=16, reach_tol=1e-10)
    expected = np.arcsin(np.sqrt(f)) / (N * g)
    assert abs(sweep.minimal_time - expected) < 1e-4
    assert sweep.minimal_time >= oc.constraint_speed_limit(P, con, f) * (1 - 1e-9)
    assert oc.constraint_speed_limit(P, con, f) == pytest.approx(expected, rel=1e-12)


def test_operator_norm_constraint_with_several_controls_stays_in_the_ball_and_charges():
    """SLSQP route (flip + collective drive, ||H_c|| <= N g): every slice within the bound, and just
    above the flip time the optimum charges 99 % of the capacity, at the speed limit the flip needs."""
    N, g = 2, 0.5
    P = cells(N, ["flip", "collective_x"])
    T = 1.02 * np.arcsin(np.sqrt(0.99)) / (N * g)
    r = oc.optimise(P, oc.Constraint("norm", N * g), T, 4, 2, np.random.default_rng(5), max_iterations=200)
    H = np.einsum("jk,kab->jab", r.pulse, np.asarray(P.controls))
    assert np.abs(np.linalg.eigvalsh(H)).max() <= N * g * (1 + 1e-9)
    assert r.value >= 0.99 * P.capacity()


def test_only_local_drives_give_no_speed_up():
    """N = 2 cells with independent drives |u_i| <= g: the minimal time is the single-cell time,
    Gamma = t_parallel / t_min = 1 within the bisection resolution."""
    g, f = 0.5, 0.99
    sweep = oc.minimal_time(
        cells(2, ["local_x"]), oc.Constraint("amplitude", g), [1.0, 4.0], f, 4, 2, np.random.default_rng(2), bisection=14
    )
    gamma = (np.arcsin(np.sqrt(f)) / g) / sweep.minimal_time
    assert abs(gamma - 1.0) < 1e-3


def test_open_route_at_zero_rates_equals_the_closed_route_and_decay_costs_ergotropy():
    """The Lindblad (superoperator) route at zero rates gives the closed value of the same pulse; with
    cell decay the optimised ergotropy is below the closed optimum and within the capacity."""
    rng = np.random.default_rng(4)
    closed = cells(1, ["local_x"])
    zero = cells(1, ["local_x"], rates={"gamma": 0.0, "gamma_phi": 0.0, "temperature": 0.0})
    u = rng.uniform(-0.5, 0.5, size=(5, 1))
    assert oc.evaluate(zero, u, 2.0, False)[0] == pytest.approx(oc.evaluate(closed, u, 2.0, False)[0], abs=1e-12)
    lossy = cells(1, ["local_x"], rates={"gamma": 0.3, "gamma_phi": 0.0, "temperature": 0.0})
    r = oc.optimise(lossy, oc.Constraint("amplitude", 0.5), np.pi, 4, 1, rng)
    assert 0.0 < r.value < 1.0 - 1e-3


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), T=st.floats(0.2, 3.0), bound=st.floats(0.1, 2.0))
def test_optimised_ergotropy_never_exceeds_the_capacity_and_times_respect_the_speed_limit(seed, T, bound):
    """Random drift and two random control Hamiltonians on one cell (x) one charger qubit: the
    optimised battery ergotropy stays within e_max - e_min; on N = 2 cells (drift H_B) with random
    controls, T is never below the speed limit of the ergotropy fraction the optimum reached."""
    rng = np.random.default_rng(seed)

    def herm(d):
        a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        return (a + a.conj().T) / 2

    P = oc.ControlProblem(drift=herm(4), controls=(herm(4), herm(4)), H_B=NE, psi0=np.array([0, 1, 0, 0], dtype=complex), dims=(2, 2))
    r = oc.optimise(P, oc.Constraint("amplitude", bound), T, 3, 1, rng, max_iterations=30)
    assert r.value <= P.capacity() + 1e-12
    # cells from |g..g>: a pulse of length T reaches at most sin^2(T (w_0 + Lambda)) of the capacity
    Q = oc.ControlProblem(
        drift=np.diag([0.0, 1, 1, 2]).astype(complex),
        controls=(herm(4), herm(4)),
        H_B=np.diag([0.0, 1, 1, 2]).astype(complex),
        psi0=np.array([1, 0, 0, 0], dtype=complex),
    )
    con = oc.Constraint("amplitude", bound)
    q = oc.optimise(Q, con, T, 3, 1, rng, max_iterations=30)
    f = q.value / Q.capacity()
    if f > 0:
        assert T >= oc.constraint_speed_limit(Q, con, f) * (1 - 1e-9)


def test_control_config_errors_are_one_line_and_name_the_key():
    """A model without a control face, too large an N, an unknown parameter: one-line ConfigErrors."""
    import yaml
    from e2e import ROOT
    from qbattery import stages

    base = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    for change, needle in (
        (("model", "dicke"), "control.cases.local.model"),
        (("N", [9]), "control.cases.local.N"),
        (("params", {"coupling": 0.2}), "control.cases.local.params.coupling"),
    ):
        cfg = yaml.safe_load(yaml.safe_dump(base))
        cfg["control"]["cases"]["local"][change[0]] = change[1]
        with pytest.raises((ConfigError, ValueError)) as err:
            stages.check(validate_config(cfg))
        assert needle in str(err.value) and "\n" not in str(err.value)


def test_a_health_violation_fails_the_job_or_is_recorded_as_nan():
    """numerics.norm_tol below the rounding of the propagated norm: on_violation fail raises, nan
    records status 1, NaN results and the reason (the stage's health record)."""
    import yaml
    from e2e import ROOT
    from qbattery.stages import control as stage

    cfg = validate_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))
    cfg["control"].update(slices=2, restarts=1, max_iterations=5, bisection=1, times={"t_min": 1.0, "t_max": 3.5, "points": 2})
    cfg["numerics"]["norm_tol"] = 1e-300
    with pytest.raises(RuntimeError, match="norm error"):
        stage.control_point(stage.job_config(cfg, "local", 1), "local", 1)
    cfg["numerics"]["on_violation"] = "nan"
    ds = stage.control_point(stage.job_config(cfg, "local", 1), "local", 1)
    assert ds.status.values.item() == 1 and np.isnan(ds.minimal_time).all() and "norm error" in ds.attrs["health_violations"]
