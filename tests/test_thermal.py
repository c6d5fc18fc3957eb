"""Thermal operations (issue 5): energy conservation of every sampled unitary, the second-law
no-go, monotonicity of D(rho||gamma), resource ergotropy below its free-energy bound, W_TO of
Dicke-subspace states against the full 2^N space, reproducibility, and an analytic partial swap.

Independent routes: qutip tensor products for Hamiltonians, qutip.entropy_relative (matrix
logarithms) for D, closed-form results for the partial swap and for the free energy of simple
resource states.
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
from qbattery.config import validate_config
from qbattery.thermal import (
    bath_energies,
    cells_energies,
    kron_sum,
    random_energy_preserving_unitary,
    relative_entropy_to_gibbs,
    thermal_dataset,
    thermal_operation,
)

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-10  # the no-go tolerance


def _qutip_number_hamiltonian(n_qubits: int, omega: float) -> qt.Qobj:
    """omega sum_i |1><1|_i built with qutip tensor products (|1> = excited, index bit 1)."""
    proj = qt.basis(2, 1) * qt.basis(2, 1).dag()
    if n_qubits == 0:
        return qt.qzero(1)
    return omega * sum(qt.tensor([proj if j == i else qt.qeye(2) for j in range(n_qubits)]) for i in range(n_qubits))


def _total_hamiltonian(N: int, kind: str, size: int, omega_R: float) -> np.ndarray:
    HB = _qutip_number_hamiltonian(N, 1.0)
    HR = _qutip_number_hamiltonian(size, omega_R) if kind == "qubits" else qt.Qobj(np.diag(omega_R * np.arange(size)))
    HB.dims = [[2**N], [2**N]]
    HR.dims = [[HR.shape[0]], [HR.shape[0]]]
    return (qt.tensor(HB, qt.qeye(HR.shape[0])) + qt.tensor(qt.qeye(2**N), HR)).full()


def _gibbs(H: np.ndarray, beta: float) -> np.ndarray:
    e, v = np.linalg.eigh(H)
    w = np.exp(-beta * (e - e.min()))
    return (v * (w / w.sum())) @ v.conj().T


def _D(rho: np.ndarray, sigma: np.ndarray) -> float:
    """D(rho||sigma) in nats with qutip (matrix logarithms): an independent route."""
    return float(qt.entropy_relative(qt.Qobj(rho), qt.Qobj(sigma)))


def _random_state(d: int, seed: int, rank: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    G = rng.normal(size=(d, rank or d)) + 1j * rng.normal(size=(d, rank or d))
    rho = G @ G.conj().T
    return rho / np.trace(rho)


# --------------------------------------------------------------------------------------
# Sampled unitaries and the thermal operation
# --------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(N=st.integers(1, 2), kind=st.sampled_from(["qubits", "ladder"]), size=st.integers(1, 3),
       omega_R=st.sampled_from([1.0, 0.5, 2.0, 1.3]), seed=st.integers(0, 2**31))
def test_every_sampled_unitary_is_unitary_and_conserves_the_total_energy(N, kind, size, omega_R, seed):
    """[U, H_B + H_R] = 0 and U U^dag = 1, with H_B + H_R built independently with qutip;
    degenerate blocks are genuinely mixed (U is not diagonal when the spectrum is degenerate)."""
    H = _total_hamiltonian(N, kind, size, omega_R)
    energies = kron_sum(cells_energies(N), bath_energies(kind, size, omega_R))
    np.testing.assert_allclose(np.diag(H).real, energies, atol=1e-14)
    U = random_energy_preserving_unitary(energies, np.random.default_rng(seed))
    assert np.linalg.norm(U @ H - H @ U) < 1e-12
    assert np.linalg.norm(U @ U.conj().T - np.eye(len(U))) < 1e-12
    degenerate = len(np.unique(np.round(energies, 9))) < len(energies)
    offdiag = np.linalg.norm(U - np.diag(np.diag(U)))
    assert (offdiag > 1e-6) == degenerate


@settings(max_examples=30, deadline=None)
@given(N=st.integers(1, 2), size=st.integers(1, 2), beta=st.floats(0.1, 5.0), seed=st.integers(0, 2**31),
       rank=st.sampled_from([1, 2, None]))
def test_thermal_operation_never_increases_relative_entropy_to_gibbs(N, size, beta, seed, rank):
    """Data processing: D(rho_B'||gamma_B) <= D(rho_B||gamma_B) for any battery state (pure to
    full rank), D from qutip's matrix logarithms; the library's -S + beta<H> + ln Z agrees."""
    eB = cells_energies(N)
    eR = bath_energies("qubits", size, 1.0)
    HB = np.diag(eB).astype(complex)
    gB = _gibbs(HB, beta)
    gR = np.diag(np.exp(-beta * eR) / np.exp(-beta * eR).sum()).astype(complex)
    rho = _random_state(2**N, seed, rank)
    U = random_energy_preserving_unitary(kron_sum(eB, eR), np.random.default_rng(seed + 1))
    out = thermal_operation(rho, gR, U)
    d0, d1 = _D(rho, gB), _D(out, gB)
    assert d1 <= d0 + 1e-10
    assert relative_entropy_to_gibbs(rho, HB, beta) == pytest.approx(d0, abs=1e-9)
    assert relative_entropy_to_gibbs(out, HB, beta) == pytest.approx(d1, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(N=st.integers(1, 3), kind=st.sampled_from(["qubits", "ladder"]), size=st.integers(1, 3),
       beta=st.floats(0.05, 10.0), seed=st.integers(0, 2**31))
def test_no_go_gibbs_battery_stays_gibbs_with_zero_ergotropy(N, kind, size, beta, seed):
    """Second law: a TO maps gamma_B(beta) to itself, so no ergotropy is ever produced (1e-10)."""
    eB, eR = cells_energies(N), bath_energies(kind, size, 1.0)
    HB = np.diag(eB).astype(complex)
    gB = _gibbs(HB, beta)
    gR = _gibbs(np.diag(eR).astype(complex), beta)
    U = random_energy_preserving_unitary(kron_sum(eB, eR), np.random.default_rng(seed))
    out = thermal_operation(gB, gR, U)
    assert np.abs(out - gB).max() < 1e-12
    assert ergotropy(out, HB) < TOL


@pytest.mark.parametrize("theta", [0.0, 0.3, np.pi / 4, 1.2, np.pi / 2])
def test_partial_swap_of_resonant_qubits_matches_the_analytic_result(theta):
    """Battery qubit + bath qubit at the same frequency: U = 1 (+) [[cos, -i sin], [-i sin, cos]] (+) 1
    on {|gg>}, {|eg>, |ge>}, {|ee>} is a thermal operation and gives
    p_e' = cos^2 p_e + sin^2 q_e, rho'_ge = cos(theta) rho_ge; theta = pi/2 (swap): rho_B' = gamma_R."""
    beta = 0.7
    q_e = np.exp(-beta) / (1 + np.exp(-beta))
    gR = np.diag([1 - q_e, q_e]).astype(complex)
    rho = _random_state(2, 11)
    U = np.eye(4, dtype=complex)
    U[1:3, 1:3] = [[cos(theta), -1j * sin(theta)], [-1j * sin(theta), cos(theta)]]  # |g e>, |e g> (index = 2 b + r)
    H = _total_hamiltonian(1, "qubits", 1, 1.0)
    assert np.linalg.norm(U @ H - H @ U) < 1e-14
    out = thermal_operation(rho, gR, U)
    assert out[1, 1].real == pytest.approx(cos(theta) ** 2 * rho[1, 1].real + sin(theta) ** 2 * q_e, abs=1e-14)
    assert out[0, 1] == pytest.approx(cos(theta) * rho[0, 1], abs=1e-14)
    if theta == np.pi / 2:
        np.testing.assert_allclose(out, gR, atol=1e-14)


@pytest.mark.parametrize("N", [2, 3, 4])
@pytest.mark.parametrize("beta", [0.3, 1.0, 4.0])
def test_relative_entropy_of_dicke_subspace_state_equals_full_space_brute_force(N, beta):
    """D(rho||gamma_beta) of a state in the symmetric Dicke subspace, with the full 2^N Gibbs
    state (ln Z_full = N ln(1 + e^-beta)), equals qutip's D of the state embedded in 2^N."""
    rho = _random_state(N + 1, 100 + N)
    # symmetric Dicke vectors |N, k> in the product basis (index bit 1 = excited)
    V = np.zeros((2**N, N + 1))
    for i in range(2**N):
        k = bin(i).count("1")
        V[i, k] = 1 / np.sqrt(comb(N, k))
    full = V @ rho @ V.T
    gamma = _gibbs(np.diag(cells_energies(N)).astype(complex), beta)
    HB = np.diag(np.arange(N + 1, dtype=float)).astype(complex)
    lib = relative_entropy_to_gibbs(rho, HB, beta, cells_spectrum(N))
    assert lib == pytest.approx(_D(full, gamma), rel=1e-10, abs=1e-10)
    # ergotropy <= W_TO = D / beta (F_beta(pi) >= F_beta(gamma)), full-space ergotropy
    assert ergotropy(full, np.diag(cells_energies(N))) <= lib / beta + 1e-12


# --------------------------------------------------------------------------------------
# The stage dataset on a small config
# --------------------------------------------------------------------------------------
def _small_config(stage_seed: int = 5) -> dict:
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["models"] = {"dicke": {"N": [1, 2], "coupling": [0.2], "omega_c": 1.0, "time": {"t_max": 6.0, "points": 61}},
                     "parallel": {"N": [1, 2], "coupling": 0.2, "omega_c": 1.0}}
    cfg.pop("work_statistics", None)
    cfg["thermal"] = {
        "temperature": [0.5, 1.0], "N": [1, 2], "samples": 12, "stage_seed": stage_seed,
        "bath": {"kind": "qubits", "sizes": [1, 2], "omega": 1.0},
        "resources": {"hot_temperature_ratio": [1.0, 100.0], "excited_population": [0.5, 1.0], "coherence": [0.0, 1.0]},
        "protocol": {"models": ["dicke", "parallel"], "temperature": [0.5, 2.0]},
    }
    return validate_config(cfg)


@pytest.fixture(scope="module")
def ds():
    return thermal_dataset(_small_config())


def test_dataset_no_go_monotonicity_and_commutators_hold_on_every_sample(ds):
    """Every sampled U commutes with H_B + H_R; the Gibbs battery gets no ergotropy and D = 0
    after every TO (1e-10); D never increases for the excited, coherent and random inputs."""
    assert float(ds.commutator_norm_nogo.max()) < TOL
    assert float(ds.nogo_max_ergotropy.max()) < TOL
    assert float(ds.nogo_max_D_after.max()) < TOL
    assert float(ds.max_D_increase.max()) < TOL
    assert int(ds.nogo_status.max()) == 0
    # the non-Gibbs inputs do lose relative entropy: the check is not vacuous
    assert float(ds.D_before.sel(battery_input="excited").min()) > 0.5
    assert float((ds.D_after - ds.D_before).sel(battery_input="excited").min()) < -1e-3
    for v in ds.data_vars.values():
        assert "units" in v.attrs and "long_name" in v.attrs


def test_dataset_resources_give_ergotropy_below_their_free_energy(ds):
    """Inverted, coherent and hot resources charge the Gibbs battery (max ergotropy > 0), never
    above Delta F_X = D(sigma_X||gamma_X)/beta nor the free energy spent; Gibbs-like resource
    points (T_res = T, c = 0) give zero."""
    for kind, strong, null in [("inverted", 1.0, None), ("coherent", 1.0, 0.0), ("hot", 100.0, 1.0)]:
        p = {"inverted": "excited_population", "coherent": "coherence", "hot": "hot_temperature_ratio"}[kind]
        erg = ds[f"{kind}_ergotropy"]
        assert float(ds[f"{kind}_max_ergotropy"].sel({p: strong}).max()) > 1e-3, kind
        assert bool((erg <= ds[f"{kind}_free_energy"] + TOL).all()), kind
        assert bool((erg <= ds[f"{kind}_spent_free_energy"] + TOL).all()), kind
        assert float(ds[f"{kind}_max_bound_violation"].max()) < TOL
        assert float(ds[f"{kind}_commutator_norm"].max()) < TOL
        if null is not None:
            assert float(ds[f"{kind}_max_ergotropy"].sel({p: null}).max()) < TOL
    # analytic Delta F_X of the pure excited qubit: D = beta + ln(1 + e^-beta)
    T = ds.temperature.values
    np.testing.assert_allclose(ds.inverted_free_energy.sel(excited_population=1.0).values,
                               1.0 + T * np.log1p(np.exp(-1.0 / T)), rtol=1e-10)


def test_dataset_protocol_w_to_bounds_ergotropy_and_parallel_is_flagged(ds):
    """W_TO = D/beta >= ergotropy at every bath temperature for the Dicke states; the parallel model
    stores no states: NaN with status 3 (a documented reason), never silently dropped."""
    d = ds.sel(protocol_model="dicke")
    assert (d.protocol_status.values == 0).all()
    assert float(d.protocol_min_bound_margin.min()) >= -1e-12
    assert float(d.protocol_ergotropy.min()) > 0
    p = ds.sel(protocol_model="parallel")
    assert (p.protocol_status.values == 3).all()
    assert np.isnan(p.protocol_W_TO.values).all()


def test_same_seed_reproduces_the_samples_and_another_seed_does_not(ds):
    """Reproducible sampling from (seed, stage_seed): same config -> identical per-sample data."""
    again = thermal_dataset(_small_config())
    np.testing.assert_array_equal(again.coherent_ergotropy.values, ds.coherent_ergotropy.values)
    np.testing.assert_array_equal(again.D_after.values, ds.D_after.values)
    other = thermal_dataset(_small_config(stage_seed=6))
    assert not np.array_equal(other.coherent_ergotropy.values, ds.coherent_ergotropy.values)


def test_bound_violation_is_reported_naming_the_point():
    """A tolerance below round-off makes the no-go check fail loudly (the check can fail)."""
    from qbattery.simulate import NumericalHealthError

    cfg = _small_config()
    cfg = copy.deepcopy(cfg)
    cfg["thermal"].update(N=[2], samples=4, nogo_tol=1e-30, bath={"kind": "qubits", "sizes": [2], "omega": 1.0})
    cfg["thermal"]["protocol"]["models"] = []
    with pytest.raises(NumericalHealthError, match="N=2"):
        thermal_dataset(cfg)
