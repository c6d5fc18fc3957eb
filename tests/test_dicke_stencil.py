"""The matrix-free Dicke parity-sector operator (physics.dicke_stencil) and its fused Lanczos step,
checked against the assembled Hamiltonian of the package's one spin-boson builder and against
the plain (unfused) Lanczos propagator (issue 18)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qbattery.models import cavity_common as cc
from qbattery.physics.dicke_stencil import DickeSectorOperator
from qbattery.physics.propagation import hamiltonian_matvec, krylov_advance, release_krylov_basis


@settings(max_examples=12, deadline=None)
@given(
    N=st.integers(1, 33),
    n_max=st.integers(2, 48),
    photons=st.integers(0, 41),
    omega_c=st.floats(0.1, 3.0),
    lam=st.floats(0.0, 2.0),
    omega_a=st.floats(0.1, 3.0),
    seed=st.integers(0, 10**6),
)
def test_matrix_free_dicke_operator_equals_the_assembled_sector_hamiltonian(N, n_max, photons, omega_c, lam, omega_a, seed):
    """H u from the stencil (omega_c n + omega_a k, 2 omega_c lam J_x (a + a^dag) on the parity sector
    of |photons, g..g>, both parities, odd and even N, cutoffs from 2 levels up) equals the CSR matrix of
    spin_cavity.spin_boson_hamiltonian times u for a random complex u, to round-off; <u|H|u> too."""
    H = cc.dicke_sector_hamiltonian(N, n_max, photons, omega_c, lam, omega_a)
    op = DickeSectorOperator(N, n_max, photons, omega_c, lam, omega_a)
    assert op.dim == H.shape[0] == len(cc.parity_sector(N, n_max, photons)[0])
    rng = np.random.default_rng(seed)
    u = rng.normal(size=op.dim) + 1j * rng.normal(size=op.dim)
    ref = H @ u
    scale = max(1.0, float(np.abs(ref).max()))
    assert np.abs(op(u) - ref).max() <= 1e-13 * scale
    assert abs(op.expectation(u) - float(np.real(np.vdot(u, ref)))) <= 1e-12 * scale * op.dim
    # the fused Lanczos pass: out = s H u - c up - a u with its norm and <out|H|out> in the same pass
    up = rng.normal(size=op.dim) + 1j * rng.normal(size=op.dim)
    s_, c_, a_ = 0.7, 0.3, 1.9
    out = np.empty_like(u)
    w2, q = op.lanczos_step(u, s_, up, c_, a_, out)
    want = s_ * ref - c_ * up - a_ * u
    big = max(1.0, float(np.abs(want).max()))
    assert np.abs(out - want).max() <= 1e-13 * big
    assert abs(w2 - np.vdot(want, want).real) <= 1e-12 * big**2 * op.dim
    assert abs(q - np.vdot(want, H @ want).real) <= 1e-12 * big**2 * scale * op.dim


@pytest.mark.parametrize("N, n_max, photons", [(6, 30, 6), (9, 41, 9), (16, 70, 16)])
def test_fused_lanczos_step_propagates_like_the_plain_recurrence(N, n_max, photons):
    """One Krylov step through the fused route (unnormalised basis, alpha from <v|H|v>) accepts the same
    offsets as the plain three-term recurrence on the assembled matrix, and its states there and at
    the time it reached equal exp(-i H tau) psi from dense diagonalisation to 1e-11, with unit norm.
    (The reached time itself is where an error estimate crosses the tolerance; it differs between
    the two recurrences in the 5th digit, so it is checked through the state, not compared.)"""
    H = cc.dicke_sector_hamiltonian(N, n_max, photons, 1.0, 0.4)
    op = DickeSectorOperator(N, n_max, photons, 1.0, 0.4)
    rng = np.random.default_rng(3)
    psi = rng.normal(size=op.dim) + 1j * rng.normal(size=op.dim)
    psi /= np.linalg.norm(psi)
    taus = np.linspace(0.01, 0.6, 12)
    s1, r1, p1 = krylov_advance(hamiltonian_matvec(H), psi, taus, 1e-12, 30)
    s1, p1 = s1.copy(), p1.copy()
    release_krylov_basis()
    s2, r2, p2 = krylov_advance(op, psi, taus, 1e-12, 30)
    release_krylov_basis()
    assert len(s1) == len(s2) and len(s1) > 0
    e, v = np.linalg.eigh(H.toarray())
    exact = lambda tau: v @ (np.exp(-1j * e * tau) * (v.T @ psi))  # noqa: E731
    assert np.abs(s2 - np.array([exact(t) for t in taus[: len(s2)]])).max() < 1e-11
    assert np.abs(p2 - exact(r2)).max() < 1e-11
    assert np.abs(s1 - s2).max() < 1e-11
    assert np.abs(np.linalg.norm(s2, axis=1) - 1).max() < 1e-12


def test_krylov_states_formed_on_the_kernel_threads_equal_the_matrix_product():
    """DickeSectorOperator.combine(Y, V), the states of a Krylov step formed from its basis by the
    compiled kernel, equals numpy's complex Y @ V (1e-13 relative) for an odd-sized basis."""
    op = DickeSectorOperator(5, 40, 5, 1.0, 0.2)
    rng = np.random.default_rng(7)
    V = rng.normal(size=(13, 5001)) + 1j * rng.normal(size=(13, 5001))
    Y = rng.normal(size=(3, 13)) + 1j * rng.normal(size=(3, 13))
    ref = Y @ V
    assert np.abs(op.combine(Y, V) - ref).max() < 1e-13 * np.abs(ref).max()


def test_operator_refuses_a_single_fock_level():
    """The stencil needs the rows n - 1 or n + 1: one Fock level is refused with a clear error."""
    with pytest.raises(ValueError, match="at least 2 Fock levels"):
        DickeSectorOperator(4, 1, 4, 1.0, 0.2)


def test_streamed_dicke_run_matrix_free_equals_the_assembled_matrix_route_and_exact_propagation():
    """The whole streamed large-N run (Lanczos steps, r_max observables) with the matrix-free fused
    operator and with the previous implementation (assembled CSR matrix, plain recurrence, its own
    step sequence) both equal exact propagation by dense diagonalisation at the same fixed cutoff:
    energy, ergotropy, capacity and photon number to 1e-10, at N = 12 in the ultrastrong regime.
    (With the cutoff grown during the run the two step sequences grow it at different times; that
    truncation effect is checked against a larger fixed cutoff in test_large_n_route.)"""
    import qbattery

    N, cut = 12, 260
    times = np.linspace(0.0, 3 * np.pi / (2 * 0.4 * np.sqrt(N)), 60)
    params = {"coupling": 0.4, "omega_c": 1.0}
    num = qbattery.Numerics(fock_extra=cut - (2 * N + 1), fock_auto=False, dense_max_dim=0)
    new = cc.run_dicke_streamed(N, N, times, params, num)
    old = cc.run_dicke_streamed(N, N, times, params, num, assembled=True)
    dense = qbattery.Numerics(fock_extra=cut - (2 * N + 1), fock_auto=False, dense_max_dim=10**6)
    ref = cc._run_with_cutoff(N, N, times, params, dense, False, cut)
    assert new.diagnostics["fock_cutoff"] == old.diagnostics["fock_cutoff"] == cut
    assert new.diagnostics["truncation_weight"] < 1e-10
    for tr in (new, old):
        for q in ("energy", "ergotropy", "capacity"):
            assert np.abs(getattr(tr, q) - getattr(ref, q)).max() < 1e-10, q
        assert np.abs(tr.series["photon_number"] - ref.series["photon_number"]).max() < 1e-9
