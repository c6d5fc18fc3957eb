"""Charger-mediated batteries (Andolina et al., PRB 98, 205423 (2018)) against analytic
results, qutip brute force in the full charger (x) battery space, and conservation laws."""

import math

import numpy as np
import pytest
import qbattery
import qutip as qt
from bruteforce import EXCITED, GROUND, battery_hamiltonian, cavity_cells, ergotropy_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.models import Numerics, get_model
from qbattery.physics.quantities import partial_trace

TIMES = np.linspace(0.0, 12.0, 49)


def test_two_qubits_transfer_the_charge_completely_at_g_t_pi_over_2():
    """Resonant qubit charger + qubit cell (Andolina 2018, Sec. II): E_B = omega_a sin^2(g t),
    rho_B = diag(cos^2, sin^2) so ergotropy = max(0, sin^2 - cos^2) and capacity = |sin^2 - cos^2|;
    at g t = pi/2 the cell is fully charged (energy = ergotropy = 1)."""
    g = 0.3
    t = np.sort(np.concatenate([TIMES, [np.pi / (2 * g)]]))  # time grids increase (issue 16)
    full = int(np.searchsorted(t, np.pi / (2 * g)))
    ds = qbattery.simulate("charger_mediated_tls", N=[1], coupling=g, times=t)
    s2, c2 = np.sin(g * t) ** 2, np.cos(g * t) ** 2
    np.testing.assert_allclose(ds.energy.values[0], s2, atol=1e-12)
    np.testing.assert_allclose(ds.ergotropy.values[0], np.maximum(0, s2 - c2), atol=1e-12)
    np.testing.assert_allclose(ds.capacity.values[0], np.abs(s2 - c2), atol=1e-12)
    np.testing.assert_allclose(ds.charger_energy.values[0], c2, atol=1e-12)
    assert abs(ds.energy.values[0, full] - 1) < 1e-12 and abs(ds.ergotropy.values[0, full] - 1) < 1e-12


@pytest.mark.parametrize("N", [2, 3])
def test_n_qubit_chargers_equal_the_full_product_state_bruteforce(N):
    """N charger-cell pairs: scaling one pair by N is exact; checked against the explicit
    4^N joint state (qutip), battery traced out, ergotropy and capacity over the full 2^N
    spectrum with numpy."""
    g = 0.25
    ds = qbattery.simulate("charger_mediated_tls", N=[N], coupling=g, times=TIMES)
    sp_, sm = qt.sigmap(), qt.sigmam()  # qutip: sigmap = |0><1| = |e><g|
    H1 = (
        qt.tensor(EXCITED * EXCITED.dag(), qt.qeye(2))
        + qt.tensor(qt.qeye(2), EXCITED * EXCITED.dag())
        + g * (qt.tensor(sp_, sm) + qt.tensor(sm, sp_))
    )
    res = qt.sesolve(H1, qt.tensor(EXCITED, GROUND), TIMES, options={"atol": 1e-13, "rtol": 1e-12})
    HB = battery_hamiltonian(N)
    for it, s in enumerate(res.states):
        rhoN = qt.tensor([s.ptrace(1)] * N).full()
        r, lv = np.linalg.eigvalsh(rhoN)[::-1], np.linalg.eigvalsh(HB)
        assert abs(ds.energy.values[0, it] - np.real(np.trace(rhoN @ HB))) < 1e-8
        assert abs(ds.ergotropy.values[0, it] - ergotropy_numpy(rhoN, HB)) < 1e-8
        assert abs(ds.capacity.values[0, it] - r @ (lv[::-1] - lv)) < 1e-8


@pytest.mark.parametrize("N", [1, 2, 3, 4])
def test_oscillator_charger_fock_state_matches_tavis_cummings_bruteforce(N):
    """Oscillator charger in |N> with N cells, H_1 = a J_+ + a^dag J_-: equal to the qutip
    full Fock (x) 2^N evolution (energy and full-space ergotropy) to 1e-8."""
    g = 0.2
    ds = qbattery.simulate("charger_mediated_osc", N=[N], coupling=g, coherent=0, times=TIMES)
    e_ref, erg_ref = cavity_cells(N, N, g, 1.0, TIMES, N + 3, rwa=True)
    np.testing.assert_allclose(ds.energy.values[0], e_ref, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.values[0], erg_ref, atol=1e-8)
    assert float(ds.truncation_weight.values[0]) == 0.0


@pytest.mark.parametrize("N", [1, 3])
def test_oscillator_charger_coherent_state_matches_bruteforce(N):
    """Coherent charger |sqrt(N)> with N cells: qutip full space with a generous Fock
    cutoff (40 levels) equals the block computation to 1e-8; the reported truncation
    weight is the Poisson tail sum_{n >= cutoff} e^{-N} N^n / n! (<= truncation_tol)."""
    g, n_max = 0.2, 40
    ds = qbattery.simulate("charger_mediated_osc", N=[N], coupling=g, coherent=1, times=TIMES)
    ide = [qt.qeye(2)] * N

    def cell(op, i):
        ops = [qt.qeye(n_max)] + list(ide)
        ops[i + 1] = op
        return qt.tensor(ops)

    a = qt.tensor([qt.destroy(n_max)] + ide)
    Jp = sum(cell(qt.sigmap(), i) for i in range(N))
    nB = sum(cell(EXCITED * EXCITED.dag(), i) for i in range(N))
    H = a.dag() * a + nB + g * (a * Jp + a.dag() * Jp.dag())
    psi0 = qt.tensor([qt.coherent(n_max, np.sqrt(N))] + [GROUND] * N)
    res = qt.sesolve(H, psi0, TIMES, options={"atol": 1e-13, "rtol": 1e-12})
    HB = battery_hamiltonian(N)
    for it, s in enumerate(res.states):
        rho = s.ptrace(list(range(1, N + 1))).full()
        assert abs(ds.energy.values[0, it] - np.real(np.trace(rho @ HB))) < 1e-8
        assert abs(ds.ergotropy.values[0, it] - ergotropy_numpy(rho, HB)) < 1e-8
    cutoff = int(ds.fock_cutoff.values[0])
    tail = 1.0 - sum(math.exp(-N) * N**n / math.factorial(n) for n in range(cutoff))
    assert abs(float(ds.truncation_weight.values[0]) - tail) < 1e-13
    assert float(ds.truncation_weight.values[0]) <= Numerics().truncation_tol


def test_one_photon_charger_with_one_cell_is_the_qubit_pair():
    """N = 1: the Fock |1> oscillator charger only uses its levels 0, 1, so it is the
    qubit charger (both protocols coincide)."""
    a = qbattery.simulate("charger_mediated_osc", N=[1], coupling=[0.1, 0.3], coherent=0, times=TIMES)
    b = qbattery.simulate("charger_mediated_tls", N=[1], coupling=[0.1, 0.3], times=TIMES)
    for v in ("energy", "ergotropy", "capacity", "charger_energy"):
        np.testing.assert_allclose(a[v].values, b[v].values, atol=1e-12)


@pytest.mark.parametrize("N", [1, 4, 9])
def test_oscillator_battery_fock_charger_gives_binomial_populations(N):
    """Beam splitter a^dag b + a b^dag from |N>|0>: battery populations are binomial,
    p_k = C(N, k) s^{2k} c^{2(N-k)} (s = sin g t), so E_B = N sin^2(g t), ergotropy =
    E_B - sum_k p_(k) k with p sorted decreasing; complete transfer (|0>|N>) at g t = pi/2."""
    g = 0.15
    t = np.sort(np.concatenate([TIMES, [np.pi / (2 * g)]]))  # time grids increase (issue 16)
    full = int(np.searchsorted(t, np.pi / (2 * g)))
    ds = qbattery.simulate("charger_mediated_ho", N=[N], coupling=g, coherent=0, times=t)
    s2 = np.sin(g * t) ** 2
    k = np.arange(N + 1)
    p = np.array([[math.comb(N, kk) * x**kk * (1 - x) ** (N - kk) for kk in k] for x in s2])
    erg = N * s2 - np.sort(p, axis=1)[:, ::-1] @ k
    np.testing.assert_allclose(ds.energy.values[0], N * s2, atol=1e-10)
    np.testing.assert_allclose(ds.ergotropy.values[0], erg, atol=1e-10)
    assert abs(ds.ergotropy.values[0, full] - N) < 1e-10


@pytest.mark.parametrize("N", [1, 5, 12])
def test_oscillator_battery_coherent_charger_stays_coherent(N):
    """Beam splitter maps |alpha>|0> to |alpha cos gt>|-i alpha sin gt>: the battery is a
    pure coherent state, E_B = ergotropy = N sin^2(g t) (Andolina 2018, Sec. III), up to the
    reported Poisson truncation weight."""
    g = 0.15
    ds = qbattery.simulate("charger_mediated_ho", N=[N], coupling=g, coherent=1, times=TIMES)
    exact = N * np.sin(g * TIMES) ** 2
    np.testing.assert_allclose(ds.energy.values[0], exact, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.values[0], exact, atol=1e-8)
    assert 0 < float(ds.truncation_weight.values[0]) <= Numerics().truncation_tol


CASES = [
    ("charger_mediated_tls", 2, {}),
    ("charger_mediated_osc", 3, {"coherent": 0}),
    ("charger_mediated_osc", 2, {"coherent": 1}),
    ("charger_mediated_ho", 3, {"coherent": 0}),
    ("charger_mediated_ho", 2, {"coherent": 1}),
]


@pytest.mark.parametrize("name,N,extra", CASES)
def test_joint_state_conserves_total_energy_and_reproduces_the_battery(name, N, extra):
    """From the joint pure state: <H_A + H_B + H_int> is constant (closed system); the
    battery traced out of the joint state has the run's energy and full-space ergotropy;
    the charger energy matches the series; norm 1."""
    g = 0.3
    params = {"coupling": g, **extra}
    m = get_model(name)
    jt = m.joint_trajectory(N, TIMES, params, Numerics())
    tr = m.run(N, TIMES, params, Numerics())
    dB, dC = jt.dims
    H = np.kron(jt.H_B, np.eye(dC)) + np.kron(np.eye(dB), jt.H_C) + jt.H_int
    etot = np.real(np.einsum("ti,ij,tj->t", jt.states.conj(), H, jt.states))
    np.testing.assert_allclose(etot, etot[0], atol=1e-10)
    np.testing.assert_allclose(np.linalg.norm(jt.states, axis=1), 1.0, atol=1e-12)
    rho = np.einsum("ti,tj->tij", jt.states, jt.states.conj())
    rho_b, rho_c = partial_trace(rho, (dB, dC), 0), partial_trace(rho, (dB, dC), 1)
    np.testing.assert_allclose(np.real(np.einsum("tij,ji->t", rho_b, jt.H_B)), tr.energy, atol=1e-10)
    np.testing.assert_allclose(np.real(np.einsum("tij,ji->t", rho_c, jt.H_C)), tr.series["charger_energy"], atol=1e-10)
    erg = qbattery.ergotropy(rho_b, jt.H_B, levels=jt.battery_levels)
    np.testing.assert_allclose(erg, tr.ergotropy, atol=1e-10)


@pytest.mark.parametrize("name,N,extra", CASES)
def test_switching_off_at_tau_freezes_battery_energy_and_ergotropy(name, N, extra):
    """The time axis is the switch-off time tau: after tau the joint state evolves under
    H_A + H_B only, which leaves the battery's energy and ergotropy at their tau values
    (resonant exchange: no switching work, <H_int> = 0 from a product state)."""
    m = get_model(name)
    params = {"coupling": 0.3, **extra}
    jt = m.joint_trajectory(N, TIMES, params, Numerics())
    dB, dC = jt.dims
    H0 = np.kron(jt.H_B, np.eye(dC)) + np.kron(np.eye(dB), jt.H_C)
    i_tau = 17
    psi = jt.states[i_tau]
    for dt in (0.7, 3.1):
        after = np.exp(-1j * np.diag(H0).real * dt) * psi  # H_A + H_B diagonal in the product basis
        rb = partial_trace(np.outer(after, after.conj()), (dB, dC), 0)
        rb0 = partial_trace(np.outer(psi, psi.conj()), (dB, dC), 0)
        assert abs(np.real(np.trace(rb @ jt.H_B)) - np.real(np.trace(rb0 @ jt.H_B))) < 1e-12
        assert (
            abs(qbattery.ergotropy(rb, jt.H_B, levels=jt.battery_levels) - qbattery.ergotropy(rb0, jt.H_B, levels=jt.battery_levels))
            < 1e-10
        )
    np.testing.assert_allclose(m.run(N, TIMES, params, Numerics()).series["interaction_energy"], 0.0, atol=1e-12)


@settings(max_examples=12, deadline=None)
@given(N=st.integers(1, 12), g=st.floats(0.01, 3.0), coherent=st.integers(0, 1), ho=st.booleans())
def test_energy_bounds_and_conservation_for_random_points(N, g, coherent, ho):
    """0 <= ergotropy <= energy; charger + battery energy is conserved (drift < 1e-10);
    for N cells the energy never exceeds the capacity N omega_a."""
    name = "charger_mediated_ho" if ho else "charger_mediated_osc"
    ds = qbattery.simulate(name, N=[N], coupling=g, coherent=coherent, times=TIMES)
    e, erg = ds.energy.values, ds.ergotropy.values
    assert np.all(erg >= -1e-10) and np.all(erg <= e + 1e-10)
    assert float(ds.energy_drift.values.max()) < 1e-10
    tot = e + ds.charger_energy.values
    np.testing.assert_allclose(tot - tot[..., :1], 0.0, atol=1e-9)
    if not ho:
        assert np.all(e <= N + 1e-10)


def test_tls_joint_state_refuses_too_many_pairs():
    """The explicit 4^N joint state is limited to small N, with a clear error."""
    with pytest.raises(ValueError, match="charger_mediated_tls"):
        get_model("charger_mediated_tls").joint_trajectory(6, TIMES, {"coupling": 0.2}, Numerics())
