"""Two-point-measurement work statistics: analytic single-qubit distributions, brute force in
the full 2^N (x cavity) space with explicit eigenspace projectors, Jarzynski and Crooks on
random Hamiltonians and unitaries, the second law, merged degeneracies, the characteristic
function, and the stage's dataset / health checks."""

from __future__ import annotations

import copy
import math
from functools import reduce
from math import comb
from pathlib import Path

import numpy as np
import pytest
import qutip as qt
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm
from scipy.stats import unitary_group

from qbattery import work_statistics as ws
from qbattery.config import ConfigError, validate_config
from qbattery.models.base import Numerics
from qbattery.simulate import NumericalHealthError

ROOT = Path(__file__).resolve().parents[1]
EXACT = ws.Settings(atom_tol=0.0)  # keep every atom for comparisons


# ---------------------------------------------------------------------------------------
# independent references
# ---------------------------------------------------------------------------------------
def tpm_projectors(H0: np.ndarray, H1: np.ndarray, U: np.ndarray, beta: float, digits: int = 7) -> dict[float, float]:
    """Textbook TPM: rho_0 = expm(-beta H0)/Z, explicit projectors Pi_a onto the eigenspaces
    (eigenvalues equal to ``digits``), P(W) = sum_ab Tr[Pi'_b U Pi_a rho_0 Pi_a U^dag]."""
    rho = expm(-beta * (H0 - np.eye(len(H0)) * np.linalg.eigvalsh(H0)[0]))
    rho /= np.trace(rho)

    def projectors(H):
        e, v = np.linalg.eigh(H)
        keys = np.round(e, digits)
        return {k: v[:, keys == k] @ v[:, keys == k].conj().T for k in np.unique(keys)}

    out: dict[float, float] = {}
    P0, P1 = projectors(H0), projectors(H1)
    for ea, Pa in P0.items():
        evolved = U @ Pa @ rho @ Pa @ U.conj().T
        for eb, Pb in P1.items():
            w = round(float(eb - ea), digits - 1)
            out[w] = out.get(w, 0.0) + float(np.real(np.trace(Pb @ evolved)))
    return out


def as_dict(d: ws.WorkDistribution, digits: int = 6) -> dict[float, float]:
    out: dict[float, float] = {}
    for w, p in zip(d.values, d.probabilities):
        k = round(float(w), digits)
        out[k] = out.get(k, 0.0) + float(p)
    return out


def assert_same_distribution(a: dict[float, float], b: dict[float, float], atol: float = 1e-11) -> None:
    for k in set(a) | set(b):
        assert abs(a.get(k, 0.0) - b.get(k, 0.0)) <= atol, (k, a.get(k, 0.0), b.get(k, 0.0))


def random_hermitian(rng: np.random.Generator, d: int, real: bool = False) -> np.ndarray:
    A = rng.normal(size=(d, d)) + (0 if real else 1j * rng.normal(size=(d, d)))
    return (A + A.conj().T) / 2


def log_z(H: np.ndarray, beta: float) -> float:
    """ln Tr exp(-beta H) through scipy's expm (shifted by the ground energy for range)."""
    e0 = float(np.linalg.eigvalsh(H)[0])
    return math.log(float(np.real(np.trace(expm(-beta * (H - e0 * np.eye(len(H)))))))) - beta * e0


def cells(N: int):
    """qutip full-space n_i = |e><e|_i, sigma^x_i on N qubits (basis(2,1) = |e>)."""
    e = qt.basis(2, 1)
    ops = lambda op, i: qt.tensor([op if k == i else qt.qeye(2) for k in range(N)])  # noqa: E731
    return [ops(e * e.dag(), i) for i in range(N)], [ops(qt.sigmax(), i) for i in range(N)]


def first(proto: str, N: int, params: dict, tau: float, T: float, n_max: int = 0) -> ws.PointResult:
    """The work face of catalogue model ``proto`` at one (tau, T); parameters not given take the model's defaults."""
    return ws.point_distributions(ws.work_model(proto), N, params, [tau], [1.0 / T], n_max, EXACT)[0][0]


# ---------------------------------------------------------------------------------------
# single qubit: analytic distributions
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("g,tau,T", [(0.5, 1.0, 0.5), (0.3, 2.7, 2.0), (1.0, math.pi / 2, 0.1)])
def test_single_qubit_resonant_rabi_pulse_has_the_analytic_tpm_distribution(g, tau, T):
    """Resonant Rabi pulse on one cell from the Gibbs state: P(W=+omega) = p_g sin^2(g tau),
    P(W=-omega) = p_e sin^2(g tau), P(0) = cos^2(g tau) (rotating frame, Binder et al. 2015)."""
    p_e = math.exp(-1 / T) / (1 + math.exp(-1 / T))
    s2 = math.sin(g * tau) ** 2
    got = as_dict(first("rabi_parallel", 1, {"drive": g}, tau, T).forward)
    assert_same_distribution(got, {1.0: (1 - p_e) * s2, -1.0: p_e * s2, 0.0: 1 - s2}, atol=1e-13)


@pytest.mark.parametrize("g,tau,T", [(0.5, 1.3, 0.7), (2.0, 0.4, 3.0)])
def test_single_qubit_sudden_static_field_gives_the_detuned_rabi_formula(g, tau, T):
    """H(0) = omega n, field g sigma^x on for tau (XXZ chain at N = 1): transition probability
    q = 4 g^2 / (1 + 4 g^2) sin^2(sqrt(1 + 4 g^2) tau / 2); P(+1) = p_g q, P(-1) = p_e q."""
    q = 4 * g**2 / (1 + 4 * g**2) * math.sin(math.sqrt(1 + 4 * g**2) * tau / 2) ** 2
    p_e = 1 / (1 + math.exp(1 / T))
    got = as_dict(first("spin_chain", 1, {"J": 0.7, "anisotropy": 0.3, "drive": g}, tau, T).forward)
    assert_same_distribution(got, {1.0: (1 - p_e) * q, -1.0: p_e * q, 0.0: 1 - q}, atol=1e-13)


@pytest.mark.parametrize("N,wi,wf,T", [(1, 1.0, 1.5, 0.5), (5, 1.0, 0.4, 1.3), (7, 0.8, 2.0, 2.0)])
def test_sudden_splitting_quench_without_field_is_binomial_and_obeys_jarzynski_with_analytic_dF(N, wi, wf, T):
    """Without the field the populations are frozen: P(W = k (omega_f - omega_i)) = C(N,k) p_e^k p_g^(N-k);
    dF = -(N/beta) ln[(1+e^{-beta omega_f})/(1+e^{-beta omega_i})] equals the computed partition functions,
    and <e^{-beta W}> = e^{-beta dF}."""
    p_e = 1 / (1 + math.exp(wi / T))
    r = first("splitting_quench", N, {"omega_i": wi, "omega_f": wf, "drive": 0.0}, 1.0, T)
    ref = {round(k * (wf - wi), 6): comb(N, k) * p_e**k * (1 - p_e) ** (N - k) for k in range(N + 1)}
    assert_same_distribution(as_dict(r.forward), ref, atol=1e-13)
    dF = -(N * T) * math.log((1 + math.exp(-wf / T)) / (1 + math.exp(-wi / T)))
    assert r.free_energy_change == pytest.approx(dF, rel=1e-13, abs=1e-14)
    assert r.free_energy_numeric == pytest.approx(dF, rel=1e-12, abs=1e-13)
    assert abs(r.forward.exp_average(1 / T) * math.exp(dF / T) - 1) < 1e-12


# ---------------------------------------------------------------------------------------
# symmetry sectors: multiplicities and brute force in the full space
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("N", [1, 2, 3, 4, 5])
def test_spin_sector_multiplicities_are_those_of_total_spin_in_the_full_2N_space(N):
    """d_j = C(N, N/2-j) - C(N, N/2-j-1): the eigenvalue j(j+1) of J^2 on 2^N has multiplicity (2j+1) d_j."""
    sx, sy, sz = (qt.sigmax() / 2, qt.sigmay() / 2, qt.sigmaz() / 2)
    J = [sum(qt.tensor([s if k == i else qt.qeye(2) for k in range(N)]) for i in range(N)) for s in (sx, sy, sz)]
    J2 = (J[0] * J[0] + J[1] * J[1] + J[2] * J[2]).full()
    ev = np.round(np.linalg.eigvalsh(J2), 8)
    sectors = ws.spin_sectors(N)
    assert sum(d * (two_j + 1) for two_j, d in sectors) == 2**N
    for two_j, d in sectors:
        j = two_j / 2
        assert int(np.sum(ev == round(j * (j + 1), 8))) == (two_j + 1) * d


@pytest.mark.parametrize("N", [2, 3, 4])
@pytest.mark.parametrize("T", [0.4, 2.5])
def test_collective_protocols_in_spin_sectors_equal_the_full_2N_space_bruteforce(N, T):
    """Rabi drive, global flip and the non-cyclic splitting quench computed in the spin sectors
    with multiplicities d_j give exactly the TPM distribution of the full 2^N space (qutip
    operators, explicit eigenspace projectors). The flip has the closed face's equal-norm
    coupling g_N = N g (Binder et al. 2015)."""
    n, x = cells(N)
    HB = sum(n).full()
    g, tau, beta = 0.37, 1.9, 1 / T
    # rabi_parallel: U = exp(-i g tau sum sigma^x) (interaction picture; H_B is measured)
    U = expm(-1j * tau * g * sum(x).full())
    assert_same_distribution(as_dict(first("rabi_parallel", N, {"drive": g}, tau, T).forward), tpm_projectors(HB, HB, U, beta))
    # global flip |g..g><e..e| + h.c.
    gg = qt.tensor([qt.basis(2, 0)] * N)
    ee = qt.tensor([qt.basis(2, 1)] * N)
    F = (gg * ee.dag() + ee * gg.dag()).full()
    U = expm(-1j * tau * N * g * F)
    assert_same_distribution(as_dict(first("global_flip", N, {"drive": g}, tau, T).forward), tpm_projectors(HB, HB, U, beta))
    # splitting quench omega_i -> omega_f with a static field during the pulse
    wi, wf = 1.0, 1.7
    U = expm(-1j * tau * (wf * HB + g * sum(x).full()))
    got = first("splitting_quench", N, {"omega_i": wi, "omega_f": wf, "drive": g}, tau, T)
    assert_same_distribution(as_dict(got.forward), tpm_projectors(wi * HB, wf * HB, U, beta))
    assert got.free_energy_numeric == pytest.approx(-(log_z(wf * HB, beta) - log_z(wi * HB, beta)) / beta, abs=1e-12)


def cavity_full(N: int, n_max: int, omega_c: float, lam: float, rwa: bool):
    """Full cavity (x) 2^N space (qutip): H(0) = sum n_i + omega_c a^dag a and the pulse generator."""
    ide = [qt.qeye(2)] * N
    a = qt.tensor([qt.destroy(n_max)] + ide)
    e = qt.basis(2, 1)

    def cell(op, i):
        ops = [qt.qeye(n_max)] + list(ide)
        ops[i + 1] = op
        return qt.tensor(ops)

    H0 = sum(cell(e * e.dag(), i) for i in range(N)) + omega_c * a.dag() * a
    if rwa:
        Jp = sum(cell(e * qt.basis(2, 0).dag(), i) for i in range(N))
        V = omega_c * lam * (Jp * a + Jp.dag() * a.dag())
    else:
        V = omega_c * lam * sum(cell(qt.sigmax(), i) for i in range(N)) * (a + a.dag())
    return H0.full(), (H0 + V).full()


@pytest.mark.parametrize("N,omega_c,rwa", [(1, 1.0, False), (2, 1.0, False), (3, 1.3, False), (4, 1.0, False), (3, 0.8, True)])
def test_dicke_battery_plus_cavity_in_spin_sectors_equals_full_space_bruteforce(N, omega_c, rwa):
    """Battery + cavity from the joint Gibbs state of H_B + H_C, coupling on for tau: the spin-sector
    route (all j, multiplicities d_j, same Fock cutoff) equals the full 2^N (x) Fock space."""
    n_max, lam, tau, T = 5, 0.3, 1.7, 0.8
    H0, K = cavity_full(N, n_max, omega_c, lam, rwa)
    ref = tpm_projectors(H0, H0, expm(-1j * tau * K), 1 / T)
    got = first("tavis_cummings" if rwa else "dicke", N, {"coupling": lam, "omega_c": omega_c}, tau, T, n_max)
    assert_same_distribution(as_dict(got.forward), ref)


def test_parallel_cavities_convolution_equals_the_full_two_cell_two_cavity_space():
    """N = 2 cells, each with its own cavity: the 2-fold convolution of the one-cell distribution equals
    the TPM distribution of the full (2 x n_max)^2 space."""
    n_max, lam, omega_c, tau, T = 4, 0.4, 1.2, 2.2, 1.1
    H1, K1 = cavity_full(1, n_max, omega_c, lam, False)
    one = np.eye(len(H1))
    H0 = np.kron(H1, one) + np.kron(one, H1)
    K = np.kron(K1, one) + np.kron(one, K1)
    ref = tpm_projectors(H0, H0, expm(-1j * tau * K), 1 / T)
    got = first("parallel", 2, {"coupling": lam, "omega_c": omega_c}, tau, T, n_max)
    assert_same_distribution(as_dict(got.forward), ref)


@pytest.mark.parametrize("N", [3, 6, 11])
def test_parallel_rabi_drive_is_the_N_fold_convolution_of_the_analytic_single_cell_law(N):
    """Independent cells: P_N(W) is the N-fold convolution of the single-cell law on the integer lattice
    (numpy.convolve), although the library computes it in the collective spin sectors."""
    g, tau, T = 0.41, 2.3, 0.9
    p_e = 1 / (1 + math.exp(1 / T))
    s2 = math.sin(g * tau) ** 2
    one = np.array([p_e * s2, 1 - s2, (1 - p_e) * s2])  # W = -1, 0, +1
    law = reduce(np.convolve, [one] * N)
    ref = {float(k): float(p) for k, p in zip(range(-N, N + 1), law)}
    assert_same_distribution(as_dict(first("rabi_parallel", N, {"drive": g}, tau, T).forward), ref, atol=1e-13)


def test_xxz_chain_distribution_equals_projector_bruteforce():
    """Interacting chain (non-degenerate and degenerate levels of H(0)): library levels/atoms equal the
    explicit-projector TPM of the same Hamiltonians built with qutip."""
    N, J, D, g, tau, T = 4, 0.6, 0.5, 0.8, 1.4, 0.9
    sx, sy, sz = qt.sigmax(), qt.sigmay(), qt.sigmaz()
    op = lambda o, i: qt.tensor([o if k == i else qt.qeye(2) for k in range(N)])  # noqa: E731
    n = [(qt.qeye(2) - sz) / 2 for _ in range(N)]  # |e> = basis(2,1): sigma_z = -1
    H0 = sum(op(n[i], i) for i in range(N))
    H0 += J * sum(op(sx, i) * op(sx, i + 1) + op(sy, i) * op(sy, i + 1) + D * op(sz, i) * op(sz, i + 1) for i in range(N - 1))
    K = H0 + g * sum(op(sx, i) for i in range(N))
    ref = tpm_projectors(H0.full(), H0.full(), expm(-1j * tau * K.full()), 1 / T)
    got = first("spin_chain", N, {"J": J, "anisotropy": D, "drive": g}, tau, T)
    assert_same_distribution(as_dict(got.forward), ref)


@pytest.mark.parametrize("N", [3, 4])
def test_periodic_xxz_chain_distribution_equals_projector_bruteforce_with_the_closing_bond(N):
    """periodic = 1 adds the bond (N, 1) (the closed face's chain): the work face equals the explicit-projector
    TPM of the ring built with qutip, and differs from the open chain (the closing bond matters)."""
    J, D, g, tau, T = -0.45, 0.7, 0.6, 1.3, 0.8
    sx, sy, sz = qt.sigmax(), qt.sigmay(), qt.sigmaz()
    op = lambda o, i: qt.tensor([o if k == i else qt.qeye(2) for k in range(N)])  # noqa: E731
    H0 = sum(op((qt.qeye(2) - sz) / 2, i) for i in range(N))
    H0 += J * sum(op(a, i) * op(a, (i + 1) % N) * (D if a is sz else 1.0) for i in range(N) for a in (sx, sy, sz))
    K = H0 + g * sum(op(sx, i) for i in range(N))
    ref = tpm_projectors(H0.full(), H0.full(), expm(-1j * tau * K.full()), 1 / T)
    ring = as_dict(first("spin_chain", N, {"J": J, "anisotropy": D, "drive": g, "periodic": 1}, tau, T).forward)
    assert_same_distribution(ring, ref)
    chain = as_dict(first("spin_chain", N, {"J": J, "anisotropy": D, "drive": g, "periodic": 0}, tau, T).forward)
    assert max(abs(ring.get(k, 0.0) - chain.get(k, 0.0)) for k in set(ring) | set(chain)) > 1e-3


@pytest.mark.parametrize("N", [1, 2, 5])
def test_dense_xxz_builder_equals_the_work_face_of_the_open_chain(N):
    """work_distributions.spin_chain_sector (dense Pauli products) builds the same H(0) and pulse generator K
    as the spin_chain work face (the closed face's sparse bit-pattern operators) for the open chain."""
    J, D, g = 0.35, -0.8, 0.9
    (a,) = ws.spin_chain_sector(N, J, D, g)
    (b,) = ws.work_model("spin_chain").work_sectors(N, {"J": J, "anisotropy": D, "drive": g, "periodic": 0}, 0)
    np.testing.assert_allclose(a.H0, b.H0, atol=1e-14)
    np.testing.assert_allclose(a.K, b.K, atol=1e-14)
    assert a.multiplicity == b.multiplicity == 1


# ---------------------------------------------------------------------------------------
# fluctuation theorems and bounds on random systems
# ---------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), d=st.integers(2, 7), beta=st.floats(0.05, 5.0), degenerate=st.booleans())
def test_jarzynski_and_second_law_for_random_hamiltonians_and_unitaries(seed, d, beta, degenerate):
    """For any H0, H1 and unitary U: <e^{-beta W}> = Z1/Z0 (Z from scipy's matrix exponential),
    <W> = Tr(U rho0 U^dag H1) - Tr(rho0 H0) >= dF, and the TPM second moment equals
    sum_n p_n [(U^dag H1^2 U)_nn - 2 E_n (U^dag H1 U)_nn + E_n^2]."""
    rng = np.random.default_rng(seed)
    H0, H1 = random_hermitian(rng, d), random_hermitian(rng, d)
    if degenerate:  # integer spectra in a random basis: many degenerate levels
        Q = unitary_group.rvs(d, random_state=rng)
        H0 = Q @ np.diag(rng.integers(0, 3, d).astype(float)) @ Q.conj().T
    U = unitary_group.rvs(d, random_state=rng)
    dist = ws.tpm_distribution(H0, H1, U, beta)
    lz0, lz1 = log_z(H0, beta), log_z(H1, beta)
    assert dist.exp_average(beta) == pytest.approx(math.exp(lz1 - lz0), rel=1e-10)
    rho0 = expm(-beta * H0)
    rho0 /= np.trace(rho0)
    mean_direct = float(np.real(np.trace(U @ rho0 @ U.conj().T @ H1) - np.trace(rho0 @ H0)))
    assert dist.mean == pytest.approx(mean_direct, abs=1e-10)
    dF = -(lz1 - lz0) / beta
    assert dist.mean >= dF - 1e-10
    E, V = np.linalg.eigh(H0)
    p = np.exp(-beta * (E - E[0]))
    p /= p.sum()
    A1 = V.conj().T @ U.conj().T @ H1 @ U @ V
    A2 = V.conj().T @ U.conj().T @ H1 @ H1 @ U @ V
    second = float(np.sum(p * np.real(np.diag(A2) - 2 * E * np.diag(A1) + E**2)))
    assert dist.moment(2) == pytest.approx(second, rel=1e-9, abs=1e-10)
    assert abs(dist.probabilities.sum() - 1) < 1e-12


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), d=st.integers(2, 6), beta=st.floats(0.1, 3.0), tau=st.floats(0.1, 5.0))
def test_crooks_ratio_holds_atom_by_atom_for_the_time_reversed_pulse(seed, d, beta, tau):
    """Sudden pulse: H(0) real, generator K (complex Hermitian), final H1 real. The backward protocol
    starts in the Gibbs state of H1 and evolves with exp(-i K^* tau) (built with scipy's expm):
    P_F(W) / P_B(-W) = exp(beta (W - dF)) on every atom (Crooks 1999; Talkner & Haenggi 2007)."""
    rng = np.random.default_rng(seed)
    H0, H1 = random_hermitian(rng, d, real=True), random_hermitian(rng, d, real=True)
    K = random_hermitian(rng, d)
    fwd = ws.tpm_distribution(H0, H1, expm(-1j * tau * K), beta)
    bwd = ws.tpm_distribution(H1, H0, expm(-1j * tau * K.conj()), beta)
    dF = -(log_z(H1, beta) - log_z(H0, beta)) / beta
    back = as_dict(bwd, 7)
    for w, p in zip(fwd.values, fwd.probabilities):
        if p > 1e-8:
            pb = back[round(-float(w), 7)]
            assert p / pb == pytest.approx(math.exp(beta * (w - dF)), rel=1e-7)
    assert ws.crooks_residual(fwd, bwd, beta, dF, 1e-9) < 1e-12
    # the check can fail: the forward pulse as its own "reverse" breaks Crooks when K is complex
    wrong = ws.tpm_distribution(H1, H0, expm(-1j * tau * K), beta)
    if np.max(np.abs(K.imag)) > 0.1 and d >= 3:
        assert ws.crooks_residual(fwd, wrong, beta, dF, 1e-9) > 1e-6


def test_characteristic_function_equals_the_operator_formula():
    """G(u) = sum_i P_i e^{i u W_i} = Tr[U^dag e^{i u H1} U e^{-i u H0} rho0] (Talkner, Lutz, Haenggi 2007),
    and G(i beta) = <e^{-beta W}>."""
    rng = np.random.default_rng(7)
    d, beta = 5, 0.8
    H0, H1 = random_hermitian(rng, d), random_hermitian(rng, d)
    U = unitary_group.rvs(d, random_state=rng)
    dist = ws.tpm_distribution(H0, H1, U, beta)
    rho0 = expm(-beta * H0)
    rho0 /= np.trace(rho0)
    for u in (-2.3, 0.0, 0.4, 1.7, 9.0):
        op = np.trace(U.conj().T @ expm(1j * u * H1) @ U @ expm(-1j * u * H0) @ rho0)
        assert dist.characteristic(u) == pytest.approx(op, abs=1e-12)
    assert np.sum(dist.probabilities * np.exp(-beta * dist.values)) == pytest.approx(dist.exp_average(beta), rel=1e-13)


# ---------------------------------------------------------------------------------------
# degeneracies
# ---------------------------------------------------------------------------------------
def test_degenerate_initial_hamiltonian_gives_the_same_distribution_in_any_eigenbasis():
    """A degenerate H(0) (levels 0, 0, 1, 1, 1, 2): rotating the eigenvectors inside each eigenspace (what
    numpy may return) or perturbing H(0) by 1e-13 leaves the atoms unchanged; the atoms are the distinct
    W = E'_b - E_a with projector probabilities."""
    rng = np.random.default_rng(3)
    levels = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 2.0])
    Q = unitary_group.rvs(6, random_state=rng)
    H0 = Q @ np.diag(levels) @ Q.conj().T
    H1 = random_hermitian(rng, 6)
    U = unitary_group.rvs(6, random_state=rng)
    beta = 1.3
    R = np.zeros((6, 6), dtype=complex)  # block-diagonal rotation inside the eigenspaces
    R[:2, :2] = unitary_group.rvs(2, random_state=rng)
    R[2:5, 2:5] = unitary_group.rvs(3, random_state=rng)
    R[5, 5] = np.exp(0.7j)
    a = ws.tpm_distribution(H0, H1, U, beta, eig0=(levels, Q))
    b = ws.tpm_distribution(H0, H1, U, beta, eig0=(levels, Q @ R))
    noise = 1e-13 * random_hermitian(rng, 6)
    c = ws.tpm_distribution(H0 + noise, H1, U, beta)
    E1 = np.linalg.eigvalsh(H1)
    assert len(a.values) == len(np.unique(np.round(np.subtract.outer(E1, [0.0, 1.0, 2.0]), 9)))
    for other in (b, c):
        assert len(other.values) == len(a.values)
        np.testing.assert_allclose(other.values, a.values, atol=1e-11)
        np.testing.assert_allclose(other.probabilities, a.probabilities, atol=1e-12)
    assert_same_distribution(as_dict(a), tpm_projectors(H0, H1, U, beta))
    # individual eigenvectors of a degenerate level are not measured: one eigenvector alone differs
    single = np.abs((np.linalg.eigh(H1)[1].conj().T @ U @ Q)[:, 0]) ** 2
    single_b = np.abs((np.linalg.eigh(H1)[1].conj().T @ U @ Q @ R)[:, 0]) ** 2
    assert np.max(np.abs(single - single_b)) > 1e-3


# ---------------------------------------------------------------------------------------
# cavity cutoff, dataset and health checks
# ---------------------------------------------------------------------------------------
def test_cavity_cutoff_thermal_tail_is_reported_and_distribution_is_converged():
    """The automatic cutoff keeps the thermal tail exp(-beta omega_c n_max) of the cavity Gibbs state
    below truncation_tol; 15 more Fock levels change no atom by more than 1e-9."""
    num = Numerics()
    proto = ws.work_model("dicke")
    params = {"coupling": 0.25, "omega_c": 0.9}
    res, n_max = ws.protocol_point(proto, 3, params, [2.0], [1.0, 2.5], num, EXACT)  # temperatures
    assert math.exp(-(1 / 2.5) * 0.9 * n_max) <= num.truncation_tol
    assert res[0][1].truncation_weight <= num.truncation_tol
    bigger = ws.point_distributions(proto, 3, params, [2.0], [1.0, 1 / 2.5], n_max + 15, EXACT)  # betas
    for it in range(2):
        assert_same_distribution(as_dict(res[0][it].forward), as_dict(bigger[0][it].forward), atol=1e-9)


def small_config(**ws_overrides) -> dict:
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg = copy.deepcopy(cfg)
    cfg["study"] = "ws_test"
    cfg["work_statistics"] = {
        "temperature": [0.5, 2.0],
        "tau": [0.8, 2.0],
        "protocols": {
            "dicke": {"N": [1, 3], "coupling": [0.1, 0.3], "omega_c": 1.0},
            "splitting_quench": {"N": [1, 2, 5], "omega_f": 1.6, "drive": 0.4},
            "global_flip": {"N": [2, 6], "drive": 0.5, "tau": [1.0]},
        },
        **ws_overrides,
    }
    return validate_config(cfg)


def test_dataset_has_units_padded_atoms_and_passes_jarzynski_crooks_and_second_law():
    """Every variable has units and long_name; atoms are NaN beyond atom_count; the recorded statistics
    equal sums over the stored atoms; Jarzynski residual < 1e-10 and <W> >= dF at every point."""
    cfg = small_config()
    for name in ("dicke", "splitting_quench", "global_flip"):
        ds = ws.work_statistics_dataset(cfg, name)
        for v in ds.variables.values():
            assert "long_name" in v.attrs and ("units" in v.attrs or "flag_values" in v.attrs)
        assert "atom_storage" in ds.attrs and ds.attrs["protocol"] == name
        assert int(ds.status.max()) == 0
        assert float(ds.jarzynski_residual.max()) < 1e-10
        assert float(ds.crooks_residual.max()) < 1e-10
        assert float(ds.second_law_margin.min()) >= -1e-12
        count = ds.atom_count.values
        W, P = ds.work_value.values, ds.work_probability.values
        valid = np.arange(ds.sizes["atom"]) < count[..., None]
        assert np.all(np.isfinite(W[valid])) and np.all(np.isnan(W[~valid])) and np.all(np.isnan(P[~valid]))
        np.testing.assert_allclose(np.nansum(W * P, axis=-1), ds.mean_work.values, atol=1e-12)
        np.testing.assert_allclose(np.nansum(np.where(W < -1e-9, P, 0.0), axis=-1), ds.negative_work_probability.values, atol=1e-14)
        beta = ds.beta.broadcast_like(ds.mean_work).transpose(*ds.mean_work.dims).values
        jar = np.nansum(P * np.exp(-beta[..., None] * W), axis=-1)
        np.testing.assert_allclose(jar, ds.jarzynski_average.values, rtol=1e-12)
        if name == "splitting_quench":
            assert float(np.abs(ds.free_energy_change).min()) > 0.01  # non-cyclic: dF != 0
            assert float(ds.free_energy_error.max()) < 1e-12
        else:
            assert float(np.abs(ds.free_energy_change).max()) == 0.0
    assert "thermal_tail_weight" in ds or name != "dicke"


def test_truncation_violation_fails_loudly_or_is_flagged_as_nan():
    """An ultrastrong Dicke pulse with a fixed tiny Fock cutoff leaks into the top levels: with
    on_violation=fail the job raises naming protocol and N; with nan the point is NaN with status 1."""
    cfg = small_config(protocols={"dicke": {"N": [2], "coupling": 2.0, "omega_c": 1.0, "tau": [3.0]}}, temperature=[0.5])
    cfg["numerics"].update(fock_auto=False, fock_extra=0, truncation_tol=1.0e-2)
    with pytest.raises(NumericalHealthError, match=r"protocol=dicke N=2 .*truncation_weight"):
        ws.work_statistics_dataset(cfg, "dicke")
    cfg["numerics"]["on_violation"] = "nan"
    ds = ws.work_statistics_dataset(cfg, "dicke")
    assert int(ds.status.max()) == 1 and bool(np.isnan(ds.mean_work).all())
    assert float(ds.truncation_weight.max()) > 1e-2 and int(ds.atom_count.max()) == 0
    assert "truncation_weight" in ds.attrs["health_violations"]


def test_schema_lists_every_model_with_a_work_face_with_its_catalogue_parameters_and_pulse_durations():
    """The config schema of work_statistics.protocols is generated from the catalogue: exactly the models with a
    work face, each with N (maximum work_max_N), tau and the model's one parameter list (bounds and all)."""
    from qbattery.config import full_schema
    from qbattery.models import models_with

    protos = full_schema()["properties"]["work_statistics"]["properties"]["protocols"]
    from qbattery.models import user_models

    assert set(protos["properties"]) == set(models_with("work")) | set(user_models("work")) and protos["additionalProperties"] is False
    for name in models_with("work"):
        m = ws.work_model(name)
        props = protos["properties"][name]["properties"]
        assert set(props) == {"N", "tau"} | {q.name for q in m.parameters}
        assert props["N"]["items"]["maximum"] == m.work_max_N
        assert props["tau"]["items"] == {"type": "number", "minimum": 0, "maximum": 10000.0}
        for q in m.parameters:
            assert props[q.name] == q.json_schema()
    with pytest.raises(ConfigError, match="spin_chain.N"):
        small_config(protocols={"spin_chain": {"N": [13]}})
    with pytest.raises(ConfigError, match="global_flip.drive"):  # the catalogue's drive: minimum 0
        small_config(protocols={"global_flip": {"N": [2], "drive": -0.1}})
    small_config(protocols={"splitting_quench": {"N": [2], "drive": 0.0}})  # the sudden quench is allowed


def test_every_work_face_declares_the_dimension_of_its_largest_sector():
    """memory_mb sizes a job by work_dimension(N, n_max): it is the largest sector the face builds."""
    from qbattery.models import models_with

    for name in models_with("work"):
        m = ws.work_model(name)
        for N in (1, 2, 3):
            n_max = 6 if m.work_cavity else 0
            sectors = m.work_sectors(1 if m.work_copies else N, m.defaults(), n_max)
            assert max(len(x.H0) for x in sectors) == m.work_dimension(N, n_max), (name, N)


#: models with closed and work faces whose closed initial state is not the zero-temperature limit of the
#: TPM start: the closed cavity batteries start from |N photons> (x) |g...g> (parallel: |1 photon> per
#: cell), the TPM from the joint Gibbs state of H_B + H_C, whose T -> 0 limit is the vacuum
CAVITY_START_DIFFERS = {"dicke", "parallel", "tavis_cummings"}


def test_every_model_with_closed_and_work_faces_is_compared_or_excluded_with_a_reason():
    from qbattery.models import models_with

    both = set(models_with("closed")) & set(models_with("work"))
    assert both == CAVITY_START_DIFFERS | {"rabi_parallel", "global_flip", "spin_chain"}


@pytest.mark.parametrize(
    "name,N,params",
    [
        ("rabi_parallel", 1, {"drive": 0.45}),
        ("rabi_parallel", 4, {"drive": 0.45}),
        ("global_flip", 1, {"drive": 0.3}),
        ("global_flip", 3, {"drive": 0.3}),
        ("global_flip", 6, {"drive": 0.3}),
        ("spin_chain", 3, {"J": 0.0, "anisotropy": 1.0, "drive": 0.4, "periodic": 0}),
        ("spin_chain", 4, {"J": 0.1, "anisotropy": 0.5, "drive": 0.4, "periodic": 0}),
        ("spin_chain", 4, {"J": -0.1, "anisotropy": 0.3, "drive": 0.7, "periodic": 1}),
    ],
)
def test_work_face_pulse_charges_the_battery_like_the_closed_face_from_the_zero_temperature_start(name, N, params):
    """Same model, same parameters: from the Gibbs state of H(0) at beta = 40 (the ground state |g...g>, up to
    e^{-40}) the TPM mean work after a pulse of duration tau is the energy the closed face stores at t = tau,
    <W>(tau) = <H(0)>(tau) - <H(0)>(0). Rabi drive and global flip: H(0) = H_B, the closed face evolves |g...g>
    with the same V (flip: g_N = N g), so <W> = E(tau). XXZ chain: H(0) = H_B + H_int (|g...g> its ground state
    for |J| (1 + |Delta|) < 1/4), so <W> = E(tau) + <H_int>(tau) - <H_int>(0), Le et al.'s battery energy
    (= E at J = 0). The cavity models are excluded: their closed face starts with N photons, the TPM from the
    cavity's thermal state (CAVITY_START_DIFFERS)."""
    import qbattery

    taus = np.linspace(0.0, 4.0, 17)
    beta = 40.0
    m = ws.work_model(name)
    res = ws.point_distributions(m, N, params, taus, [beta], 0, EXACT)
    mean_work = np.array([row[0].forward.mean for row in res])
    closed = qbattery.simulate(name, N=[N], times=taus, **params)
    stored = closed.energy.values.reshape(-1)
    if name == "spin_chain":
        e_int = closed.interaction_energy.values.reshape(-1)
        stored = stored + e_int - e_int[0]
    assert float(np.ptp(stored)) > 0.1  # the pulse charges: the comparison is not 0 = 0
    np.testing.assert_allclose(mean_work, stored, atol=1e-9)


def test_figure_draws_from_the_datasets(tmp_path):
    """The figure is made from the NetCDF datasets (PDF and PNG written, non-empty)."""
    from qbattery.figures.style import save_figure
    from qbattery.figures.work import plot_work_statistics, select_N
    from qbattery.io import open_dataset, write_netcdf

    cfg = small_config()
    paths = []
    for name in ("splitting_quench", "global_flip"):
        p = tmp_path / f"{name}.nc"
        write_netcdf(ws.work_statistics_dataset(cfg, name), p)
        paths.append(p)
    fig = plot_work_statistics([open_dataset(p) for p in paths], max_N=2)
    save_figure(fig, str(tmp_path / "w.pdf"), str(tmp_path / "w.png"))
    assert (tmp_path / "w.pdf").stat().st_size > 1000 and (tmp_path / "w.png").stat().st_size > 1000
    assert select_N(np.array([1, 2, 4, 8, 16]), 3) == [1, 4, 16]
