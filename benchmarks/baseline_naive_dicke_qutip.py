#!/usr/bin/env python3
# Copied verbatim from shared/baselines/naive_dicke_qutip.py (the project's reference baseline) so that
# the benchmark runs without ../shared. Not project code: do not optimise.
"""Reference baseline: the Dicke quantum battery as a typical QuTiP user writes it.

Full tensor-product space (cavity x N qubits), qutip.sesolve on a time grid,
qutip ptrace to the battery at every time point, ergotropy from numpy
eigenvalues of the full 2^N battery state. Slow by design of the approach, not
by sabotage: it is what the project is measured against.

Model (Ferraro et al., PRL 120, 117702, 2018):
    H = wc a^dag a + wa J_z + 2 wc lam J_x (a + a^dag),  J = sum_i sigma_i / 2
    psi(0) = |N photons> (x) |all cells in the ground state>
Battery Hamiltonian H_B = wa sum_i |e><e|_i  (ground energy 0).

Usage: naive_dicke_qutip.py N [--lam 0.2] [--nt 200] [--extra 30] [--json out.json]
Prints wall time of the computation (import and start-up excluded) and the
maxima; --json writes times, stored energy and ergotropy for comparison.
"""

import argparse
import json
import time

import numpy as np
import qutip as qt


def run(N, lam=0.2, wc=1.0, wa=1.0, nt=200, extra=30, t_max=None):
    nmax = 2 * N + 1 + extra  # Fock cutoff: levels 0 .. 2N+extra
    ide = [qt.qeye(2)] * N

    def cell(op, i):
        ops = [qt.qeye(nmax)] + list(ide)
        ops[i + 1] = op
        return qt.tensor(ops)

    a = qt.tensor([qt.destroy(nmax)] + list(ide))
    # qutip: basis(2,0) is sigma_z = +1 (excited), basis(2,1) is sigma_z = -1 (ground)
    Jz = sum(cell(qt.sigmaz(), i) for i in range(N)) / 2
    Jx = sum(cell(qt.sigmax(), i) for i in range(N)) / 2
    H = wc * a.dag() * a + wa * Jz + 2 * wc * lam * Jx * (a + a.dag())
    psi0 = qt.tensor([qt.basis(nmax, N)] + [qt.basis(2, 1)] * N)
    if t_max is None:
        t_max = 3 * np.pi / (2 * lam * np.sqrt(N))
    times = np.linspace(0.0, t_max, nt)
    result = qt.sesolve(H, psi0, times, options={"atol": 1e-12, "rtol": 1e-10})

    excited = qt.basis(2, 0) * qt.basis(2, 0).dag()
    HB = sum(qt.tensor([excited if j == i else qt.qeye(2) for j in range(N)]) for i in range(N))
    HB = wa * HB.full()
    levels = np.linalg.eigvalsh(HB)  # ascending, full 2^N spectrum
    energy, ergotropy = [], []
    for state in result.states:
        rho_b = state.ptrace(list(range(1, N + 1))).full()
        e = float(np.real(np.trace(rho_b @ HB)))
        r = np.linalg.eigvalsh(rho_b)[::-1]
        energy.append(e)
        ergotropy.append(e - float(np.dot(r, levels)))
    top = result.states[-1].ptrace(0).diag()[-3:].sum().real  # weight near the cutoff
    return times, np.array(energy), np.array(ergotropy), float(top)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("N", type=int)
    p.add_argument("--lam", type=float, default=0.2)
    p.add_argument("--nt", type=int, default=200)
    p.add_argument("--extra", type=int, default=30)
    p.add_argument("--json")
    a = p.parse_args()
    t0 = time.perf_counter()
    times, energy, ergotropy, top = run(a.N, lam=a.lam, nt=a.nt, extra=a.extra)
    wall = time.perf_counter() - t0
    print(f"N={a.N} wall_s={wall:.3f} max_energy={energy.max():.10f} max_ergotropy={ergotropy.max():.10f} cutoff_weight={top:.2e}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(
                {
                    "N": a.N,
                    "lam": a.lam,
                    "wall_s": wall,
                    "times": times.tolist(),
                    "energy": energy.tolist(),
                    "ergotropy": ergotropy.tolist(),
                },
                f,
            )


if __name__ == "__main__":
    main()
