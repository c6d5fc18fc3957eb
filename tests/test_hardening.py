"""Hardening (issue 22): no silent bias, fail before running, one clear line for every
mistake. Each test here failed on the code before issue 22."""

from __future__ import annotations

import numpy as np
import pytest
from qbattery.physics.quantities import capacity, energy, ergotropy, gibbs_state, passive_state

NAN, INF = float("nan"), float("inf")
H2 = np.diag([0.0, 1.0])
MIXED = np.diag([0.7, 0.3])


# ---------------------------------------------------------------------------------------
# Hamiltonians and states with NaN or inf; energy of a non-state; Gibbs state at T = 0
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
@pytest.mark.parametrize("where", [(0, 0), (0, 1)])
@pytest.mark.parametrize("fn", [energy, ergotropy, capacity, passive_state], ids=lambda f: f.__name__)
def test_non_finite_hamiltonian_is_refused(fn, where, bad):
    """NaN passes the Hermiticity check (NaN > tol is false) and eigh then returns NaN (or, for
    the passive state, a finite wrong state): a Hamiltonian with a non-finite entry is refused."""
    H = H2.astype(complex)
    H[where] = bad
    if where != (0, 0):
        H[where[::-1]] = bad
    with pytest.raises(ValueError, match="non-finite entry"):
        fn(MIXED, H)


@pytest.mark.parametrize("fn", [energy, ergotropy, capacity], ids=lambda f: f.__name__)
def test_non_finite_state_is_refused(fn):
    with pytest.raises(ValueError, match="NaN or inf"):
        fn(np.array([[NAN, 0], [0, 1.0]]), H2)


def test_energy_of_a_non_positive_matrix_is_refused_as_ergotropy_refuses_it():
    """diag(1.5, -0.5) has unit trace and is Hermitian but is not a state: Tr(rho H) = -0.5
    would be a 'mean energy' below the ground energy 0. energy refuses it like ergotropy."""
    rho = np.diag([1.5, -0.5])
    for fn in (energy, ergotropy):
        with pytest.raises(ValueError, match="not positive semidefinite"):
            fn(rho, H2)


def test_gibbs_state_refuses_non_hermitian_or_non_finite_hamiltonians_and_nan_beta():
    with pytest.raises(ValueError, match="not Hermitian"):
        gibbs_state(np.array([[0.0, 1.0], [0.0, 1.0]]), 1.0)
    with pytest.raises(ValueError, match="non-finite entry"):
        gibbs_state(np.diag([0.0, NAN]), 1.0)
    with pytest.raises(ValueError, match="beta"):
        gibbs_state(H2, NAN)


@pytest.mark.parametrize("levels, ground", [([0.0, 1.0, 2.5], [0]), ([-1.0, -1.0, 0.5, 3.0], [0, 1])])
def test_gibbs_state_at_infinite_beta_is_the_ground_manifold_projector(levels, ground):
    """T -> 0 limit: exp(-beta H)/Z -> P_0 / g, the projector onto the g-fold degenerate ground
    manifold (third law). Checked analytically in a random eigenbasis and against beta = 60,
    where the excited weight exp(-60 * gap) < 1e-26 is below round-off. beta = -inf: the top
    manifold (negative-temperature limit). Before issue 22 beta = inf returned NaN."""
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.normal(size=(len(levels),) * 2) + 1j * rng.normal(size=(len(levels),) * 2))
    H = q @ np.diag(levels) @ q.conj().T
    P0 = q[:, ground] @ q[:, ground].conj().T / len(ground)
    g = gibbs_state(H, INF)
    np.testing.assert_allclose(g, P0, atol=1e-12)
    np.testing.assert_allclose(gibbs_state(H, 60.0), g, atol=1e-12)
    top = q[:, [-1]] @ q[:, [-1]].conj().T
    np.testing.assert_allclose(gibbs_state(H, -INF), top, atol=1e-12)
