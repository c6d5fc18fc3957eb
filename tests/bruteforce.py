"""Independent brute-force references in the full tensor-product space (qutip).

Written from the model definitions, sharing no code with qbattery's models: full
cavity (x) N-qubit space, qutip.sesolve, ptrace to the battery, ergotropy from the
full 2^N spectrum with numpy.
"""

from __future__ import annotations

import functools

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


def cavity_cell_operator(op, i: int, N: int, n_max: int):
    """``op`` on cell i of cavity (x) N cells (cavity factor first), identity elsewhere."""
    ops = [qt.qeye(n_max)] + [qt.qeye(2)] * N
    ops[i + 1] = op
    return qt.tensor(ops)


def cavity_battery_series(H, psi0, times: np.ndarray, N: int):
    """Energy and ergotropy of the N cells (factors 1..N) along sesolve(H, psi0) in the full space."""
    res = qt.sesolve(H, psi0, times, options={"atol": 1e-13, "rtol": 1e-12, "max_step": 0.01})
    HB = battery_hamiltonian(N)
    en, erg = [], []
    for s in res.states:
        rho = s.ptrace(list(range(1, N + 1))).full()
        en.append(float(np.real(np.trace(rho @ HB))))
        erg.append(ergotropy_numpy(rho, HB))
    return np.array(en), np.array(erg)


def cavity_cells(N: int, photons: int, lam: float, omega_c: float, times: np.ndarray, n_max: int, rwa: bool = False):
    """Energy and ergotropy of N cells + one cavity, full space, Dicke or Tavis-Cummings coupling."""
    cell = functools.partial(cavity_cell_operator, N=N, n_max=n_max)
    a = qt.tensor([qt.destroy(n_max)] + [qt.qeye(2)] * N)
    Jz = sum(cell(qt.sigmaz(), i) for i in range(N)) / 2
    if rwa:
        Jp = sum(cell(qt.sigmap(), i) for i in range(N))
        H = omega_c * a.dag() * a + Jz + omega_c * lam * (Jp * a + Jp.dag() * a.dag())
    else:
        Jx = sum(cell(qt.sigmax(), i) for i in range(N)) / 2
        H = omega_c * a.dag() * a + Jz + 2 * omega_c * lam * Jx * (a + a.dag())
    psi0 = qt.tensor([qt.basis(n_max, photons)] + [GROUND] * N)
    return cavity_battery_series(H, psi0, times, N)


# ---------------------------------------------------------------------- SYK (Jordan-Wigner)
def jordan_wigner_annihilators(N: int) -> list:
    """c_i = Z_0 ... Z_{i-1} a_i on N qubits (qutip tensor order = mode order), a = |0><1|, Z = 1 - 2 n."""
    return [qt.tensor([qt.sigmaz()] * i + [qt.destroy(2)] + [qt.qeye(2)] * (N - i - 1)) for i in range(N)]


def syk_full_space(N: int, couplings: np.ndarray, p: int) -> np.ndarray:
    """H = sum_{I,K} J_IK c^dag_{i_1}..c^dag_{i_p} c_{k_p}..c_{k_1} (ordered p-subsets, lexicographic)
    as a 2^N matrix in qutip's tensor basis, from Jordan-Wigner operators."""
    from itertools import combinations

    c = jordan_wigner_annihilators(N)
    subs = list(combinations(range(N), p))
    H = 0
    for a, create in enumerate(subs):
        cdag = c[create[0]].dag()
        for i in create[1:]:
            cdag = cdag * c[i].dag()
        for b, K in enumerate(subs):
            if couplings[a, b] == 0:
                continue
            ann = c[K[-1]]
            for k in reversed(K[:-1]):
                ann = ann * c[k]
            H = H + complex(couplings[a, b]) * cdag * ann
    return H.full()


def syk_battery_energy(N: int, H1: np.ndarray, times: np.ndarray) -> np.ndarray:
    """E(t) = <H_B>, H_B = sum_i (1 + sigma^y_i)/2, from psi(0) = prod_i (|0> - i|1>)/sqrt(2), in the full space."""
    from scipy.linalg import expm

    HB = sum(qt.tensor([qt.qeye(2)] * i + [(qt.qeye(2) + qt.sigmay()) / 2] + [qt.qeye(2)] * (N - i - 1)) for i in range(N)).full()
    cell = (qt.basis(2, 0) - 1j * qt.basis(2, 1)).unit()
    psi = qt.tensor([cell] * N).full().ravel()
    dt = times[1] - times[0]
    U = expm(-1j * H1 * dt)
    out = []
    for _ in times:
        out.append(float(np.real(psi.conj() @ HB @ psi)))
        psi = U @ psi
    return np.array(out)


# ---------------------------------------------------------------------- chains with any couplings and fields
def chain_energies(N: int, pairs: dict, delta: float, g: float, fields, times: np.ndarray):
    """Energy <H_B> (H_B = sum_i (1 + h_i) |e><e|_i), <H_int> and the ergotropy w.r.t. H_B + H_int
    from |g...g>, full 2^N space: H_int = sum_{(i,j): J_ij} J_ij [xx + yy + Delta zz], field g sum sigma^x."""
    from scipy.linalg import expm

    def site(op, i):
        return qt.tensor([op if j == i else qt.qeye(2) for j in range(N)])

    proj = EXCITED * EXCITED.dag()
    HB = sum((1.0 + float(fields[i])) * site(proj, i) for i in range(N)).full()
    Hint = 0 * HB
    for (i, j), Jij in pairs.items():
        Hint = (
            Hint
            + Jij
            * (
                site(qt.sigmax(), i) * site(qt.sigmax(), j)
                + site(qt.sigmay(), i) * site(qt.sigmay(), j)
                + delta * site(qt.sigmaz(), i) * site(qt.sigmaz(), j)
            ).full()
        )
    Hch = g * sum(site(qt.sigmax(), i) for i in range(N)).full()
    psi = qt.tensor([GROUND] * N).full().ravel()
    U = expm(-1j * (HB + Hint + Hch) * (times[1] - times[0]))
    e0 = np.linalg.eigvalsh(HB + Hint)[0]
    en, ei = [], []
    for _ in times:
        en.append(float(np.real(psi.conj() @ HB @ psi)))
        ei.append(float(np.real(psi.conj() @ Hint @ psi)))
        psi = U @ psi
    en, ei = np.array(en), np.array(ei)
    return en, ei, en + ei - e0


def two_photon_cavity_cells(N: int, lam: float, omega_c: float, times: np.ndarray, n_max: int):
    """Energy and ergotropy of N cells + one cavity with two-photon coupling, full space:
    H = omega_c a^dag a + sum_i |e><e|_i + omega_c lam sum_i sigma^x_i (a^2 + a^dag^2), psi(0) = |2N> (x) |g...g>."""
    cell = functools.partial(cavity_cell_operator, N=N, n_max=n_max)
    a = qt.tensor([qt.destroy(n_max)] + [qt.qeye(2)] * N)
    proj = EXCITED * EXCITED.dag()
    Sx = sum(cell(qt.sigmax(), i) for i in range(N))
    H = omega_c * a.dag() * a + sum(cell(proj, i) for i in range(N)) + omega_c * lam * Sx * (a * a + a.dag() * a.dag())
    psi0 = qt.tensor([qt.basis(n_max, 2 * N)] + [GROUND] * N)
    return cavity_battery_series(H, psi0, times, N)
