"""The power bounds of qbattery.physics.charging_bounds in the papers' forms (issue 19).

Independent routes: exact commutator norms ||[H_B, V]|| of explicit k-local operators on the 2^N
space (numpy), the closed form of one driven cell, and the simulated powers of the flip and of the
parallel drive. The papers' statements (abstracts) and the conversion to Gamma <= gamma N and to the
participation number are in the module docstring.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import qbattery
from qbattery.analysis import analyse_power
from qbattery.models import get_model
from qbattery.physics import charging_bounds as cb

SX = np.array([[0.0, 1.0], [1.0, 0.0]])
SY = np.array([[0.0, -1j], [1j, 0.0]])
SZ = np.diag([1.0, -1.0])  # basis (|e>, |g>)
E = np.diag([1.0, 0.0])  # |e><e|


def embed(op: np.ndarray, cells: tuple[int, ...], N: int) -> np.ndarray:
    """A k-cell operator (cells in increasing order, op on their tensor product) on the 2^N space."""
    rest = [i for i in range(N) if i not in cells]
    order = list(cells) + rest
    full = np.kron(op, np.eye(2 ** len(rest)))
    perm = np.argsort(order)  # tensor axes back to cell order
    d = [2] * N
    full = full.reshape(d + d).transpose(list(perm) + [N + p for p in perm]).reshape(2**N, 2**N)
    return full


def h_battery(N: int, omega_a: float = 1.0) -> np.ndarray:
    return omega_a * sum(embed(E, (i,), N) for i in range(N))


def opnorm(A: np.ndarray) -> float:
    return float(np.linalg.norm(A, 2))


def k_flip(k: int, h: float) -> np.ndarray:
    """h (|e...e><g...g| + h.c.) on k cells."""
    op = np.zeros((2**k, 2**k))
    op[0, -1] = op[-1, 0] = h  # |e..e> is index 0, |g..g> the last in the (|e>, |g>) basis
    return op


def test_single_cell_average_power_is_c1_omega_h_with_c1_the_max_of_sin2_x_over_x():
    """One cell under h sigma^x: E = omega_a sin^2(h t), so max_t E/t = c_1 omega_a h, c_1 = max sin^2(x)/x at
    tan x = 2x (x = 1.16556, c_1 = 0.72461). Checked against a dense grid and the simulated rabi_parallel cell."""
    x = np.linspace(1e-6, 3.0, 3_000_001)
    assert cb.C1 == pytest.approx(float(np.max(np.sin(x) ** 2 / x)), abs=1e-12)
    assert math.tan(cb.AVERAGE_POWER_X) == pytest.approx(2 * cb.AVERAGE_POWER_X, rel=1e-12)
    assert cb.GAMMA_AVERAGE == pytest.approx(1.38005, abs=1e-5)
    h = 0.5
    p = analyse_power(qbattery.simulate("rabi_parallel", N=[1], drive=h, times=np.linspace(0, 6.0, 6001)))
    assert float(p.max_power.values[0]) == pytest.approx(cb.single_cell_average_power(h), rel=1e-6)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_one_k_body_flip_term_saturates_the_interaction_order_bound(k):
    """||[H_B, h (|e^k><g^k| + h.c.)]|| = k omega_a h: the term moves k quanta, so the k omega_a ||h_X|| of
    Campaioli's interaction order is reached (N = 5 cells, omega_a = 0.7)."""
    N, h, w = 5, 0.3, 0.7
    V = embed(k_flip(k, h), tuple(range(k)), N)
    HB = h_battery(N, w)
    c = opnorm(HB @ V - V @ HB)
    assert c == pytest.approx(k * w * h, rel=1e-12)
    assert c == pytest.approx(cb.local_bound([(k, h, 1)], w), rel=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_random_k_local_charging_hamiltonians_obey_both_bounds_and_the_participation_form(k):
    """V = sum over all k-subsets X of random Hermitian h_X (plus H_B-commuting flip-flops and zz terms, which the
    bound drops): ||[H_B, V]|| <= sum_X k omega_a ||h_X|| <= N m omega_a max||h_X|| (m = C(N-1, k-1) terms per
    cell) and <= (e_max - e_min) ||V|| = N omega_a ||V||. Exact norms on N = 5 cells."""
    rng = np.random.default_rng(19 + k)
    N, w = 5, 1.3
    HB = h_battery(N, w)
    V = np.zeros((2**N, 2**N), dtype=complex)
    norms, supports = [], []
    for X in itertools.combinations(range(N), k):
        A = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
        hX = (A + A.conj().T) / 2
        V += embed(hX, X, N)
        norms.append(opnorm(hX))
        supports.append(frozenset(X))
    for i, j in itertools.combinations(range(N), 2):  # commute with H_B: add to ||V|| only
        V += 0.4 * (embed(np.kron(SX, SX) + np.kron(SY, SY), (i, j), N) + embed(np.kron(SZ, SZ), (i, j), N))
    comm = opnorm(HB @ V - V @ HB)
    local = cb.local_bound([(k, n, 1) for n in norms], w)
    m = cb.participation_number(supports)
    assert m == math.comb(N - 1, k - 1)
    assert comm <= local * (1 + 1e-12)
    assert local <= cb.participation_bound(N, m, max(norms), w) * (1 + 1e-12)
    assert comm <= cb.norm_bound(N * w, opnorm(V)) * (1 + 1e-12)
    b = cb.bound_of(N, opnorm(V), [(k, n, 1) for n in norms], w)
    assert b.bound == pytest.approx(min(b.norm_bound, b.local_bound)) and b.interaction_order == k


@pytest.mark.parametrize("N", [1, 2, 4, 8])
def test_gyhm_form_gamma_at_most_gamma_N_at_equal_norm_and_the_flip_reaches_N(N):
    """Gyhm et al.: the advantage is at most extensive. Equal norm (||V|| = N h): the flip's norm bound N^2 omega_a h
    over the parallel power N c_1 omega_a h is gamma N with gamma = 1/c_1; the simulated Gamma of the flip is N
    (Binder's N-fold advantage), inside [N, gamma N]. Participation form: the flip is one N-body term (m = 1,
    ||h|| = N h) and the parallel drive N one-body terms (m = 1, ||h|| = h), both at N m omega_a h_max."""
    h = 0.5
    flip, par = get_model("global_flip").charging_bound(N, {"drive": h}), get_model("rabi_parallel").charging_bound(N, {"drive": h})
    parallel_power = N * cb.single_cell_average_power(h)
    assert flip.norm_bound / parallel_power == pytest.approx(cb.advantage_bound_equal_norm(N), rel=1e-12)
    assert flip.local_bound == cb.participation_bound(N, 1, N * h) and par.local_bound == cb.participation_bound(N, 1, h)
    p = analyse_power(
        qbattery.simulate("global_flip", N=[N], drive=h, times=np.linspace(0, 6.0 / N, 6001)),
        qbattery.simulate("rabi_parallel", N=[N], drive=h, times=np.linspace(0, 6.0, 6001)),
    )
    gamma = float(p.quantum_advantage.values[0])
    assert gamma == pytest.approx(N, rel=1e-6)
    assert gamma <= cb.advantage_bound_equal_norm(N)
    assert float(p.reference_max_power.values[0]) == pytest.approx(parallel_power, rel=1e-6)
