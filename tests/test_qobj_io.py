"""Qobj in, Qobj out; kets are states (qbattery.physics.qobj.qobj_io on the public functions).

Physics checked: a pure state |psi> and its density matrix |psi><psi| are the same state, so every
functional (energy, ergotropy, capacity, entropies, relative entropy to the Gibbs state) agrees;
a qutip Qobj and its numpy array give the same numbers; the passive state of a Qobj is a Qobj with
the input's tensor dims, and it is passive (zero ergotropy, same spectrum); a pure state's
ergotropy is E - E_0 (its passive state is the ground state), its entropy 0.
"""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

import qbattery as qb
from qbattery.physics.speed_limits import energy_moments
from qbattery.physics.thermal_ops import free_energy_difference, relative_entropy_to_gibbs, thermal_operation

DIMS = [2, 2]


def _h() -> qutip.Qobj:
    """H_B of two cells with omega_a = 1 plus a small exchange term (non-degenerate, not diagonal)."""
    sm = qutip.destroy(2)
    return (
        qutip.tensor(qutip.num(2), qutip.qeye(2))
        + 1.3 * qutip.tensor(qutip.qeye(2), qutip.num(2))
        + 0.2 * (qutip.tensor(sm.dag(), sm) + qutip.tensor(sm, sm.dag()))
    )


kets = st.integers(0, 2**32 - 1).map(lambda seed: qutip.rand_ket(DIMS, seed=seed))


@settings(max_examples=30, deadline=None)
@given(kets)
def test_a_ket_and_its_density_matrix_are_the_same_state(ket):
    H = _h()
    rho = ket.proj()
    for f in (qb.energy, qb.ergotropy, qb.capacity):
        assert f(ket, H) == pytest.approx(f(rho, H), abs=1e-12), f.__name__
        assert f(ket.full().ravel(), H.full()) == pytest.approx(f(rho, H), abs=1e-12), f.__name__  # 1-d array ket
    e0 = float(np.linalg.eigvalsh(H.full())[0])
    assert qb.ergotropy(ket, H) == pytest.approx(qb.energy(ket, H) - e0, abs=1e-10)  # pure: passive state = ground state
    assert qb.von_neumann_entropy(ket) == pytest.approx(0.0, abs=1e-10)
    assert qb.mutual_information(ket, (2, 2)) == pytest.approx(2 * qb.von_neumann_entropy(qb.partial_trace(ket, (2, 2), 0)), abs=1e-10)
    assert relative_entropy_to_gibbs(ket, H, 0.7) == pytest.approx(relative_entropy_to_gibbs(rho.full(), H.full(), 0.7), abs=1e-10)
    assert free_energy_difference(ket, H, 0.7) == pytest.approx(free_energy_difference(rho, H, 0.7), abs=1e-10)
    mean, spread = energy_moments(H, ket)
    assert mean == pytest.approx(qb.energy(ket, H), abs=1e-12)
    assert spread**2 == pytest.approx(qb.energy(ket, H * H) - mean**2, abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_qobj_and_array_give_the_same_numbers_and_states_keep_their_dims(seed):
    H = _h()
    rho = qutip.rand_dm(DIMS, seed=seed)
    for f in (qb.energy, qb.ergotropy, qb.capacity):
        assert f(rho, H) == pytest.approx(f(rho.full(), H.full()), abs=1e-12)
    assert qb.von_neumann_entropy(rho) == pytest.approx(qb.von_neumann_entropy(rho.full()), abs=1e-12)
    pi = qb.passive_state(rho, H)
    assert isinstance(pi, qutip.Qobj) and pi.dims == rho.dims
    arr = qb.passive_state(rho.full(), H.full())
    assert isinstance(arr, np.ndarray) and np.allclose(arr, pi.full(), atol=1e-12)  # arrays in, arrays out
    assert qb.ergotropy(pi, H) == pytest.approx(0.0, abs=1e-10)  # passive
    assert np.allclose(np.sort(pi.eigenenergies()), np.sort(rho.eigenenergies()), atol=1e-10)  # same spectrum (unitary orbit)
    assert qb.energy(rho, H) - qb.energy(pi, H) == pytest.approx(qb.ergotropy(rho, H), abs=1e-10)
    red = qb.partial_trace(rho, (2, 2), 1)
    assert isinstance(red, qutip.Qobj) and red.dims == [[2], [2]]
    assert np.allclose(red.full(), rho.ptrace(1).full(), atol=1e-12)  # qutip's own partial trace
    g = qb.gibbs_state(H, 0.8)
    assert isinstance(g, qutip.Qobj) and g.dims == H.dims and g.tr() == pytest.approx(1.0)
    assert np.allclose(g.full(), (-0.8 * H).expm().full() / (-0.8 * H).expm().tr(), atol=1e-12)


def test_thermal_operation_of_a_qobj_is_a_qobj_with_the_battery_dims():
    """rho_B' = Tr_R[U (rho_B x sigma_R) U^dag] with the identity U returns rho_B itself."""
    rho_B = qutip.rand_dm([2], seed=3)
    sigma = qutip.rand_dm([2], seed=4)
    out = thermal_operation(rho_B, sigma, np.eye(4))
    assert isinstance(out, qutip.Qobj) and out.dims == rho_B.dims and np.allclose(out.full(), rho_B.full())
    assert isinstance(thermal_operation(rho_B.full(), sigma.full(), np.eye(4)), np.ndarray)


def test_a_non_normalised_ket_is_refused_like_a_non_normalised_state():
    with pytest.raises(ValueError, match="not normalised"):
        qb.ergotropy(np.array([1.0, 1.0]), np.diag([0.0, 1.0]))
