"""Collective drive with local and collective (superradiant) decay: an open-system model only
(``lindblad`` face, config section ``open_systems.models``; no closed face).

Rotating frame of a resonant drive (omega_a = 1), J = sum_i sigma_i / 2, rho(0) = |g...g>:
    H = 2 g J_x = g sum_i s^x_i,
    L_D = sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]] + gamma_c D[J_-].
Route: the qutip.piqs Dicke basis over all spin sectors j (dimension ~ (N/2 + 1)^2), only the
block-diagonal part of vec(rho) propagated, as the real symmetric blocks of rho' = P rho P^dag
(P = diag(i^m): the drive becomes g [J_+ - J_-, .], real; dicke_basis.RealSymmetricBlocks, ~N^3/12
real numbers) by a Krylov exponential (lindblad.krylov_evolve); ergotropy over the full 2^N space
from the block spectra with multiplicities (physics.dicke_basis). At gamma_c = 0 the state stays a product
and equals N copies of ``rabi_parallel``'s open face (tested at N = 30).
References: N. Shammah et al., PRA 98, 063815 (2018) (piqs); F. Barra, PRL 122, 210601 (2019).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..open_systems.composite import block_support
from ..physics import spin_cavity
from ..physics.dicke_basis import DickeBlocks, ensemble_dissipator, support_commutator, to_support
from ..open_systems.problem import CELL_RATES, DRIVE_WORK, OpenProblem, identity_battery, n_thermal
from ..physics.quantities import cells_spectrum
from .base import Model, Parameter, register
from .rabi_parallel import DRIVE

GAMMA_COLLECTIVE = Parameter(
    "gamma_collective", "collective (superradiant) decay rate gamma_c of D[J_-]", "omega_a", 0.0, minimum=0.0, maximum=100.0
)


@register
class CollectiveDrive(Model):
    name = "collective_drive"
    title = "Collective drive with local and collective decay (piqs)"
    label = "Collective drive, collective decay"  # figures and report (mathtext)
    kind = "global"  # the decay gamma_c D[J_-] couples the cells (the drive 2 g J_x is a sum of one-cell terms)
    hamiltonian = "rotating frame H = 2 g J_x = g sum_i s^x_i (resonant drive), J = sum_i sigma_i / 2"
    initial_state = "|g...g>"
    normalisation = "omega_a = 1; g per cell in the rotating frame as in rabi_parallel; gamma_c per D[J_-] (superradiant rate N gamma_c)"
    route = (
        "qutip.piqs Dicke basis over all spin sectors j (dimension ~ (N/2 + 1)^2), block-diagonal support in a real "
        "symmetric frame, Krylov propagation (tolerance 1e-13 per unit time; dense exponential at small size); "
        "full-space ergotropy with multiplicities"
    )
    references = "N. Shammah et al., PRA 98, 063815 (2018) (piqs); F. Barra, PRL 122, 210601 (2019)"
    parameters = (DRIVE, GAMMA_COLLECTIVE)
    reference = None

    # ---------------------------------------------------------------- face: lindblad
    lindblad_dissipators = "sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]] + gamma_collective D[J_-]"
    lindblad_route = route
    lindblad_work_definition = DRIVE_WORK
    lindblad_closed_model = "rabi_parallel (identical to it at gamma_collective = 0)"
    lindblad_rates = CELL_RATES
    lindblad_max_N = 10000

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """Dicke-basis generator (module docstring); |g...g> is the last state of the j = N/2 block.

        The generators are built on the block-diagonal support directly (never on all d^2 vec
        indices) and propagated in the real symmetric frame of dicke_basis.RealSymmetricBlocks."""
        g = float(params["drive"])
        blocks = DickeBlocks(N)
        Jz, Jp = spin_cavity.dicke_basis_spin_operators(N)
        H_sparse = (g * (Jp + Jp.T)).tocsr()  # 2 g J_x
        H = H_sparse.toarray().astype(complex)
        HB = blocks.battery_hamiltonian()
        d = blocks.dimension
        rho0 = np.zeros((d, d), dtype=complex)
        rho0[N, N] = 1.0  # m = -N/2 of the j = N/2 block
        if abs(blocks.excitations[N]) > 1e-12:
            raise RuntimeError("piqs basis ordering changed: |g...g> is not at index N")
        n = n_thermal(1.0, params["temperature"])
        support = block_support(blocks, 1)
        L_D = to_support(ensemble_dissipator(N, params["gamma"], n, params["gamma_phi"], float(params["gamma_collective"])), support)
        return OpenProblem(
            L_H=support_commutator(H_sparse, blocks, support),
            L_D=L_D,
            L_H_off=sp.csr_matrix((support.size, support.size), dtype=complex),
            rho0=rho0,
            H_B=HB,
            H_S=HB + H,
            H_S_off=HB,
            battery=identity_battery,
            levels=cells_spectrum(N),
            H_B_reduced=HB,
            blocks=blocks,
            support=support,
            on_support=True,
            real_frame=True,
        )

    def lindblad_memory_mb(self, N: int, n_times: int) -> int:
        """Block-diagonal part only: n_s = sum_j (2j+1)^2 numbers per state, rho and its integral
        on the grid, the discharge curve, a sparse generator with ~12 entries per row."""
        n_s = int((DickeBlocks(N).sizes ** 2).sum())
        return int(400 + 16 * n_s * (2 * n_times + 400) / 1e6 + 12 * n_s * 3 * 28 / 1e6)
