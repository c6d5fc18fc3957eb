"""Bring your own battery (qbattery.charge, models.custom): the generic route from user operators.

Physics checked: the generic route reproduces every catalogue model it can express (Dicke and
Tavis-Cummings in the symmetric Dicke subspace with a Fock charger, the XXZ spin chain in the full
2^N space) to 1e-10 in energy and ergotropy along the trajectory, from operators written here
from the model definitions; a battery declared as N cells in their symmetric subspace gets the
ergotropy over the full space (checked by embedding the state into the full tensor-product space);
time-dependent charging against the exact rotating-frame solution; dissipation against the analytic
decay and qutip.mesolve; the first law E(t) - E(0) = W + Q; and bad operators get one-line errors.
"""

from __future__ import annotations

import copy
import itertools
import sys

import numpy as np
import pytest
import qbattery
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery import InputError, Numerics
from qbattery.custom_battery import cells_levels
from qbattery.models.custom import CustomBattery

from e2e import ROOT

sys.path.insert(0, str(ROOT / "config" / "examples"))
import custom_battery as example  # noqa: E402  (the worked example of docs/custom-battery.md)

T = np.linspace(0.0, 10.0, 101)
SX = np.array([[0.0, 1.0], [1.0, 0.0]])
SY = np.array([[0.0, -1j], [1j, 0.0]])
SZ = np.diag([-1.0, 1.0])
SM = np.array([[0.0, 1.0], [0.0, 0.0]])  # |g><e| in the basis (|g>, |e>)
NE = np.diag([0.0, 1.0])


def dicke_operators(N: int):
    """J_z + N/2 = diag(k) and J_x on the symmetric subspace |N/2, k>, k = 0..N excitations."""
    k = np.arange(N + 1)
    jp = np.diag(np.sqrt((k[:-1] + 1.0) * (N - k[:-1])), -1)  # <k+1|J_+|k>
    return np.diag(k.astype(float)), jp


def fock(n_max: int):
    a = np.diag(np.sqrt(np.arange(1.0, n_max)), 1)
    return a, np.diag(np.arange(n_max, dtype=float))


def assert_same_trajectory(custom, catalogue):
    np.testing.assert_allclose(custom.energy.values, catalogue.energy.values, atol=1e-10, rtol=0)
    np.testing.assert_allclose(custom.ergotropy.values, catalogue.ergotropy.values, atol=1e-10, rtol=0)


# ---------------------------------------------------------------------------------------- catalogue models
@pytest.mark.parametrize("N", [1, 2, 3])
@pytest.mark.parametrize("rwa", [False, True], ids=["dicke", "tavis_cummings"])
def test_generic_route_reproduces_the_dicke_and_tavis_cummings_batteries(N, rwa):
    """N cells in the symmetric Dicke subspace (cells=N, subspace symmetric: full 2^N spectrum) (x)
    a Fock charger with N photons, coupling 2 omega_c lambda J_x (a + a^dag) (Dicke) or
    omega_c lambda (J_+ a + J_- a^dag) (rotating wave), at the catalogue's converged Fock cutoff:
    energy and ergotropy equal the catalogue's to 1e-10 at every time."""
    name = "tavis_cummings" if rwa else "dicke"
    lam, wc = 0.3, 1.2
    cat = qbattery.simulate(name, N=[N], times=T, coupling=lam, omega_c=wc)
    n_max = int(cat.fock_cutoff.values[0])
    HB, jp = dicke_operators(N)
    a, n = fock(n_max)
    if rwa:
        H_int = wc * lam * (np.kron(jp, a) + np.kron(jp.T, a.T))
    else:
        H_int = 2 * wc * lam * np.kron(0.5 * (jp + jp.T), a + a.T)
    psi0 = np.kron(np.eye(N + 1)[0], np.eye(n_max)[N])
    ds = qbattery.charge(HB, psi0, T, H_C=wc * n, H_int=H_int, cells=N, subspace="symmetric")
    assert_same_trajectory(ds, cat)
    np.testing.assert_allclose(ds.max_power.values, cat.energy.values[0, 1:].__truediv__(T[1:]).max(), rtol=1e-2)


def xxz_chain(N: int, J: float, delta: float, g: float, periodic: bool):
    """(H_B, H_int + H_field) of the XXZ chain on 2^N, written from their definitions with kron."""

    def site(op, i):
        out = np.eye(1)
        for j in range(N):
            out = np.kron(out, op if j == i else np.eye(2))
        return out

    bonds = [(i, i + 1) for i in range(N - 1)] + ([(N - 1, 0)] if periodic and N >= 3 else [])
    HB = sum(site(NE, i) for i in range(N))
    Hint = sum(J * (site(SX, i) @ site(SX, j) + site(SY, i) @ site(SY, j) + delta * site(SZ, i) @ site(SZ, j)) for i, j in bonds)
    Hf = g * sum(site(SX, i) for i in range(N))
    return HB, (Hint if bonds else 0) + Hf


@pytest.mark.parametrize("N,periodic", [(1, 0), (2, 0), (3, 1), (4, 0), (4, 1)])
def test_generic_route_reproduces_the_spin_chain(N, periodic):
    """The XXZ chain charged by a transverse field, full 2^N space, H_B = sum_i |e><e|_i as given
    (spectrum of H_B, no subspace): energy and ergotropy equal the catalogue's (symmetric-sector
    route) to 1e-10; the pure state's ergotropy is its energy."""
    p = {"J": 0.3, "anisotropy": 0.7, "drive": 0.5, "periodic": periodic}
    cat = qbattery.simulate("spin_chain", N=[N], times=T, **p)
    HB, H = xxz_chain(N, p["J"], p["anisotropy"], p["drive"], bool(periodic))
    ds = qbattery.charge(HB, np.eye(2**N)[0], T, H)
    assert_same_trajectory(ds, cat)
    np.testing.assert_allclose(ds.ergotropy.values, ds.energy.values, atol=1e-12)


def test_generic_route_reproduces_the_catalogue_correlations_of_tavis_cummings():
    """With a charger factor the correlation stage's library accepts the custom battery: mutual
    information, locked and global ergotropy equal the catalogue's Tavis-Cummings ones (N = 2)."""
    from qbattery.correlations import correlations_grid
    from qbattery.custom_battery import battery

    N, lam = 2, 0.2
    cat = correlations_grid("tavis_cummings", N, T, {"coupling": lam, "omega_c": 1.0}, Numerics())
    n_max = int(cat.charger_dimension.values.ravel()[0])
    HB, jp = dicke_operators(N)
    a, n = fock(n_max)
    b = battery(
        HB,
        np.kron(np.eye(N + 1)[0], np.eye(n_max)[N]),
        T,
        H_C=n,
        H_int=lam * (np.kron(jp, a) + np.kron(jp.T, a.T)),
        cells=N,
        subspace="symmetric",
    )
    ds = correlations_grid(CustomBattery.of_battery(b), N, T, {}, Numerics())
    for k in ("mutual_information", "global_ergotropy", "locked_ergotropy", "ergotropy", "charger_energy"):
        np.testing.assert_allclose(ds[k].values, cat[k].values, atol=1e-10, err_msg=k)


# ---------------------------------------------------------------------------------------- subspace ergotropy
def embed_symmetric(N: int, d: int) -> np.ndarray:
    """Isometry (d^N, dim_sym): the normalised symmetrised states of the occupations of example.symmetric_basis."""
    basis = example.symmetric_basis(N, d)
    V = np.zeros((d**N, len(basis)))
    for j, occ in enumerate(basis):
        for idx, word in enumerate(itertools.product(range(d), repeat=N)):
            if tuple(word.count(level) for level in range(d)) == occ:
                V[idx, j] = 1.0
        V[:, j] /= np.linalg.norm(V[:, j])
    return V


@pytest.mark.parametrize("N", [2, 3])
def test_symmetric_subspace_ergotropy_is_the_full_space_ergotropy(N):
    """A mixed state of N three-level cells in their symmetric subspace: with cells=N,
    subspace="symmetric" the ergotropy and capacity equal those of the state embedded in the full
    3^N space under the full H_B (brute force); over the subspace spectrum alone they would be
    smaller for the ergotropy (the check that the declaration matters)."""
    ops = example.three_level_cells(N, drive=0.6, anharmonicity=0.3)
    dim = ops["H_B"].shape[0]
    rng = np.random.default_rng(7)
    w = rng.random(dim)
    rho0 = np.diag(w / w.sum())
    t = np.linspace(0.0, 4.0, 21)
    ds = qbattery.charge(ops["H_B"], rho0, t, ops["H"], cells=N, subspace="symmetric", cell_levels=ops["cell_levels"])
    own = qbattery.charge(ops["H_B"], rho0, t, ops["H"])
    V = embed_symmetric(N, 3)
    cell = np.diag(ops["cell_levels"])
    HB_full = sum(np.kron(np.kron(np.eye(3**i), cell), np.eye(3 ** (N - 1 - i))) for i in range(N))
    np.testing.assert_allclose(V.T @ HB_full @ V, ops["H_B"], atol=1e-12)  # the example's H_B is the restriction
    from qbattery.physics.propagation import propagate

    p, vecs = np.linalg.eigh(rho0)
    states = [propagate(ops["H"] + ops["H_B"], v, t) for v in vecs.T]
    for it in range(len(t)):
        rho = sum(pi * np.outer(s[it], s[it].conj()) for pi, s in zip(p, states))
        full = V @ rho @ V.T
        r = np.sort(np.linalg.eigvalsh(full))[::-1]
        e = np.linalg.eigvalsh(HB_full)
        E = float(np.real(np.trace(full @ HB_full)))
        assert abs(ds.ergotropy.values[0, it] - (E - r @ e)) < 1e-10
        assert abs(ds.capacity.values[0, it] - r @ (e[::-1] - e)) < 1e-10
    assert np.all(own.ergotropy.values <= ds.ergotropy.values + 1e-12) and np.any(own.ergotropy.values < ds.ergotropy.values - 1e-3)


def test_cells_levels_count_every_state_of_the_full_space():
    """The N-cell spectrum of d-level cells has d^N states (multinomial degeneracies) and the
    levels of sum_i h_i: N = 3 cells with levels (0, 1, 1.7) against the explicit 27 sums."""
    spec = cells_levels(3, np.array([0.0, 1.0, 1.7]))
    sums = sorted(round(a + b + c, 9) for a, b, c in itertools.product((0.0, 1.0, 1.7), repeat=3))
    assert spec.dimension == 27
    assert np.allclose(spec.lowest(27), sums)


# ---------------------------------------------------------------------------------------- time dependence, dissipation
def test_time_dependent_drive_matches_the_rotating_frame_solution_and_the_first_law():
    """Lab-frame resonant drive H(t) = g [cos(t) sigma^x - sin(t) sigma^y] = g (e^{-it} |e><g| + h.c.)
    on omega_a |e><e| (qutip's list form, function coefficients): in the frame rotating at omega_a
    a static Rabi drive, so
    E(t) = sin^2(g t) exactly; closed, so W(t) = E(t) - E(0), Q = 0, residual below first_law_tol;
    array coefficients on the grid (cubic spline, as qutip) agree to the spline error."""
    g = 0.3
    t = np.linspace(0.0, 10.0, 401)
    H = [[SX, lambda s: g * np.cos(s)], [SY, lambda s, args: -args["g"] * np.sin(s)]]
    ds = qbattery.charge(NE, [1.0, 0.0], t, H, args={"g": g})
    np.testing.assert_allclose(ds.energy.values[0], np.sin(g * t) ** 2, atol=1e-8)
    np.testing.assert_allclose(ds.work.values[0], ds.stored_energy.values[0], atol=1e-8)
    np.testing.assert_allclose(ds.heat.values[0], 0.0, atol=1e-12)
    assert float(ds.first_law_residual.values[0]) < 1e-8
    arr = qbattery.charge(NE, [1.0, 0.0], t, [[SX, g * np.cos(t)], [SY, -g * np.sin(t)]])
    np.testing.assert_allclose(arr.energy.values, ds.energy.values, atol=1e-6)


def test_decay_matches_the_analytic_solution_and_heat_carries_the_loss():
    """|e> decaying with c = sqrt(gamma) sigma^-: E(t) = exp(-gamma t), no work, Q(t) = E(t) - 1;
    the ergotropy is the inverted population's: max(0, 2 p_e - 1)."""
    gamma = 0.2
    ds = qbattery.charge(NE, [0.0, 1.0], T, c_ops=[np.sqrt(gamma) * SM], power=False)  # a discharge: no charging power
    pe = np.exp(-gamma * T)
    np.testing.assert_allclose(ds.energy.values[0], pe, atol=1e-10)
    np.testing.assert_allclose(ds.heat.values[0], pe - 1.0, atol=1e-10)
    np.testing.assert_allclose(ds.work.values[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.ergotropy.values[0], np.clip(2 * pe - 1, 0, None), atol=1e-10)


def test_driven_open_cell_matches_qutip_mesolve_and_keeps_the_first_law():
    """The example's pulsed decaying cell (time dependence + dissipation, qutip Qobj operators):
    energy equals qutip.mesolve's (an independent ODE route) and E - E(0) = W + Q to first_law_tol."""
    import qutip as qt

    ops = example.pulsed_decaying_cell(1, drive=0.2, gamma=0.05)
    ds = qbattery.charge(
        qt.Qobj(ops["H_B"]),
        qt.Qobj(ops["state"]),
        T,
        [[qt.Qobj(SX), ops["H"][0][1]]],
        args=ops["args"],
        c_ops=[qt.Qobj(c) for c in ops["c_ops"]],
    )
    H = [qt.Qobj(ops["H_B"]), [qt.Qobj(SX), lambda t: 2 * 0.2 * np.cos(t)]]
    res = qt.mesolve(
        H, qt.basis(2, 0), T, c_ops=[qt.Qobj(c) for c in ops["c_ops"]], e_ops=[qt.Qobj(NE)], options={"atol": 1e-12, "rtol": 1e-10}
    )
    np.testing.assert_allclose(ds.energy.values[0], res.expect[0], atol=1e-7)
    assert float(ds.first_law_residual.values[0]) < 1e-8
    np.testing.assert_allclose(ds.work.values[0] + ds.heat.values[0], ds.stored_energy.values[0], atol=1e-8)


@pytest.mark.parametrize("N", [2, 5])
def test_three_level_example_is_N_independent_cells(N):
    """H_B + H_charge of the example is a sum of identical single-cell terms, so N cells in the
    symmetric subspace (Schwinger-boson operators) evolve as N independent copies of one cell:
    E_N(t) = N E_1(t) exactly, and so P_max grows exactly linearly (alpha = 1)."""
    one = qbattery.charge(times=T, **example.three_level_cells(1, drive=0.7, anharmonicity=0.25))
    many = qbattery.charge(times=T, **example.three_level_cells(N, drive=0.7, anharmonicity=0.25))
    np.testing.assert_allclose(many.energy.values[0], N * one.energy.values[0], atol=1e-10)
    np.testing.assert_allclose(many.max_power.values, N * one.max_power.values, rtol=1e-9)


def test_three_level_example_obeys_the_bounds_of_a_pure_battery_state():
    """The worked example at N = 4: 0 <= ergotropy <= energy <= capacity-bounded maximum N e_max,
    pure state of the cells alone: ergotropy = energy, capacity = N (2 - anharmonicity); speed limits
    hold (t_erg / t_QSL >= 1)."""
    ops = example.three_level_cells(4, drive=0.5, anharmonicity=0.2)
    ds = qbattery.charge(times=T, **ops)
    np.testing.assert_allclose(ds.ergotropy.values, ds.energy.values, atol=1e-10)
    np.testing.assert_allclose(ds.capacity.values, 4 * 1.8, atol=1e-10)
    assert np.all(ds.energy.values <= 4 * 1.8 + 1e-12) and float(ds.qsl_ratio.values[0]) >= 1 - 1e-9


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), dB=st.integers(2, 3), dC=st.integers(1, 2), n_ops=st.integers(0, 2))
def test_any_battery_keeps_the_ergotropy_bounds_and_the_first_law(seed, dB, dC, n_ops):
    """Random Hermitian H_B, H_C, coupling and Lindblad operators, a random ket: at every time
    0 <= ergotropy <= energy (ground energy 0) and ergotropy <= capacity (passive <= actual <= top
    filled), and with dissipation E(t) - E(0) = W + Q to first_law_tol."""
    rng = np.random.default_rng(seed)

    def herm(d):
        A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        return (A + A.conj().T) / 4

    d = dB * dC
    psi = rng.normal(size=d) + 1j * rng.normal(size=d)
    kw = {"H_C": herm(dC), "H_int": herm(d)} if dC > 1 else {}
    c_ops = [0.3 * (rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))) / np.sqrt(d) for _ in range(n_ops)]
    ds = qbattery.charge(herm(dB), psi / np.linalg.norm(psi), np.linspace(0, 3, 16), herm(d), c_ops=c_ops, power=False, **kw)
    E, erg, cap = ds.energy.values, ds.ergotropy.values, ds.capacity.values
    assert np.all(erg >= 0) and np.all(erg <= E + 1e-10) and np.all(erg <= cap + 1e-10)
    if n_ops:
        assert float(ds.first_law_residual.values[0]) < 1e-8


# ---------------------------------------------------------------------------------------- work statistics
def test_work_statistics_of_a_driven_cell_is_the_analytic_tpm_result():
    """One cell, H_B = |e><e|, pulse H = H_B + (g/2) sigma^x from the Gibbs state: each absorption
    or emission of omega_a has probability P = (g/Omega)^2 sin^2(Omega tau / 2), Omega = sqrt(1 + g^2),
    so <W> = tanh(1 / 2T) P; Jarzynski holds (cyclic: dF = 0)."""
    from qbattery.custom_battery import work_statistics

    g, taus, temps = 1.0, [0.5, 1.0, 3.0], [0.5, 2.0]
    ds = work_statistics(NE, 0.5 * g * SX, taus, temps)
    om = np.sqrt(1 + g**2)
    for T in temps:
        expected = np.tanh(1 / (2 * T)) * (g / om) ** 2 * np.sin(om * np.array(taus) / 2) ** 2
        np.testing.assert_allclose(ds.mean_work.sel(temperature=T).values, expected, atol=1e-12)
    assert ds.jarzynski_residual.values.max() < 1e-10 and ds.second_law_margin.values.min() >= -1e-12


def test_work_statistics_of_the_spin_chain_operators_equal_the_catalogue_work_face():
    """Measured H_0 = H_B + H_int of the chain and the field pulse as the user's operators: the TPM
    mean work and variance equal the catalogue spin_chain work face's (N = 3, periodic)."""
    from qbattery.custom_battery import work_statistics
    from qbattery.work_statistics import Settings, _statistics, point_distributions

    p = {"J": 0.3, "anisotropy": 0.7, "drive": 0.5, "periodic": 1}
    HB, H = xxz_chain(3, p["J"], p["anisotropy"], p["drive"], True)
    _, field = xxz_chain(3, 0.0, 0.0, p["drive"], False)
    ds = work_statistics(HB + H - field, field, [0.7, 2.0], [1.0])
    ref = point_distributions(qbattery.get_model("spin_chain"), 3, p, [0.7, 2.0], [1.0], 0, Settings())
    for it in range(2):
        st = _statistics(ref[it][0], Settings())
        assert abs(float(ds.mean_work.values[0, it]) - st["mean_work"]) < 1e-10
        assert abs(float(ds.work_variance.values[0, it]) - st["work_variance"]) < 1e-10


# ---------------------------------------------------------------------------------------- bad operators
BAD = [
    ({"H_B": np.array([[0.0, 1.0], [0.0, 1.0]])}, "charge: argument H_B", "not Hermitian"),
    ({"H": np.eye(3)}, "charge: argument H", "does not match the system dimension 2"),
    ({"state": [1.0, 1.0]}, "charge: argument state", "not normalised"),
    ({"state": np.diag([0.7, 0.7])}, "charge: argument state", "not normalised"),
    ({"state": np.diag([1.2, -0.2])}, "charge: argument state", "not positive"),
    ({"state": [1.0, 0.0, 0.0]}, "charge: argument state", "does not match the system dimension 2"),
    ({"H_int": np.eye(2)}, "charge: argument H_int", "needs a charger factor"),
    ({"H": [[SX, lambda t: 1j * t]]}, "charge: argument H[0][1]", "complex"),
    ({"H": [[SX, np.ones(5)]]}, "charge: argument H[0][1]", "does not match the 101 times"),
    ({"c_ops": [np.eye(3)]}, "charge: argument c_ops[0]", "does not match the system dimension 2"),
    ({"subspace": "dicke"}, "charge: argument subspace", "unknown subspace"),
    ({"subspace": "symmetric"}, "charge: argument subspace", "needs the number of cells"),
    ({"cells": 2, "subspace": "symmetric", "cell_levels": [0.0, 1.0], "H_B": np.diag([0.0, 0.7])}, "charge: argument H_B", "do not have"),
    ({"times": [0.0, 1.0]}, "charge: argument times", "fewer than 3"),
]


@pytest.mark.parametrize("change,where,reason", BAD, ids=[b[1].split()[-1] + ":" + b[2] for b in BAD])
def test_bad_operators_get_one_line_errors_naming_the_argument(change, where, reason):
    """Non-Hermitian operators, mismatched dimensions, unnormalised or non-positive states, an
    interaction without a charger, complex or mis-sized coefficients, an undeclared subspace:
    one InputError line naming the argument and the reason."""
    kw = {"H_B": NE, "state": [1.0, 0.0], "times": T, "H": 0.5 * SX, **change}
    with pytest.raises(InputError) as err:
        qbattery.charge(**kw)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(where) and reason in msg, msg


# ---------------------------------------------------------------------------------------- the config route

import yaml  # noqa: E402
from qbattery.config import ConfigError, validate_config  # noqa: E402
from qbattery.stages import correlations as corr_stage  # noqa: E402
from qbattery.stages import simulate as sim_stage  # noqa: E402


def custom_config(module: str | None = None, function: str = "three_level_cells", parameters: dict | None = None) -> dict:
    raw = yaml.safe_load((ROOT / "config" / "examples" / "custom.yaml").read_text())
    entry = raw["models"]["custom"]
    entry["module"] = module or str(ROOT / "config" / "examples" / "custom_battery.py")
    entry["function"] = function
    if parameters is not None:
        entry["parameters"] = parameters
    return raw


def test_config_route_sweeps_the_user_parameters_like_a_catalogue_model():
    """The simulate job of models.custom at N = 2 is a grid over the user's swept parameter (drive)
    with the fixed one (anharmonicity) as a scalar coordinate, and each point equals qbattery.charge
    on the function's operators at that point."""
    cfg = validate_config(custom_config())
    job = sim_stage.job_config(cfg, "custom", 2)
    ds = sim_stage.simulate_point(job, "custom", 2)
    t = ds.t.values
    assert ds.energy.dims == ("N", "drive", "t") and float(ds.anharmonicity) == 0.2
    for drive in (0.5, 1.0):
        ref = qbattery.charge(times=t, power=False, **example.three_level_cells(2, drive=drive, anharmonicity=0.2))
        np.testing.assert_allclose(ds.energy.sel(drive=drive).values[0], ref.energy.values[0], atol=1e-12)
        np.testing.assert_allclose(ds.ergotropy.sel(drive=drive).values[0], ref.ergotropy.values[0], atol=1e-12)
    assert (
        ds.attrs["custom_function"] == "three_level_cells" and ds.attrs["custom_module_sha256"] == cfg["models"]["custom"]["module_sha256"]
    )
    pw = sim_stage.power_analysis(ds, None)
    assert np.all(np.isfinite(pw.max_power.values)) and np.all(pw.qsl_ratio.values >= 1 - 1e-9)


BAD_MODULE = """
import numpy as np

def non_hermitian(N, **p):
    return {"H_B": np.array([[0.0, 1.0], [0.0, 1.0]]), "state": np.array([1.0, 0.0])}

def mismatched(N, **p):
    return {"H_B": np.diag([0.0, 1.0]), "H": np.eye(3), "state": np.array([1.0, 0.0])}

def unnormalised(N, **p):
    return {"H_B": np.diag([0.0, 1.0]), "state": np.array([1.0, 1.0])}

def raises(N, **p):
    raise RuntimeError("no battery here")

def unknown_key(N, **p):
    return {"H_B": np.diag([0.0, 1.0]), "state": np.array([1.0, 0.0]), "Hb": 1}

def charger(N, coupling=0.2, **p):
    k = np.arange(N + 1)
    jp = np.diag(np.sqrt((k[:-1] + 1.0) * (N - k[:-1])), -1)
    n_max = N + 3
    a = np.diag(np.sqrt(np.arange(1.0, n_max)), 1)
    return {"H_B": np.diag(k * 1.0), "H_C": np.diag(np.arange(n_max) * 1.0),
            "H_int": coupling * (np.kron(jp, a) + np.kron(jp.T, a.T)),
            "state": np.kron(np.eye(N + 1)[0], np.eye(n_max)[N]), "cells": N, "subspace": "symmetric"}
"""


@pytest.mark.parametrize(
    "change,where,reason",
    [
        ({"module": "no/such/file.py"}, "config key models.custom.module", "no such file"),
        ({"module": "no_such_module_xyz"}, "config key models.custom.module", "no such module"),
        ({"function": "three_level"}, "config key models.custom.function", "has no function"),
        ({"function": "non_hermitian", "bad": True}, "config key models.custom.function (at N=1) returned H_B", "not Hermitian"),
        (
            {"function": "mismatched", "bad": True},
            "config key models.custom.function (at N=1) returned H",
            "does not match the system dimension 2",
        ),
        ({"function": "unnormalised", "bad": True}, "config key models.custom.function (at N=1) returned state", "not normalised"),
        ({"function": "raises", "bad": True}, "config key models.custom.function (at N=1)", "raised RuntimeError: no battery here"),
        ({"function": "unknown_key", "bad": True}, "config key models.custom.function (at N=1)", "unknown key(s) ['Hb']"),
        ({"parameters": {"drive": "fast"}}, "config key models.custom.parameters.drive", "is invalid"),
        ({"module": None}, "config key models.custom", "'module' is a required property"),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_bad_user_modules_and_operators_are_refused_at_validation_in_one_line(tmp_path, change, where, reason):
    """Before any job: a missing module or function, operators that are not Hermitian, mismatched
    dimensions, an unnormalised state, a function that raises or returns unknown keys, and a
    non-number parameter each give one line naming the key and the reason."""
    change = dict(change)
    bad = change.pop("bad", False)
    mod = tmp_path / "bad_battery.py"
    mod.write_text(BAD_MODULE)
    cfg = custom_config(str(mod) if bad else None, parameters={} if bad else None)
    cfg["models"]["custom"]["N"] = [1]
    for k, v in change.items():
        if v is None:
            del cfg["models"]["custom"][k]
        else:
            cfg["models"]["custom"][k] = v
    with pytest.raises(ConfigError) as err:
        validate_config(cfg)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(where) and reason in msg, msg


def test_correlations_stage_takes_a_custom_battery_only_with_a_charger(tmp_path):
    """With a charger factor (H_C, H_int) the correlations stage analyses models.custom and its job
    reproduces the catalogue's Tavis-Cummings correlations; without one (the three-level example) the
    stage skips it and naming it explicitly is refused in one line."""
    from qbattery import stages
    from qbattery.correlations import correlations_grid

    mod = tmp_path / "charged.py"
    mod.write_text(BAD_MODULE)
    cfg = custom_config(str(mod), function="charger", parameters={"coupling": 0.2})
    cfg["models"]["custom"]["N"] = [2]
    cfg["time"] = {"t_max": 6.0, "points": 61}
    cfg["correlations"] = {}
    full = validate_config(cfg)
    assert corr_stage.models(full) == ["custom"]
    job = corr_stage.job_config(full, "custom", 2)
    sim = sim_stage.simulate_point(sim_stage.job_config(full, "custom", 2), "custom", 2)
    ds = corr_stage.correlations_point(job, "custom", 2, sim_stage.power_analysis(sim, None), sim)
    cat = correlations_grid("tavis_cummings", 2, np.linspace(0, 6, 61), {"coupling": 0.2, "omega_c": 1.0}, Numerics())
    np.testing.assert_allclose(ds.mutual_information.values, cat.mutual_information.values, atol=1e-10)
    plain = validate_config(custom_config())
    plain["correlations"] = {}
    assert corr_stage.models(plain) == []
    with pytest.raises(ConfigError, match="has no charger factor H_C"):
        stages.check(validate_config({**custom_config(), "correlations": {"models": ["custom"]}}))


def test_work_statistics_stage_takes_a_custom_protocol_from_the_config():
    """work_statistics.protocols.custom (module, function, parameters) gives the stage's dataset over
    (N, temperature, swept parameter, tau); each point equals the library's TPM statistics of the
    function's operators; the job's config subtree holds the module hash; a time-dependent battery
    is refused at validation in one line."""
    from qbattery.custom_battery import work_statistics
    from qbattery.stages import work as work_stage
    from qbattery.work_statistics import work_statistics_dataset

    cfg = custom_config()
    entry = {k: cfg["models"]["custom"][k] for k in ("module", "function")}
    cfg["work_statistics"] = {
        "temperature": [0.5, 2.0],
        "tau": [0.7, 1.5],
        "protocols": {"custom": {**entry, "N": [1, 2], "parameters": {"drive": [0.3, 0.6]}}},
    }
    full = validate_config(cfg)
    job = work_stage.job_config(full, "custom")
    assert job["work_statistics"]["protocols"]["custom"]["module_sha256"] == full["models"]["custom"]["module_sha256"]
    ds = work_statistics_dataset(job, "custom")
    assert ds.mean_work.dims == ("N", "temperature", "drive", "tau") and np.all(ds.status.values == 0)
    for N in (1, 2):
        for drive in (0.3, 0.6):
            ops = example.three_level_cells(N, drive=drive)
            ref = work_statistics(ops["H_B"], ops["H"], [0.7, 1.5], [0.5, 2.0])
            got = ds.mean_work.sel(N=N, drive=drive).transpose("temperature", "tau").values
            np.testing.assert_allclose(got, ref.mean_work.values, atol=1e-12)
    bad = copy.deepcopy(cfg)
    bad["work_statistics"]["protocols"]["custom"]["function"] = "pulsed_decaying_cell"
    bad["work_statistics"]["protocols"]["custom"]["parameters"] = {}
    with pytest.raises(ConfigError) as err:
        validate_config(bad)
    assert "\n" not in str(err.value) and str(err.value).startswith("config key work_statistics.protocols.custom.function")


def test_snakemake_dry_run_plans_the_custom_example(tmp_path):
    """`snakemake -n --configfile config/examples/custom.yaml` (the module next to the working
    directory, as in the repository): one simulate job per N, the merge, the power analysis and the
    figures."""
    from e2e import snakemake

    (tmp_path / "config" / "examples").mkdir(parents=True)
    (tmp_path / "config" / "examples" / "custom_battery.py").write_text((ROOT / "config" / "examples" / "custom_battery.py").read_text())
    p = snakemake(tmp_path, "--configfile", str(ROOT / "config" / "examples" / "custom.yaml"), "-n")
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout + p.stderr
    for job in ("simulate_point", "merge_simulate", "analyse_power", "figure_trajectories"):
        assert job in out, job
    assert len([line for line in out.splitlines() if "wildcards: model=custom, N=" in line]) == 3
