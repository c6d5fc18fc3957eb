"""Quantum speed limits (Mandelstam-Tamm; Margolus-Levitin generalised by Giovannetti, Lloyd,
Maccone, PRA 67, 052109 (2003)) and the speed-limit series every closed model returns,
checked against brute force in the full tensor-product space (qutip) and exact solutions."""

import math

import numpy as np
import pytest
import qbattery
import qutip as qt
from bruteforce import EXCITED, GROUND
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.analysis import analyse_power
from qbattery.models import Numerics, get_model, models_with
from qbattery.physics.speed_limits import QSL_SERIES, bures_angle, mandelstam_tamm_time, margolus_levitin_time, ml_alpha, qsl_time
from test_models_spin_chain import qutip_chain

REL = 1e-9  # rounding slack of "bound <= actual"


def evolve_dense(H: np.ndarray, psi0: np.ndarray, times: np.ndarray):
    """psi(t) by full diagonalisation; also <H>, Delta E and the lowest level in the support of psi0."""
    e, v = np.linalg.eigh(H)
    c = v.conj().T @ psi0
    psi = (np.exp(-1j * np.outer(times, e)) * c) @ v.T
    w = np.abs(c) ** 2
    mean = float(w @ e)
    return psi, mean, float(np.sqrt(max(w @ e**2 - mean**2, 0.0))), float(e[w > 1e-10].min())


# --------------------------------------------------------------------------------------
# the bounds themselves
# --------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(2, 7), st.integers(0, 2**31 - 1), st.floats(0.01, 20.0))
def test_speed_limit_times_never_exceed_the_actual_time_for_random_hamiltonians(dim, seed, t):
    """For any Hermitian H, pure psi0 and t: t_MT = arccos|<psi0|psi_t>|/Delta E <= t and
    t_ML = alpha(|<psi0|psi_t>|^2)/(<H> - E_0) <= t; and alpha(eps) >= 2 L^2/pi (the closed form
    2 L^2 / (pi (<H> - E_0)) is weaker)."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    H = (A + A.conj().T) / 2
    psi0 = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    psi0 /= np.linalg.norm(psi0)
    psi, mean, spread, _ = evolve_dense(H, psi0, np.array([t]))
    e0 = np.linalg.eigvalsh(H)[0]
    ov = abs(np.vdot(psi0, psi[0]))
    assert mandelstam_tamm_time(ov, spread) <= t * (1 + REL)
    assert margolus_levitin_time(ov, mean - e0) <= t * (1 + REL)
    assert qsl_time(ov, spread, mean - e0) <= t * (1 + REL)
    L = bures_angle(ov)
    assert ml_alpha(ov**2) >= 2 * L**2 / np.pi * (1 - REL)


def test_ml_alpha_is_the_two_level_minimum_and_reduces_to_margolus_levitin():
    """alpha(eps) = min over two-level states {0, omega} with excited weight p of the phase
    p omega t at which |<psi0|psi_t>|^2 = 1 - 4 p (1-p) sin^2(omega t / 2) reaches eps (dense grid
    over p, independent of the golden-section search); alpha(0) = pi/2 (orthogonal: ML 1998)."""
    p = np.concatenate([np.linspace(1e-6, 1 - 1e-6, 400001), [0.5]])
    for eps in (0.0, 0.05, 0.25, 0.5, 0.8, 0.97):
        s = (1 - eps) / (4 * p * (1 - p))
        ok = s <= 1
        brute = np.min(p[ok] * 2 * np.arcsin(np.sqrt(s[ok])))
        assert ml_alpha(eps) == pytest.approx(brute, rel=1e-6)
        assert ml_alpha(eps) <= brute + 1e-12
    assert ml_alpha(0.0) == pytest.approx(np.pi / 2, rel=1e-12)
    assert ml_alpha(1.0) == 0.0


def test_margolus_levitin_bound_is_reached_by_the_optimal_two_level_state():
    """Tightness: the two-level state of the minimiser (weight p*, phase theta*) reaches fidelity
    eps at t = theta*/omega = alpha(eps)/(<H> - E_0) exactly."""
    eps, omega = 0.4, 1.7
    theta = np.linspace(2 * np.arcsin(np.sqrt(1 - eps)), np.pi, 200001)
    p = 0.5 * (1 - np.sqrt(np.clip(1 - (1 - eps) / np.sin(theta / 2) ** 2, 0, 1)))
    j = np.argmin(theta * p)
    psi0 = np.array([np.sqrt(1 - p[j]), np.sqrt(p[j])])
    t = theta[j] / omega
    psi, mean, spread, e0 = evolve_dense(np.diag([0.0, omega]), psi0, np.array([t]))
    ov = abs(np.vdot(psi0, psi[0]))
    assert ov**2 == pytest.approx(eps, rel=1e-9)
    assert margolus_levitin_time(ov, mean - e0) == pytest.approx(t, rel=1e-6)


def test_single_qubit_rabi_saturates_mandelstam_tamm_up_to_full_charge():
    """H = g sigma^x from |g>: |<g|psi_t>| = |cos g t|, Delta E = g, so t_MT = t for g t <= pi/2
    (geodesic evolution); the model rabi_parallel at N = 1 returns exactly these series."""
    g = 0.7
    t = np.linspace(0, np.pi / (2 * g), 101)
    np.testing.assert_allclose(mandelstam_tamm_time(np.abs(np.cos(g * t)), g), t, rtol=1e-9, atol=1e-12)
    ds = qbattery.simulate("rabi_parallel", N=[1], drive=g, times=t)
    np.testing.assert_allclose(ds.overlap.values[0], np.abs(np.cos(g * t)), atol=1e-12)
    np.testing.assert_allclose(ds.energy_spread.values[0], g, rtol=1e-12)
    np.testing.assert_allclose(ds.mean_energy.values[0], g, rtol=1e-12)  # <V> = 0, E_0 = -g
    pw = analyse_power(ds)
    assert float(pw.qsl_ratio.values[0]) == pytest.approx(1.0, abs=1e-9)
    # target: first state within 1e-3 of full charge; MT time = its actual time, g t >= arcsin(sqrt(0.999))
    assert float(pw.qsl_mt_time.values[0]) == pytest.approx(float(pw.qsl_target_time.values[0]), rel=1e-9)
    assert np.arcsin(np.sqrt(0.999)) / g <= float(pw.qsl_target_time.values[0]) <= np.pi / (2 * g)


# --------------------------------------------------------------------------------------
# every model: series against brute force, bounds below the actual times
# --------------------------------------------------------------------------------------
def _site(N, op, i, front=()):
    return qt.tensor(list(front) + [op if j == i else qt.qeye(2) for j in range(N)])


def _cells_ground(N, front=()):
    return qt.tensor(list(front) + [GROUND] * N)


def brute_rabi(N, p, num):
    H = p["drive"] * sum(_site(N, qt.sigmax(), i) for i in range(N))
    return H.full(), _cells_ground(N).full().ravel()


def brute_flip(N, p, num):
    G, E = _cells_ground(N), qt.tensor([EXCITED] * N)
    H = N * p["drive"] * (G * E.dag() + E * G.dag())
    return H.full(), G.full().ravel()


def _brute_cavity(N, p, n_max, rwa):
    a = qt.tensor([qt.destroy(n_max)] + [qt.qeye(2)] * N)
    f = [qt.qeye(n_max)]
    nB = sum(_site(N, EXCITED * EXCITED.dag(), i, f) for i in range(N))
    lam, wc = p["coupling"], p["omega_c"]
    if rwa:
        Jp = sum(_site(N, qt.sigmap(), i, f) for i in range(N))
        V = wc * lam * (Jp * a + Jp.dag() * a.dag())
    else:
        V = wc * lam * sum(_site(N, qt.sigmax(), i, f) for i in range(N)) * (a + a.dag())
    H = wc * a.dag() * a + nB + V
    return H.full(), qt.tensor([qt.basis(n_max, N)] + [GROUND] * N).full().ravel()


def brute_chain(N, p, num):
    HB, Hint, Hch = qutip_chain(N, p["J"], p["anisotropy"], p["drive"], bool(p["periodic"]))
    return (HB + Hint + Hch).full(), _cells_ground(N).full().ravel()


def brute_chain_parallel(N, p, num):
    HB, _, Hch = qutip_chain(N, 0.0, 0.0, p["drive"], False)
    return (HB + Hch).full(), _cells_ground(N).full().ravel()


def brute_tls(N, p, num):
    """N (charger, cell) qubit pairs, chargers first."""
    n = EXCITED * EXCITED.dag()
    g = p["coupling"]
    op = lambda o, i: qt.tensor([o if j == i else qt.qeye(2) for j in range(2 * N)])  # noqa: E731
    H = sum(
        op(n, i) + op(n, N + i) + g * (op(qt.sigmam(), i) * op(qt.sigmap(), N + i) + op(qt.sigmap(), i) * op(qt.sigmam(), N + i))
        for i in range(N)
    )
    return H.full(), qt.tensor([EXCITED] * N + [GROUND] * N).full().ravel()


def _charger_state(N, coherent, d):
    if not coherent:
        return qt.basis(d, N)
    c = np.array([math.exp(-N / 2) * N ** (n / 2) / math.sqrt(math.factorial(n)) for n in range(d)])
    return qt.Qobj(c / np.linalg.norm(c))


def brute_osc(N, p, num, d):
    a = qt.tensor([qt.destroy(d)] + [qt.qeye(2)] * N)
    f = [qt.qeye(d)]
    Jp = sum(_site(N, qt.sigmap(), i, f) for i in range(N))
    nB = sum(_site(N, EXCITED * EXCITED.dag(), i, f) for i in range(N))
    H = a.dag() * a + nB + p["coupling"] * (a * Jp + a.dag() * Jp.dag())
    return H.full(), qt.tensor([_charger_state(N, p["coherent"], d)] + [GROUND] * N).full().ravel()


def brute_ho(N, p, num, d):
    a, b = qt.tensor(qt.destroy(d), qt.qeye(d)), qt.tensor(qt.qeye(d), qt.destroy(d))
    H = a.dag() * a + b.dag() * b + p["coupling"] * (a.dag() * b + a * b.dag())
    return H.full(), qt.tensor(_charger_state(N, p["coherent"], d), qt.basis(d, 0)).full().ravel()


CASES = [
    ("rabi_parallel", 3, {"drive": 0.4}),
    ("global_flip", 3, {"drive": 0.4}),
    ("dicke", 2, {"coupling": 0.3, "omega_c": 1.0}),
    ("tavis_cummings", 3, {"coupling": 0.3, "omega_c": 1.2}),
    ("parallel", 2, {"coupling": 0.3, "omega_c": 1.0}),
    ("spin_chain", 4, {"J": 0.3, "anisotropy": 0.5, "drive": 0.6, "periodic": 0}),
    ("spin_chain", 4, {"J": -0.4, "anisotropy": 1.5, "drive": 0.3, "periodic": 1}),
    ("spin_chain_parallel", 3, {"drive": 0.6}),
    ("charger_mediated_tls", 2, {"coupling": 0.3}),
    ("charger_mediated_osc", 2, {"coupling": 0.3, "coherent": 0}),
    ("charger_mediated_osc", 2, {"coupling": 0.3, "coherent": 1}),
    ("charger_mediated_ho", 3, {"coupling": 0.3, "coherent": 0}),
    ("charger_mediated_ho", 2, {"coupling": 0.3, "coherent": 1}),
]
TIMES = np.linspace(0.0, 9.0, 37)


@pytest.mark.parametrize("name,N,params", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_speed_limit_series_of_every_model_match_the_full_space_bruteforce(name, N, params):
    """Overlap |<psi0|psi_t>|, <H> - E_0 (E_0: lowest level in the spectral support of psi0) and
    Delta E of the full battery (+ charger) state equal a dense evolution of the qutip Hamiltonian
    in the full tensor-product space (Fock spaces at the model's own cutoff) to 1e-8."""
    num = Numerics(fock_extra=6)
    traj = get_model(name).run(N, TIMES, params, num)
    if name in ("dicke", "tavis_cummings", "parallel"):
        n_max = int(traj.diagnostics["fock_cutoff"])
        H, psi0 = _brute_cavity(1 if name == "parallel" else N, params, n_max, rwa=name == "tavis_cummings")
        if name == "parallel":  # one photon per cell: brute force the single pair, N pairs below
            psi0 = qt.tensor(qt.basis(n_max, 1), GROUND).full().ravel()
    elif name in ("charger_mediated_osc", "charger_mediated_ho"):
        d = int(traj.diagnostics["fock_cutoff"])
        H, psi0 = (brute_osc if name.endswith("osc") else brute_ho)(N, params, num, d)
    else:
        H, psi0 = {
            "rabi_parallel": brute_rabi,
            "global_flip": brute_flip,
            "spin_chain": brute_chain,
            "spin_chain_parallel": brute_chain_parallel,
            "charger_mediated_tls": brute_tls,
        }[name](N, params, num)
    psi, mean, spread, e0 = evolve_dense(H, psi0, TIMES)
    ov = np.abs(psi @ psi0.conj())
    if name == "parallel":  # N independent pairs
        ov, mean, spread, e0 = ov**N, N * mean, math.sqrt(N) * spread, N * e0
    np.testing.assert_allclose(traj.series["overlap"], ov, atol=1e-8)
    np.testing.assert_allclose(traj.series["mean_energy"], mean - e0, atol=1e-8)
    np.testing.assert_allclose(traj.series["energy_spread"], spread, atol=1e-8)


QSL_MODELS = [n for n in models_with("closed") if set(QSL_SERIES) <= set(get_model(n).series)]


@pytest.mark.parametrize("name", QSL_MODELS)
def test_speed_limits_never_exceed_the_actual_times_for_every_model(name):
    """At every grid time t: max(t_MT, t_ML) of the state psi(t) <= t; hence t_erg / t_QSL >= 1 and
    the time of tau* is above its QSL, for each model that records the speed-limit series (pure
    states of a time-independent H), at N = 1, 2, 3 with default parameters (a random model: one
    disorder realisation)."""
    t = np.linspace(0.0, 15.0, 301)
    extra = {"realisations": [0], "seed": 1} if get_model(name).random else {}
    ds = qbattery.simulate(name, N=[1, 2, 3], times=t, numerics=Numerics(fock_extra=10, on_violation="nan"), **extra)
    if "realisation" in ds.dims:
        ds = ds.isel(realisation=0)
    q = qsl_time(ds.overlap.values, ds.energy_spread.values, ds.mean_energy.values)
    assert np.all(q <= t * (1 + REL) + 1e-12)
    pw = analyse_power(ds)
    assert np.all(pw.qsl_ratio.values >= 1 - REL)
    assert np.all(pw.qsl_ratio_tau_star.values >= 1 - REL)
    assert np.all(pw.qsl_power_bound.values >= pw.qsl_target_ergotropy.values / pw.qsl_target_time.values * (1 - REL))
    for v in ("qsl_time", "qsl_mt_time", "qsl_ml_time", "qsl_ratio", "qsl_power_bound"):
        assert pw[v].attrs["units"] and pw[v].attrs["long_name"]


def test_lanczos_ground_energy_is_bitwise_reproducible_and_equals_dense():
    """Reruns give the same numbers: the Lanczos ground energy of a large sparse H (ARPACK,
    which starts from a random vector unless given one) is identical call after call, and
    equals dense diagonalisation to 1e-10."""
    import scipy.sparse as sp
    from qbattery.physics.speed_limits import ground_energy

    rng = np.random.default_rng(3)
    A = sp.random(400, 400, density=0.02, random_state=rng)
    H = (A + A.T).tocsr()
    first = ground_energy(H)
    assert all(ground_energy(H) == first for _ in range(5))
    assert abs(first - np.linalg.eigvalsh(H.toarray())[0]) < 1e-10
