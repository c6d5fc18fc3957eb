"""How many Fock levels a cavity battery's point needs: an estimate made before any job.

The closed cavity routes (``cavity_common.run_cavity_battery``, ``two_photon_dicke``) start at a
cutoff n_0 and grow it to at most ``numerics.fock_max_factor`` x n_0; a point whose photon
distribution needs more fails its truncation check only after the whole run. The estimate here
is a *lower* bound of the levels the point needs (calibrated in docs/robustness.md: the converged
cutoff was 1.2 - 3.5 times the estimate at N = 8 ... 256), so a config it refuses would fail:

- **energy shell** (time-independent): H conserves energy and the cells' energy is >= 0, so
  the classical photon number x^2 = |alpha|^2 of the state's support obeys, with E0 = <H>(0) =
  omega_c n_0 photons (cells in the ground state),
  Dicke (one photon, ``2 omega_c lambda J_x (a + a^dag)``, J_x >= -N/2):
      omega_c x^2 - 2 omega_c lambda N x <= omega_c N  ->  x^2 <= (lambda N + sqrt(lambda^2 N^2 + N))^2;
  two-photon Dicke (``2 omega_c lambda J_x (a^2 + a^dag^2)``, 2N photons):
      omega_c x^2 (1 - 2 lambda N) <= 2 omega_c N  ->  x^2 <= 2N / (1 - 2 lambda N);
- **semiclassical reach on the job's grid** (Dicke; time-aware: a short grid does not reach the
  shell): the largest |alpha(t)|^2 over t <= t_max of :data:`SAMPLES` truncated-Wigner trajectories
  (mean-field equations of the cavity amplitude and the collective spin, initial Fock state
  |n_0> as |alpha| = sqrt(n_0 + 1/2) with a random phase, the cells' ground state as the spin
  coherent state's Gaussian J_x, J_y noise of variance N/4), fixed seed: deterministic.

The Dicke estimate is the smaller of the two; the semiclassical run (~1 s at N ~ 100 on t <= 20)
is made only for points whose shell exceeds the limit. The two-photon model uses the shell alone
(its truncated-Wigner trajectories are not bounded: the classical spin length sqrt(j(j+1)) > j
leaves the window; the converged cutoff was 3 - 12 times its shell). The photon distribution's 1e-10 tail lies beyond
both (the estimate is no cutoff to run with, only a bound to refuse by).
"""

from __future__ import annotations

import functools
import math

import numpy as np

#: truncated-Wigner trajectories of the semiclassical reach
SAMPLES = 64
#: RK4 step = STEP / (largest frequency of the mean-field equations)
STEP = 0.5
#: at most this many steps (then the reach so far: still a lower bound of the grid's reach)
MAX_STEPS = 200_000
#: seed of the sampled initial conditions (the estimate is deterministic)
SEED = 20180101


def shell_photons(N: int, lam: float, two_photon: bool = False) -> float:
    """Largest classical photon number on the energy shell of |n_0 photons, g...g> (module docstring);
    inf outside the two-photon model's stability window."""
    if two_photon:
        gap = 1.0 - 2.0 * lam * N
        return math.inf if gap <= 0 else 2.0 * N / gap
    return (lam * N + math.sqrt((lam * N) ** 2 + N)) ** 2


@functools.lru_cache(maxsize=4096)
def semiclassical_photons(N: int, lam: float, omega_c: float, t_max: float) -> float:
    """Largest |alpha(t)|^2, t in [0, t_max], of :data:`SAMPLES` truncated-Wigner trajectories of the
    Dicke battery H = omega_c |alpha|^2 + (S_z + N/2) + 2 omega_c lam S_x (alpha + alpha^*):
    d alpha/dt = -i (omega_c alpha + 2 omega_c lam S_x), dS/dt = Omega x S, Omega = dH/dS =
    (4 omega_c lam Re alpha, 0, 1) (omega_a = 1); RK4 with steps :data:`STEP` / (fastest frequency)."""
    rng = np.random.default_rng(SEED)
    a = np.sqrt(N + 0.5) * np.exp(2j * np.pi * rng.uniform(size=SAMPLES))
    sx, sy = rng.normal(0.0, math.sqrt(N / 4.0), (2, SAMPLES))
    sz = -np.sqrt(np.maximum(N / 2.0 * (N / 2.0 + 1.0) - sx**2 - sy**2, 0.0))
    y = np.stack([a.real, a.imag, sx, sy, sz])
    g = 2.0 * omega_c * lam

    def rhs(y: np.ndarray) -> np.ndarray:
        ar, ai, sx, sy, sz = y
        ox = 2 * g * ar
        return np.stack([omega_c * ai, -(omega_c * ar + g * sx), -sy, sx - ox * sz, ox * sy])

    t, best, steps = 0.0, float(np.max(y[0] ** 2 + y[1] ** 2)), 0
    while t < t_max and steps < MAX_STEPS:
        dt = min(STEP / (omega_c + 1.0 + 2 * g * math.sqrt(best + 1.0)), t_max - t)
        k1 = rhs(y)
        k2 = rhs(y + 0.5 * dt * k1)
        k3 = rhs(y + 0.5 * dt * k2)
        k4 = rhs(y + dt * k3)
        y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        t, steps = t + dt, steps + 1
        best = max(best, float(np.max(y[0] ** 2 + y[1] ** 2)))
    return best


def photons_needed(N: int, lam: float, omega_c: float, t_max: float, limit: float, two_photon: bool = False) -> float:
    """The estimate (a lower bound) of the photon number a point reaches on [0, t_max]: the energy
    shell, and for the Dicke battery, only when the shell exceeds ``limit``, the smaller
    semiclassical reach."""
    shell = shell_photons(N, lam, two_photon)
    if two_photon or shell <= limit:
        return shell
    return min(shell, semiclassical_photons(int(N), float(lam), float(omega_c), float(t_max)))
