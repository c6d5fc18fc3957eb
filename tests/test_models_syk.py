"""SYK battery (Rossini et al., PRL 125, 236402 (2020)): the sector Hamiltonian against an independent
Jordan-Wigner construction, the charging dynamics against brute force in the full 2^N space, the
free-fermion limit q = 2, and the seeding of disorder realisations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from qbattery import simulate
from qbattery.config import ConfigError, validate_config
from qbattery.models import Numerics, get_model
from qbattery.models.base import realisation_rng
from qbattery.physics import syk as syk_ops

import bruteforce as bf

MODEL = get_model("syk")


def _fock_to_qutip(N: int) -> np.ndarray:
    """Qutip basis index of every Fock state s (mode i = bit i of s; qutip: mode 0 most significant)."""
    s = np.arange(2**N)
    return sum(((s >> i) & 1) << (N - 1 - i) for i in range(N))


def _full_matrix(N: int, params: dict, disorder: dict) -> np.ndarray:
    H = np.zeros((2**N, 2**N), dtype=complex)
    for Q, block in enumerate(MODEL.sector_hamiltonians(N, params, disorder)):
        st = syk_ops.sector_states(N, Q)
        H[np.ix_(st, st)] = block.toarray()
    return H


@pytest.mark.parametrize("q", [2, 4])
def test_sector_hamiltonian_equals_the_jordan_wigner_construction(q):
    """Every particle-number block of H_1 equals c^dag_I c_K built from Jordan-Wigner qubit
    operators (qutip), element by element, after mapping Fock states to the tensor basis."""
    N = 5
    d = MODEL.draw(N, realisation_rng(7, "syk", N, 0))
    Jm, p = MODEL.couplings(N, {"J": 1.0, "q": q}, d)
    ours = _full_matrix(N, {"J": 1.0, "q": q}, d)
    perm = _fock_to_qutip(N)
    ref = bf.syk_full_space(N, Jm, p)[np.ix_(perm, perm)]
    assert np.abs(ref).max() > 0.1
    np.testing.assert_allclose(ours, ref, atol=1e-12)
    np.testing.assert_allclose(ours, ours.conj().T, atol=1e-14)  # Hermitian


def test_charging_energy_matches_full_space_brute_force():
    """E(t) = <H_B> of the sector route equals exp(-i H_1 t) on the full 2^N space from |g...g>
    (cells in the sigma^y = -1 state): checks the initial state, the sectors and <sigma^y_i>."""
    N, t = 5, np.linspace(0.0, 3.0, 31)
    d = MODEL.draw(N, realisation_rng(3, "syk", N, 1))
    Jm, p = MODEL.couplings(N, {"J": 1.5, "q": 4}, d)
    ref = bf.syk_battery_energy(N, bf.syk_full_space(N, Jm, p), t)
    traj = MODEL.run(N, t, {"J": 1.5, "q": 4}, Numerics(), disorder=d)
    assert ref.max() > 0.5  # the quench charges the battery
    np.testing.assert_allclose(traj.energy, ref, atol=1e-10)
    assert traj.energy[0] == pytest.approx(0.0, abs=1e-12)
    assert traj.diagnostics["energy_drift"] < 1e-10


def test_q2_is_free_fermions():
    """q = 2: the many-body spectrum is the set of sums of single-particle energies eig(J_ij) over
    every occupation pattern, and J_ij has the normalised variance J^2 / N."""
    N = 6
    d = MODEL.draw(N, realisation_rng(11, "syk", N, 0))
    Jm, _ = MODEL.couplings(N, {"J": 1.0, "q": 2}, d)
    eps = np.linalg.eigvalsh(Jm)
    sums = np.sort([eps[list(c)].sum() for k in range(N + 1) for c in itertools.combinations(range(N), k)])
    many = np.sort(np.linalg.eigvalsh(_full_matrix(N, {"J": 1.0, "q": 2}, d)))
    np.testing.assert_allclose(many, sums, atol=1e-12)
    assert syk_ops.coupling_variance(1.0, N, 2) == pytest.approx(1.0 / N)
    assert syk_ops.coupling_variance(2.0, N, 4) == pytest.approx(4.0 * 2 / N**3)


def test_a_realisation_is_reproducible_alone_and_differs_from_the_others():
    """Realisation r drawn from [seed, model, N, r]: simulating r alone gives exactly its values in a
    run of R realisations; another r or another seed gives other couplings."""
    t = np.linspace(0.0, 2.0, 11)
    full = simulate("syk", N=[3, 4], times=t, realisations=3, seed=5, J=1.0)
    alone = simulate("syk", N=[4], times=t, realisations=[2], seed=5, J=1.0)
    assert full.energy.dims[:2] == ("N", "realisation")
    np.testing.assert_array_equal(full.energy.sel(N=4, realisation=2).values, alone.energy.sel(N=4, realisation=2).values)
    e = full.energy.sel(N=4).values
    assert np.abs(e[0] - e[1]).max() > 1e-3
    other = simulate("syk", N=[4], times=t, realisations=[2], seed=6, J=1.0)
    assert np.abs(other.energy.values - alone.energy.values).max() > 1e-3


def test_random_model_needs_realisations():
    """The schema refuses a random model without ``realisations`` (naming the key); the library too."""
    cfg = {"study": "x", "seed": 1, "time": {"t_max": 2.0, "points": 11}, "models": {"syk": {"N": [4]}}}
    with pytest.raises(ConfigError, match="realisations"):
        validate_config(cfg)
    with pytest.raises(ValueError, match="realisations"):
        simulate("syk", N=[4], times=np.linspace(0, 1, 5), seed=1)
    with pytest.raises(ValueError, match="realisations"):
        simulate("dicke", N=[2], times=np.linspace(0, 1, 5), realisations=2)
