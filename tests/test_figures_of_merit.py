"""Figures of merit (qbattery.physics.figures_of_merit), each against an independent route."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.physics import figures_of_merit as fom
from qbattery.physics.quantities import Spectrum, cells_spectrum, ergotropy, von_neumann_entropy


def random_state(rng, d, rank=None):
    rank = d if rank is None else rank
    A = rng.normal(size=(d, rank)) + 1j * rng.normal(size=(d, rank))
    rho = A @ A.conj().T
    return rho / np.trace(rho).real


def test_qubit_coherent_ergotropy_matches_the_bloch_vector_formula():
    """A qubit with Bloch vector (x, y, z), H = diag(0, 1): E = (|r| + z_e)/2 with z_e = <e|rho|e> - <g|rho|g>
    written as E = (r - (p_g - p_e))/2; the dephased state keeps |z|: E_i = max(0, z_e), so
    E_c = (|r| - |z|)/2 whenever p_e <= p_g (Francica et al. 2020, qubit case)."""
    H = np.diag([0.0, 1.0]).astype(complex)
    x, z = 0.6, -0.3  # z = p_e - p_g < 0: no population inversion
    rho = 0.5 * np.array([[1 - z, x], [x, 1 + z]], dtype=complex)
    r = math.hypot(x, z)
    assert fom.incoherent_ergotropy(rho, H) == pytest.approx(0.0, abs=1e-14)
    assert fom.coherent_ergotropy(rho, H) == pytest.approx((r - abs(z)) / 2, abs=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(0, 2**31 - 1))
def test_ergotropy_splits_into_nonnegative_coherent_and_incoherent_parts(d, seed):
    """0 <= E_i <= E and E_c = E - E_i >= 0 for random states and random non-degenerate H."""
    rng = np.random.default_rng(seed)
    rho = random_state(rng, d)
    H = np.diag(np.sort(rng.uniform(0, 3, d))).astype(complex)
    E, Ei, Ec = ergotropy(rho, H), fom.incoherent_ergotropy(rho, H), fom.coherent_ergotropy(rho, H)
    assert -1e-12 <= Ei <= E + 1e-12 and Ec >= -1e-12 and Ei + Ec == pytest.approx(E, abs=1e-12)


def test_dephasing_keeps_coherence_inside_a_degenerate_level():
    """Delta keeps the block of a degenerate eigenspace and removes coherence between levels."""
    H = np.diag([0.0, 1.0, 1.0]).astype(complex)
    rho = random_state(np.random.default_rng(3), 3)
    d = fom.dephase(rho, H)
    assert np.allclose(d[1:, 1:], rho[1:, 1:]) and np.allclose(d[0, 1:], 0) and d[0, 0] == pytest.approx(rho[0, 0])


def test_diagonal_split_equals_the_full_space_dephased_ergotropy_for_a_dicke_state():
    """For a state of the symmetric subspace of N = 3 cells, the Dicke-route split (populations vs the
    full 2^N spectrum) equals the dephased ergotropy computed in the full 8-dim space (brute force)."""
    N = 3
    rng = np.random.default_rng(1)
    rho_s = random_state(rng, N + 1)
    ones = np.array([bin(s).count("1") for s in range(2**N)])
    V = np.stack([(ones == k) / math.sqrt(math.comb(N, k)) for k in range(N + 1)], axis=1).astype(complex)  # |N, k>
    rho_full = V @ rho_s @ V.conj().T
    H_full = np.diag([bin(s).count("1") for s in range(2**N)]).astype(complex)
    Ei_full = fom.incoherent_ergotropy(rho_full, H_full)
    E_full = ergotropy(rho_full, H_full)
    pops = np.real(np.diag(rho_s))
    Ei, Ec = fom.diagonal_ergotropy_split(pops, pops @ np.arange(N + 1), E_full, cells_spectrum(N))
    assert Ei == pytest.approx(Ei_full, abs=1e-12) and Ec == pytest.approx(E_full - Ei_full, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(0, 2**31 - 1), st.floats(0.05, 20.0))
def test_ergotropy_below_asymptotic_ergotropy_below_free_energy_bound(d, seed, T):
    """E(rho) <= E_inf(rho) <= T D(rho || gamma_T) at every T (Alicki and Fannes 2013; the Gibbs state
    minimises the energy at fixed entropy and the free energy at fixed T)."""
    rng = np.random.default_rng(seed)
    rho = random_state(rng, d, rank=int(rng.integers(1, d + 1)))
    H = np.diag(np.sort(rng.uniform(0, 2, d))).astype(complex)
    spec = Spectrum.of(H)
    S = von_neumann_entropy(rho)
    E = float(np.real(np.trace(rho @ H)))
    erg = ergotropy(rho, H)
    e_inf = fom.asymptotic_ergotropy(E, S, spec)
    bound = fom.free_energy_bound(E, S, spec, T)
    assert erg <= e_inf + 1e-9 and e_inf <= bound + 1e-9


def test_asymptotic_ergotropy_is_the_free_energy_bound_at_the_equal_entropy_temperature():
    """At T* with S(gamma_T*) = S(rho) the two are equal; a Gibbs state has E_inf = 0; a pure state
    E_inf = ergotropy (S = 0: gamma is the ground state)."""
    H = np.diag([0.0, 0.7, 1.5]).astype(complex)
    spec = Spectrum.of(H)
    rho = random_state(np.random.default_rng(7), 3)
    S, E = von_neumann_entropy(rho), float(np.real(np.trace(rho @ H)))
    beta = fom.equal_entropy_beta(spec, S)
    assert fom.asymptotic_ergotropy(E, S, spec) == pytest.approx(fom.free_energy_bound(E, S, spec, 1 / beta), rel=1e-9)
    w = np.exp(-0.8 * np.diag(H).real)
    g = np.diag(w / w.sum()).astype(complex)
    assert fom.asymptotic_ergotropy_of_state(g, H) == pytest.approx(0.0, abs=1e-10)
    psi = np.array([0.3, 0.5, 0.81])
    psi = psi / np.linalg.norm(psi)
    pure = np.outer(psi, psi).astype(complex)
    assert fom.asymptotic_ergotropy_of_state(pure, H) == pytest.approx(ergotropy(pure, H), abs=1e-9)


def test_asymptotic_ergotropy_with_degeneracies_matches_the_listed_spectrum():
    """The Gibbs state on cells_spectrum(N) (degeneracies C(N, k)) equals the one on the 2^N listed levels."""
    N = 4
    listed = Spectrum.of(None, np.array([bin(s).count("1") for s in range(2**N)], dtype=float))
    for S in (0.3, 1.2, 2.5):
        assert fom.asymptotic_ergotropy(2.0, S, cells_spectrum(N)) == pytest.approx(fom.asymptotic_ergotropy(2.0, S, listed), rel=1e-10)


def test_local_ergotropy_of_a_bell_like_state_is_zero_and_the_gap_is_the_energy():
    """psi = (|gg> + |ee>)/sqrt 2: each cell is maximally mixed (no local ergotropy); the global
    ergotropy of the pure state is its energy 1: gap = 1. A product state has gap 0."""
    psi = np.array([1, 0, 0, 1]) / np.sqrt(2)
    assert fom.local_ergotropy(psi, 2, (0,)) == pytest.approx(0.0, abs=1e-14)
    assert fom.ergotropy_gap(psi, 2) == pytest.approx(1.0, abs=1e-14)
    a = np.array([np.cos(0.4), np.sin(0.4)])
    prod = np.kron(np.kron(a, a), a)
    assert fom.ergotropy_gap(prod, 3) == pytest.approx(0.0, abs=1e-12)
    assert fom.local_ergotropy(prod, 3, (0, 2)) == pytest.approx(2 * np.sin(0.4) ** 2, abs=1e-12)


def test_energy_variance_of_a_binomial_product_state():
    """N cells each excited with probability p: Var H_B = N p (1 - p) (binomial), from the full
    state's Tr(rho H^2) - Tr(rho H)^2 and from the Dicke populations."""
    N, p = 3, 0.3
    one = np.diag([1 - p, p]).astype(complex)
    rho = one
    for _ in range(N - 1):
        rho = np.kron(rho, one)
    H = np.diag([bin(s).count("1") for s in range(2**N)]).astype(complex)
    assert fom.energy_variance_of_state(rho, H) == pytest.approx(N * p * (1 - p), rel=1e-12)
    pops = np.array([math.comb(N, k) * p**k * (1 - p) ** (N - k) for k in range(N + 1)])
    assert fom.energy_variance(pops, np.arange(N + 1)) == pytest.approx(N * p * (1 - p), rel=1e-12)
    assert fom.relative_fluctuation(N * p * (1 - p), N * p) == pytest.approx(np.sqrt((1 - p) / (N * p)))


def test_temporal_fluctuation_of_a_sinusoid():
    """E(t) = a + b sin(w t) over whole periods: std = b / sqrt 2; a constant: 0."""
    t = np.linspace(0, 40 * np.pi, 20001)
    assert fom.temporal_fluctuation(t, 2 + 0.5 * np.sin(t), 0.0) == pytest.approx(0.5 / np.sqrt(2), rel=1e-4)
    assert fom.temporal_fluctuation(t, np.full_like(t, 3.0), 5.0) == pytest.approx(0.0, abs=1e-12)


def test_exponential_lifetime_recovers_tau_within_its_standard_error():
    """A noiseless exponential gives tau exactly; a noisy one (seeded) within 3 standard errors,
    and the error shrinks with the noise."""
    t = np.linspace(0, 40, 101)
    tau, se = fom.exponential_lifetime(t, 2.0 * np.exp(-t / 7.5))
    assert tau == pytest.approx(7.5, rel=1e-8) and se < 1e-6
    rng = np.random.default_rng(12345)
    noisy = 2.0 * np.exp(-t / 7.5) + rng.normal(scale=0.01, size=t.size)
    noisy[0] = 2.0
    tau, se = fom.exponential_lifetime(t, noisy)
    assert abs(tau - 7.5) < 3 * se and 0 < se < 0.2
    assert np.isnan(fom.exponential_lifetime(t, np.zeros_like(t))[0])


def test_batched_asymptotic_ergotropy_equals_the_scalar_route():
    """The vectorised bisection over many states equals the one-state bisection (cells_spectrum(5))."""
    levels = cells_spectrum(5)
    S = np.array([0.0, 0.2, 1.0, 2.5, math.log(32)])
    E = np.array([1.0, 2.0, 2.5, 3.0, 2.5])
    batch = fom.asymptotic_ergotropy_batch(E, S, levels)
    assert np.allclose(batch, [fom.asymptotic_ergotropy(e, s, levels) for e, s in zip(E, S)], atol=1e-10)


def test_dicke_run_figures_of_merit_obey_their_bounds():
    """On the Dicke battery (N = 4, closed face): 0 <= coherent ergotropy, E_i + E_c = E,
    E <= asymptotic ergotropy, and the variance equals sum_k p_k k^2 - E^2 of the brute-force
    reduced state (its diagonal in the Dicke basis)."""
    import qbattery

    d = qbattery.simulate("dicke", N=[4], coupling=0.2, times=np.linspace(0, 6, 61))
    erg, ei, ec, ea = (d[k].values[0] for k in ("ergotropy", "incoherent_ergotropy", "coherent_ergotropy", "asymptotic_ergotropy"))
    assert np.all(ec >= -1e-12) and np.allclose(ei + ec, erg, atol=1e-12) and np.all(erg <= ea + 1e-9)
    assert ec.max() > 1e-3  # the collective charger builds coherence between Dicke levels
    from qbattery.models import Numerics, get_model

    tr = get_model("dicke").run(4, np.linspace(0, 6, 61), {"coupling": 0.2, "omega_c": 1.0}, Numerics())
    k = np.arange(5)
    p = np.real(np.einsum("tkk->tk", tr.states))
    assert np.allclose(d.energy_variance.values[0], p @ k**2 - (p @ k) ** 2, atol=1e-12)


def test_vectorised_cell_and_subset_ergotropies_equal_the_reduced_state_route():
    """cell_ergotropies / leading_cells_ergotropy on random pure 4-qubit states equal local_ergotropy of each
    reduced state (partial trace by reshaping, ergotropy by eigen-decomposition)."""
    rng = np.random.default_rng(11)
    N = 4
    psi = rng.normal(size=(3, 2**N)) + 1j * rng.normal(size=(3, 2**N))
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    cells = fom.cell_ergotropies(psi, N)
    for t in range(3):
        assert np.allclose(cells[t], [fom.local_ergotropy(psi[t], N, (i,)) for i in range(N)], atol=1e-12)
        assert fom.leading_cells_ergotropy(psi[t : t + 1], N, 2)[0] == pytest.approx(fom.local_ergotropy(psi[t], N, (0, 1)), abs=1e-12)


def test_spin_chain_local_ergotropies_from_the_symmetric_sector_equal_the_full_space_run():
    """The chain's local-ergotropy series computed from the unfolded symmetric sector equal those of the
    full-space run (symmetric=False), and the ergotropy gap is >= 0 (global >= sum of local)."""
    from qbattery.models import Numerics, get_model

    m = get_model("spin_chain")
    p = {"J": 0.5, "anisotropy": 0.5, "drive": 0.5, "periodic": 1}
    t = np.linspace(0, 6, 31)
    a, b = m.run(5, t, p, Numerics()), m.run(5, t, p, Numerics(), symmetric=False)
    for k in ("local_ergotropy_sum", "half_chain_ergotropy", "ergotropy_gap"):
        np.testing.assert_allclose(a.series[k], b.series[k], atol=1e-10)
    assert np.all(a.series["ergotropy_gap"] >= -1e-12) and a.series["ergotropy_gap"].max() > 1e-3
