"""Ergotropy, capacity, energy, entropies: analytic cases and hypothesis invariants."""

from math import comb

import numpy as np
import pytest
import qbattery
import qutip as qt
from bruteforce import battery_hamiltonian, ergotropy_numpy
from hypothesis import given, settings
from hypothesis import strategies as st


def random_state(rng, d, rank=None):
    rank = rank or d
    A = rng.normal(size=(d, rank)) + 1j * rng.normal(size=(d, rank))
    rho = A @ A.conj().T
    return rho / np.trace(rho).real


def random_hamiltonian(rng, d):
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return (A + A.conj().T) / 2


def random_unitary(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 7)


# --- analytic cases ---------------------------------------------------------------


def test_fully_charged_qubit_ergotropy_equals_splitting():
    """|e><e| of H = omega |e><e|: all energy is extractable, E = omega."""
    H = np.diag([0.0, 1.7])
    rho = np.diag([0.0, 1.0])
    assert qbattery.ergotropy(rho, H) == pytest.approx(1.7, abs=1e-14)
    assert qbattery.capacity(rho, H) == pytest.approx(1.7, abs=1e-14)


@pytest.mark.parametrize("beta", [0.1, 1.0, 5.0, -2.0])
def test_gibbs_state_ergotropy_zero_iff_positive_temperature(beta):
    """Gibbs states at beta > 0 are passive (zero ergotropy); at beta < 0 (population
    inversion) the ergotropy is Tr(rho H) - Tr(pi H) with the populations reversed."""
    levels = np.array([0.0, 0.5, 1.3, 2.0])
    H = np.diag(levels)
    p = np.exp(-beta * levels)
    p /= p.sum()
    erg = qbattery.ergotropy(np.diag(p), H)
    if beta > 0:
        assert erg == pytest.approx(0.0, abs=1e-14)
    else:
        expected = p @ levels - np.sort(p)[::-1] @ levels
        assert erg == pytest.approx(expected, abs=1e-14) and erg > 0


def test_population_inverted_two_level_ergotropy_is_omega_times_inversion():
    """Qubit with excited population p > 1/2 (no coherence): E = omega (2p - 1)."""
    for p in (0.6, 0.8, 1.0):
        assert qbattery.ergotropy(np.diag([1 - p, p]), np.diag([0.0, 1.0])) == pytest.approx(2 * p - 1, abs=1e-14)


def test_pure_state_ergotropy_is_energy_above_ground():
    """For a pure state the passive state is the ground state: E = <H> - E_0."""
    rng = np.random.default_rng(1)
    H = random_hamiltonian(rng, 5)
    psi = rng.normal(size=5) + 1j * rng.normal(size=5)
    psi /= np.linalg.norm(psi)
    rho = np.outer(psi, psi.conj())
    assert qbattery.ergotropy(rho, H) == pytest.approx(np.real(psi.conj() @ H @ psi) - np.linalg.eigvalsh(H)[0], abs=1e-12)


def test_degenerate_levels_ergotropy_matches_bruteforce_of_two_cells():
    """Two cells, H_B with a doubly degenerate middle level: ergotropy of a random state
    equals the textbook formula in the full 4-dim space; a state rotated inside the
    degenerate level has the same ergotropy."""
    rng = np.random.default_rng(2)
    H = battery_hamiltonian(2)
    rho = random_state(rng, 4)
    assert qbattery.ergotropy(rho, H) == pytest.approx(ergotropy_numpy(rho, H), abs=1e-12)


def test_symmetric_subspace_ergotropy_uses_full_spectrum_degeneracies():
    """A state of N cells in the symmetric Dicke subspace: ergotropy computed in the
    (N+1)-dim subspace with levels=cells_spectrum(N) equals brute force in 2^N, and
    differs from the (wrong) subspace-only passive energy for a mixed state."""
    N = 4
    rng = np.random.default_rng(3)
    rho_sub = random_state(rng, N + 1)
    # embed: Dicke states |N/2, k> in the 2^N space (qutip: basis(2,0) = excited)
    dicke = []
    for k in range(N + 1):
        v = np.zeros(2**N)
        for idx in range(2**N):
            bits = [(idx >> (N - 1 - i)) & 1 for i in range(N)]  # bit 0 = excited in qutip order
            if bits.count(0) == k:
                v[idx] = 1.0
        dicke.append(v / np.linalg.norm(v))
    B = np.array(dicke).T
    rho_full = B @ rho_sub @ B.conj().T
    HB = battery_hamiltonian(N)
    H_sub = np.diag(np.arange(N + 1.0))
    np.testing.assert_allclose(B.conj().T @ HB @ B, H_sub, atol=1e-12)
    full = ergotropy_numpy(rho_full, HB)
    assert qbattery.ergotropy(rho_sub, H_sub, levels=qbattery.cells_spectrum(N)) == pytest.approx(full, abs=1e-12)
    assert qbattery.ergotropy(rho_sub, H_sub) < full - 1e-3  # subspace spectrum would be wrong
    e = np.linalg.eigvalsh(HB)
    r = np.linalg.eigvalsh(rho_full)[::-1]
    cap_full = r @ (e[::-1] - e)
    assert qbattery.capacity(rho_sub, H_sub, levels=qbattery.cells_spectrum(N)) == pytest.approx(cap_full, abs=1e-12)


def test_cells_spectrum_has_binomial_degeneracies():
    """H_B of N cells has levels k omega_a with degeneracy C(N, k), total 2^N."""
    s = qbattery.cells_spectrum(6, 2.0)
    assert s.dimension == 2**6
    np.testing.assert_array_equal(s.degeneracies, [comb(6, k) for k in range(7)])
    np.testing.assert_allclose(
        np.sort(np.linalg.eigvalsh(battery_hamiltonian(6, 2.0))), np.concatenate([[2.0 * k] * comb(6, k) for k in range(7)]), atol=1e-12
    )


def test_qutip_qobj_inputs_are_accepted():
    """Qobj states and Hamiltonians give the same numbers as numpy arrays."""
    rho = qt.rand_dm(3, seed=4)
    H = qt.rand_herm(3, seed=5)
    assert qbattery.ergotropy(rho, H) == pytest.approx(qbattery.ergotropy(rho.full(), H.full()), abs=1e-14)
    assert qbattery.von_neumann_entropy(rho) == pytest.approx(qt.entropy_vn(rho), abs=1e-12)


def test_mutual_information_of_bell_state_is_two_ln_two_and_product_is_zero():
    """I(A:B) = 2 ln 2 for a Bell state (maximum for qubits); 0 for a product state."""
    bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    assert qbattery.mutual_information(np.outer(bell, bell), (2, 2)) == pytest.approx(2 * np.log(2), abs=1e-12)
    rng = np.random.default_rng(6)
    prod = np.kron(random_state(rng, 2), random_state(rng, 3))
    assert qbattery.mutual_information(prod, (2, 3)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([[0.5, 0.3], [0.1, 0.5]]), "not Hermitian"),
        (np.diag([0.5, 0.6]), "not normalised"),
        (np.diag([1.2, -0.2]), "not positive semidefinite"),
        (np.ones((2, 3)) / 2, "square"),
    ],
)
def test_invalid_states_raise_clear_value_errors(bad, message):
    """Non-Hermitian, non-normalised, non-positive or non-square inputs are rejected."""
    with pytest.raises(ValueError, match=message):
        qbattery.ergotropy(bad, np.diag([0.0, 1.0])[: bad.shape[-1], : bad.shape[-1]] if bad.shape[0] == bad.shape[1] else np.eye(2))


def test_numerically_tiny_negative_eigenvalues_are_tolerated():
    """A projector with round-off (-1e-15 eigenvalue) is accepted and gives ergotropy 0 at the ground state."""
    rho = np.diag([1.0 + 1e-15, -1e-15])
    assert qbattery.ergotropy(rho, np.diag([0.0, 1.0])) == pytest.approx(0.0, abs=1e-14)


def test_stack_of_states_gives_array_equal_to_loop():
    """ergotropy/energy/capacity on a (T, d, d) stack equal the per-state values."""
    rng = np.random.default_rng(7)
    H = random_hamiltonian(rng, 4)
    stack = np.array([random_state(rng, 4, rank=r) for r in (1, 2, 3, 4, 4)])
    for f in (qbattery.ergotropy, qbattery.energy, qbattery.capacity):
        np.testing.assert_allclose(f(stack, H), [f(s, H) for s in stack], atol=1e-13)


# --- hypothesis invariants -------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(seeds, dims, st.integers(1, 7))
def test_ergotropy_between_zero_and_energy_above_ground(seed, d, rank):
    """0 <= E(rho) <= Tr(rho H) - E_0 for every state and Hamiltonian."""
    rng = np.random.default_rng(seed)
    H = random_hamiltonian(rng, d)
    rho = random_state(rng, d, min(rank, d))
    erg = qbattery.ergotropy(rho, H)
    assert erg >= 0
    assert erg <= qbattery.energy(rho, H) - np.linalg.eigvalsh(H)[0] + 1e-12


@settings(max_examples=60, deadline=None)
@given(seeds, dims)
def test_passive_states_have_zero_ergotropy_and_same_spectrum(seed, d):
    """The passive state of rho has zero ergotropy, commutes with H and has rho's eigenvalues."""
    rng = np.random.default_rng(seed)
    H = random_hamiltonian(rng, d)
    rho = random_state(rng, d)
    pi = qbattery.passive_state(rho, H)
    assert qbattery.ergotropy(pi, H) == pytest.approx(0.0, abs=1e-11)
    np.testing.assert_allclose(pi @ H, H @ pi, atol=1e-10)
    np.testing.assert_allclose(np.linalg.eigvalsh(pi), np.linalg.eigvalsh(rho), atol=1e-12)
    assert qbattery.energy(rho, H) - qbattery.energy(pi, H) == pytest.approx(qbattery.ergotropy(rho, H), abs=1e-11)


@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(2, 6))
def test_ergotropy_invariant_under_unitaries_commuting_with_H(seed, d):
    """U = exp(-i f(H)) (any function of H, incl. rotations inside degenerate levels)
    leaves the ergotropy unchanged."""
    rng = np.random.default_rng(seed)
    levels = np.sort(rng.integers(0, 3, size=d)).astype(float)  # degeneracies likely
    V = random_unitary(rng, d)
    H = V @ np.diag(levels) @ V.conj().T
    blocks = np.zeros((d, d), complex)
    for e in np.unique(levels):
        idx = np.flatnonzero(levels == e)
        blocks[np.ix_(idx, idx)] = random_unitary(rng, len(idx))
    U = V @ blocks @ V.conj().T
    np.testing.assert_allclose(U @ H, H @ U, atol=1e-10)
    rho = random_state(rng, d)
    assert qbattery.ergotropy(U @ rho @ U.conj().T, H) == pytest.approx(qbattery.ergotropy(rho, H), abs=1e-11)


@settings(max_examples=60, deadline=None)
@given(seeds, dims)
def test_capacity_at_least_ergotropy_and_unitary_invariant(seed, d):
    """C(rho) >= E(rho), and C depends only on the spectrum of rho (any unitary)."""
    rng = np.random.default_rng(seed)
    H = random_hamiltonian(rng, d)
    rho = random_state(rng, d)
    U = random_unitary(rng, d)
    c = qbattery.capacity(rho, H)
    assert c >= qbattery.ergotropy(rho, H) - 1e-12
    assert qbattery.capacity(U @ rho @ U.conj().T, H) == pytest.approx(c, abs=1e-11)


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(1, 4), st.integers(1, 4))
def test_mutual_information_bounds_and_pure_state_identity(seed, dA, dB):
    """0 <= I(A:B) <= 2 ln min(dA, dB); for pure states I = 2 S(rho_A) = 2 S(rho_B)."""
    rng = np.random.default_rng(seed)
    rho = random_state(rng, dA * dB)
    mi = qbattery.mutual_information(rho, (dA, dB))
    assert -1e-12 <= mi <= 2 * np.log(min(dA, dB)) + 1e-12
    psi = rng.normal(size=dA * dB) + 1j * rng.normal(size=dA * dB)
    psi /= np.linalg.norm(psi)
    pure = np.outer(psi, psi.conj())
    sa = qbattery.von_neumann_entropy(qbattery.partial_trace(pure, (dA, dB), 0))
    sb = qbattery.von_neumann_entropy(qbattery.partial_trace(pure, (dA, dB), 1))
    assert qbattery.mutual_information(pure, (dA, dB)) == pytest.approx(2 * sa, abs=1e-10)
    assert sa == pytest.approx(sb, abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(1, 4), st.integers(1, 7))
def test_ergotropy_of_identical_qubit_copies_is_additive(seed, N, _):
    """E(rho^{(x)N}) = N E(rho) for a qubit with H_B = sum |e><e| (matching degeneracies):
    the identity the parallel models rely on, against the full 2^N brute force."""
    rng = np.random.default_rng(seed)
    rho1 = random_state(rng, 2)
    h1 = np.diag([0.0, 1.0])  # index 0 = ground here
    rhoN = rho1
    for _ in range(N - 1):
        rhoN = np.kron(rhoN, rho1)
    HN = sum(np.kron(np.kron(np.eye(2**i), h1), np.eye(2 ** (N - 1 - i))) for i in range(N))
    assert ergotropy_numpy(rhoN, HN) == pytest.approx(N * qbattery.ergotropy(rho1, h1), abs=1e-11)
    assert qbattery.capacity(rhoN, HN) == pytest.approx(N * qbattery.capacity(rho1, h1), abs=1e-11)


def test_cells_spectrum_is_exact_beyond_int64_degeneracies():
    """C(200, 100) > 2^63: the spectrum must still count 2^200 states and give the right lowest levels."""
    s = qbattery.cells_spectrum(200)
    assert s.dimension == 2**200
    np.testing.assert_array_equal(s.lowest(202), np.concatenate([[0.0], np.ones(200), [2.0]]))
    np.testing.assert_array_equal(s.highest(2), [200.0, 199.0])
