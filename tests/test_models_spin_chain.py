"""Spin-chain battery (Le et al., PRA 97, 022106 (2018)) against independent routes:
qutip brute force in the full tensor-product space, the analytic single-cell solution,
SU(2) symmetry of the isotropic chain, and conservation of the total energy."""

import numpy as np
import pytest
import qbattery
import qutip as qt
import scipy.sparse as sp
from bruteforce import EXCITED, GROUND, battery_hamiltonian, ergotropy_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.physics import spin_chain_ops as ops
from qbattery.models import Numerics, get_model
from qbattery.physics.propagation import propagate

TIMES = np.linspace(0.0, 8.0, 41)


def qutip_chain(N: int, J: float, delta: float, g: float, periodic: bool):
    """H_B, H_int, H_charge of the chain written with qutip tensor products."""

    def site(op, i):
        return qt.tensor([op if j == i else qt.qeye(2) for j in range(N)])

    proj = EXCITED * EXCITED.dag()
    HB = sum(site(proj, i) for i in range(N))
    pairs = [(i, i + 1) for i in range(N - 1)] + ([(N - 1, 0)] if periodic and N >= 3 else [])
    Hint = 0 * HB
    for i, j in pairs:
        Hint += J * (
            site(qt.sigmax(), i) * site(qt.sigmax(), j)
            + site(qt.sigmay(), i) * site(qt.sigmay(), j)
            + delta * site(qt.sigmaz(), i) * site(qt.sigmaz(), j)
        )
    Hch = g * sum(site(qt.sigmax(), i) for i in range(N))
    return HB, Hint, Hch


@pytest.mark.parametrize("periodic", [0, 1])
@pytest.mark.parametrize("N", [1, 2, 3, 4, 5])
def test_chain_energy_ergotropy_and_bond_energy_match_qutip_bruteforce(N, periodic):
    """XXZ chain in a transverse field from |g...g>: energy, full-space ergotropy of
    |psi><psi| (eigenvalues of the 2^N density matrix), capacity and <H_int> equal the
    qutip full tensor-product evolution to 1e-8, for the symmetric-sector route
    (simulate) and the full-space route."""
    J, delta, g = 0.35, 0.6, 0.45
    HB, Hint, Hch = qutip_chain(N, J, delta, g, bool(periodic))
    psi0 = qt.tensor([GROUND] * N)
    res = qt.sesolve(HB + Hint + Hch, psi0, TIMES, options={"atol": 1e-13, "rtol": 1e-12})
    HBm = battery_hamiltonian(N)
    e_ref, erg_ref, cap_ref, int_ref = [], [], [], []
    for s in res.states:
        rho = (s * s.dag()).full()
        e_ref.append(np.real(np.trace(rho @ HBm)))
        erg_ref.append(ergotropy_numpy(rho, HBm))
        r, lv = np.linalg.eigvalsh(rho)[::-1], np.linalg.eigvalsh(HBm)
        cap_ref.append(r @ (lv[::-1] - lv))
        int_ref.append(qt.expect(Hint, s))
    ds = qbattery.simulate("spin_chain", N=[N], J=J, anisotropy=delta, drive=g, periodic=periodic, times=TIMES)
    np.testing.assert_allclose(ds.energy.values[0], e_ref, atol=1e-8)
    np.testing.assert_allclose(ds.ergotropy.values[0], erg_ref, atol=1e-8)
    np.testing.assert_allclose(ds.capacity.values[0], cap_ref, atol=1e-8)
    np.testing.assert_allclose(ds.interaction_energy.values[0], int_ref, atol=1e-8)
    full = get_model("spin_chain").run(N, TIMES, dict(J=J, anisotropy=delta, drive=g, periodic=periodic), Numerics(), symmetric=False)
    np.testing.assert_allclose(full.energy, e_ref, atol=1e-8)
    np.testing.assert_allclose(full.series["interaction_energy"], int_ref, atol=1e-8)


@pytest.mark.parametrize("N", [1, 3, 6])
def test_free_cells_follow_the_detuned_rabi_formula(N):
    """J = 0: N independent cells, H_1 = omega_a|e><e| + g sigma^x from |g>:
    E(t) = N 4 g^2/(omega_a^2 + 4 g^2) sin^2(sqrt(omega_a^2 + 4 g^2) t / 2); the chain at J = 0
    and its parallel reference both follow it, and a pure product state has ergotropy = energy."""
    g = 0.7
    om = np.sqrt(1 + 4 * g**2)
    exact = N * 4 * g**2 / om**2 * np.sin(om * TIMES / 2) ** 2
    for name, extra in (("spin_chain", dict(J=0.0, anisotropy=0.3, periodic=1)), ("spin_chain_parallel", {})):
        ds = qbattery.simulate(name, N=[N], drive=g, times=TIMES, **extra)
        np.testing.assert_allclose(ds.energy.values[0], exact, atol=1e-10)
        np.testing.assert_allclose(ds.ergotropy.values[0], exact, atol=1e-10)


@pytest.mark.parametrize("N", [2, 3, 5])
def test_periodic_and_open_chains_differ_by_exactly_the_closing_bond(N):
    """H(periodic) - H(open) = J [s^x_N s^x_1 + s^y_N s^y_1 + Delta s^z_N s^z_1] for N >= 3
    (qutip operators), and nothing for N = 2 where the closing bond is the open one."""
    J, delta = 0.4, -0.7
    m = get_model("spin_chain")
    base = dict(J=J, anisotropy=delta, drive=0.3)
    diff = sum(m.operators(N, {**base, "periodic": 1})) - sum(m.operators(N, {**base, "periodic": 0}))

    def site(op, i):
        return qt.tensor([op if j == i else qt.qeye(2) for j in range(N)])

    if N >= 3:
        bond = J * (
            site(qt.sigmax(), N - 1) * site(qt.sigmax(), 0)
            + site(qt.sigmay(), N - 1) * site(qt.sigmay(), 0)
            + delta * site(qt.sigmaz(), N - 1) * site(qt.sigmaz(), 0)
        )
        expected = bond.full()
    else:
        expected = np.zeros((2**N, 2**N))
    # our basis: cell 0 = most significant bit with bit 1 = |e>; qutip: index 0 = |e>, so reverse the order
    P = np.eye(2**N)[::-1]
    np.testing.assert_allclose(diff.toarray(), P @ expected @ P.T, atol=1e-14)


@pytest.mark.parametrize("periodic", [0, 1])
def test_isotropic_heisenberg_interaction_has_no_effect_from_the_polarised_state(periodic):
    """Delta = 1: J sum s_i . s_j commutes with the collective field g sum s^x_i and the
    fully polarised state stays in the S = N/2 multiplet, where every bond is a triplet
    (s_i . s_j = 1): the stored energy equals the J = 0 one and <H_int> = J n_bonds."""
    N, J = 6, 0.8
    a = qbattery.simulate("spin_chain", N=[N], J=J, anisotropy=1.0, drive=0.4, periodic=periodic, times=TIMES)
    b = qbattery.simulate("spin_chain_parallel", N=[N], drive=0.4, times=TIMES)
    np.testing.assert_allclose(a.energy.values, b.energy.values, atol=1e-10)
    n_bonds = N if periodic else N - 1
    np.testing.assert_allclose(a.interaction_energy.values, J * n_bonds, atol=1e-10)


@settings(max_examples=15, deadline=None)
@given(
    N=st.integers(2, 7),
    J=st.floats(-1.5, 1.5),
    delta=st.floats(-2.0, 2.0),
    g=st.floats(0.05, 2.0),
    periodic=st.integers(0, 1),
)
def test_total_energy_is_conserved_and_ergotropies_are_bounded(N, J, delta, g, periodic):
    """Closed, time-independent H: <H_B + H_int + H_ch> is conserved (relative drift
    < 1e-10); 0 <= ergotropy = energy <= capacity = N; interacting ergotropy >= 0."""
    ds = qbattery.simulate("spin_chain", N=[N], J=J, anisotropy=delta, drive=g, periodic=periodic, times=TIMES)
    assert float(ds.energy_drift.values.max()) < 1e-10
    assert float(ds.norm_error.values.max()) < 1e-10
    e = ds.energy.values
    assert np.all(e >= -1e-12) and np.all(e <= N + 1e-12)
    np.testing.assert_allclose(ds.capacity.values, N)
    assert np.all(ds.interacting_ergotropy.values >= -1e-9)


def test_interacting_ergotropy_starts_at_the_gap_above_the_chain_ground_state():
    """Ergotropy w.r.t. H_B + H_int (Le et al.) of |g...g> at t = 0 is its energy J Delta
    (N - 1) minus the ground energy of H_B + H_int (qutip groundstate), and 0 when
    |g...g> is the ground state (weak coupling)."""
    N = 5
    for J, delta, expect_zero in ((0.5, 0.8, False), (0.05, 0.5, True)):
        HB, Hint, _ = qutip_chain(N, J, delta, 0.3, False)
        e0 = (HB + Hint).groundstate()[0]
        ds = qbattery.simulate("spin_chain", N=[N], J=J, anisotropy=delta, drive=0.3, times=TIMES)
        val = float(ds.interacting_ergotropy.values[0, 0])
        assert abs(val - (J * delta * (N - 1) - e0)) < 1e-9
        assert (abs(val) < 1e-9) == expect_zero


def test_sparse_chunked_propagation_equals_dense_diagonalisation():
    """The expm_multiply route in time chunks (forced by dense_max_dim and a tiny chunk)
    reproduces the dense eigh propagation of the full 2^8 chain to 1e-10."""
    N = 8
    m = get_model("spin_chain")
    H = sum(m.operators(N, dict(J=0.3, anisotropy=0.4, drive=0.6, periodic=0))).tocsr()
    psi0 = np.zeros(2**N, dtype=complex)
    psi0[0] = 1
    ref = propagate(H, psi0, TIMES, dense_max_dim=10**6)
    got = np.empty_like(ref)

    def obs(sl, states):
        got[sl] = states

    ops.propagate_observables(H, psi0, TIMES, obs, dense_max_dim=8, chunk_bytes=16 * 2**N * 5)
    np.testing.assert_allclose(got, ref, atol=1e-10)
    assert sp.issparse(H)


def test_spin_chain_power_analysis_has_gamma_against_the_free_cells():
    """Gamma(N) of the chain is defined against spin_chain_parallel at equal N and g; at
    J = 0 the two protocols coincide, so Gamma = 1."""
    from qbattery.analysis import analyse_power

    t = np.linspace(0, 10, 201)
    sim = qbattery.simulate("spin_chain", N=[2, 3, 4], J=0.0, anisotropy=0.5, drive=0.5, times=t)
    ref = qbattery.simulate("spin_chain_parallel", N=[2, 3, 4], drive=0.5, times=t)
    out = analyse_power(sim, ref)
    np.testing.assert_allclose(out.quantum_advantage.values, 1.0, atol=1e-10)


@pytest.mark.parametrize("periodic", [False, True])
def test_directly_built_chain_sector_and_its_operators_equal_the_projection_of_the_full_space(periodic):
    """The reflection (open) / dihedral (periodic) sector built from bit rotations and reversals has the
    representatives, orbit sizes and orbit index of the site-permutation route (symmetric_sector over
    chain_symmetry_group), and H_int, the field and H_B built from the representatives equal the
    projections <r'|A|r> of the full 2^N operators to 1e-13, N = 1..10."""
    J, delta, g = 0.37, -0.6, 0.45
    for N in range(1, 11):
        ref = ops.symmetric_sector(N, ops.chain_symmetry_group(N, periodic))
        sec = ops.chain_sector(N, periodic)
        np.testing.assert_array_equal(sec.reps, ref.reps)
        np.testing.assert_allclose(sec.orbit_size, ref.orbit_size, rtol=0, atol=0)
        np.testing.assert_array_equal(sec.rep_of, ref.rep_of)
        couplings = [(i, j, J) for i, j in ops.bonds(N, periodic)]
        pairs = (
            (ops.sector_xxz(sec, N, couplings, delta), ops.xxz_hamiltonian(N, J, delta, periodic)),
            (ops.sector_field(sec, N, g), ops.field_hamiltonian(N, g)),
            (sp.diags(ops.sector_excitations(sec, N)), ops.cells_hamiltonian(N)),
        )
        for built, full in pairs:
            np.testing.assert_allclose(built.toarray(), ref.project(full).toarray(), atol=1e-13, rtol=0)


@pytest.mark.parametrize("periodic", [0, 1])
@pytest.mark.parametrize("N", [2, 3, 5, 6, 7, 8, 9, 10])
@pytest.mark.parametrize("J", [0.8, -0.45, 0.0])
def test_ground_energy_of_the_chain_from_the_sign_rotated_symmetric_sector_equals_the_full_space(N, periodic, J):
    """E_0(H_B + H_int) over the full 2^N space (dense eigvalsh) equals xxz_ground_energy to 1e-10 for
    ferro- and antiferromagnetic J and several Delta: for J <= 0 or a bipartite chain (Marshall rotation,
    Perron-Frobenius) the lowest level of H_B - |J| (xx + yy) + J Delta zz in the symmetric sector, for the
    frustrated odd ring (J > 0) the full-space fallback; there the sign-rotated sector value is not
    E_0 (the rotation is not allowed), so the route matters."""
    for delta in (1.0, -1.7, 0.4, 3.0):
        e_full = np.linalg.eigvalsh((ops.cells_hamiltonian(N) + ops.xxz_hamiltonian(N, J, delta, bool(periodic))).toarray())[0]
        assert abs(ops.xxz_ground_energy(N, J, delta, bool(periodic), 10**6) - e_full) < 1e-10
        if ops.chain_frustrated(N, J, bool(periodic)) and delta == 1.0:
            sec = ops.chain_sector(N, True)
            H = ops.sector_xxz(sec, N, [(i, j, J) for i, j in ops.bonds(N, True)], delta, xy_sign=-1.0)
            rotated = np.linalg.eigvalsh((H + sp.diags(ops.sector_excitations(sec, N))).toarray())[0]
            assert rotated < e_full - 0.1


@pytest.mark.parametrize("periodic", [0, 1])
@pytest.mark.parametrize("N", [6, 7, 10])
def test_sector_route_equals_the_full_space_route_along_the_trajectory(N, periodic):
    """The run in the directly built symmetric sector and the run in the full 2^N space (full-space
    operators, full-space ground energy) give the same energy, ergotropy, capacity, <H_int>, interacting
    ergotropy, local-ergotropy series and speed-limit series to 1e-10 (N = 10: Krylov route above dense_max_dim)."""
    m = get_model("spin_chain")
    p = dict(J=0.45, anisotropy=0.7, drive=0.55, periodic=periodic)
    sym = m.run(N, TIMES, p, Numerics())
    full = m.run(N, TIMES, p, Numerics(), symmetric=False)
    assert sym.diagnostics["hilbert_dim"] < full.diagnostics["hilbert_dim"] == 2**N
    for a, b in ((sym.energy, full.energy), (sym.ergotropy, full.ergotropy), (sym.capacity, full.capacity)):
        np.testing.assert_allclose(a, b, atol=1e-10, rtol=0)
    for key in ("interaction_energy", "interacting_ergotropy", "local_ergotropy_sum", "half_chain_ergotropy", "overlap", "energy_spread"):
        np.testing.assert_allclose(sym.series[key], full.series[key], atol=1e-10, rtol=0, err_msg=key)
    assert sym.diagnostics["energy_drift"] < 1e-10 and sym.diagnostics["norm_error"] < 1e-10
