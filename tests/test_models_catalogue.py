"""Charging-protocol catalogue (issue 3): Rabi charging and the global flip of Binder et al.
(NJP 17, 075015 (2015)) against their analytic solutions and qutip brute force in the full 2^N
space, and the known results on quantum advantage (Ferraro et al., PRL 120, 117702 (2018))."""

import numpy as np
import pytest
import qbattery
import qutip as qt
from bruteforce import EXCITED, GROUND, battery_hamiltonian, ergotropy_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.analysis import analyse_power
from qbattery.models import MODELS, Numerics, get_model, models_with

TIMES = np.linspace(0.0, 6.0, 61)
X_STAR = 1.1655611852072113  # tan x = 2 x: maximiser of sin^2(x)/x


def full_space_run(H: qt.Qobj, N: int, times: np.ndarray):
    """Energy and ergotropy of the 2^N pure state from |g...g> under H (dense expm per time)."""
    psi0 = qt.tensor([GROUND] * N)
    HB = battery_hamiltonian(N)
    e, v = np.linalg.eigh(H.full())
    c = v.conj().T @ psi0.full().ravel()
    en, erg = [], []
    for t in times:
        psi = v @ (np.exp(-1j * e * t) * c)
        rho = np.outer(psi, psi.conj())
        en.append(float(np.real(np.trace(rho @ HB))))
        erg.append(ergotropy_numpy(rho, HB))
    return np.array(en), np.array(erg)


def site(N, op, i):
    return qt.tensor([op if j == i else qt.qeye(2) for j in range(N)])


@pytest.mark.parametrize("N", [1, 2, 3, 5])
def test_rabi_parallel_is_the_analytic_rabi_solution_and_the_2N_bruteforce(N):
    """V = g sum_i s^x_i from |g...g>: E(t) = N sin^2(g t) = ergotropy (pure product state),
    capacity N; equal to the qutip 2^N evolution with full-spectrum ergotropy to 1e-8."""
    g = 0.45
    ds = qbattery.simulate("rabi_parallel", N=[N], drive=g, times=TIMES)
    np.testing.assert_allclose(ds.energy.values[0], N * np.sin(g * TIMES) ** 2, atol=1e-10)
    np.testing.assert_allclose(ds.capacity.values[0], N, atol=1e-12)
    en, erg = full_space_run(g * sum(site(N, qt.sigmax(), i) for i in range(N)), N, TIMES)
    np.testing.assert_allclose(ds.energy.values[0], en, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.values[0], erg, atol=1e-8)


@pytest.mark.parametrize("N", [1, 2, 3, 5])
def test_global_flip_is_the_analytic_flip_at_equal_norm_and_the_2N_bruteforce(N):
    """V = N g (|g..g><e..e| + h.c.): E(t) = N sin^2(N g t) = ergotropy; qutip 2^N brute force to
    1e-8; the recorded operator norm ||V|| = N g equals the norm of the parallel drive
    g sum_i s^x_i computed from the 2^N matrices (Binder et al.'s equal-norm constraint)."""
    g = 0.3
    ds = qbattery.simulate("global_flip", N=[N], drive=g, times=TIMES)
    np.testing.assert_allclose(ds.energy.values[0], N * np.sin(N * g * TIMES) ** 2, atol=1e-10)
    G, E = qt.tensor([GROUND] * N), qt.tensor([EXCITED] * N)
    V = N * g * (G * E.dag() + E * G.dag())
    en, erg = full_space_run(V, N, TIMES)
    np.testing.assert_allclose(ds.energy.values[0], en, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.values[0], erg, atol=1e-8)
    V_par = g * sum(site(N, qt.sigmax(), i) for i in range(N))
    norm_par = np.abs(np.linalg.eigvalsh(V_par.full())).max()
    assert float(ds.charging_norm.values[0]) == pytest.approx(np.abs(np.linalg.eigvalsh(V.full())).max(), rel=1e-12)
    assert float(ds.charging_norm.values[0]) == pytest.approx(norm_par, rel=1e-12)
    ref = qbattery.simulate("rabi_parallel", N=[N], drive=g, times=TIMES)
    assert float(ref.charging_norm.values[0]) == pytest.approx(norm_par, rel=1e-12)


@pytest.mark.parametrize("N", [2, 5, 12])
def test_global_flip_two_state_route_equals_the_symmetric_sector_of_the_tpm_protocol(N):
    """The flip generator of the work-statistics protocol in the full symmetric sector (N + 1
    states, qbattery.physics.work_distributions) propagated densely gives the same energy and overlap as the
    model's two-state route (with the equal-norm coupling N g)."""
    from qbattery.physics.propagation import propagate
    from qbattery.physics.work_distributions import _flip_generator, spin_operators

    g = 0.35
    Jz, Jp = spin_operators(N)
    V = _flip_generator(N * g, N)(N, Jz + N / 2 * np.eye(N + 1), Jz, Jp)
    psi0 = np.zeros(N + 1, dtype=complex)
    psi0[0] = 1
    psi = propagate(V, psi0, TIMES)
    ds = qbattery.simulate("global_flip", N=[N], drive=g, times=TIMES)
    np.testing.assert_allclose(ds.energy.values[0], np.abs(psi) ** 2 @ np.arange(N + 1), atol=1e-10)
    np.testing.assert_allclose(ds.overlap.values[0], np.abs(psi[:, 0]), atol=1e-10)


def test_driven_models_reach_large_N_exactly():
    """Both driven models are exact for any N (one cell scaled / two-state subspace): at N = 10^5
    the energy follows N sin^2(g t) and N sin^2(N g t), norms preserved, bounds below the times."""
    N, g = 100000, 0.5
    t = np.linspace(0, 1e-4, 101)
    flip = qbattery.simulate("global_flip", N=[N], drive=g, times=t)
    par = qbattery.simulate("rabi_parallel", N=[N], drive=g, times=t)
    np.testing.assert_allclose(flip.energy.values[0], N * np.sin(N * g * t) ** 2, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(par.energy.values[0], N * np.sin(g * t) ** 2, rtol=1e-10, atol=1e-12)
    assert float(flip.charging_norm.values[0]) == pytest.approx(float(par.charging_norm.values[0]), rel=1e-12)


@settings(max_examples=10, deadline=None)
@given(st.floats(0.1, 1.0))
def test_global_flip_is_N_times_faster_than_the_parallel_drive_at_equal_norm(g):
    """Binder et al. 2015: at equal ||V|| the flip charges fully at pi/(2 N g) instead of pi/(2 g):
    tau*(flip) = tau*(parallel)/N = x*/(N g) and Gamma(N) = P_max(flip)/P_max(parallel) = N;
    alpha(flip) = 2 (P_max = N^2 g sin^2(x*)/x*), alpha(parallel) = 1."""
    Ns = [1, 2, 4, 8]
    t = np.linspace(0.0, 2.0 / g, 4001)
    flip = qbattery.simulate("global_flip", N=Ns, drive=g, times=t)
    par = qbattery.simulate("rabi_parallel", N=Ns, drive=g, times=t)
    pw = analyse_power(flip, par)
    np.testing.assert_allclose(pw.quantum_advantage.values, Ns, rtol=1e-4)
    np.testing.assert_allclose(pw.tau_star.values, X_STAR / (g * np.array(Ns)), rtol=1e-4)
    np.testing.assert_allclose(pw.max_power.values, np.array(Ns) ** 2 * g * np.sin(X_STAR) ** 2 / X_STAR, rtol=1e-5)
    assert float(pw.power_exponent) == pytest.approx(2.0, abs=1e-4)
    assert float(pw.reference_max_power.values[-1] / pw.reference_max_power.values[0]) == pytest.approx(8.0, rel=1e-5)


@pytest.mark.parametrize("name", sorted(n for n in models_with("closed") if MODELS[n].kind == "parallel"))
def test_a_parallel_protocol_has_no_quantum_advantage(name):
    """N independent cells: P_max(N) = N P_max(1) exactly, so Gamma(N) = P_max(N) / (N P_max(1)) = 1
    and alpha = 1 for every parallel model (power and tau* pipeline on N-scaled curves)."""
    Ns = [1, 2, 3, 4, 6]
    ds = qbattery.simulate(name, N=Ns, times=np.linspace(0.0, 20.0, 801), numerics=Numerics(fock_extra=10))
    pw = analyse_power(ds)
    pm = pw.max_power.values.reshape(len(Ns), -1)
    np.testing.assert_allclose(pm / (np.array(Ns)[:, None] * pm[0]), 1.0, rtol=1e-8)
    np.testing.assert_allclose(pw.power_exponent.values, 1.0, atol=1e-8)


def test_dicke_power_grows_faster_than_linearly_in_N():
    """Ferraro et al. 2018: the collective Dicke battery's P_max grows superlinearly; the quantum
    advantage Gamma(N) = P_max(dicke)/P_max(parallel) is 1 at N = 1 (same Hamiltonian), > 1 and
    increasing for N = 2, 4, 8, and the fitted exponent alpha > 1 (vs alpha = 1 of the reference)."""
    Ns = [1, 2, 4, 8]
    t = np.linspace(0.0, 20.0, 801)
    dicke = qbattery.simulate("dicke", N=Ns, coupling=0.2, times=t)
    par = qbattery.simulate("parallel", N=Ns, coupling=0.2, times=t)
    pw = analyse_power(dicke, par)
    gam = pw.quantum_advantage.values
    assert gam[0] == pytest.approx(1.0, abs=1e-10)
    assert np.all(np.diff(gam) > 0) and gam[1] > 1
    assert float(pw.power_exponent) > 1.2
    assert not np.any(pw.tau_star_at_boundary.values == 1)


def test_catalogue_models_carry_normalisation_and_reference_in_the_attrs():
    """Each new model states its Hamiltonian, initial state and normalisation; global_flip names
    rabi_parallel as its equal-norm parallel reference."""
    for name in ("rabi_parallel", "global_flip"):
        ds = qbattery.simulate(name, N=[2], times=TIMES)
        for k in ("hamiltonian", "initial_state", "normalisation", "model_references"):
            assert ds.attrs[k]
        assert "norm" in ds.attrs["normalisation"]
    assert get_model("global_flip").reference == "rabi_parallel"
    assert get_model("rabi_parallel").reference is None
