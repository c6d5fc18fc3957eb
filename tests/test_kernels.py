"""The one passive-energy kernel and the one spin-boson Hamiltonian builder against dense brute force.

- quantities.passive_energy / ergotropy_from_spectrum: sum_k r_k e_k (r decreasing, e increasing,
  Allahverdyan, Balian, Nieuwenhuizen, EPL 67, 565 (2004)) and the top-filled energy (e decreasing,
  Yang et al., PRL 131, 030402 (2023)) from a grouped state spectrum (values with multiplicities)
  and a grouped level ladder (energies with degeneracies) equal the dense route: eigenvalues of
  rho and of H in the full space, each sorted.
- spin_cavity.spin_boson_hamiltonian in the piqs Dicke basis (all j) has the spectrum of the
  explicit 2^N (x) Fock Hamiltonian built from Pauli matrices, each j block counted d_j times.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbattery.physics import spin_cavity
from qbattery.models import cavity_common as cc
from qbattery.physics.dicke_basis import DickeBlocks
from qbattery.physics.quantities import Spectrum, cells_spectrum, ergotropy, ergotropy_from_spectrum, passive_energy


def _random_unitary(rng: np.random.Generator, d: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


@st.composite
def spectra(draw):
    """A level ladder with degenerate levels and a batch of state spectra with multiplicities >= 1
    (rank M <= D; sometimes equal), values possibly repeated across groups and zero."""
    n_levels = draw(st.integers(1, 5))
    energies = draw(st.lists(st.sampled_from([-1.5, -0.5, 0.0, 0.25, 1.0, 2.0, 3.5]), min_size=n_levels, max_size=n_levels))
    degeneracies = draw(st.lists(st.integers(1, 4), min_size=n_levels, max_size=n_levels))
    D = sum(degeneracies)
    n_values = draw(st.integers(1, 4))
    mult = draw(st.lists(st.integers(1, 3), min_size=n_values, max_size=n_values))
    if sum(mult) > D:
        mult = [1] * min(n_values, D)
    nt = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    r = rng.choice([0.0, 0.1, 0.3, 0.3, 1.0], size=(nt, len(mult))) + rng.random((nt, len(mult))) * draw(st.sampled_from([0.0, 1.0]))
    r[:, 0] += 1e-3  # a nonzero state
    r /= (r * np.array(mult)).sum(axis=1, keepdims=True)
    return np.array(energies), np.array(degeneracies), r, np.array(mult), seed


@settings(max_examples=150, deadline=None)
@given(spectra())
def test_passive_and_top_filled_energy_kernel_equals_the_dense_full_space_route(case):
    """Random degenerate ladders and state spectra with multiplicities > 1: the kernel equals
    sorted eigvalsh(rho) . sorted eigvalsh(H) of rotated dense matrices in the full D-dim space,
    vectorised over a batch of states; ergotropy = Tr(rho H) - passive and capacity = top - passive
    equal quantities.ergotropy on the dense full-space state."""
    e, g, r, m, seed = case
    rng = np.random.default_rng(seed)
    D = int(g.sum())
    levels = Spectrum(e, g)
    V = _random_unitary(rng, D)
    H = (V * np.repeat(e, g)) @ V.conj().T
    eH = np.linalg.eigvalsh(H)
    passive, top, energy = [], [], []
    for row in r:
        p = np.zeros(D)
        p[: m.sum()] = np.repeat(row, m)
        U = _random_unitary(rng, D)
        rho = (U * p) @ U.conj().T
        w = np.linalg.eigvalsh(rho)[::-1]
        passive.append(w @ eH)
        top.append(w @ eH[::-1])
        energy.append(float(np.real(np.trace(rho @ H))))
        assert abs(ergotropy(rho, H) - ergotropy_from_spectrum(energy[-1], row, levels, m)[0]) < 1e-10
    np.testing.assert_allclose(passive_energy(r, levels, m), passive, atol=1e-10)
    np.testing.assert_allclose(passive_energy(r, levels, m, top=True), top, atol=1e-10)
    erg, cap = ergotropy_from_spectrum(np.array(energy), r, levels, m)
    np.testing.assert_allclose(erg, np.clip(np.array(energy) - passive, 0, None), atol=1e-10)
    np.testing.assert_allclose(cap, np.array(top) - passive, atol=1e-10)
    assert np.all(erg >= 0) and np.all(cap >= erg - 1e-10)  # 0 <= ergotropy <= capacity


@pytest.mark.parametrize("N", [1, 7, 64, 100, 300])
def test_maximally_mixed_state_of_n_cells_is_passive_with_huge_degeneracies(N):
    """1/2^N on the full 2^N space (one value, multiplicity 2^N as a Python integer, beyond int64
    and float exactness for N >= 64): passive = top-filled energy = Tr(H_B)/2^N = N/2, ergotropy 0."""
    levels = cells_spectrum(N)
    r = np.array([[2.0**-N]])
    assert passive_energy(r, levels, np.array([2**N], dtype=object))[0] == pytest.approx(N / 2, rel=1e-12)
    erg, cap = ergotropy_from_spectrum(np.array([N / 2]), r, levels, np.array([2**N], dtype=object))
    assert abs(erg[0]) < 1e-12 * N and abs(cap[0]) < 1e-12 * N


@pytest.mark.parametrize("N", [60, 256])
def test_small_rank_state_against_a_huge_cell_spectrum_fills_the_lowest_levels(N):
    """A rank-(N + 4) state of N cells (C(N, k) beyond int64 at N = 256): its passive state fills
    the ground level, the N one-excitation levels and 3 of the C(N, 2) two-excitation levels;
    the top-filled state the mirror images N - e. Checked against the explicit level lists."""
    rng = np.random.default_rng(N)
    r = rng.random((4, N + 4))
    r /= r.sum(axis=1, keepdims=True)
    lowest = np.array([0.0] + [1.0] * N + [2.0] * 3)
    r_desc = np.sort(r, axis=1)[:, ::-1]
    np.testing.assert_allclose(passive_energy(r, cells_spectrum(N)), r_desc @ lowest, rtol=1e-14)
    np.testing.assert_allclose(passive_energy(r, cells_spectrum(N), top=True), r_desc @ (N - lowest), rtol=1e-14)


def _pauli_spin_boson(N: int, n_max: int, omega_c: float, g: float, rwa: bool) -> np.ndarray:
    """Explicit H on 2^N (x) Fock from sigma^+_i = |e><g|_i: omega_c a^dag a + sum_i |e><e|_i + coupling."""
    sp_ = np.array([[0.0, 0.0], [1.0, 0.0]])  # basis |g> = 0, |e> = 1: s^+ |g> = |e>
    eye = np.eye(2)

    def site(op, i):
        out = np.ones((1, 1))
        for k in range(N):
            out = np.kron(out, op if k == i else eye)
        return out

    Jp = sum(site(sp_, i) for i in range(N))
    Ne = sum(site(np.diag([0.0, 1.0]), i) for i in range(N))
    a = np.diag(np.sqrt(np.arange(1, n_max)), 1)
    Ic, Is = np.eye(n_max), np.eye(2**N)
    H = omega_c * np.kron(Is, a.T @ a) + np.kron(Ne, Ic)
    if rwa:
        return H + g * (np.kron(Jp, a) + np.kron(Jp.T, a.T))
    return H + g * np.kron(Jp + Jp.T, a + a.T)


@pytest.mark.parametrize("rwa", [False, True])
@pytest.mark.parametrize("N", [1, 2, 3, 4])
def test_spin_boson_hamiltonian_in_the_dicke_basis_has_the_full_space_spectrum(N, rwa):
    """spin_boson_hamiltonian on the piqs Dicke basis (every j block (x) Fock) with each block's
    eigenvalues counted d_j times reproduces the spectrum of the explicit 2^N (x) Fock Hamiltonian;
    per-j sectors (spin_ladder(2j)) give the same block spectra (work-statistics route)."""
    n_max, omega_c, g = 4, 1.3, 0.37
    full = np.linalg.eigvalsh(_pauli_spin_boson(N, n_max, omega_c, g, rwa))
    Jz, Jp = spin_cavity.dicke_basis_spin_operators(N)
    H = spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, 1.0, g, rwa, N).toarray()
    blocks = DickeBlocks(N)
    ds = blocks.dimension
    per_j, via_sectors = [], []
    for s0, size, d in zip(blocks.starts, blocks.sizes, blocks.multiplicity):
        idx = (np.arange(s0, s0 + size)[:, None] * n_max + np.arange(n_max)).ravel()
        assert np.abs(np.delete(H[idx], idx, axis=1)).max(initial=0.0) == 0.0  # no coupling between j blocks
        per_j.append(np.repeat(np.linalg.eigvalsh(H[np.ix_(idx, idx)]), d))
        Jz1, Jp1 = spin_cavity.spin_ladder(int(size) - 1)
        Hj = spin_cavity.spin_boson_hamiltonian(Jz1, Jp1, n_max, omega_c, 1.0, g, rwa, N).toarray()
        via_sectors.append(np.repeat(np.linalg.eigvalsh(Hj), d))
    assert H.shape == (ds * n_max, ds * n_max)
    np.testing.assert_allclose(np.sort(np.concatenate(per_j)), full, atol=1e-11)
    np.testing.assert_allclose(np.sort(np.concatenate(via_sectors)), full, atol=1e-11)


@pytest.mark.parametrize("rwa", [False, True])
def test_spin_boson_hamiltonian_on_a_basis_subset_is_the_submatrix(rwa):
    """Restricting to given (s, n) states (parity sector n + k = photons mod 2, excitation block
    n + k = photons) gives the submatrix of the full product-space H in the order given; the
    coupling conserves that parity (Dicke) / excitation number (rwa): no element leaves the set."""
    N, n_max, photons, omega_c, lam = 5, 9, 4, 1.1, 0.3
    Jz, Jp = spin_cavity.spin_ladder(N)
    full = spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, 1.0, omega_c * lam, rwa, N).toarray()
    n, k = spin_cavity.sector_basis(N, n_max, photons, 0, rwa)
    sub = spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, 1.0, omega_c * lam, rwa, N, states=(k, n)).toarray()
    idx = k * n_max + n
    np.testing.assert_array_equal(sub, full[np.ix_(idx, idx)])
    others = np.setdiff1d(np.arange(full.shape[0]), idx)
    assert np.abs(full[np.ix_(idx, others)]).max(initial=0.0) == 0.0
    np.testing.assert_array_equal(spin_cavity.hamiltonian(n, k, N, omega_c, 1.0, lam, rwa).toarray(), sub)
    if not rwa:
        np.testing.assert_array_equal(cc.dicke_sector_hamiltonian(N, n_max, photons, omega_c, lam).toarray(), sub)


def test_spin_ladder_satisfies_the_angular_momentum_algebra():
    """[J_+, J_-] = 2 J_z and J_+ J_- + J_z^2 - J_z = j(j+1) on every multiplet, both orders, and on
    the block-diagonal Dicke basis of N = 5 cells (j = 5/2, 3/2, 1/2 blocks)."""
    for two_j in range(0, 7):
        for desc in (False, True):
            Jz, Jp = spin_cavity.spin_ladder(two_j, descending=desc, dense=True)
            Jm = Jp.T
            np.testing.assert_allclose(Jp @ Jm - Jm @ Jp, 2 * Jz, atol=1e-12)
            j = two_j / 2
            np.testing.assert_allclose(Jp @ Jm + Jz @ Jz - Jz, j * (j + 1) * np.eye(two_j + 1), atol=1e-12)
    Jz, Jp = spin_cavity.dicke_basis_spin_operators(5, dense=True)
    np.testing.assert_allclose(Jp @ Jp.T - Jp.T @ Jp, 2 * Jz, atol=1e-12)
    casimir = np.diag(Jp @ Jp.T + Jz @ Jz - Jz)
    expect = np.concatenate([np.full(int(2 * j + 1), j * (j + 1)) for j in DickeBlocks(5).j])
    np.testing.assert_allclose(casimir, expect, atol=1e-12)
    assert math.isclose(float(np.trace(Jz)), 0.0, abs_tol=1e-12)
