"""Long-range XXZ chain, its LMG limit and the disordered chain: each against brute force in the full
2^N space (qutip, couplings written pair by pair), and their analytic limits: alpha_LR = 0 is the
collective (Dicke-subspace) LMG model, alpha_LR -> infinity the nearest-neighbour chain, W = 0 the
clean chain."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.models import Numerics, get_model
from qbattery.models.base import realisation_rng

import bruteforce as bf

LR, LMG, DIS, CHAIN = (get_model(n) for n in ("long_range_xxz", "lmg", "disordered_chain", "spin_chain"))
T = np.linspace(0.0, 4.0, 41)


@pytest.mark.parametrize("periodic", [0, 1])
def test_long_range_chain_matches_full_space_brute_force(periodic):
    """E(t), <H_int>(t) and the interacting ergotropy of J / r^alpha couplings (r the open or ring
    distance) equal qutip's full-space evolution with every pair's coupling written out."""
    N, J, alpha = 5, 0.3, 1.5
    pairs = {(i, j): J / float(j - i if not periodic else min(j - i, N - j + i)) ** alpha for i in range(N) for j in range(i + 1, N)}
    en, ei, erg = bf.chain_energies(N, pairs, 0.7, 0.5, np.zeros(N), T)
    traj = LR.run(N, T, {"J": J, "anisotropy": 0.7, "drive": 0.5, "alpha_LR": alpha, "periodic": periodic}, Numerics())
    np.testing.assert_allclose(traj.energy, en, atol=1e-10)
    np.testing.assert_allclose(traj.series["interaction_energy"], ei, atol=1e-10)
    np.testing.assert_allclose(traj.series["interacting_ergotropy"], erg, atol=1e-10)


@settings(max_examples=10, deadline=None)
@given(N=st.integers(2, 7), J=st.floats(-1.0, 1.0), delta=st.floats(-2.0, 2.0), g=st.floats(0.1, 1.0))
def test_lmg_equals_the_all_to_all_chain(N, J, delta, g):
    """alpha_LR = 0: the Dicke-subspace LMG route equals the full-space all-to-all chain (energy,
    <H_int>, and the interacting ergotropy, whose ground energy min over every total spin S is
    the closed form of the LMG model)."""
    p = {"J": J, "anisotropy": delta, "drive": g}
    full = LR.run(N, T, {**p, "alpha_LR": 0.0, "periodic": 0}, Numerics())
    lmg = LMG.run(N, T, p, Numerics())
    for a, b in ((full.energy, lmg.energy), (full.series["interaction_energy"], lmg.series["interaction_energy"])):
        np.testing.assert_allclose(a, b, atol=1e-9)
    np.testing.assert_allclose(full.series["interacting_ergotropy"], lmg.series["interacting_ergotropy"], atol=1e-9)
    assert lmg.diagnostics["hilbert_dim"] == N + 1


def test_short_range_limit_is_the_nearest_neighbour_chain():
    """alpha_LR = 60: couplings beyond nearest neighbours are 2^-60 J: the spin_chain trajectory."""
    p = {"J": 0.4, "anisotropy": 0.5, "drive": 0.5, "periodic": 0}
    a = LR.run(6, T, {**p, "alpha_LR": 60.0}, Numerics())
    b = CHAIN.run(6, T, p, Numerics())
    np.testing.assert_allclose(a.energy, b.energy, atol=1e-12)


def test_lmg_without_interaction_is_free_precession():
    """J = 0: N independent cells in g sigma^x: E = N 4 g^2 / (1 + 4 g^2) sin^2(sqrt(1 + 4 g^2) t / 2) at N = 400."""
    g, N = 0.5, 400
    traj = LMG.run(N, T, {"J": 0.0, "anisotropy": 0.5, "drive": g}, Numerics())
    om = np.sqrt(1 + 4 * g**2)
    np.testing.assert_allclose(traj.energy, N * 4 * g**2 / om**2 * np.sin(om * T / 2) ** 2, atol=1e-8)


def test_disordered_chain_matches_brute_force_and_is_the_clean_chain_at_zero_disorder():
    """Random fields h_i = W eps_i: the energy w.r.t. the disordered H_B, <H_int> and the interacting
    ergotropy equal qutip's full space; at W = 0 the same draw gives exactly the spin_chain trajectory."""
    N = 5
    d = DIS.draw(N, realisation_rng(4, "disordered_chain", N, 3))
    p = {"J": 0.3, "anisotropy": 0.5, "drive": 0.5, "periodic": 1}
    pairs = {(i, (i + 1) % N): 0.3 for i in range(N)}
    en, ei, erg = bf.chain_energies(N, pairs, 0.5, 0.5, 0.8 * d["eps"], T)
    traj = DIS.run(N, T, {**p, "W": 0.8}, Numerics(), disorder=d)
    np.testing.assert_allclose(traj.energy, en, atol=1e-10)
    np.testing.assert_allclose(traj.series["interacting_ergotropy"], erg, atol=1e-10)
    assert traj.capacity[0] == pytest.approx(N + 0.8 * d["eps"].sum())
    clean = DIS.run(N, T, {**p, "W": 0.0}, Numerics(), disorder=d)
    ref = CHAIN.run(N, T, p, Numerics())
    np.testing.assert_allclose(clean.energy, ref.energy, atol=1e-12)
    np.testing.assert_allclose(clean.series["interacting_ergotropy"], ref.series["interacting_ergotropy"], atol=1e-12)
