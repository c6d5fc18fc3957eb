"""Dicke quantum battery (Ferraro et al., PRL 120, 117702 (2018)).

N cells coupled collectively to one cavity mode holding N photons:
    H = omega_c a^dag a + omega_a J_z + 2 omega_c lam J_x (a + a^dag),  J = sum_i sigma_i / 2,
    psi(0) = |N photons> (x) |all cells in the ground state>,
    H_B = omega_a sum_i |e><e|_i (ground energy 0), omega_a = 1.
Propagated exactly in the symmetric Dicke subspace and the parity sector of n + k, with
a Fock cutoff of 2N + 1 + fock_extra levels whose truncation weight is checked. Sectors
larger than numerics.dense_max_dim use the Lanczos route of cavity_common (error-controlled
Krylov steps, cutoff grown during the run; N = 256 at lambda = 0.2 needs ~3300 levels).
"""

from __future__ import annotations

from ..physics.speed_limits import QSL_SERIES
from .base import ChargerInfo, register
from .cavity_common import CavityBattery, streamed_memory_mb


@register
class Dicke(CavityBattery):
    rwa = False
    name = "dicke"
    joint_charger = ChargerInfo(fock_truncated=True, reuse_cutoff=True)
    closed_battery_basis = "dicke"
    numerics_used = {
        "closed": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol"),
        "joint": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol"),
    }
    title = "Dicke QB"
    label = "Dicke QB"  # figures and report (mathtext)
    kind = "global"
    hamiltonian = "H = omega_c a^dag a + omega_a J_z + 2 omega_c lambda J_x (a + a^dag), J = sum_i sigma_i/2"
    initial_state = "|N photons> (x) |g...g>"
    normalisation = "omega_a = 1; coupling lambda in units of omega_c as in Ferraro et al. 2018; identical to the parallel model at N = 1"
    route = "symmetric Dicke subspace x Fock space (parity sector), exact propagation"
    references = "D. Ferraro et al., PRL 120, 117702 (2018)"
    series = {"photon_number": ("mean photon number in the cavity", "1"), **QSL_SERIES}
    reference = "parallel"

    def memory_mb(self, N: int, n_times: int) -> int:
        """The larger of the dense route's peak (H, its eigenvectors, the states on the time grid) and the
        streamed Krylov route's (``cavity_common.streamed_memory_mb``): an upper bound for either route,
        and increasing in N, as are the runtime requests derived from it."""
        dim = (2 * N + 31) * (N + 1)
        dense = int(300 + 16 * n_times * dim * 3 / 1e6 + 16 * (min(dim, 4000) ** 2) * 3 / 1e6)
        return max(dense, streamed_memory_mb(N, n_times))

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = "H(0) = H(tau) = omega_a (J_z + N/2) + omega_c a^dag a; 0 < t < tau: + 2 omega_c lambda J_x (a + a^dag)"
    work_references = "D. Ferraro et al., PRL 120, 117702 (2018)"

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "Dicke QB, lossy cavity and cells"
    lindblad_hamiltonian = "H = omega_c a^dag a + omega_a (J_z + N/2) + 2 omega_c lambda J_x (a + a^dag)"
    lindblad_references = "D. Ferraro et al., PRL 120, 117702 (2018); N. Shammah et al., PRA 98, 063815 (2018)"
    lindblad_closed_model = "dicke"
    lindblad_max_N = 6
