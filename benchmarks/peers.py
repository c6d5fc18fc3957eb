"""The Dicke battery computed by two peer packages (optional extra ``bench``: qthermo, qenvs).

Same case as the baseline: H = omega a^dag a + omega (J_z + N/2) + g (J_+ + J_-)(a + a^dag),
g = omega_c lambda = 0.2, psi(0) = |N photons> (x) |g...g>, 200 points up to 3 pi / (2 lambda sqrt N).

- qthermo 0.7 (numpy/scipy): ``batteries.dicke_battery(N, g, omega, photons, cutoff)`` (dense, symmetric
  subspace (x) ``cutoff`` Fock levels, default cutoff = photons + N + 6) and ``batteries.charge`` (one eigh,
  then the states at every time), ergotropy ``core.ergotropy(rho_B, h_battery)``.
- qenvs 0.3 (JAX + dynamiqs): ``models.DickeBattery(n_cells=N, rwa=False, n_max=...)`` (Fock levels
  0..n_max, default n_max = N + 4), H = drift + g controls[0], ``dynamiqs.sesolve`` with its default
  solver and precision, ergotropy ``observables.ergotropy(tr_cavity rho, H_B)``.

Both peers take the ergotropy with H_B restricted to the (N + 1)-level symmetric subspace: the passive
state is sought among symmetric states only, not over the 2^N cell space (a different quantity; the
runner shows it against qbattery's full-space and subspace ergotropy).
Each function returns a dict (wall_s, compile_s, energy, ergotropy, cutoff) or raises ImportError.
"""

from __future__ import annotations

import time

import numpy as np


def qthermo_dicke(N: int, times: np.ndarray, lam: float = 0.2, cutoff: int | None = None) -> dict:
    from qthermo import batteries

    t0 = time.perf_counter()
    b = batteries.dicke_battery(N, g=lam, omega=1.0, photons=N, cutoff=cutoff)
    run = batteries.charge(b["H"], b["H_battery"], b["state"], times, battery=(0, b["dims"], b["h_battery"]))
    wall = time.perf_counter() - t0
    erg = np.asarray(run.ergotropy)
    return {"wall_s": wall, "compile_s": 0.0, "energy": np.asarray(run.energy), "ergotropy": erg, "cutoff": b["dims"][1]}


def qenvs_dicke(N: int, times: np.ndarray, lam: float = 0.2, n_max: int | None = None) -> dict:
    """Wall time of a second, compiled call; compile_s = first call minus second call."""
    import dynamiqs as dq
    import jax
    import jax.numpy as jnp
    from qenvs.models import DickeBattery
    from qenvs.observables import ergotropy

    model = DickeBattery(n_cells=N, rwa=False, n_max=n_max)
    tsave = jnp.asarray(times)

    def solve():
        H = model.drift() + lam * model.controls()[0]
        states = dq.sesolve(H, model.initial_state(), tsave, progress_meter=False).states
        rho_b, hb = model.battery_reduced(states)
        e = jnp.real(jnp.einsum("tij,ji->t", rho_b.to_jax(), hb.to_jax()))
        erg = jax.vmap(lambda r: ergotropy(dq.asqarray(r), hb))(rho_b.to_jax())
        return np.asarray(e), np.asarray(erg)

    t0 = time.perf_counter()
    solve()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    e, erg = solve()
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "compile_s": max(first - wall, 0.0), "energy": e, "ergotropy": erg, "cutoff": model.dim_cavity}
