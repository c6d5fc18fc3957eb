"""SYK quantum battery (Rossini, Andolina, Rosa, Carrega, Polini, PRL 125, 236402 (2020); Rosa et al.,
JHEP 2020, 067): N cells charged by a quench to a complex-fermion SYK Hamiltonian.

Cells (spins 1/2, omega_a = 1): H_B = (omega_a / 2) sum_i (1 + sigma^y_i), ground state |g...g> with
each cell in the sigma^y = -1 eigenstate (|0> - i|1>)/sqrt(2) (|1> = sigma^z = -1... here: mode
occupied), ground energy 0, capacity N omega_a. Charging (0 < t < tau): the cells' Hamiltonian is
replaced by the SYK Hamiltonian of the complex fermions c_i = (prod_{j<i} sigma^z_j) sigma^-_i
(Jordan-Wigner of the cells),
    H_1 = sum_{I,K} J_{IK} c^dag_I c_K,   <|J_{IK}|^2> = J^2 p! (p-1)! / N^(q-1),  q = 2p in {2, 4},
random Hermitian couplings over the ordered p-subsets (``qbattery.physics.syk``); then the energy
E(tau) = <psi(tau)|H_B|psi(tau)>. The cells' sigma^y axis is transverse to the fermion number
(sigma^z), so |g...g> spreads over every particle-number sector Q and the Jordan-Wigner strings make
each SYK term act on O(N) cells: the source of the super-extensive power (Rossini et al.: P_max ~ N^(3/2)
for q = 4). q = 2 is free fermions (no interaction between the modes).

Route: H_1 conserves Q; psi(0) has amplitude (-i)^Q / 2^(N/2) on every Fock state of sector Q; each
sector (dimension C(N, Q), <= 12870 at N = 16) is propagated exactly (``propagation.propagate``:
eigh up to dense_max_dim, expm_multiply above) and <sigma^y_i> couples neighbouring sectors Q, Q + 1.
The state is pure, so ergotropy = energy (passive state |g...g>, energy 0), capacity = N omega_a.
"""

from __future__ import annotations

from math import comb

import numpy as np

from ..physics import syk
from ..physics.spin_chain_ops import propagate_observables
from .base import Diagnostic, Model, Numerics, Parameter, Trajectory, register


def cells_energy_from_sectors(N: int, sectors: list[np.ndarray], states: list[np.ndarray]) -> np.ndarray:
    """E(t) = sum_i (1 + <sigma^y_i>) / 2 from the sector states psi_Q(t) (nt, C(N, Q)):
    <sigma^y_i> = -2 Im sum_{s: n_i(s) = 0} psi*_{s + 2^i} psi_s (sigma^y |0> = i |1> per mode)."""
    nt = sectors[0].shape[0]
    sy = np.zeros(nt)
    for Q in range(N):
        a, b, sa, sb = sectors[Q], sectors[Q + 1], states[Q], states[Q + 1]
        for i in range(N):
            bit = np.int64(1) << i
            src = np.flatnonzero((sa & bit) == 0)
            dst = np.searchsorted(sb, sa[src] | bit)
            sy += -2.0 * np.imag(np.einsum("ts,ts->t", b[:, dst].conj(), a[:, src]))
    return 0.5 * (N + sy)


@register
class SYKBattery(Model):
    name = "syk"
    title = "SYK battery"
    kind = "global"
    random = True
    disorder = (
        "complex Gaussian couplings J_IK (unit-variance GUE over the p-subsets, drawn for q = 2 and q = 4), scaled by sqrt(<|J_IK|^2>)"
    )
    hamiltonian = (
        "H_B = (omega_a/2) sum_i (1 + s^y_i); charging: H_1 = sum_{I,K} J_IK c^dag_I c_K, |I| = |K| = q/2, "
        "c_i = prod_{j<i} s^z_j s^-_i, <|J_IK|^2> = J^2 p! (p-1)! / N^(q-1) (quench H_B -> H_1)"
    )
    initial_state = "|g...g>, each cell in the s^y = -1 eigenstate (ground state of H_B)"
    normalisation = "omega_a = 1; SYK couplings of extensive spectrum (Gu-Kitaev-Sachdev-Tarnopolsky normalisation)"
    route = "particle-number sectors Q of the Fock space (H_1 conserves Q), each propagated exactly; <s^y_i> across sectors Q, Q+1"
    references = "D. Rossini et al., PRL 125, 236402 (2020); D. Rosa et al., JHEP 2020, 067 (2020)"
    parameters = (
        Parameter("J", "SYK coupling strength J", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True, maximum=100.0),
        Parameter("q", "body number q of the SYK interaction (2: free fermions, 4: SYK)", "1", 4, minimum=2, maximum=4, integer=True),
    )
    diagnostics = (
        Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
        Diagnostic("energy_drift", "max over time of |<H_1>(t) - <H_1>(0)| / (1 + |<H_1>(0)|)", "norm_tol"),
    )
    numerics_used = {"closed": ("dense_max_dim",)}
    closed_max_N = 18

    def draw(self, N: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Unit-variance Hermitian coupling matrices over the 1- and 2-subsets (q = 2 and q = 4)."""
        return {"q2": syk.unit_hermitian(comb(N, 1), rng), "q4": syk.unit_hermitian(comb(N, 2), rng)}

    def couplings(self, N: int, params: dict[str, float], disorder: dict[str, np.ndarray]) -> tuple[np.ndarray, int]:
        """(J_IK, p) of one realisation at the parameter point."""
        q = int(round(float(params["q"])))
        if q not in (2, 4):
            raise ValueError(f"model 'syk': q must be 2 or 4, got {params['q']}")
        scale = np.sqrt(syk.coupling_variance(float(params["J"]), N, q))
        return scale * disorder[f"q{q}"], q // 2

    def sector_hamiltonians(self, N: int, params: dict[str, float], disorder: dict[str, np.ndarray]) -> list:
        Jm, p = self.couplings(N, params, disorder)
        return [syk.syk_sector(N, Q, Jm, p) for Q in range(N + 1)]

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, disorder=None) -> Trajectory:
        if N < 1:
            raise ValueError(f"model 'syk': N must be >= 1, got {N}")
        if disorder is None:
            raise ValueError("model 'syk' has random couplings: pass disorder = model.draw(N, rng)")
        times = np.asarray(times, dtype=float)
        nt = len(times)
        Hs = self.sector_hamiltonians(N, params, disorder)
        states = [syk.sector_states(N, Q) for Q in range(N + 1)]
        psis, norm, h1, h10 = [], np.zeros(nt), np.zeros(nt), 0.0
        for Q, H in enumerate(Hs):
            psi0 = np.full(states[Q].size, (-1j) ** Q / 2 ** (N / 2), dtype=complex)
            out = np.empty((nt, psi0.size), dtype=complex)

            def observe(sl, block, out=out):
                out[sl] = block

            propagate_observables(H, psi0, times, observe, numerics.dense_max_dim)
            psis.append(out)
            norm += np.sum(np.abs(out) ** 2, axis=1)
            h1 += np.real(np.einsum("ts,ts->t", out.conj(), (H @ out.T).T))
            h10 += float(np.real(psi0.conj() @ (H @ psi0)))
        energy = cells_energy_from_sectors(N, psis, states)
        return Trajectory(
            energy=energy,
            ergotropy=energy.copy(),  # pure state; passive state |g...g> has energy 0
            capacity=np.full(nt, float(N)),
            diagnostics={
                "norm_error": float(np.abs(norm - 1.0).max()),
                "energy_drift": float(np.abs(h1 - h10).max() / (1.0 + abs(h10))),
            },
        )

    def memory_mb(self, N: int, n_times: int) -> int:
        dmax = comb(N, N // 2)
        nnz = dmax * (comb(N // 2, 2) * comb(N - N // 2 + 2, 2) + 1)
        return int(400 + (2**N * n_times * 16 + nnz * 40 + 3 * 16 * min(dmax, 20000) ** 2) / 1e6)
