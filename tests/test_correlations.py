"""Battery-charger correlations (qbattery.correlations) against brute force in the full
tensor-product space (qutip: N qubits (x) cavity / qubit chargers), analytic results,
information-theoretic bounds and identities, and hypothesis invariants on random states.

The brute force below shares no code with qbattery: full 2^N (x) d_C space, exact
propagation by eigh of the full Hamiltonian, qutip ptrace / entropy_vn, full-matrix trace norms, and
ergotropies from the textbook formula with the full spectra (degeneracies by construction).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.correlations import (
    SERIES,
    LevelSum,
    correlation_trajectory,
    correlations_grid,
    joint_correlations,
    mixed_state_correlations,
    pair_product_correlations,
    passive_energy,
    pure_decoupling_distance,
    pure_state_correlations,
    schmidt_probabilities,
    shannon_entropy,
)
from qbattery.models import Numerics, get_model
from qbattery.models.base import JointTrajectory
from qbattery.physics.quantities import cells_spectrum, ergotropy

TIMES = np.array([0.0, 1.3, 4.1, 7.7, 15.2])
NUM = Numerics()


# --------------------------------------------------------------------------------------
# independent brute force in the full space
# --------------------------------------------------------------------------------------
def _ergotropy_textbook(rho: np.ndarray, H: np.ndarray) -> float:
    r = np.linalg.eigvalsh(rho)[::-1]
    e = np.linalg.eigvalsh(H)
    return float(np.real(np.trace(rho @ H)) - r @ e)


def _trace_distance(a: qt.Qobj, b: qt.Qobj) -> float:
    """1/2 sum |eig(a - b)| (qutip's tracedist takes sqrt of eig((a-b)^2): ~1e-8 per zero eigenvalue)."""
    return 0.5 * float(np.abs(np.linalg.eigvalsh((a - b).full())).sum())


def _cells_and_charger(N: int, d_C: int, model: str, params: dict):
    """Full H = H_B + H_C + H_int on (2^N qubits) (x) charger, battery first, and psi(0).

    |g> = basis(2, 1), |e> = basis(2, 0) (qutip: sigmap = |e><g|)."""
    g_, e_ = qt.basis(2, 1), qt.basis(2, 0)
    nq = e_ * e_.dag()
    I_B = [qt.qeye(2)] * N

    def cell(op, i):
        ops = list(I_B)
        ops[i] = op
        return qt.tensor(ops + [qt.qeye(d_C)])

    HB = sum(cell(nq, i) for i in range(N))
    a = qt.tensor(I_B + [qt.destroy(d_C)])
    if model == "dicke":
        lam, wc = params["coupling"], params["omega_c"]
        Jx = sum(cell(qt.sigmax(), i) for i in range(N)) / 2
        HC, Hint = wc * a.dag() * a, 2 * wc * lam * Jx * (a + a.dag())
        psi0 = qt.tensor([g_] * N + [qt.basis(d_C, N)])
    elif model == "tavis_cummings":
        lam, wc = params["coupling"], params["omega_c"]
        Jp = sum(cell(qt.sigmap(), i) for i in range(N))
        HC, Hint = wc * a.dag() * a, wc * lam * (Jp * a + Jp.dag() * a.dag())
        psi0 = qt.tensor([g_] * N + [qt.basis(d_C, N)])
    elif model == "charger_mediated_osc":
        g = params["coupling"]
        Jp = sum(cell(qt.sigmap(), i) for i in range(N))
        HC, Hint = a.dag() * a, g * (Jp * a + Jp.dag() * a.dag())
        if params["coherent"]:
            c = np.array([math.exp(-N / 2) * N ** (n / 2) / math.sqrt(math.factorial(n)) for n in range(d_C)])
            charger = qt.Qobj(c / np.linalg.norm(c))
        else:
            charger = qt.basis(d_C, N)
        psi0 = qt.tensor([g_] * N + [charger])
    else:
        raise ValueError(model)
    return HB, HC, Hint, psi0


def _evolve(H: qt.Qobj, psi0: qt.Qobj, times: np.ndarray) -> list[qt.Qobj]:
    e, v = np.linalg.eigh(H.full())
    c = v.conj().T @ psi0.full().ravel()
    return [qt.Qobj((v * np.exp(-1j * e * t)) @ c, dims=psi0.dims) for t in times]


def _reference(psi: qt.Qobj, N_B: int, HB: qt.Qobj, HC: qt.Qobj, Hint: qt.Qobj) -> dict[str, float]:
    """All correlation quantities of one joint pure state by brute force (battery = first N_B factors)."""
    n = len(psi.dims[0])
    bat, chg = list(range(N_B)), list(range(N_B, n))
    rho = psi.proj()
    rB, rC = rho.ptrace(bat), rho.ptrace(chg)
    hB, hC = HB.ptrace(bat) / np.prod(psi.dims[0][N_B:]), HC.ptrace(chg) / np.prod(psi.dims[0][:N_B])
    S_B, S_C, S_BC = qt.entropy_vn(rB), qt.entropy_vn(rC), qt.entropy_vn(rho)
    E_B, E_C = qt.expect(HB, psi), qt.expect(HC, psi)
    glob = E_B + E_C - np.linalg.eigvalsh(rho.full())[::-1] @ np.linalg.eigvalsh((HB + HC).full())
    return {
        "battery_entropy": S_B,
        "charger_entropy": S_C,
        "mutual_information": S_B + S_C - S_BC,
        "energy": E_B,
        "charger_energy": E_C,
        "interaction_energy": qt.expect(Hint, psi),
        "ergotropy": _ergotropy_textbook(rB.full(), hB.full()),
        "charger_ergotropy": _ergotropy_textbook(rC.full(), hC.full()),
        "global_ergotropy": glob,
        "decoupling_distance": _trace_distance(rho, qt.tensor(rB, rC)),
    }


def _compare_with_bruteforce(series: dict, refs: list[dict], atol: float = 1e-8) -> None:
    for k in refs[0]:
        np.testing.assert_allclose(series[k], [r[k] for r in refs], atol=atol, err_msg=k)
    locked = np.array([r["global_ergotropy"] - r["ergotropy"] - r["charger_ergotropy"] for r in refs])
    np.testing.assert_allclose(series["locked_ergotropy"], locked, atol=atol)


@pytest.mark.parametrize(
    "model,N,params",
    [
        ("dicke", 2, {"coupling": 0.3, "omega_c": 1.0}),
        ("dicke", 3, {"coupling": 0.2, "omega_c": 1.2}),
        ("tavis_cummings", 3, {"coupling": 0.25, "omega_c": 1.0}),
        ("charger_mediated_osc", 2, {"coupling": 0.2, "coherent": 0}),
        ("charger_mediated_osc", 3, {"coupling": 0.2, "coherent": 1}),
    ],
)
def test_cavity_and_oscillator_chargers_match_full_space_bruteforce(model, N, params):
    """Symmetric-subspace (N+1) x Fock joint states with full-spectrum ergotropies equal the
    full 2^N x Fock computation: I(B:C), S_B, S_C, <H_B>, <H_C>, <H_int>, local ergotropies over
    the full 2^N battery spectrum, global ergotropy of rho_BC under H_B + H_C over the full joint
    spectrum (textbook formula, not the pure-state shortcut), trace distance to rho_B x rho_C."""
    jt = get_model(model).joint_trajectory(N, TIMES, params, NUM)
    series = joint_correlations(jt)
    HB, HC, Hint, psi0 = _cells_and_charger(N, jt.dims[1], model, params)
    refs = [_reference(s, N, HB, HC, Hint) for s in _evolve(HB + HC + Hint, psi0, TIMES)]
    _compare_with_bruteforce(series, refs)


def test_qubit_chargers_pair_product_route_matches_full_space_bruteforce():
    """N = 3 qubit chargers, one per cell: the pair-product route (Schmidt spectrum of the
    product, binomial multiplicities) equals the brute force on the explicit 2^3 x 2^3 space."""
    N, g = 3, 0.3
    series, _ = correlation_trajectory("charger_mediated_tls", N, TIMES, {"coupling": g}, NUM)
    g_, e_ = qt.basis(2, 1), qt.basis(2, 0)
    ops = [qt.qeye(2)] * (2 * N)

    def site(op, i):
        o = list(ops)
        o[i] = op
        return qt.tensor(o)

    nq = e_ * e_.dag()
    HB = sum(site(nq, i) for i in range(N))
    HC = sum(site(nq, N + i) for i in range(N))
    Hint = g * sum(site(qt.sigmap(), i) * site(qt.sigmam(), N + i) + site(qt.sigmam(), i) * site(qt.sigmap(), N + i) for i in range(N))
    psi0 = qt.tensor([g_] * N + [e_] * N)
    refs = [_reference(s, N, HB, HC, Hint) for s in _evolve(HB + HC + Hint, psi0, TIMES)]
    _compare_with_bruteforce(series, refs)


@pytest.mark.parametrize("N", [2, 4])
def test_pair_product_route_equals_explicit_joint_state(N):
    """The pair-product route equals the generic Schmidt route on the model's explicit 4^N state."""
    t = np.linspace(0, 12, 31)
    m = get_model("charger_mediated_tls")
    prod = pair_product_correlations(m.joint_trajectory(1, t, {"coupling": 0.2}, NUM), N)
    full = joint_correlations(m.joint_trajectory(N, t, {"coupling": 0.2}, NUM))
    for k in SERIES:
        np.testing.assert_allclose(prod[k], full[k], atol=1e-10, err_msg=k)


# --------------------------------------------------------------------------------------
# analytic results and conservation laws on the model trajectories
# --------------------------------------------------------------------------------------
def test_one_qubit_pair_analytic_entanglement_and_andolina_ratio():
    """Qubit charger + qubit cell: psi = cos(gt)|g>_B|e>_C - i sin(gt)|e>_B|g>_C, so S_B = h(sin^2 gt),
    I = 2 h, Erg_B = max(0, sin^2 - cos^2), Erg_B / E_B = 1 - cos^2/sin^2 above g t = pi/4, global
    ergotropy = total excitation 1, trace distance = lambda_max of the 2x2 rank-one update."""
    g = 0.3
    t = np.linspace(0.05, 10, 57)
    s, _ = correlation_trajectory("charger_mediated_tls", 1, t, {"coupling": g}, NUM)
    s2, c2 = np.sin(g * t) ** 2, np.cos(g * t) ** 2
    h = -(s2 * np.log(s2) + c2 * np.log(c2))
    np.testing.assert_allclose(s["battery_entropy"], h, atol=1e-10)
    np.testing.assert_allclose(s["mutual_information"], 2 * h, atol=1e-10)
    np.testing.assert_allclose(s["ergotropy"], np.maximum(0, s2 - c2), atol=1e-10)
    np.testing.assert_allclose(s["ergotropy_ratio"], np.maximum(0, s2 - c2) / s2, atol=1e-9)
    np.testing.assert_allclose(s["global_ergotropy"], 1.0, atol=1e-12)
    # [[p0 - p0^2, sqrt(p0 p1)], [sqrt(p0 p1), p1 - p1^2]] = p0 p1 [[1, 1/sqrt(p0 p1)], ...]: lambda = p0 p1 + sqrt(p0 p1)
    np.testing.assert_allclose(s["decoupling_distance"], s2 * c2 + np.sqrt(s2 * c2), atol=1e-10)


@pytest.mark.parametrize("N", [1, 4])
def test_beam_splitter_keeps_coherent_charger_and_battery_uncorrelated(N):
    """Oscillator charger |alpha> and oscillator battery |0> under a beam splitter stay a product of
    coherent states: I(B:C) = 0, rho_BC = rho_B x rho_C, nothing locked (Andolina 2018, Sec. III)."""
    s, _ = correlation_trajectory("charger_mediated_ho", N, np.linspace(0, 20, 41), {"coupling": 0.2, "coherent": 1}, NUM)
    assert np.abs(s["mutual_information"]).max() < 1e-8
    assert np.abs(s["decoupling_distance"]).max() < 1e-6
    assert np.abs(s["locked_ergotropy"]).max() < 1e-8
    np.testing.assert_allclose(s["ergotropy_ratio"][1:], 1.0, atol=1e-8)  # pure coherent battery: Erg = E


@pytest.mark.parametrize("model", ["tavis_cummings", "charger_mediated_osc", "charger_mediated_tls"])
def test_resonant_excitation_exchange_has_no_interaction_energy(model):
    """At resonance [H_int, H_B + H_C] = 0, so <H_int> is conserved and vanishes from a product of
    number states: switching the coupling off costs no work; the global ergotropy is the conserved N."""
    params = {"coupling": 0.2, "omega_c": 1.0} if model == "tavis_cummings" else {"coupling": 0.2}
    if model == "charger_mediated_osc":
        params["coherent"] = 0
    s, d = correlation_trajectory(model, 3, np.linspace(0, 20, 81), params, NUM)
    assert np.abs(s["interaction_energy"]).max() < 1e-10
    np.testing.assert_allclose(s["global_ergotropy"], 3.0, atol=1e-10)
    assert d["energy_drift"] < 1e-12


@pytest.mark.parametrize("model", ["dicke", "tavis_cummings", "charger_mediated_osc", "charger_mediated_ho", "charger_mediated_tls"])
def test_trajectory_bounds_identities_and_conservation(model):
    """Along every charger model's trajectory: 0 <= I <= 2 ln min(d_B, d_C) with the support
    dimensions (Dicke subspace N+1, not 2^N); pure joint state so I = 2 S_B = 2 S_C; global >=
    local B + local C ergotropy; 0 <= T <= 1; Erg_B <= E_B; <H_B + H_C + H_int> conserved."""
    params = {p.name: p.default for p in get_model(model).parameters}
    N, t = 3, np.linspace(0, 20, 161)
    s, d = correlation_trajectory(model, N, t, params, NUM)
    if model == "charger_mediated_tls":
        dB = dC = 2**N
    else:
        dB, dC = get_model(model).joint_trajectory(N, t[:2], params, NUM).dims
    assert np.all(s["mutual_information"] >= 0)
    assert np.all(s["mutual_information"] <= 2 * np.log(min(dB, dC)) + 1e-12)
    np.testing.assert_allclose(s["mutual_information"], 2 * s["battery_entropy"], atol=1e-10)
    np.testing.assert_allclose(s["battery_entropy"], s["charger_entropy"], atol=1e-10)
    assert np.all(s["locked_ergotropy"] >= -1e-10)
    assert np.all((s["decoupling_distance"] >= 0) & (s["decoupling_distance"] <= 1))
    assert np.all(s["ergotropy"] <= s["energy"] + 1e-10)
    assert d["energy_drift"] < 1e-10 and d["norm_error"] < 1e-10


# --------------------------------------------------------------------------------------
# hypothesis: information-theoretic functions on random states
# --------------------------------------------------------------------------------------
def _random_pure(rng, dB, dC):
    v = rng.normal(size=dB * dC) + 1j * rng.normal(size=dB * dC)
    return v / np.linalg.norm(v)


def _random_mixed(rng, d, rank):
    X = rng.normal(size=(d, rank)) + 1j * rng.normal(size=(d, rank))
    rho = X @ X.conj().T
    return rho / np.trace(rho).real


def _random_levels(rng, d):
    return np.sort(rng.integers(0, 3, size=d)).astype(float)  # degenerate spectra, ground 0


def _jt(states, dB, dC, hB, hC, Hint=None) -> JointTrajectory:
    H_int = np.zeros((dB * dC, dB * dC), complex) if Hint is None else Hint
    return JointTrajectory(
        times=np.arange(len(states)),
        states=np.asarray(states),
        dims=(dB, dC),
        H_B=np.diag(hB).astype(complex),
        H_C=np.diag(hC).astype(complex),
        H_int=H_int,
    )


dims_st = st.tuples(st.integers(1, 4), st.integers(1, 5))


@settings(max_examples=40, deadline=None)
@given(dims=dims_st, seed=st.integers(0, 2**32 - 1))
def test_pure_states_schmidt_route_equals_density_matrix_route_and_qutip(dims, seed):
    """Random pure joint states: the Schmidt route (SVD) equals the density-matrix route (partial
    traces, eigvalsh of rho_BC and of rho_BC - rho_B x rho_C, joint passive state) and qutip's
    entropy_vn and the full trace norm; I = 2 S_B; global ergotropy = <H_B + H_C> - ground energy."""
    rng = np.random.default_rng(seed)
    dB, dC = dims
    psi = np.stack([_random_pure(rng, dB, dC) for _ in range(3)])
    hB, hC = _random_levels(rng, dB), _random_levels(rng, dC)
    pure = pure_state_correlations(_jt(psi, dB, dC, hB, hC))
    mixed = mixed_state_correlations(_jt(np.einsum("ti,tj->tij", psi, psi.conj()), dB, dC, hB, hC))
    for k in SERIES:
        np.testing.assert_allclose(pure[k], mixed[k], atol=1e-9, err_msg=k)
    np.testing.assert_allclose(pure["mutual_information"], 2 * pure["battery_entropy"], atol=1e-12)
    ground = hB.min() + hC.min()
    np.testing.assert_allclose(pure["global_ergotropy"], pure["energy"] + pure["charger_energy"] - ground, atol=1e-12)
    for i, v in enumerate(psi if min(dB, dC) > 1 else []):  # qutip drops unit dimensions
        q = qt.Qobj(v.reshape(-1, 1), dims=[[dB, dC], [1, 1]])
        rho = q.proj()
        assert abs(pure["battery_entropy"][i] - qt.entropy_vn(rho.ptrace(0))) < 1e-9
        assert abs(pure["decoupling_distance"][i] - _trace_distance(rho, qt.tensor(rho.ptrace(0), rho.ptrace(1)))) < 1e-9


@settings(max_examples=40, deadline=None)
@given(dims=dims_st, rank=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_mixed_states_bounds_and_global_beats_local_ergotropy(dims, rank, seed):
    """Random mixed rho_BC: 0 <= I <= 2 ln min(d_B, d_C) (and <= I against qutip's entropies),
    global ergotropy under H_B + H_C >= Erg(rho_B) + Erg(rho_C) (local unitaries are global ones),
    0 <= T <= 1, local ergotropies equal qbattery.physics.quantities.ergotropy."""
    rng = np.random.default_rng(seed)
    dB, dC = dims
    rho = _random_mixed(rng, dB * dC, rank)
    hB, hC = _random_levels(rng, dB), _random_levels(rng, dC)
    s = mixed_state_correlations(_jt(rho[None], dB, dC, hB, hC))
    mi = s["mutual_information"][0]
    assert -1e-12 <= mi <= 2 * np.log(min(dB, dC)) + 1e-10
    q = qt.Qobj(rho, dims=[[dB, dC], [dB, dC]])
    if min(dB, dC) > 1:  # qutip drops unit dimensions
        ref = qt.entropy_vn(q.ptrace(0)) + qt.entropy_vn(q.ptrace(1)) - qt.entropy_vn(q)
        assert abs(mi - max(ref, 0.0)) < 1e-9
    assert s["locked_ergotropy"][0] >= -1e-10
    assert 0 <= s["decoupling_distance"][0] <= 1
    t = rho.reshape(dB, dC, dB, dC)
    assert abs(s["ergotropy"][0] - ergotropy(np.einsum("ajbj->ab", t), np.diag(hB))) < 1e-10
    assert abs(s["charger_ergotropy"][0] - ergotropy(np.einsum("iaib->ab", t), np.diag(hC))) < 1e-10


@settings(max_examples=40, deadline=None)
@given(dims=dims_st, rankB=st.integers(1, 4), rankC=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_product_states_carry_no_correlations(dims, rankB, rankC, seed):
    """rho_B x rho_C: I = 0 and T(rho_BC, rho_B x rho_C) = 0; for pure factors also nothing locked
    (the global ergotropy E_B + E_C - e_B,min - e_C,min equals the sum of the local ones)."""
    rng = np.random.default_rng(seed)
    dB, dC = dims
    rB, rC = _random_mixed(rng, dB, rankB), _random_mixed(rng, dC, rankC)
    hB, hC = _random_levels(rng, dB), _random_levels(rng, dC)
    s = mixed_state_correlations(_jt(np.kron(rB, rC)[None], dB, dC, hB, hC))
    assert abs(s["mutual_information"][0]) < 1e-9 and s["decoupling_distance"][0] < 1e-9
    pB, pC = _random_pure(rng, dB, 1), _random_pure(rng, dC, 1)
    p = pure_state_correlations(_jt(np.kron(pB, pC)[None], dB, dC, hB, hC))
    assert abs(p["mutual_information"][0]) < 1e-12 and p["decoupling_distance"][0] < 1e-12
    assert abs(p["locked_ergotropy"][0]) < 1e-10


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), r1=st.integers(1, 4), r2=st.integers(1, 4))
def test_mutual_information_is_additive_over_independent_pairs(seed, r1, r2):
    """I(B1 B2 : C1 C2) of rho_{B1C1} x rho_{B2C2} = I(B1:C1) + I(B2:C2) (reordered to battery first)."""
    rng = np.random.default_rng(seed)
    d = (2, 2, 2, 3)  # B1, C1, B2, C2
    r_a, r_b = _random_mixed(rng, 4, r1), _random_mixed(rng, 6, r2)
    hz = lambda n: np.zeros(n)  # noqa: E731
    Ia = mixed_state_correlations(_jt(r_a[None], 2, 2, hz(2), hz(2)))["mutual_information"][0]
    Ib = mixed_state_correlations(_jt(r_b[None], 2, 3, hz(2), hz(3)))["mutual_information"][0]
    t = np.kron(r_a, r_b).reshape(d + d).transpose(0, 2, 1, 3, 4, 6, 5, 7).reshape(24, 24)  # (B1 B2)(C1 C2)
    Iab = mixed_state_correlations(_jt(t[None], 4, 6, hz(4), hz(6)))["mutual_information"][0]
    assert abs(Iab - (Ia + Ib)) < 1e-9


@settings(max_examples=60, deadline=None)
@given(p=st.lists(st.floats(0, 1), min_size=1, max_size=7).filter(lambda x: sum(x) > 1e-3))
def test_pure_decoupling_distance_closed_form_equals_brute_force(p):
    """T(|psi><psi|, rho_B x rho_C) from the Schmidt probabilities (rank-one update) equals the
    eigenvalues of the full d^2 x d^2 difference for psi = sum_k sqrt(p_k)|k k>."""
    p = np.array(p) / sum(p)
    d = len(p)
    psi = np.zeros(d * d)
    psi[np.arange(d) * (d + 1)] = np.sqrt(p)
    diff = np.outer(psi, psi) - np.kron(np.diag(p), np.diag(p))
    assert abs(pure_decoupling_distance(p) - 0.5 * np.abs(np.linalg.eigvalsh(diff)).sum()) < 1e-12


@settings(max_examples=60, deadline=None)
@given(
    probs=st.lists(st.floats(0, 1), min_size=1, max_size=6).filter(lambda x: sum(x) > 1e-3),
    mult=st.lists(st.integers(1, 4), min_size=6, max_size=6),
    N=st.integers(3, 7),
)
def test_passive_energy_with_multiplicities_equals_the_expanded_list(probs, mult, N):
    """sum_k r_k e_k with grouped values (multiplicities) against grouped levels (cells_spectrum
    degeneracies) equals sorting the fully expanded lists; the entropy and decoupling distance with
    multiplicities equal those of the expanded list."""
    p = np.array(probs)
    m = np.array(mult[: len(p)])
    p = p / (p @ m)
    full_p = np.repeat(p, m)
    if full_p.size > 2**N:
        return
    L = LevelSum.of(None, cells_spectrum(N))
    lv = np.sort(np.repeat(np.arange(N + 1.0), [math.comb(N, k) for k in range(N + 1)]))
    assert abs(passive_energy(p, L, m) - np.sort(full_p)[::-1] @ lv[: full_p.size]) < 1e-12
    assert abs(shannon_entropy(p, m) - shannon_entropy(full_p)) < 1e-12
    assert abs(pure_decoupling_distance(p, m) - pure_decoupling_distance(full_p)) < 1e-10


def test_joint_spectrum_of_dicke_battery_and_cavity_counts_degeneracies():
    """Joint levels of 2^N cells (+) Fock: e = k + n with degeneracy sum_{k+n=e} C(N, k);
    the n lowest summed from the grouped form equal the explicit sorted list."""
    N, dC = 4, 6
    L = LevelSum.of(None, cells_spectrum(N)).joint(LevelSum.of(np.diag(np.arange(dC, dtype=float)), None))
    explicit = np.sort(np.add.outer(np.repeat(np.arange(N + 1.0), [math.comb(N, k) for k in range(N + 1)]), np.arange(dC)).ravel())
    for n in (1, 5, 17, 40, 96):
        assert abs(L(np.array(n)) - explicit[:n].sum()) < 1e-12
    assert L.dimension == 2**N * dC


def test_schmidt_probabilities_of_a_maximally_entangled_state():
    """|Phi> = sum_k |k k>/sqrt(d): p_k = 1/d, S_B = ln d, I = 2 ln d (the upper bound), T = 1 - 1/d^2."""
    d = 3
    psi = np.eye(d).ravel() / np.sqrt(d)
    p = schmidt_probabilities(psi[None], (d, d))
    np.testing.assert_allclose(p, 1 / d, atol=1e-14)
    s = pure_state_correlations(_jt(psi[None], d, d, np.arange(d, dtype=float), np.arange(d, dtype=float)))
    assert abs(s["mutual_information"][0] - 2 * np.log(d)) < 1e-12
    assert abs(s["decoupling_distance"][0] - (1 - 1 / d**2)) < 1e-12


def test_dicke_subspace_battery_ergotropy_needs_the_full_spectrum():
    """rho = (|D_1><D_1| + |D_2><D_2| + |D_3><D_3|)/3 of N = 3 cells (Dicke states): E = 2; the
    passive state over the full 2^3 spectrum (0, 1, 1, 1, ...) has energy 2/3, so Erg = 4/3, while
    the subspace levels (0, 1, 2) would give 1. Checked against the explicit 2^3 embedding."""
    N = 3
    L = LevelSum.of(None, cells_spectrum(N))
    p = np.array([1 / 3, 1 / 3, 1 / 3])
    assert abs((2.0 - passive_energy(p, L)) - 4 / 3) < 1e-12
    bits = np.array([[int(b) for b in np.binary_repr(s, N)] for s in range(2**N)])
    dicke = [(bits.sum(1) == k).astype(float) / math.sqrt(math.comb(N, k)) for k in (1, 2, 3)]
    rho_full = sum(np.outer(v, v) for v in dicke) / 3
    assert abs(_ergotropy_textbook(rho_full, np.diag(bits.sum(1).astype(float))) - 4 / 3) < 1e-12
    rho_sub = np.diag([0, 1, 1, 1]).astype(complex) / 3
    assert abs(ergotropy(rho_sub, np.diag(np.arange(4.0)), levels=cells_spectrum(N)) - 4 / 3) < 1e-12


# --------------------------------------------------------------------------------------
# dataset
# --------------------------------------------------------------------------------------
def test_dataset_units_switch_off_values_and_health_flag(tmp_path):
    """The per-N dataset: every variable has units and long_name, NetCDF classic types; the values at an off-grid
    switch-off time equal an independent evaluation at that time; a point violating a tolerance is
    NaN with status 1 under on_violation: nan."""
    import xarray as xr

    t = np.linspace(0, 10, 21)
    tau = xr.DataArray(np.array([[3.33, 4.0]]), dims=("N", "coupling"), coords={"N": [2], "coupling": [0.1, 0.2]})
    ds = correlations_grid("tavis_cummings", 2, t, {"coupling": [0.1, 0.2], "omega_c": 1.0}, NUM, {"tau_star": tau})
    for name, v in ds.variables.items():
        if v.dims:
            assert "units" in v.attrs and "long_name" in v.attrs, name
    ref, _ = correlation_trajectory("tavis_cummings", 2, np.array([0.0, 3.33]), {"coupling": 0.1, "omega_c": 1.0}, NUM)
    got = ds.mutual_information_at_switch_off.sel(N=2, coupling=0.1, switch_off="tau_star")
    assert abs(float(got) - ref["mutual_information"][1]) < 1e-12
    assert float(ds.switch_off_time.sel(N=2, coupling=0.2, switch_off="tau_star")) == 4.0
    import netCDF4
    from qbattery.io import write_netcdf

    write_netcdf(ds, tmp_path / "c.nc")
    with netCDF4.Dataset(tmp_path / "c.nc") as nc:  # classic types only: no vlen strings, no complex
        assert all(v.dtype != str and v.dtype.kind != "c" for v in nc.variables.values())
        assert nc.getncattr("Conventions").startswith("CF-")
    strict = Numerics(norm_tol=1e-30, on_violation="nan")
    bad = correlations_grid("dicke", 1, t, {"coupling": 0.2, "omega_c": 1.0}, strict)
    assert int(bad.status.values.ravel()[0]) == 1 and np.all(np.isnan(bad.mutual_information.values))
    assert "norm" in bad.attrs["health_violations"] or "energy_drift" in bad.attrs["health_violations"]


def test_tavis_cummings_equals_oscillator_charger_with_fock_state():
    """Resonant Tavis-Cummings (omega_c = 1, coupling lambda) from |N photons, g...g> is the oscillator
    charger model with g = lambda and charger |N>: two independent implementations, same correlations."""
    t = np.linspace(0, 15, 31)
    tc, _ = correlation_trajectory("tavis_cummings", 3, t, {"coupling": 0.15, "omega_c": 1.0}, NUM)
    osc, _ = correlation_trajectory("charger_mediated_osc", 3, t, {"coupling": 0.15, "coherent": 0}, NUM)
    for k in SERIES:
        np.testing.assert_allclose(tc[k], osc[k], atol=1e-9, err_msg=k)


# --------------------------------------------------------------------------------------
# config
# --------------------------------------------------------------------------------------
def _cfg(**corr):
    import yaml
    from pathlib import Path

    cfg = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text())
    cfg["correlations"] = corr
    return cfg


def test_schema_enums_match_the_library():
    """The schema lists exactly the catalogue models with a joint face (and each has a joint trajectory) and
    exactly the switch-off names the library maps to power variables."""
    from qbattery.config import full_schema
    from qbattery.correlations import SWITCH_OFF_TIMES
    from qbattery.models import models_with
    from qbattery.models.base import Model

    CHARGER_MODELS = models_with("joint")
    props = full_schema()["properties"]["correlations"]["properties"]
    from qbattery.models import user_models

    assert sorted(props["models"]["items"]["enum"]) == sorted(CHARGER_MODELS + user_models("joint"))  # + models.custom (with H_C)
    assert sorted(props["switch_off"]["items"]["enum"]) == sorted(SWITCH_OFF_TIMES)
    for name in CHARGER_MODELS:
        assert type(get_model(name)).joint_trajectory is not Model.joint_trajectory, name


@pytest.mark.parametrize(
    "section,words",
    [
        ({"models": ["parallel"]}, ["correlations.models[0]", "parallel", "dicke"]),
        ({"switch_off": ["tau"]}, ["correlations.switch_off[0]", "tau_star"]),
        ({"figure": {"max_N": 0}}, ["correlations.figure.max_N", "0"]),
        ({"split": True}, ["correlations", "split", "split_N"]),
    ],
)
def test_bad_correlations_config_is_rejected_with_key_value_and_allowed(section, words):
    """Schema validation names the key, the value and what is allowed, in one line."""
    from qbattery.config import ConfigError, validate_config

    with pytest.raises(ConfigError) as err:
        validate_config(_cfg(**section))
    msg = str(err.value)
    assert "\n" not in msg and all(w in msg for w in words), msg


def test_correlation_models_default_and_unknown_study_model():
    """Default: every study model with a charger; a listed model missing from `models` is an error
    naming it and the allowed ones; no `correlations` key: the stage is skipped."""
    from qbattery.config import validate_config
    from qbattery.stages.correlations import models as correlation_models

    cfg = validate_config(_cfg())
    assert correlation_models(cfg) == ["charger_mediated_ho", "charger_mediated_osc", "charger_mediated_tls", "dicke", "tavis_cummings"]
    assert cfg["correlations"]["switch_off"] == ["tau_star", "t_max_ergotropy"]
    small = validate_config(_cfg(models=["dicke"]))
    del small["models"]["dicke"]
    with pytest.raises(ValueError, match="'dicke' not simulated"):
        correlation_models(small)
    none = validate_config(_cfg())
    del none["correlations"]
    assert correlation_models(none) == []


# --------------------------------------------------------------------------------------
# workflow
# --------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("split", [True, False])
def test_workflow_writes_correlation_grids_equal_to_the_library(tmp_path, split):
    """Snakemake on a tiny study (per-(model, N) jobs + merge, or one job per model): the merged
    correlation grid equals a direct library call at tau* of the power dataset, and the figure exists."""
    import subprocess
    import sys
    from pathlib import Path

    import xarray as xr
    import yaml
    from qbattery.config import validate_config
    from qbattery.stages import correlations as corr_stage
    from qbattery.io import open_dataset

    root = Path(__file__).resolve().parents[1]
    cfg = _cfg(models=["tavis_cummings", "charger_mediated_tls"], split_N=split)
    cfg["study"] = "corr"
    cfg["time"] = {"t_max": 16.0, "points": 41}  # covers tau* of the parallel reference at coupling 0.1 (issue 22)
    cfg["models"] = {
        "tavis_cummings": {"N": [1, 2], "coupling": [0.1, 0.2], "omega_c": 1.0},
        "charger_mediated_tls": {"N": [1, 3], "coupling": 0.2},
    }
    cfg.pop("work_statistics", None)
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(cfg))
    target = "results/corr/figures/correlations.png"
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "-s",
        str(root / "Snakefile"),
        "--directory",
        str(tmp_path),
        "--configfile",
        str(tmp_path / "c.yaml"),
    ]
    p = subprocess.run(cmd + ["--cores", "2", target], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert (tmp_path / target).stat().st_size > 0
    full = validate_config(cfg)
    for model in ("tavis_cummings", "charger_mediated_tls"):
        ds = open_dataset(tmp_path / f"results/corr/correlations/{model}.nc")
        power = open_dataset(tmp_path / f"results/corr/power/{model}.nc")
        assert list(ds.N.values) == full["models"][model]["N"]
        for n in ds.N.values:
            ref = corr_stage.correlations_point(corr_stage.job_config(full, model, int(n)), model, int(n), power, None)
            xr.testing.assert_allclose(ds.sel(N=[n])[list(SERIES)], ref[list(SERIES)], atol=1e-12)
            xr.testing.assert_allclose(ds.sel(N=[n]).mutual_information_at_switch_off, ref.mutual_information_at_switch_off, atol=1e-12)
