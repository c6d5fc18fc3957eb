"""Long-range XXZ chain battery and its Lipkin-Meshkov-Glick limit (Le, Levinsen, Modi, Parish,
Pollock, PRA 97, 022106 (2018): the advantage is super-extensive only for long-range interactions).

The spin chain of ``spin_chain`` with every pair coupled, J_ij = J / r_ij^alpha_LR:
    H = omega_a sum_i |e><e|_i + sum_{i<j} J_ij [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j] + g sum_i s^x_i,
r_ij = |i - j| (open) or the ring distance min(|i - j|, N - |i - j|) (periodic), psi(0) = |g...g>;
alpha_LR -> infinity is the nearest-neighbour chain, alpha_LR = 0 all-to-all. Energies relative to the
cells' H_B as in ``spin_chain`` (series: <H_int>, the ergotropy w.r.t. H_B + H_int).

``long_range_xxz``: the full 2^N space (``spin_chain_ops.xxz_bond_hamiltonian``), propagated in the
sector symmetric under the chain's reflection / dihedral group (the ring distance keeps it).
``lmg``: alpha_LR = 0, where sum_{i<j} s^a_i s^a_j = (4 S_a^2 - N) / 2 (S = sum_i s_i / 2), so
    H_int = J [2 (S^2 - S_z^2) - N + Delta (2 S_z^2 - N / 2)],  H_ch = 2 g S_x,
and the dynamics from |g...g> stays in the symmetric Dicke subspace S = N / 2 (dimension N + 1: large N).
H_B + H_int is diagonal in (S, S_z) on every total-spin sector, so its ground energy over the full
space (the reference of the interacting ergotropy) is the minimum over S and m in closed form.
The parallel reference of both is ``spin_chain_parallel`` (the same cells and field at J = 0).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..physics import spin_chain_ops as ops
from ..physics.speed_limits import QSL_SERIES
from ..physics.spin_cavity import dicke_jplus
from .base import Diagnostic, Model, Numerics, Parameter, Trajectory, register
from .spin_chain import _DRIVE, SpinChain, chain_trajectory

_J = Parameter("J", "exchange coupling J (J_ij = J / r^alpha_LR)", "omega_a", 0.2, minimum=-100.0, maximum=100.0)
_DELTA = Parameter("anisotropy", "XXZ anisotropy Delta", "1", 0.5, minimum=-100.0, maximum=100.0)
_SERIES = {
    "interaction_energy": ("interaction energy <H_int>(t) of the chain", "omega_a"),
    "interacting_ergotropy": ("ergotropy w.r.t. H_B + H_int: <H_B + H_int> - E_0(H_B + H_int) (Le et al.)", "omega_a"),
    **QSL_SERIES,
}
_DIAGNOSTICS = (
    Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
    Diagnostic("energy_drift", "max over time of |<H>(t) - <H>(0)| / (1 + |<H>(0)|), H the total Hamiltonian", "norm_tol"),
    Diagnostic("hilbert_dim", "dimension of the propagated symmetric sector (full space 2^N)", ""),
)


@register
class LongRangeXXZ(Model):
    name = "long_range_xxz"
    title = "Long-range XXZ chain QB"
    kind = "global"
    hamiltonian = (
        "H = omega_a sum_i |e><e|_i + sum_{i<j} (J / r_ij^alpha_LR) [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j] + g sum_i s^x_i; "
        "r_ij = |i-j| (open) or min(|i-j|, N-|i-j|) (periodic)"
    )
    initial_state = "|g...g>"
    normalisation = SpinChain.normalisation
    route = "2^N space in the reflection (open) / dihedral (periodic) symmetric sector; sparse H from bit patterns, exact propagation"
    references = "T. P. Le, J. Levinsen, K. Modi, M. M. Parish, F. A. Pollock, PRA 97, 022106 (2018)"
    parameters = (
        _J,
        _DELTA,
        _DRIVE,
        Parameter("alpha_LR", "range exponent alpha_LR of J / r^alpha_LR (0: all-to-all)", "1", 1.0, minimum=0.0, maximum=100.0),
        Parameter("periodic", "boundary: 1 periodic (ring distance), 0 open chain", "1", 0, minimum=0, maximum=1, integer=True),
    )
    diagnostics = _DIAGNOSTICS
    series = _SERIES
    reference = "spin_chain_parallel"
    numerics_used = {"closed": ("dense_max_dim",)}
    closed_max_N = 20
    memory_mb = SpinChain.memory_mb

    def operators(self, N: int, params: dict[str, float]):
        periodic = bool(int(round(float(params["periodic"]))))
        bonds = ops.long_range_bonds(N, float(params["J"]), float(params["alpha_LR"]), periodic)
        Hint = ops.xxz_bond_hamiltonian(N, bonds, float(params["anisotropy"]))
        return ops.cells_hamiltonian(N), Hint, ops.field_hamiltonian(N, float(params["drive"]))

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, symmetric: bool = True) -> Trajectory:
        if N < 1:
            raise ValueError(f"model {self.name!r}: N must be >= 1, got {N}")
        HB, Hint, Hch = self.operators(N, params)
        group = ops.chain_symmetry_group(N, bool(int(round(float(params["periodic"]))))) if symmetric else None
        return chain_trajectory(N, times, HB, Hint, Hch, numerics, group)


def lmg_operators(N: int, J: float, anisotropy: float, g: float):
    """(H_B, H_int, H_ch) of the all-to-all chain in the Dicke basis |k> (k = 0..N excitations, S_z = k - N/2)."""
    k = np.arange(N + 1, dtype=float)
    sz = k - N / 2
    s2 = (N / 2) * (N / 2 + 1)
    HB = sp.diags(k, format="csr")
    Hint = sp.diags(J * (2 * (s2 - sz**2) - N + anisotropy * (2 * sz**2 - N / 2)), format="csr")
    jp = dicke_jplus(N)
    Hch = sp.csr_matrix(g * (np.diag(jp, -1) + np.diag(jp, 1)))  # 2 g S_x = g (S_+ + S_-)
    return HB, Hint, Hch


def lmg_ground_energy(N: int, J: float, anisotropy: float) -> float:
    """min over total spin S = N/2, N/2 - 1, ... and m = -S..S of H_B + H_int (diagonal in every sector)."""
    best = np.inf
    for two_s in range(N % 2, N + 1, 2):
        S = two_s / 2
        m = np.arange(-S, S + 1)
        e = (m + N / 2) + J * (2 * (S * (S + 1) - m**2) - N + anisotropy * (2 * m**2 - N / 2))
        best = min(best, float(e.min()))
    return best


@register
class LMGBattery(Model):
    name = "lmg"
    title = "LMG battery (all-to-all XXZ)"
    kind = "global"
    hamiltonian = (
        "H = omega_a sum_i |e><e|_i + J sum_{i<j} [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j] + g sum_i s^x_i "
        "= S_z + N/2 + J [2 (S^2 - S_z^2) - N + Delta (2 S_z^2 - N/2)] + 2 g S_x (long_range_xxz at alpha_LR = 0)"
    )
    initial_state = "|g...g> = |S = N/2, S_z = -N/2>"
    normalisation = SpinChain.normalisation
    route = "symmetric Dicke subspace (N + 1 states), exact propagation; E_0(H_B + H_int) over every total-spin sector in closed form"
    references = "T. P. Le et al., PRA 97, 022106 (2018) (alpha = 0); H. J. Lipkin, N. Meshkov, A. J. Glick, Nucl. Phys. 62, 188 (1965)"
    parameters = (_J, _DELTA, _DRIVE)
    diagnostics = _DIAGNOSTICS
    series = _SERIES
    reference = "spin_chain_parallel"
    numerics_used = {"closed": ("dense_max_dim",)}
    closed_max_N = 100000

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        if N < 1:
            raise ValueError(f"model {self.name!r}: N must be >= 1, got {N}")
        J, delta = float(params["J"]), float(params["anisotropy"])
        HB, Hint, Hch = lmg_operators(N, J, delta, float(params["drive"]))
        # basis state 0 = |g...g>; H_B's levels 0..N span the full space's extremes (capacity N)
        return chain_trajectory(N, times, HB, Hint, Hch, numerics, None, e0_chain=lmg_ground_energy(N, J, delta))

    def memory_mb(self, N: int, n_times: int) -> int:
        return int(300 + 16 * (N + 1) * (3 * n_times + 3 * min(N + 1, 20000)) / 1e6)
