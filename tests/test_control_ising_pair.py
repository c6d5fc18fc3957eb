"""The Ising pair quantum battery of Evangelakos, Paspalakis and Stefanatos (PRA 110, 052601 (2024),
arXiv:2412.17087): two cells with Ising coupling J sigma^z_1 sigma^z_2, charged from |gg> by a bounded
transverse field u(t)(sigma^x_1 + sigma^x_2), |u| <= u_max, stored energy at a fixed final time T. For
symmetric bounds the optimum is bang-singular-bang: u = -/+u_max for t_1, Off (u = 0) for T - 2 t_1,
u = +/-u_max for t_1, with t_1 the root of the switching equation

    J sin(Omega t_1) cos(J T) = Omega cos(Omega t_1) sin(J T),   Omega = sqrt(J^2 + 4 u_max^2),

and the optimal energy E* = 2 omega_a sin^2(J (T - t_1)) (derivation: docs/control.md, "The Ising
pair"). Conventions: rotating frame of H_B = omega_a sum_i |e><e|_i (omega_a = 1), sigma^z |e> = +|e>.

The independent route is everything in this file outside ``ControlProblem`` / ``optimise``: the
switching equation solved with brentq, the exact pulse propagated with 4 x 4 matrix exponentials, and
Pontryagin's switching function from the exact forward state and backward costate."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from scipy.optimize import brentq
from qbattery.models import MODELS  # noqa: F401 (import order: the model registry before control_systems)
from qbattery.physics import optimal_control as oc
from qbattery.physics.control_systems import ising_pair_system

J, U_MAX = 1.0, 1.0
OMEGA = float(np.hypot(J, 2 * U_MAX))
SZ = np.diag([-1.0, 1.0]).astype(complex)
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
NE = np.diag([0.0, 1.0]).astype(complex)
I2 = np.eye(2, dtype=complex)
H0 = J * np.kron(SZ, SZ)
X = np.kron(SX, I2) + np.kron(I2, SX)
HB = np.kron(NE, I2) + np.kron(I2, NE)
PSI0 = np.array([1.0, 0.0, 0.0, 0.0], dtype=complex)


def switching_time(T: float) -> float:
    """The bang duration t_1 in (0, T/2) solving J sin(W t) cos(J T) = W cos(W t) sin(J T) (brentq on a
    fine bracket scan); of several roots the one with the largest E* = 2 sin^2(J (T - t_1))."""
    f = lambda t: J * np.sin(OMEGA * t) * np.cos(J * T) - OMEGA * np.cos(OMEGA * t) * np.sin(J * T)  # noqa: E731
    grid = np.linspace(1e-9, T / 2, 4001)
    v = f(grid)
    roots = [brentq(f, a, b, xtol=1e-14) for a, b, fa, fb in zip(grid[:-1], grid[1:], v[:-1], v[1:]) if fa * fb < 0]
    assert roots, f"no switching time in (0, T/2) at T = {T}"
    return max(roots, key=lambda t: np.sin(J * (T - t)) ** 2)


def arcs(t1: float, t2: float, t3: float, s1: float, s3: float) -> list[tuple[np.ndarray, float]]:
    """(Hamiltonian, duration) of the arcs u = s1 u_max, 0, s3 u_max."""
    return [(H0 + s1 * U_MAX * X, t1), (H0, t2), (H0 + s3 * U_MAX * X, t3)]


def exact_energy(t1: float, t2: float, t3: float, s1: float = -1.0, s3: float = 1.0) -> float:
    """Stored energy after the exact bang-singular-bang pulse (4 x 4 exponentials)."""
    psi = PSI0
    for H, t in arcs(t1, t2, t3, s1, s3):
        psi = sla.expm(-1j * H * t) @ psi
    return float(np.real(np.vdot(psi, HB @ psi)))


def switching_function(t1: float, t2: float, t3: float, s1: float, s3: float, samples: int = 60):
    """Pontryagin's switching function Phi(t) = dE/du(t) = 2 Im <lambda(t)| (sigma^x_1 + sigma^x_2) |psi(t)>
    along the exact pulse: psi forward from |gg>, the costate lambda(T) = H_B psi(T) backward (closed
    dynamics: lambda(t) = U(T, t)^dag lambda(T)). Returns (times, Phi, u/u_max) at ``samples`` points per arc."""
    bounds = np.cumsum([0.0, t1, t2, t3])
    segs = arcs(t1, t2, t3, s1, s3)
    psi_T = PSI0
    for H, t in segs:
        psi_T = sla.expm(-1j * H * t) @ psi_T
    lam_T = HB @ psi_T
    ts, phi, us = [], [], []
    for k, ((_, dur), sign) in enumerate(zip(segs, (s1, 0.0, s3))):
        for t in bounds[k] + dur * (np.arange(samples) + 0.5) / samples:
            psi = PSI0
            for (Hj, dj), a in zip(segs, bounds[:-1]):  # forward to t
                psi = sla.expm(-1j * Hj * np.clip(t - a, 0.0, dj)) @ psi
            lam = lam_T
            for (Hj, dj), a in reversed(list(zip(segs, bounds[:-1]))):  # backward from T to t
                lam = sla.expm(-1j * Hj * np.clip(t - (a + dj), -dj, 0.0)) @ lam
            ts.append(t)
            phi.append(2.0 * np.imag(np.vdot(lam, X @ psi)))
            us.append(sign)
    return np.array(ts), np.array(phi), np.array(us)


def grape(T: float, slices: int, seed: int = 3) -> oc.ControlResult:
    P = ising_pair_system(J).problem(["collective_x"], objective="energy")
    return oc.optimise(P, oc.Constraint("amplitude", U_MAX), T, slices, 2, np.random.default_rng(seed), max_iterations=500)


@pytest.mark.parametrize("T", [2.0, 2.3])
def test_switching_equation_is_pontryagins_bang_off_bang_extremal(T):
    """The solved bang-singular-bang pulse (-u_max for t_1, Off for T - 2 t_1, +u_max for t_1) is a
    Pontryagin extremal of the full two-spin problem: the switching function dE/du(t), from the exact
    state and costate, has the sign of u on both bangs and vanishes on the whole Off arc (the singular
    arc); its energy is the closed form 2 sin^2(J (T - t_1)), it is stationary in both switching times
    and beats every nearby unequal (t_1, t_3) and the same-sign sequence."""
    t1 = switching_time(T)
    t2 = T - 2 * t1
    assert 0.0 < t1 < T / 2 and t2 > 0.0
    E = exact_energy(t1, t2, t1)
    assert E == pytest.approx(2 * np.sin(J * (T - t1)) ** 2, abs=1e-12)
    ts, phi, us = switching_function(t1, t2, t1, -1.0, 1.0)
    scale = np.abs(phi).max()
    on_bang = us != 0
    edge = np.minimum(np.abs(ts - t1), np.abs(ts - (T - t1))) > 0.02 * T
    assert np.all(np.sign(phi[on_bang & edge]) == us[on_bang & edge])  # u = u_max sign(Phi) on the bangs
    assert np.abs(phi[~on_bang]).max() < 1e-9 * max(scale, 1.0)  # Phi == 0 on the Off arc: singular
    h = 1e-5
    for d in ((h, -h, 0.0), (0.0, -h, h)):  # move the first / second switch (t_2 absorbs it)
        assert abs(exact_energy(t1 + d[0], t2 + d[1], t1 + d[2]) - exact_energy(t1 - d[0], t2 - d[1], t1 - d[2])) / (2 * h) < 1e-6
    for a, b in ((0.05, -0.05), (0.05, 0.0), (0.0, -0.05), (-0.05, -0.05)):
        assert exact_energy(t1 + a, T - 2 * t1 - a - b, t1 + b) < E
    same_sign = max(exact_energy(a, T - 2 * a, a, 1.0, 1.0) for a in np.linspace(0.0, T / 2, 201))
    assert same_sign < E - 1e-3


@pytest.mark.parametrize("T", [2.0, 2.3])
def test_grape_finds_bang_off_bang_with_the_solved_switching_times(T):
    """GRAPE (40-odd slices, |u| <= u_max, no structure imposed) on the Ising pair finds the
    bang-singular-bang pulse of the paper: |u| = u_max of one sign for t < t_1, of the opposite sign for
    t > T - t_1 (equal bang durations), u ~ 0 inside the Off arc; its switching times (the slice where
    |u| leaves the bound, and the pulse area of each half / u_max) agree with the solved t_1 and T - t_1
    within one slice (the areas within a tenth of one); its energy is at most the exact optimum and within
    the slice discretisation of it."""
    M = int(round(T / 0.05))
    dt = T / M
    t1 = switching_time(T)
    r = grape(T, M)
    u = r.pulse.ravel() / U_MAX
    mid = (np.arange(M) + 0.5) * dt
    s0 = np.sign(u[0])
    first, last = mid < t1 - dt, mid > T - t1 + dt
    assert np.allclose(u[first], s0, atol=1e-6) and np.allclose(u[last], -s0, atol=1e-6)  # bangs of opposite sign
    for margin, most in ((1, 0.25), (3, 0.02)):  # Off arc: the slices next to a switch ring, decaying inwards
        off = (mid > t1 + margin * dt) & (mid < T - t1 - margin * dt)
        assert off.any() and np.abs(u[off]).max() < most
    leave = np.flatnonzero(s0 * u < 0.5)[0] * dt  # first slice off the first bang
    enter = (M - np.flatnonzero((-s0 * u)[::-1] < 0.5)[0]) * dt  # end of the last slice before the last bang
    assert abs(leave - t1) <= dt and abs(enter - (T - t1)) <= dt
    area_first = s0 * np.sum(u[: M // 2]) * dt  # = t_1 for the exact pulse
    area_last = -s0 * np.sum(u[M // 2 :]) * dt
    assert abs(area_first - t1) <= 0.1 * dt and abs(area_last - t1) <= 0.1 * dt
    E = exact_energy(t1, T - 2 * t1, t1)
    assert r.value <= E + 1e-9  # piecewise-constant pulses cannot beat the optimum
    assert r.value >= E - 1e-3  # switches restricted to slices
