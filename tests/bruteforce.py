"""Independent brute-force references in the full tensor-product space (qutip).

Written from the model definitions, sharing no code with qbattery's models: full
cavity (x) N-qubit space, qutip.sesolve, ptrace to the battery, ergotropy from the
full 2^N spectrum with numpy.
"""

from __future__ import annotations

import numpy as np
import qutip as qt

EXCITED, GROUND = qt.basis(2, 0), qt.basis(2, 1)  # qutip: sigma_z |0> = +|0>


def battery_hamiltonian(N: int, omega_a: float = 1.0) -> np.ndarray:
    """H_B = omega_a sum_i |e><e|_i on 2^N (qutip ordering)."""
    proj = EXCITED * EXCITED.dag()
    return omega_a * sum(qt.tensor([proj if j == i else qt.qeye(2) for j in range(N)]) for i in range(N)).full()


def ergotropy_numpy(rho: np.ndarray, H: np.ndarray) -> float:
    """Textbook ergotropy: Tr(rho H) - sum r_k(desc) e_k(asc)."""
    r = np.linalg.eigvalsh(rho)[::-1]
    e = np.linalg.eigvalsh(H)
    return float(np.real(np.trace(rho @ H)) - r @ e)


def cavity_cells(N: int, photons: int, lam: float, omega_c: float, times: np.ndarray, n_max: int, rwa: bool = False):
    """Energy and ergotropy of N cells + one cavity, full space, Dicke or Tavis-Cummings coupling."""
    ide = [qt.qeye(2)] * N

    def cell(op, i):
        ops = [qt.qeye(n_max)] + list(ide)
        ops[i + 1] = op
        return qt.tensor(ops)

    a = qt.tensor([qt.destroy(n_max)] + list(ide))
    Jz = sum(cell(qt.sigmaz(), i) for i in range(N)) / 2
    if rwa:
        Jp = sum(cell(qt.sigmap(), i) for i in range(N))
        H = omega_c * a.dag() * a + Jz + omega_c * lam * (Jp * a + Jp.dag() * a.dag())
    else:
        Jx = sum(cell(qt.sigmax(), i) for i in range(N)) / 2
        H = omega_c * a.dag() * a + Jz + 2 * omega_c * lam * Jx * (a + a.dag())
    psi0 = qt.tensor([qt.basis(n_max, photons)] + [GROUND] * N)
    res = qt.sesolve(H, psi0, times, options={"atol": 1e-13, "rtol": 1e-12, "max_step": 0.01})
    HB = battery_hamiltonian(N)
    en, erg = [], []
    for s in res.states:
        rho = s.ptrace(list(range(1, N + 1))).full()
        en.append(float(np.real(np.trace(rho @ HB))))
        erg.append(ergotropy_numpy(rho, HB))
    return np.array(en), np.array(erg)
