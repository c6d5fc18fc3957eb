"""Closed-dynamics models against brute force in the full tensor-product space."""

import numpy as np
import pytest
import qbattery
from bruteforce import cavity_cells

TIMES = np.linspace(0.0, 6.0, 31)


@pytest.mark.parametrize("N", [1, 2, 3, 4, 5])
def test_dicke_energy_and_full_space_ergotropy_match_bruteforce_tensor_product(N):
    """Dicke battery (Ferraro 2018) in the Dicke/parity subspace equals the full
    cavity x 2^N computation, energy and ergotropy (full 2^N spectrum) to 1e-8."""
    ds = qbattery.simulate("dicke", N=[N], coupling=0.2, omega_c=1.0, times=TIMES)
    n_max = 2 * N + 1 + 30
    e_ref, erg_ref = cavity_cells(N, N, 0.2, 1.0, TIMES, n_max)
    np.testing.assert_allclose(ds.energy.sel(N=N).values, e_ref, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.sel(N=N).values, erg_ref, atol=1e-8)


@pytest.mark.parametrize("N", [1, 2, 3])
def test_parallel_model_equals_bruteforce_of_n_independent_cell_cavity_pairs(N):
    """Parallel reference: N cells each with its own one-photon cavity. The brute force
    builds the product state of N pairs explicitly and takes the ergotropy of the full
    2^N battery state, which checks that scaling one cell by N is exact."""
    import qutip as qt
    from bruteforce import battery_hamiltonian, ergotropy_numpy

    lam = 0.25
    ds = qbattery.simulate("parallel", N=[N], coupling=lam, times=TIMES)
    n_max = 2 + 1 + 30
    a = qt.tensor(qt.destroy(n_max), qt.qeye(2))
    sz = qt.tensor(qt.qeye(n_max), qt.sigmaz())
    sx = qt.tensor(qt.qeye(n_max), qt.sigmax())
    H = a.dag() * a + sz / 2 + lam * sx * (a + a.dag())
    psi0 = qt.tensor(qt.basis(n_max, 1), qt.basis(2, 1))
    res = qt.sesolve(H, psi0, TIMES, options={"atol": 1e-13, "rtol": 1e-12})
    HB = battery_hamiltonian(N)
    for it, s in enumerate(res.states):
        rho1 = s.ptrace(1)
        rhoN = qt.tensor([rho1] * N).full()
        e_ref = float(np.real(np.trace(rhoN @ HB)))
        assert abs(ds.energy.values[0, it] - e_ref) < 1e-8
        assert abs(ds.ergotropy.values[0, it] - ergotropy_numpy(rhoN, HB)) < 1e-8


def test_parallel_and_dicke_are_the_same_hamiltonian_at_N_equal_1():
    """Normalisation: at N = 1 the Dicke and parallel batteries coincide."""
    a = qbattery.simulate("dicke", N=[1], coupling=[0.1, 0.4], times=TIMES)
    b = qbattery.simulate("parallel", N=[1], coupling=[0.1, 0.4], times=TIMES)
    np.testing.assert_allclose(a.energy.values, b.energy.values, atol=1e-12)
    np.testing.assert_allclose(a.ergotropy.values, b.ergotropy.values, atol=1e-12)


def test_dicke_truncation_weight_is_reported_and_a_too_small_cutoff_fails_loudly():
    """A Fock cutoff that is too small for strong coupling is refused before the run when it is
    below the estimated need (naming the key), raises a health error naming the model and the
    point when it passes the estimate (a lower bound) but truncates, or records NaN with a flag
    if asked to."""
    t = np.linspace(0, 10, 21)
    with pytest.raises(qbattery.InputError, match="numerics.fock_auto"):
        qbattery.simulate("dicke", N=[4], coupling=1.5, times=t, numerics={"fock_extra": 0, "fock_auto": False})
    with pytest.raises(qbattery.NumericalHealthError, match="model=dicke N=4"):  # 154 levels estimated, 2N + 1 + 145 given
        qbattery.simulate("dicke", N=[4], coupling=1.5, times=t, numerics={"fock_extra": 145, "fock_auto": False})
    ds = qbattery.simulate("dicke", N=[4], coupling=1.5, times=t, numerics={"fock_extra": 0, "fock_auto": False, "on_violation": "nan"})
    assert int(ds.status.values[0]) == 1 and np.all(np.isnan(ds.energy.values))
    assert ds.truncation_weight.values[0] > 1e-10


@pytest.mark.parametrize("N", [1, 2, 3, 4])
@pytest.mark.parametrize("omega_c", [1.0, 1.3])
def test_tavis_cummings_matches_bruteforce_rwa_in_full_tensor_space(N, omega_c):
    """Tavis-Cummings battery in its (N+1)-dim excitation block equals the full cavity x 2^N
    RWA computation (energy and full-space ergotropy) to 1e-8, on and off resonance."""
    ds = qbattery.simulate("tavis_cummings", N=[N], coupling=0.2, omega_c=omega_c, times=TIMES)
    e_ref, erg_ref = cavity_cells(N, N, 0.2, omega_c, TIMES, 2 * N + 2, rwa=True)
    np.testing.assert_allclose(ds.energy.values[0], e_ref, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.values[0], erg_ref, atol=1e-8)
    assert ds.truncation_weight.values[0] == 0.0


def test_tavis_cummings_single_cell_is_vacuum_rabi_oscillation():
    """N = 1, resonance: |1, g> <-> |0, e> with Rabi frequency 2 lam omega_c: E = sin^2(lam t)."""
    t = np.linspace(0, 20, 201)
    ds = qbattery.simulate("tavis_cummings", N=[1], coupling=0.3, times=t)
    np.testing.assert_allclose(ds.energy.values[0], np.sin(0.3 * t) ** 2, atol=1e-12)


@pytest.mark.parametrize("model", ["dicke", "tavis_cummings"])
def test_joint_battery_cavity_state_conserves_total_energy_and_reduces_to_the_battery(model):
    """The joint state from joint_trajectory(): <H_B + H_C + H_int> is constant (closed
    dynamics), and tracing out the cavity gives the energy and full-space ergotropy of simulate()."""
    from qbattery.models import Numerics, get_model

    N, t = 3, np.linspace(0, 5, 11)
    jt = get_model(model).joint_trajectory(N, t, {"coupling": 0.3, "omega_c": 1.0}, Numerics())
    dB, dC = jt.dims
    H = np.kron(jt.H_B, np.eye(dC)) + np.kron(np.eye(dB), jt.H_C) + jt.H_int
    e_tot = np.real(np.einsum("ti,ij,tj->t", jt.states.conj(), H, jt.states))
    np.testing.assert_allclose(e_tot, e_tot[0], atol=1e-10)
    rho_b = np.array([qbattery.partial_trace(np.outer(s, s.conj()), jt.dims, 0) for s in jt.states])
    ds = qbattery.simulate(model, N=[N], coupling=0.3, times=t)
    np.testing.assert_allclose(qbattery.energy(rho_b, jt.H_B), ds.energy.values[0], atol=1e-10)
    np.testing.assert_allclose(qbattery.ergotropy(rho_b, jt.H_B, levels=jt.battery_levels), ds.ergotropy.values[0], atol=1e-10)
