"""The large-N Dicke route: Lanczos propagator, vectorised sector Hamiltonian, on-the-fly
Fock cutoff growth and streamed parity-block observables (issue 9)."""

import numpy as np
import pytest
import qbattery
import scipy.sparse as sp
from bruteforce import cavity_cells
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.physics import spin_cavity
from qbattery.models import cavity_common as cc
from qbattery.physics.propagation import hamiltonian_matvec, krylov_advance, krylov_propagate_iter, propagate
from qbattery.physics.quantities import capacity, cells_spectrum, ergotropy

PARAMS = {"coupling": 0.2, "omega_c": 1.0}


def _dense_reference(H: np.ndarray, psi0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """exp(-i H t) psi0 by full diagonalisation (independent of the Krylov code)."""
    e, v = np.linalg.eigh(H)
    return np.array([v @ (np.exp(-1j * e * t) * (v.conj().T @ psi0)) for t in times])


@settings(max_examples=10, deadline=None)
@given(
    dim=st.integers(30, 120),
    seed=st.integers(0, 10**6),
    complex_h=st.booleans(),
    m_max=st.integers(10, 30),
    scale=st.floats(0.5, 5.0),
)
def test_lanczos_propagator_equals_exact_exponential_on_any_grid(dim, seed, complex_h, m_max, scale):
    """Unitary evolution exp(-iHt) psi0 of a random sparse Hermitian H (real or complex), on a
    random non-uniform grid, from the Krylov propagator with a small Krylov dimension (many
    restarts and intermediate steps) equals exact diagonalisation to 1e-9, and keeps the norm."""
    rng = np.random.default_rng(seed)
    A = sp.random(dim, dim, density=0.1, random_state=rng).toarray()
    if complex_h:
        A = A + 1j * sp.random(dim, dim, density=0.1, random_state=rng).toarray()
    H = scale * (A + A.conj().T)
    psi0 = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    psi0 /= np.linalg.norm(psi0)
    times = np.concatenate([[0.0], np.sort(rng.uniform(0, 2.0, size=7))])
    got = propagate(sp.csr_matrix(H), psi0, times, dense_max_dim=0)
    ref = _dense_reference(H, psi0, times)
    assert np.abs(got - ref).max() < 1e-9
    assert np.abs(np.linalg.norm(got, axis=1) - 1).max() < 1e-10
    blocks = list(krylov_propagate_iter(sp.csr_matrix(H), psi0, times, m_max=m_max))
    got2 = np.concatenate([s for _, s in blocks])
    assert np.concatenate([i for i, _ in blocks]).tolist() == list(range(len(times)))
    assert np.abs(got2 - ref).max() < 1e-9


def test_krylov_step_on_an_invariant_subspace_is_exact():
    """psi0 an eigenvector: the Krylov space is one-dimensional (breakdown) and the step gives
    the exact phase exp(-i E t) at every requested time."""
    H = sp.diags([1.0, 2.0, 3.0])
    states, tau, _ = krylov_advance(hamiltonian_matvec(H), np.array([0, 1, 0], dtype=complex), np.array([0.5, 10.0]))
    assert len(states) == 2 and tau == 10.0
    assert np.allclose(states[:, 1], np.exp(-2j * np.array([0.5, 10.0])), atol=1e-14)


@pytest.mark.parametrize("N, n_max, photons", [(1, 6, 1), (3, 12, 3), (4, 15, 4), (5, 9, 2), (6, 20, 7)])
def test_vectorised_dicke_sector_hamiltonian_equals_the_loop_builder(N, n_max, photons):
    """The vectorised parity-sector Hamiltonian equals spin_cavity.hamiltonian (the
    element-by-element builder) entry by entry, with the same basis order; the sector of a
    smaller cutoff is a prefix of a larger one (what on-the-fly growth relies on)."""
    n, k = spin_cavity.sector_basis(N, n_max, photons, 0, False)
    H1 = spin_cavity.hamiltonian(n, k, N, 1.3, 1.0, 0.27, False)
    n2, k2 = cc.parity_sector(N, n_max, photons)
    H2 = cc.dicke_sector_hamiltonian(N, n_max, photons, 1.3, 0.27)
    assert (n == n2).all() and (k == k2).all()
    assert abs(H1 - H2).max() == 0.0
    n3, k3 = cc.parity_sector(N, n_max + 5, photons)
    assert (n3[: len(n)] == n).all() and (k3[: len(k)] == k).all()


@pytest.mark.parametrize("N", [2, 3])
def test_streamed_krylov_route_matches_bruteforce_tensor_product(N):
    """Forced onto the large-N route (dense_max_dim = 1), the Dicke battery equals the full
    cavity x 2^N brute force (qutip sesolve, ergotropy over the full 2^N spectrum) to 1e-8."""
    times = np.linspace(0.0, 6.0, 31)
    num = qbattery.Numerics(dense_max_dim=1)
    traj = qbattery.get_model("dicke").run(N, times, PARAMS, num)
    e_ref, erg_ref = cavity_cells(N, N, 0.2, 1.0, times, int(traj.diagnostics["fock_cutoff"]))
    np.testing.assert_allclose(traj.energy, e_ref, atol=1e-8)
    np.testing.assert_allclose(traj.ergotropy, erg_ref, atol=1e-8)


def test_streamed_observables_equal_quantities_on_the_full_battery_state():
    """Parity-block ergotropy and capacity of the streamed route equal quantities.ergotropy /
    capacity of the assembled (N+1)x(N+1) state with the full 2^N spectrum, and the dense
    route (eigh) gives the same energy, ergotropy, capacity, photon number (1e-10)."""
    N = 10
    times = np.linspace(0.0, 2.0, 41)
    a = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(fock_auto=False, dense_max_dim=10**4))
    b = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(fock_auto=False, dense_max_dim=1))
    HB = np.diag(np.arange(N + 1.0)).astype(complex)
    lv = cells_spectrum(N)
    np.testing.assert_allclose(b.ergotropy, ergotropy(b.states, HB, levels=lv), atol=1e-12)
    np.testing.assert_allclose(b.capacity, capacity(b.states, HB, levels=lv), atol=1e-12)
    for x in ("energy", "ergotropy", "capacity"):
        np.testing.assert_allclose(getattr(b, x), getattr(a, x), atol=1e-10)
    np.testing.assert_allclose(b.series["photon_number"], a.series["photon_number"], atol=1e-10)
    assert a.diagnostics["fock_cutoff"] == b.diagnostics["fock_cutoff"]


def test_cutoff_grown_during_the_run_agrees_with_a_larger_fixed_cutoff():
    """Started far too small (fock_extra = 0), the on-the-fly growth reaches a cutoff whose
    truncation weight is < 1e-10, and energy/ergotropy agree to 1e-9 with an independent run
    at a fixed cutoff 50% larger. Without growth the same start reports a truncation weight
    far above the tolerance (honest measure, checked at every time point)."""
    N = 12
    times = np.linspace(0.0, 3 * np.pi / (2 * 0.2 * np.sqrt(N)), 60)
    m = qbattery.get_model("dicke")
    grown = m.run(N, times, PARAMS, qbattery.Numerics(fock_extra=0, dense_max_dim=1))
    assert grown.diagnostics["truncation_weight"] < 1e-10
    cut = int(grown.diagnostics["fock_cutoff"])
    assert cut > 2 * N + 1
    big = m.run(N, times, PARAMS, qbattery.Numerics(fock_extra=int(1.5 * cut) - 2 * N - 1, fock_auto=False, dense_max_dim=1))
    np.testing.assert_allclose(grown.energy, big.energy, atol=1e-9)
    np.testing.assert_allclose(grown.ergotropy, big.ergotropy, atol=1e-9)
    fixed = m.run(N, times, PARAMS, qbattery.Numerics(fock_extra=0, fock_auto=False, dense_max_dim=1))
    assert fixed.diagnostics["truncation_weight"] > 1e-6
    guarded = m.run(N, times, PARAMS, qbattery.Numerics(fock_extra=0, dense_max_dim=1, fock_max_dim=100))
    assert guarded.diagnostics["fock_cutoff"] == 2 * N + 1  # memory guard: no growth
    assert guarded.diagnostics["truncation_weight"] > 1e-6


def test_streamed_route_speed_limit_series_are_exact_or_a_valid_lower_bound():
    """On the Krylov route the overlap |<psi0|psi(t)>| and Delta E equal the dense route's (1e-10);
    <H> - E_0 uses the rigorous bound E_0 >= -omega_c lam^2 N^2, so it is >= the dense value
    (exact sector ground energy), the Margolus-Levitin time is <= the exact one, and both speed
    limits stay below the actual time at every grid point."""
    from qbattery.physics.speed_limits import margolus_levitin_time, qsl_time

    N = 10
    times = np.linspace(0.0, 2.0, 41)
    a = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(fock_auto=False, dense_max_dim=10**4))
    b = qbattery.get_model("dicke").run(N, times, PARAMS, qbattery.Numerics(fock_auto=False, dense_max_dim=1))
    np.testing.assert_allclose(b.series["overlap"], a.series["overlap"], atol=1e-10)
    np.testing.assert_allclose(b.series["energy_spread"], a.series["energy_spread"], rtol=1e-12)
    H = cc.dicke_sector_hamiltonian(N, int(a.diagnostics["fock_cutoff"]), N, 1.0, 0.2).toarray()
    assert np.linalg.eigvalsh(H)[0] >= -(0.2**2) * N**2  # the bound holds for the exact sector spectrum
    assert np.all(b.series["mean_energy"] >= a.series["mean_energy"] - 1e-12)
    ml_b = margolus_levitin_time(b.series["overlap"], b.series["mean_energy"])
    ml_a = margolus_levitin_time(a.series["overlap"], a.series["mean_energy"])
    assert np.all(ml_b <= ml_a + 1e-12)
    assert np.all(qsl_time(b.series["overlap"], b.series["energy_spread"], b.series["mean_energy"]) <= times + 1e-12)


@settings(max_examples=12, deadline=None)
@given(dim=st.integers(2, 40), seed=st.integers(0, 10**6), kind=st.sampled_from(["real", "real_h_complex_psi", "complex"]))
def test_dense_propagation_equals_the_matrix_exponential_for_real_and_complex_cases(dim, seed, kind):
    """The dense route (one eigh, then cos/sin or complex phases) gives exp(-i H t) psi0 of scipy's
    expm on every time point, for a real H with a real or a complex psi0 and for a complex H (1e-11),
    and returns the spectrum of H."""
    import scipy.linalg as sla
    from qbattery.physics.propagation import dense_propagate

    rng = np.random.default_rng(seed)
    A = rng.normal(size=(dim, dim)) + (1j * rng.normal(size=(dim, dim)) if kind == "complex" else 0)
    H = A + A.conj().T
    psi0 = rng.normal(size=dim) + (0j if kind == "real" else 1j * rng.normal(size=dim))
    times = np.array([0.0, 0.3, 1.7])
    got, e = dense_propagate(H, psi0, times)
    ref = np.array([sla.expm(-1j * H * t) @ psi0 for t in times])
    assert np.abs(got - ref).max() < 1e-11 * max(1.0, np.abs(psi0).max())
    assert np.allclose(e, np.linalg.eigvalsh(H), atol=1e-12)
