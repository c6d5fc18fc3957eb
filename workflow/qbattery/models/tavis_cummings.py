"""Tavis-Cummings quantum battery: the rotating-wave version of the Dicke battery.

    H = omega_c a^dag a + omega_a J_z + omega_c lam (J_+ a + J_- a^dag),
    psi(0) = |N photons> (x) |g...g>,  H_B = omega_a sum_i |e><e|_i, omega_a = 1.
The RWA conserves n + k (photons + excited cells), so the dynamics lives in one block of
dimension N + 1 and the Fock cutoff N + 1 is exact (truncation weight 0).
Normalisation: same lam as `dicke` (the RWA keeps the co-rotating half of
2 omega_c lam J_x (a + a^dag)); identical to the RWA of `parallel` at N = 1.
"""

from __future__ import annotations

from ..physics.speed_limits import QSL_SERIES
from .base import ChargerInfo, register
from .cavity_common import CavityBattery


@register
class TavisCummings(CavityBattery):
    rwa = True
    name = "tavis_cummings"
    joint_charger = ChargerInfo(fock_truncated=True)
    closed_battery_basis = "dicke"
    numerics_used = {
        "closed": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol"),
        "joint": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol"),
    }
    title = "Tavis-Cummings QB"
    label = "Tavis-Cummings QB"  # figures and report (mathtext)
    kind = "global"
    hamiltonian = "H = omega_c a^dag a + omega_a J_z + omega_c lambda (J_+ a + J_- a^dag), J = sum_i sigma_i/2"
    initial_state = "|N photons> (x) |g...g>"
    normalisation = "omega_a = 1; lambda as in the Dicke model (rotating-wave part of its coupling)"
    route = "excitation-number block n + k = N of Fock x symmetric Dicke subspace (dimension N + 1), exact"
    references = "M. Tavis and F. W. Cummings, Phys. Rev. 170, 379 (1968); D. Ferraro et al., PRL 120, 117702 (2018)"
    series = {"photon_number": ("mean photon number in the cavity", "1"), **QSL_SERIES}
    reference = "parallel"

    def memory_mb(self, N: int, n_times: int) -> int:
        """The block of dimension N + 1 is exact, but the battery states are dense: per time the
        (N + 3) x (N + 1) amplitude array, the (N + 1) x (N + 1) reduced state and its
        eigendecomposition (``cavity_common._run_with_cutoff``), complex: 3 x 16 B x n_times (N + 1)(N + 3).
        N = 256 on 801 times is ~2.5 GB; N = 100000 is refused at validation (it was a MemoryError
        under the 500 MB default request)."""
        return int(300 + 3 * 16 * n_times * (N + 1) * (N + 3) / 1e6)

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = "H(0) = H(tau) = omega_a (J_z + N/2) + omega_c a^dag a; 0 < t < tau: + omega_c lambda (J_+ a + J_- a^dag)"
    work_references = "D. Ferraro et al., PRL 120, 117702 (2018) (rotating-wave coupling)"

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "Tavis-Cummings QB, lossy cavity and cells"
    lindblad_hamiltonian = "H = omega_c a^dag a + omega_a (J_z + N/2) + omega_c lambda (J_+ a + J_- a^dag)"
    lindblad_references = (
        "M. Tavis, F. W. Cummings, Phys. Rev. 170, 379 (1968); D. Ferraro et al., PRL 120, 117702 (2018); N. "
        "Shammah et al., PRA 98, 063815 (2018)"
    )
    lindblad_closed_model = "tavis_cummings"
    lindblad_max_N = 12
