"""Thermal operations (issue 5): energy conservation of every sampled unitary, the second-law
no-go, monotonicity of D(rho||gamma), the Gibbs-preserving population map, the free-energy bound
on what a resource buys, exact and approximate catalysts, W_TO of Dicke-subspace states against
the full 2^N space, reproducibility, and failures that are reported.

Independent routes: Hamiltonians built with qutip tensor products, qutip.entropy_relative and
qutip.entropy_vn (matrix logarithms) for D and S, qutip.ptrace for partial traces, closed forms
for the partial swap and the free energy of simple resource states, brute-force embedding of
Dicke states into 2^N.
"""

import copy
from math import comb, cos, sin
from pathlib import Path

import numpy as np
import pytest
import qutip as qt
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery import cells_spectrum, ergotropy
from qbattery.config import ConfigError, validate_config
from qbattery.thermal import (
    bath_energies,
    catalyst_continuity_bound,
    cells_energies,
    controlled_unitary,
    free_energy_difference,
    kron_sum,
    population_map,
    random_sample_unitary,
    relative_entropy_to_gibbs,
    resource_point,
    thermal_dataset,
    thermal_operation,
)
from qbattery.thermal_protocol import dicke_state_w_to

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-10  # the no-go tolerance


# --------------------------------------------------------------------------------------
# independent references
# --------------------------------------------------------------------------------------
def _qutip_number_hamiltonian(n_qubits: int, omega: float) -> qt.Qobj:
    """omega sum_i |1><1|_i with qutip tensor products (|1> = excited = index bit 1), one 2^n factor."""
    proj = qt.basis(2, 1) * qt.basis(2, 1).dag()
    H = omega * sum(qt.tensor([proj if j == i else qt.qeye(2) for j in range(n_qubits)]) for i in range(n_qubits))
    return qt.Qobj(H.full())


def _total_hamiltonian(N: int, kind: str, size: int, omega_R: float, omega_X: float | None = None) -> np.ndarray:
    """H_B (x) 1 + 1 (x) H_R (+ H_X on a last qubit) built with qutip."""
    HB = _qutip_number_hamiltonian(N, 1.0)
    HR = _qutip_number_hamiltonian(size, omega_R) if kind == "qubits" else qt.Qobj(np.diag(omega_R * np.arange(size)))
    parts = [HB, HR] + ([qt.Qobj(np.diag([0.0, omega_X]))] if omega_X is not None else [])
    ids = [qt.qeye(p.shape[0]) for p in parts]
    return sum(qt.tensor([p if j == i else ids[j] for j in range(len(parts))]) for i, p in enumerate(parts)).full()


def _gibbs(H: np.ndarray, beta: float) -> np.ndarray:
    e, v = np.linalg.eigh(H)
    w = np.exp(-beta * (e - e.min()))
    return (v * (w / w.sum())) @ v.conj().T


def _D(rho: np.ndarray, sigma: np.ndarray) -> float:
    """D(rho||sigma) in nats with qutip (matrix logarithms)."""
    return float(qt.entropy_relative(qt.Qobj(rho), qt.Qobj(sigma)))


def _random_state(d: int, seed: int, rank: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    G = rng.normal(size=(d, rank or d)) + 1j * rng.normal(size=(d, rank or d))
    rho = G @ G.conj().T
    return rho / np.trace(rho)


def _ptrace(rho: np.ndarray, dims: list[int], keep: int) -> np.ndarray:
    return qt.Qobj(rho, dims=[dims, dims]).ptrace(keep).full()


def _dicke_embedding(N: int) -> np.ndarray:
    """Columns: symmetric Dicke vectors |N, k> in the product basis (index bit 1 = excited)."""
    V = np.zeros((2**N, N + 1))
    for i in range(2**N):
        k = bin(i).count("1")
        V[i, k] = 1 / np.sqrt(comb(N, k))
    return V


# --------------------------------------------------------------------------------------
# Sampled unitaries, the thermal operation, its population map
# --------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(
    N=st.integers(1, 2),
    kind=st.sampled_from(["qubits", "ladder"]),
    size=st.integers(1, 3),
    omega_R=st.sampled_from([1.0, 0.5, 2.0, 1.3]),
    seed=st.integers(0, 2**31),
    index=st.integers(0, 3),
)
def test_every_sampled_unitary_is_unitary_and_conserves_the_total_energy(N, kind, size, omega_R, seed, index):
    """[U, H_B + H_R] = 0 and U U^dag = 1 for both sample kinds (Haar, permutation), with H_B + H_R
    built with qutip; degenerate blocks are genuinely mixed (U is not diagonal when they exist)."""
    H = _total_hamiltonian(N, kind, size, omega_R)
    energies = kron_sum(cells_energies(N), bath_energies(kind, size, omega_R))
    np.testing.assert_allclose(np.diag(H).real, energies, atol=1e-14)
    U = random_sample_unitary(energies, np.random.default_rng(seed), index)
    assert np.linalg.norm(U @ H - H @ U) < 1e-12
    assert np.linalg.norm(U @ U.conj().T - np.eye(len(U))) < 1e-12
    if index % 2 == 0:  # Haar blocks always mix a degenerate eigenspace (a permutation may be the identity)
        degenerate = len(np.unique(np.round(energies, 9))) < len(energies)
        assert (np.linalg.norm(U - np.diag(np.diag(U))) > 1e-6) == degenerate


@settings(max_examples=20, deadline=None)
@given(N=st.integers(1, 2), size=st.integers(1, 2), omega_R=st.sampled_from([1.0, 0.5, 2.0]), seed=st.integers(0, 2**31))
def test_catalyst_unitary_conserves_energy_and_returns_a_diagonal_catalyst_exactly(N, size, omega_R, seed):
    """U = sum_x U_BR^(x) (x) |x><x| commutes with H_B + H_R + H_X (qutip) and leaves X's state
    unchanged (qutip ptrace), whatever the battery and bath states."""
    rng = np.random.default_rng(seed)
    e_BR = kron_sum(cells_energies(N), bath_energies("qubits", size, omega_R))
    U = controlled_unitary([random_sample_unitary(e_BR, rng, i) for i in range(2)])
    H = _total_hamiltonian(N, "qubits", size, omega_R, omega_X=1.0)
    assert np.linalg.norm(U @ H - H @ U) < 1e-12
    sigma = np.diag([0.3, 0.7]).astype(complex)
    rho = np.kron(_random_state(len(e_BR), seed + 1), sigma)
    out = U @ rho @ U.conj().T
    np.testing.assert_allclose(_ptrace(out, [len(e_BR), 2], 1), sigma, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(
    N=st.integers(1, 2),
    size=st.integers(1, 2),
    beta=st.floats(0.1, 5.0),
    seed=st.integers(0, 2**31),
    rank=st.sampled_from([1, 2, None]),
    index=st.integers(0, 1),
)
def test_thermal_operation_never_increases_relative_entropy_to_gibbs(N, size, beta, seed, rank, index):
    """Data processing: D(rho_B'||gamma_B) <= D(rho_B||gamma_B) for any battery state (pure to
    full rank), D from qutip's matrix logarithms; the library's -S + beta<H> + ln Z agrees."""
    eB = cells_energies(N)
    eR = bath_energies("qubits", size, 1.0)
    HB = np.diag(eB).astype(complex)
    gB = _gibbs(HB, beta)
    gR = _gibbs(np.diag(eR).astype(complex), beta)
    rho = _random_state(2**N, seed, rank)
    U = random_sample_unitary(kron_sum(eB, eR), np.random.default_rng(seed + 1), index)
    out = thermal_operation(rho, gR, U)
    np.testing.assert_allclose(out, _ptrace(U @ np.kron(rho, gR) @ U.conj().T, [2**N, len(eR)], 0), atol=1e-13)
    d0, d1 = _D(rho, gB), _D(out, gB)
    assert d1 <= d0 + 1e-10
    assert relative_entropy_to_gibbs(rho, HB, beta) == pytest.approx(d0, abs=1e-9)
    assert relative_entropy_to_gibbs(out, HB, beta) == pytest.approx(d1, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    N=st.integers(1, 3),
    kind=st.sampled_from(["qubits", "ladder"]),
    size=st.integers(1, 3),
    omega_R=st.sampled_from([1.0, 0.5, 2.0, 0.7]),
    beta=st.floats(0.05, 10.0),
    seed=st.integers(0, 2**31),
    index=st.integers(0, 1),
)
def test_no_go_gibbs_battery_stays_gibbs_with_zero_ergotropy(N, kind, size, omega_R, beta, seed, index):
    """Second law: a TO maps gamma_B(beta) to itself, so no ergotropy is ever produced (1e-10)."""
    eB, eR = cells_energies(N), bath_energies(kind, size, omega_R)
    HB = np.diag(eB).astype(complex)
    gB = _gibbs(HB, beta)
    gR = _gibbs(np.diag(eR).astype(complex), beta)
    U = random_sample_unitary(kron_sum(eB, eR), np.random.default_rng(seed), index)
    out = thermal_operation(gB, gR, U)
    assert np.abs(out - gB).max() < 1e-12
    assert ergotropy(out, HB) < TOL


def test_bath_at_another_temperature_does_charge_the_gibbs_battery():
    """The no-go needs the SAME beta: swapping a Gibbs battery qubit at beta with a resonant bath
    qubit at beta' != beta changes the battery (rho_B' = gamma(beta')); the no-go is not vacuous."""
    beta, beta_hot = 1.0, 0.2
    HB = np.diag([0.0, 1.0]).astype(complex)
    U = np.eye(4, dtype=complex)
    U[1:3, 1:3] = [[0, 1], [1, 0]]  # |g e> <-> |e g>, energy preserving
    out = thermal_operation(_gibbs(HB, beta), _gibbs(HB, beta_hot), U)
    np.testing.assert_allclose(out, _gibbs(HB, beta_hot), atol=1e-14)
    assert relative_entropy_to_gibbs(out, HB, beta) > 1e-2


@pytest.mark.parametrize("theta", [0.0, 0.3, np.pi / 4, 1.2, np.pi / 2])
def test_partial_swap_of_resonant_qubits_matches_the_analytic_result(theta):
    """Battery qubit + bath qubit at the same frequency: U = 1 (+) [[cos, -i sin], [-i sin, cos]] (+) 1
    on {|gg>}, {|ge>, |eg>}, {|ee>} is a thermal operation and gives
    p_e' = cos^2 p_e + sin^2 q_e, rho'_ge = cos(theta) rho_ge; theta = pi/2 (swap): rho_B' = gamma_R."""
    beta = 0.7
    q_e = np.exp(-beta) / (1 + np.exp(-beta))
    gR = np.diag([1 - q_e, q_e]).astype(complex)
    rho = _random_state(2, 11)
    U = np.eye(4, dtype=complex)
    U[1:3, 1:3] = [[cos(theta), -1j * sin(theta)], [-1j * sin(theta), cos(theta)]]  # index = 2 b + r
    H = _total_hamiltonian(1, "qubits", 1, 1.0)
    assert np.linalg.norm(U @ H - H @ U) < 1e-14
    out = thermal_operation(rho, gR, U)
    assert out[1, 1].real == pytest.approx(cos(theta) ** 2 * rho[1, 1].real + sin(theta) ** 2 * q_e, abs=1e-14)
    assert out[0, 1] == pytest.approx(cos(theta) * rho[0, 1], abs=1e-14)
    if theta == np.pi / 2:
        np.testing.assert_allclose(out, gR, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(N=st.integers(1, 2), size=st.integers(1, 3), beta=st.floats(0.1, 5.0), seed=st.integers(0, 2**31), index=st.integers(0, 1))
def test_population_map_is_gibbs_preserving_and_reproduces_the_thermal_operation_on_populations(N, size, beta, seed, index):
    """Gibbs-preserving-map view: P[j,i] = sum q_r |<j r'|U|i r>|^2 is column stochastic, P gamma_B =
    gamma_B, and diag(TO(diag p)) = P p for any population vector p (full TO via qutip ptrace)."""
    eB, eR = cells_energies(N), bath_energies("qubits", size, 1.0)
    qR = np.exp(-beta * eR) / np.exp(-beta * eR).sum()
    U = random_sample_unitary(kron_sum(eB, eR), np.random.default_rng(seed), index)
    P = population_map(U, qR, len(eB))
    gB = np.exp(-beta * eB) / np.exp(-beta * eB).sum()
    np.testing.assert_allclose(P.sum(axis=0), 1.0, atol=1e-13)
    np.testing.assert_allclose(P @ gB, gB, atol=1e-13)
    p = np.random.default_rng(seed + 2).dirichlet(np.ones(len(eB)))
    full = U @ np.kron(np.diag(p), np.diag(qR)) @ U.conj().T
    np.testing.assert_allclose(np.real(np.diag(_ptrace(full, [len(eB), len(eR)], 0))), P @ p, atol=1e-13)


def test_population_map_of_an_energy_changing_unitary_is_not_gibbs_preserving():
    """The Gibbs-preservation check can fail: the swap |g g> <-> |e g> changes the energy."""
    qR = np.array([0.8, 0.2])
    U = np.eye(4)[[2, 1, 0, 3]].astype(complex)
    P = population_map(U, qR, 2)
    gB = np.array([0.8, 0.2])
    assert np.abs(P @ gB - gB).sum() > 0.1


# --------------------------------------------------------------------------------------
# Resources: the free-energy bound, catalysts
# --------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    N=st.integers(1, 2),
    size=st.integers(1, 2),
    beta=st.floats(0.2, 4.0),
    omega_X=st.sampled_from([1.0, 2.0]),
    seed=st.integers(0, 2**31),
    index=st.integers(0, 1),
)
def test_resource_ergotropy_is_bounded_by_the_spent_and_the_total_free_energy(N, size, beta, omega_X, seed, index):
    """For a Gibbs battery and bath plus ANY resource qubit sigma_X, every U commuting with
    H_B + H_R + H_X gives Erg(rho_B') <= D(rho_B'||gamma_B)/beta <= [D(sigma_X||gamma_X) -
    D(rho_X'||gamma_X)]/beta <= D(sigma_X||gamma_X)/beta = F_beta(sigma_X) - F_beta(gamma_X),
    every term computed with qutip (ptrace, entropy_relative) and F = E - S/beta directly."""
    eB, eR, eX = cells_energies(N), bath_energies("qubits", size, 1.0), np.array([0.0, omega_X])
    HB, HR, HX = (np.diag(e).astype(complex) for e in (eB, eR, eX))
    gB, gR, gX = (_gibbs(h, beta) for h in (HB, HR, HX))
    sigma = _random_state(2, seed, rank=None if seed % 2 else 1)
    U = random_sample_unitary(kron_sum(eB, eR, eX), np.random.default_rng(seed + 3), index)
    out = U @ np.kron(np.kron(gB, gR), sigma) @ U.conj().T
    dims = [len(eB), len(eR), 2]
    rB, rX = _ptrace(out, dims, 0), _ptrace(out, dims, 2)

    def F(rho, H):
        return float(np.real(np.trace(rho @ H))) - float(qt.entropy_vn(qt.Qobj(rho))) / beta

    dF_X = F(sigma, HX) - F(gX, HX)
    assert dF_X == pytest.approx(_D(sigma, gX) / beta, abs=1e-10)
    erg = ergotropy(rB, HB)
    wB = _D(rB, gB) / beta
    spent = (_D(sigma, gX) - _D(rX, gX)) / beta
    assert erg <= wB + 1e-10
    assert wB <= spent + 1e-10
    assert spent <= dF_X + 1e-10


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), beta=st.floats(0.1, 10.0), omega=st.floats(0.1, 3.0), eps=st.floats(1e-6, 1.0))
def test_catalyst_continuity_bound_bounds_the_free_energy_change_of_a_qubit(seed, beta, omega, eps):
    """|F_beta(a) - F_beta(b)| <= T h(t) + t omega for qubit states a, b at trace distance t
    (Audenaert-Fannes + energy spread), F from qutip entropies; the bound vanishes as t -> 0."""
    a = _random_state(2, seed)
    b = (1 - eps) * a + eps * _random_state(2, seed + 1, rank=1)
    H = np.diag([0.0, omega])
    t = 0.5 * np.abs(np.linalg.eigvalsh(a - b)).sum()

    def F(r):
        return float(np.real(np.trace(r @ H))) - float(qt.entropy_vn(qt.Qobj(r))) / beta

    bound = float(catalyst_continuity_bound(t, beta, 2, omega))
    assert abs(F(a) - F(b)) <= bound + 1e-12
    assert float(catalyst_continuity_bound(0.0, beta, 2, omega)) == 0.0


def test_resource_free_energies_match_closed_forms():
    """Delta F_X: pure excited qubit D = beta omega + ln(1 + e^{-beta omega}); hot Gibbs qubit: the
    classical KL divergence of two Gibbs distributions; coherent c = 1: the pure coherent Gibbs state
    has D = -sum p ln p (all its free energy is coherence: S = 0, same energy as gamma)."""
    beta, om = 1.3, 1.0
    r = resource_point("inverted", np.array([1.0]), 1, "qubits", 1, 1.0, np.array([beta]), 2, 1, 2)
    assert r["free_energy"][0, 0] == pytest.approx((beta * om + np.log1p(np.exp(-beta * om))) / beta, rel=1e-12)
    ratio, omX = 4.0, 2.0  # hot qubit at omega_a + omega_R
    r = resource_point("hot", np.array([ratio]), 1, "qubits", 1, 1.0, np.array([beta]), 2, 1, 2)
    p = np.exp(-beta / ratio * np.array([0, omX]))
    p /= p.sum()
    g = np.exp(-beta * np.array([0, omX]))
    g /= g.sum()
    assert r["free_energy"][0, 0] == pytest.approx(np.sum(p * np.log(p / g)) / beta, rel=1e-12)
    r = resource_point("coherent", np.array([1.0]), 1, "qubits", 1, 1.0, np.array([beta]), 2, 1, 2)
    g = np.exp(-beta * np.array([0, om]))
    g /= g.sum()
    assert r["free_energy"][0, 0] == pytest.approx(-np.sum(g * np.log(g)) / beta, rel=1e-12)


# --------------------------------------------------------------------------------------
# W_TO of Dicke-subspace states: the full 2^N Gibbs state
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("N", [2, 3, 4])
@pytest.mark.parametrize("beta", [0.3, 1.0, 4.0])
def test_relative_entropy_of_dicke_subspace_state_equals_full_space_brute_force(N, beta):
    """D(rho||gamma_beta) of a state in the symmetric Dicke subspace with the full 2^N Gibbs state
    (ln Z_full = N ln(1 + e^-beta), degeneracies C(N, k)) equals qutip's D of the state embedded in
    2^N; the symmetric-subspace partition function would be wrong by ln(Z_full/Z_sym) > 0."""
    rho = _random_state(N + 1, 100 + N)
    V = _dicke_embedding(N)
    full = V @ rho @ V.T
    gamma = _gibbs(np.diag(cells_energies(N)).astype(complex), beta)
    HB = np.diag(np.arange(N + 1, dtype=float)).astype(complex)
    brute = _D(full, gamma)
    lib = relative_entropy_to_gibbs(rho, HB, beta, cells_spectrum(N))
    assert lib == pytest.approx(brute, rel=1e-10, abs=1e-10)
    z_full, z_sym = (1 + np.exp(-beta)) ** N, np.exp(-beta * np.arange(N + 1)).sum()
    assert relative_entropy_to_gibbs(rho, HB, beta) == pytest.approx(brute - np.log(z_full / z_sym), abs=1e-10)
    # F_beta(rho) - F_beta(gamma) with F(gamma) = -T ln Z_full, and Erg <= W_TO (full-space ergotropy)
    T = 1 / beta
    F_rho = float(np.real(np.trace(full @ np.diag(cells_energies(N))))) - T * float(qt.entropy_vn(qt.Qobj(full)))
    assert free_energy_difference(rho, HB, beta, cells_spectrum(N)) == pytest.approx(F_rho + T * np.log(z_full), abs=1e-10)
    assert ergotropy(full, np.diag(cells_energies(N))) <= lib / beta + 1e-12


@pytest.mark.parametrize("N", [2, 3])
def test_w_to_of_the_dicke_battery_state_matches_its_2N_embedding(N):
    """The Dicke model's own battery state (library run) at its time of max ergotropy, embedded in
    2^N: ergotropy with the full spectrum and D against the 2^N Gibbs state agree with brute force."""
    from qbattery import Numerics, get_model

    times = np.linspace(0, 12, 121)
    traj = get_model("dicke").run(N, times, {"coupling": 0.2, "omega_c": 1.0}, Numerics())
    i = int(np.argmax(traj.ergotropy))
    temps = np.array([0.5, 2.0])
    r = dicke_state_w_to(traj.states[i], N, temps)
    V = _dicke_embedding(N)
    full = V @ traj.states[i] @ V.T
    H = np.diag(cells_energies(N)).astype(complex)
    assert r["ergotropy"] == pytest.approx(
        float(np.real(np.trace(full @ H))) - np.linalg.eigvalsh(full)[::-1] @ np.sort(np.diag(H).real), abs=1e-10
    )
    for T, w in zip(temps, r["W_TO"]):
        assert w == pytest.approx(T * _D(full, _gibbs(H, 1 / T)), abs=1e-9)
        assert w >= r["ergotropy"] - 1e-12


# --------------------------------------------------------------------------------------
# The stage dataset on a small config
# --------------------------------------------------------------------------------------
def _small_config(stage_seed: int = 5) -> dict:
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["models"] = {
        "dicke": {"N": [1, 2], "coupling": [0.2], "omega_c": 1.0, "time": {"t_max": 6.0, "points": 61}},
        "charger_mediated_osc": {"N": [1, 2], "coupling": 0.2, "coherent": [0, 1]},
    }
    cfg.pop("work_statistics", None)
    cfg["thermal"] = {
        "temperature": [0.5, 1.0],
        "N": [1, 2],
        "samples": 12,
        "stage_seed": stage_seed,
        "bath": {"kind": "qubits", "sizes": [1, 2], "omega": 1.0},
        "resources": {
            "hot_temperature_ratio": [1.0, 100.0],
            "excited_population": [0.5, 1.0],
            "coherence": [0.0, 1.0],
            "catalyst_excited_population": [0.0, 1.0],
        },
        "protocol": {"models": ["dicke", "charger_mediated_osc", "tavis_cummings"], "temperature": [0.5, 2.0]},
    }
    return validate_config(cfg)


@pytest.fixture(scope="module")
def ds():
    return thermal_dataset(_small_config())


def test_dataset_no_go_monotonicity_and_commutators_hold_on_every_sample(ds):
    """Every sampled U commutes with H_B + H_R; the Gibbs battery gets no ergotropy and D = 0
    after every TO (1e-10); D never increases for the excited, coherent and random inputs; the
    population maps are Gibbs preserving and agree with the TO on diagonal inputs."""
    assert float(ds.commutator_norm_nogo.max()) < TOL
    assert float(ds.nogo_max_ergotropy.max()) < TOL
    assert float(ds.nogo_max_D_after.max()) < TOL
    assert float(ds.max_D_increase.max()) < TOL
    assert float(ds.gp_gibbs_deviation.max()) < TOL and float(ds.gp_consistency.max()) < TOL
    assert int(ds.nogo_status.max()) == 0
    # the non-Gibbs inputs do lose relative entropy: the check is not vacuous
    assert float(ds.D_before.sel(battery_input="excited").min()) > 0.5
    assert float((ds.D_after - ds.D_before).sel(battery_input="excited").min()) < -1e-3
    assert set(np.unique(ds.sample_kind.values)) == {0, 1}
    for name, v in ds.variables.items():
        assert "units" in v.attrs and "long_name" in v.attrs, name
        assert not np.iscomplexobj(v.values), name


def test_dataset_resources_give_ergotropy_below_their_free_energy(ds):
    """Inverted, coherent and hot resources charge the Gibbs battery (max ergotropy > 0), never
    above Delta F_X = D(sigma_X||gamma_X)/beta nor the free energy spent; Gibbs-like resource
    points (T_res = T, c = 0) give zero."""
    for kind, p, strong, null in [
        ("inverted", "excited_population", 1.0, None),
        ("coherent", "coherence", 1.0, 0.0),
        ("hot", "hot_temperature_ratio", 100.0, 1.0),
    ]:
        erg = ds[f"{kind}_ergotropy"]
        # at every bath temperature some (N, bath size) is charged (the hot qubit at omega_a + omega_R
        # with one or two bath qubits does not invert a single battery qubit: N = 1 stays at 0 here)
        assert float(ds[f"{kind}_max_ergotropy"].sel({p: strong}).max(("N", "bath_size")).min()) > 1e-3, kind
        assert bool((erg <= ds[f"{kind}_free_energy"] + TOL).all()), kind
        assert bool((erg <= ds[f"{kind}_spent_free_energy"] + TOL).all()), kind
        assert bool((ds[f"{kind}_spent_free_energy"] <= ds[f"{kind}_continuity_bound"] + TOL).all()), kind
        assert float(ds[f"{kind}_max_bound_violation"].max()) < TOL
        assert float(ds[f"{kind}_commutator_norm"].max()) < TOL
        assert int(ds[f"{kind}_status"].max()) == 0
        if null is not None:
            assert float(ds[f"{kind}_max_ergotropy"].sel({p: null}).max()) < TOL
    # a resource that buys ergotropy is not returned: it moved by a finite trace distance
    assert float(ds.inverted_max_trace_distance.sel(excited_population=1.0).min()) > 1e-2


def test_dataset_exact_catalyst_is_returned_unchanged_and_buys_no_ergotropy(ds):
    """The catalyst family (X-controlled TOs): X returned to 1e-10, battery ergotropy 0 (1e-10),
    although the same qubit state as a consumed resource (inverted, p_e = 1) charges the battery."""
    assert float(ds.catalyst_max_trace_distance.max()) < TOL
    assert float(ds.catalyst_max_ergotropy.max()) < TOL
    assert float(ds.catalyst_free_energy.sel(catalyst_excited_population=1.0).min()) > 0.5
    assert float(ds.inverted_max_ergotropy.sel(excited_population=1.0).min()) > 0.1
    assert int(ds.catalyst_status.max()) == 0


def test_dataset_protocol_w_to_bounds_ergotropy_and_missing_states_are_flagged(ds):
    """W_TO = D/beta >= ergotropy at every bath temperature for the Dicke states; the oscillator
    charger in a Fock state (first parameter value) stores no states: NaN, status 3; a model not in
    the study: NaN, status 2."""
    d = ds.sel(protocol_model="dicke")
    assert (d.protocol_status.values == 0).all()
    assert float(d.protocol_min_bound_margin.min()) >= -1e-12
    assert float(d.protocol_ergotropy.min()) > 0
    assert bool((d.protocol_W_TO >= d.protocol_ergotropy - 1e-12).all())
    osc = ds.sel(protocol_model="charger_mediated_osc")
    assert (osc.protocol_status.values == 3).all() and np.isnan(osc.protocol_W_TO.values).all()
    tc = ds.sel(protocol_model="tavis_cummings")
    assert (tc.protocol_status.values == 2).all() and np.isnan(tc.protocol_W_TO.values).all()


def test_same_seed_reproduces_the_samples_and_another_seed_does_not(ds):
    """Reproducible sampling from (seed, stage_seed): same config -> identical per-sample data."""
    again = thermal_dataset(_small_config())
    np.testing.assert_array_equal(again.coherent_ergotropy.values, ds.coherent_ergotropy.values)
    np.testing.assert_array_equal(again.D_after.values, ds.D_after.values)
    other = thermal_dataset(_small_config(stage_seed=6))
    assert not np.array_equal(other.coherent_ergotropy.values, ds.coherent_ergotropy.values)


def test_no_go_violation_is_reported_naming_the_point():
    """A tolerance below round-off makes the no-go check fail loudly (the check can fail), or, with
    numerics.on_violation: nan, flags the point and records NaN for its resource statistics."""
    from qbattery.simulate import NumericalHealthError

    cfg = copy.deepcopy(_small_config())
    cfg["thermal"].update(N=[2], samples=4, nogo_tol=1e-30, bath={"kind": "qubits", "sizes": [2], "omega": 1.0})
    cfg["thermal"]["protocol"]["models"] = []
    with pytest.raises(NumericalHealthError, match="N=2"):
        thermal_dataset(cfg)
    cfg["numerics"]["on_violation"] = "nan"
    cfg["thermal"]["bound_tol"] = 1e-30
    out = thermal_dataset(cfg)
    assert int(out.nogo_status.max()) == 1
    flagged = out.inverted_status.values == 1
    assert flagged.any() and np.isnan(out.inverted_max_ergotropy.values[flagged]).all()
    assert np.isfinite(out.inverted_max_ergotropy.values[~flagged]).all()


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("protocol", {"models": ["parallel"]}, "parallel"),
        ("N", [5], "N"),
        ("resources", {"excited_population": [0.2]}, "excited_population"),
        ("bath", {"kind": "spins"}, "kind"),
    ],
)
def test_bad_thermal_config_is_refused_naming_key_and_value(key, value, words):
    """The schema refuses a protocol model without Dicke-basis states, too many cells, a resource
    that is not inverted, an unknown bath kind, with a message naming the key."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["thermal"][key] = value
    with pytest.raises(ConfigError, match=words):
        validate_config(cfg)


def test_figure_draws_every_panel_from_the_dataset(ds, tmp_path):
    """The figure (no-go, three resource families against Delta F_X, catalysts, protocol W_TO)
    is drawn from the dataset alone and written as PDF and PNG."""
    from qbattery.figures.style import save_figure
    from qbattery.figures.thermal import plot_thermal

    fig = plot_thermal(ds)
    assert len(fig.axes) == 6
    save_figure(fig, str(tmp_path / "t.pdf"), str(tmp_path / "t.png"))
    assert (tmp_path / "t.png").stat().st_size > 10_000
