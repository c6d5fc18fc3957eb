"""The large-N passive-energy route (issue 18): for a state of rank <= N + 1 over the 2^N cell
space (any state of the symmetric subspace), E_passive = omega_a (1 - r_max) and
C = omega_a (N - 2 + 2 r_max), with r_max the largest eigenvalue of rho_B, found from the
battery-cavity state matrix by Lanczos without forming rho_B."""

import numpy as np
import pytest
import qbattery
from bruteforce import cavity_cells
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.models import cavity_common as cc
from qbattery.physics import spin_cavity
from qbattery.physics.quantities import capacity, cells_spectrum, ergotropy, largest_gram_eigenvalue, symmetric_passive_and_capacity

PARAMS = {"coupling": 0.2, "omega_c": 1.0}


def _full_space_passive_and_top(rho: np.ndarray, N: int, omega_a: float) -> tuple[float, float]:
    """Brute force over the 2^N product basis: H_B diagonal (omega_a x number of excited cells),
    eigenvalues of rho decreasing paired with the sorted 2^N levels (ascending / descending)."""
    levels = np.sort(omega_a * np.array([bin(s).count("1") for s in range(2**N)], dtype=float))
    r = np.sort(np.linalg.eigvalsh(rho))[::-1]
    return float(r @ levels), float(r @ levels[::-1])


def _random_state(dim: int, rank: int, rng: np.random.Generator) -> np.ndarray:
    """Random mixed state of the given rank: Dirichlet weights on random orthonormal vectors."""
    Q, _ = np.linalg.qr(rng.normal(size=(dim, rank)) + 1j * rng.normal(size=(dim, rank)))
    return (Q * rng.dirichlet(np.ones(rank))) @ Q.conj().T


@settings(max_examples=15, deadline=None)
@given(N=st.integers(1, 6), data=st.data(), seed=st.integers(0, 10**6), omega_a=st.floats(0.3, 3.0))
def test_passive_energy_and_capacity_from_r_max_equal_brute_force_for_rank_at_most_N_plus_1(N, data, seed, omega_a):
    """Any state (pure or mixed, in or outside the symmetric subspace) of rank <= N + 1 over the
    full 2^N space: passive energy omega_a (1 - r_max) and capacity omega_a (N - 2 + 2 r_max) equal
    the brute-force pairing of its spectrum with all 2^N levels (1e-12)."""
    rank = data.draw(st.integers(1, min(N + 1, 2**N)))
    rho = _random_state(2**N, rank, np.random.default_rng(seed))
    passive_ref, top_ref = _full_space_passive_and_top(rho, N, omega_a)
    r_max = np.linalg.eigvalsh(rho)[-1]
    passive, cap = symmetric_passive_and_capacity(r_max, N, omega_a)
    assert abs(passive - passive_ref) < 1e-12
    assert abs(cap - (top_ref - passive_ref)) < 1e-12


@pytest.mark.parametrize("N", [2, 3, 5])
def test_r_max_formula_fails_beyond_rank_N_plus_1(N):
    """The condition is exact: a state of rank N + 2 (spread evenly over N + 2 product states) has a
    passive energy above omega_a (1 - r_max), since its last eigenvalue must go to the second excited
    level: brute force (N + 2)/(N + 2) = 1 vs the formula (N + 1)/(N + 2)."""
    rho = np.zeros((2**N, 2**N))
    idx = np.arange(N + 2)
    rho[idx, idx] = 1.0 / (N + 2)
    passive_ref, _ = _full_space_passive_and_top(rho, N, 1.0)
    passive, _ = symmetric_passive_and_capacity(1.0 / (N + 2), N)
    assert abs(passive_ref - 1.0) < 1e-12 and abs(passive - (N + 1) / (N + 2)) < 1e-12


@settings(max_examples=10, deadline=None)
@given(N=st.integers(1, 12), seed=st.integers(0, 10**6))
def test_r_max_formula_equals_full_spectrum_kernel_on_mixed_dicke_states(N, seed):
    """Mixed states of the symmetric subspace ((N+1) x (N+1), full rank): the r_max formula equals
    quantities.ergotropy / capacity with the full 2^N spectrum (degeneracies C(N, k)) to 1e-12."""
    rho = _random_state(N + 1, N + 1, np.random.default_rng(seed))
    HB = np.diag(np.arange(N + 1.0)).astype(complex)
    E = float(np.real(np.trace(rho @ HB)))
    passive, cap = symmetric_passive_and_capacity(np.linalg.eigvalsh(rho)[-1], N)
    assert abs((E - passive) - ergotropy(rho, HB, levels=cells_spectrum(N))) < 1e-12
    assert abs(cap - capacity(rho, HB, levels=cells_spectrum(N))) < 1e-12


def test_lanczos_largest_singular_value_equals_svd_with_and_without_warm_start():
    """The Lanczos route (ARPACK on v -> M M^dagger v) gives the squared largest singular value of a
    random complex matrix to 1e-13 (relative), cold and warm-started from a nearby matrix's vector."""
    rng = np.random.default_rng(3)
    M = rng.normal(size=(70, 300)) + 1j * rng.normal(size=(70, 300))
    s = np.linalg.svd(M, compute_uv=False)[0] ** 2
    r, v = largest_gram_eigenvalue(M, dense_max=0)
    assert abs(r - s) < 1e-13 * s
    M2 = M + 1e-3 * rng.normal(size=M.shape)
    r2, _ = largest_gram_eigenvalue(M2, v0=v, dense_max=0)
    assert abs(r2 - np.linalg.svd(M2, compute_uv=False)[0] ** 2) < 1e-13 * s


def test_warm_started_lanczos_finds_the_largest_singular_value_in_few_products():
    """Warm start from the top singular vector of a slightly different matrix (the previous time
    point): the small full-reorthogonalisation Lanczos meets the residual criterion within
    WARM_LANCZOS_MAX products and gives sigma_max^2 to 1e-13 (relative); from a random start it
    gives up (None) and the public function falls back to ARPACK with the same answer."""
    from qbattery.physics import quantities as q

    rng = np.random.default_rng(5)
    M = rng.normal(size=(60, 400)) + 1j * rng.normal(size=(60, 400))
    U, S, _ = np.linalg.svd(M)
    M2 = M + 1e-4 * (rng.normal(size=M.shape) + 1j * rng.normal(size=M.shape))
    s2 = np.linalg.svd(M2, compute_uv=False)[0] ** 2
    calls = []

    def mv(x):
        calls.append(1)
        return M2 @ (M2.conj().T @ x)

    got = q._warm_lanczos_top(mv, U[:, 0], 1e-14, q.WARM_LANCZOS_MAX)
    assert got is not None and abs(got[0] - s2) < 1e-13 * s2 and len(calls) < q.WARM_LANCZOS_MAX
    assert abs(abs(np.vdot(got[1], np.linalg.svd(M2)[0][:, 0])) - 1) < 1e-10
    cold = q._warm_lanczos_top(mv, rng.normal(size=60) + 0j, 1e-14, 3)
    assert cold is None
    r, _ = largest_gram_eigenvalue(M2, v0=rng.normal(size=60) + 0j, dense_max=0)
    assert abs(r - s2) < 1e-13 * s2


def test_streamed_r_max_route_equals_full_spectrum_route(monkeypatch):
    """Dicke N = 10 on the Krylov route: ergotropy/capacity from r_max by Lanczos (no rho_B formed,
    STATES_MAX_N and GRAM_MAX_DIM forced to 0) equal quantities.ergotropy / capacity of the
    assembled rho_B with the full 2^N spectrum (dense route, 1e-10); no states are returned."""
    N = 10
    times = np.linspace(0.0, 2.0, 41)
    dense = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(fock_auto=False, dense_max_dim=10**4))
    monkeypatch.setattr(cc, "STATES_MAX_N", 0)
    monkeypatch.setattr(cc, "GRAM_MAX_DIM", 0)
    lanczos = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(fock_auto=False, dense_max_dim=1))
    assert lanczos.states is None
    HB = np.diag(np.arange(N + 1.0)).astype(complex)
    np.testing.assert_allclose(lanczos.ergotropy, ergotropy(dense.states, HB, levels=cells_spectrum(N)), atol=1e-10)
    np.testing.assert_allclose(lanczos.capacity, capacity(dense.states, HB, levels=cells_spectrum(N)), atol=1e-10)
    np.testing.assert_allclose(lanczos.energy, dense.energy, atol=1e-10)


def test_streamed_r_max_route_matches_bruteforce_tensor_product(monkeypatch):
    """N = 3 cells x cavity in the full 2^N tensor-product space (qutip): the Lanczos r_max route
    reproduces energy and full-space ergotropy to 1e-8."""
    N = 3
    times = np.linspace(0.0, 6.0, 31)
    monkeypatch.setattr(cc, "STATES_MAX_N", 0)
    monkeypatch.setattr(cc, "GRAM_MAX_DIM", 0)
    traj = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(dense_max_dim=1))
    e_ref, erg_ref = cavity_cells(N, N, 0.2, 1.0, times, int(traj.diagnostics["fock_cutoff"]))
    np.testing.assert_allclose(traj.energy, e_ref, atol=1e-8)
    np.testing.assert_allclose(traj.ergotropy, erg_ref, atol=1e-8)


@pytest.mark.parametrize("N", [3, 12])
def test_tavis_cummings_diagonal_battery_state_equals_general_reduced_state(N, monkeypatch):
    """Tavis-Cummings conserves n + k, so rho_B is diagonal: energy, ergotropy and capacity from
    p_k = |psi(N - k, k)|^2 and r_max equal those of the general partial trace
    (spin_cavity.battery_states, einsum) with the full-spectrum kernel (1e-12); above STATES_MAX_N no
    states are kept and the values are unchanged; at N = 3 they equal qutip brute force (1e-8)."""
    times = np.linspace(0.0, 5.0, 26)
    num = qbattery.Numerics()
    traj = qbattery.get_model("tavis_cummings").run(N, times, PARAMS, num)
    n_max = int(traj.diagnostics["fock_cutoff"])
    n, k = spin_cavity.sector_basis(N, n_max, N, 0, True)
    H = spin_cavity.hamiltonian(n, k, N, 1.0, 1.0, 0.2, True)
    psi0 = ((n == N) & (k == 0)).astype(complex)
    e, v = np.linalg.eigh(H.toarray())
    psi_t = (np.exp(-1j * np.outer(times, e)) * (v.conj().T @ psi0)) @ v.T
    rho = spin_cavity.battery_states(psi_t, n, k, n_max, N)
    HB = np.diag(np.arange(N + 1.0)).astype(complex)
    np.testing.assert_allclose(traj.energy, np.real(np.einsum("tkk,k->t", rho, np.arange(N + 1.0))), atol=1e-12)
    np.testing.assert_allclose(traj.ergotropy, ergotropy(rho, HB, levels=cells_spectrum(N)), atol=1e-12)
    np.testing.assert_allclose(traj.capacity, capacity(rho, HB, levels=cells_spectrum(N)), atol=1e-12)
    np.testing.assert_allclose(traj.states, rho, atol=1e-12)
    monkeypatch.setattr(cc, "STATES_MAX_N", 0)
    bare = qbattery.get_model("tavis_cummings").run(N, times, PARAMS, num)
    assert bare.states is None
    np.testing.assert_array_equal(bare.ergotropy, traj.ergotropy)
    if N == 3:
        e_ref, erg_ref = cavity_cells(N, N, 0.2, 1.0, times, n_max, rwa=True)
        np.testing.assert_allclose(traj.energy, e_ref, atol=1e-8)
        np.testing.assert_allclose(traj.ergotropy, erg_ref, atol=1e-8)
