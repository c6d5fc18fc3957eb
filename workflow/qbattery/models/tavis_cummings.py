"""Tavis-Cummings quantum battery: the rotating-wave version of the Dicke battery.

    H = omega_c a^dag a + omega_a J_z + omega_c lam (J_+ a + J_- a^dag),
    psi(0) = |N photons> (x) |g...g>,  H_B = omega_a sum_i |e><e|_i, omega_a = 1.
The RWA conserves n + k (photons + excited cells), so the dynamics lives in one block of
dimension N + 1 and the Fock cutoff N + 1 is exact (truncation weight 0).
Normalisation: same lam as `dicke` (the RWA keeps the co-rotating half of
2 omega_c lam J_x (a + a^dag)); identical to the RWA of `parallel` at N = 1.
"""

from __future__ import annotations

import numpy as np

from ..open_systems.composite import CAVITY_DISSIPATORS, CAVITY_ROUTE, cavity_initial_cutoff, cavity_memory_mb, cavity_problem
from ..open_systems.problem import CELL_AND_MODE_RATES, CAVITY_WORK, OpenProblem
from ..physics.speed_limits import QSL_SERIES
from .base import ChargerInfo, JointTrajectory, Model, Numerics, Trajectory, register
from ..physics.work_distributions import Sector, cavity_sectors
from .cavity_common import CAVITY_DIAGNOSTICS, CAVITY_PARAMETERS, joint_cavity_trajectory, run_cavity_battery


@register
class TavisCummings(Model):
    name = "tavis_cummings"
    joint_charger = ChargerInfo(fock_truncated=True)
    closed_battery_basis = "dicke"
    numerics_used = {
        "closed": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol"),
        "joint": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol"),
    }
    title = "Tavis-Cummings QB"
    kind = "global"
    hamiltonian = "H = omega_c a^dag a + omega_a J_z + omega_c lambda (J_+ a + J_- a^dag), J = sum_i sigma_i/2"
    initial_state = "|N photons> (x) |g...g>"
    normalisation = "omega_a = 1; lambda as in the Dicke model (rotating-wave part of its coupling)"
    route = "excitation-number block n + k = N of Fock x symmetric Dicke subspace (dimension N + 1), exact"
    references = "M. Tavis and F. W. Cummings, Phys. Rev. 170, 379 (1968); D. Ferraro et al., PRL 120, 117702 (2018)"
    parameters = CAVITY_PARAMETERS
    diagnostics = CAVITY_DIAGNOSTICS
    series = {"photon_number": ("mean photon number in the cavity", "1"), **QSL_SERIES}
    reference = "parallel"

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        return run_cavity_battery(N, N, times, params, numerics, rwa=True)

    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        return joint_cavity_trajectory(N, N, times, params, numerics, rwa=True)

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = "H(0) = H(tau) = omega_a (J_z + N/2) + omega_c a^dag a; 0 < t < tau: + omega_c lambda (J_+ a + J_- a^dag)"
    work_route = "every total-spin sector j with multiplicity d_j (x) n_max Fock levels; exact diagonalisation"
    work_references = "D. Ferraro et al., PRL 120, 117702 (2018) (rotating-wave coupling)"
    work_cavity = True

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list[Sector]:
        """Battery + cavity from the Gibbs state of H_B + H_C, RWA coupling switched on for tau (all spin sectors j)."""
        return cavity_sectors(N, n_max, float(params["omega_c"]), float(params["coupling"]), rwa=True)

    def work_dimension(self, N: int, n_max: int) -> int:
        return (N + 1) * n_max  # sector j = N/2 (x) Fock

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "Tavis-Cummings QB, lossy cavity and cells"
    lindblad_hamiltonian = "H = omega_c a^dag a + omega_a (J_z + N/2) + omega_c lambda (J_+ a + J_- a^dag)"
    lindblad_dissipators = CAVITY_DISSIPATORS
    lindblad_route = CAVITY_ROUTE
    lindblad_work_definition = CAVITY_WORK
    lindblad_references = (
        "M. Tavis, F. W. Cummings, Phys. Rev. 170, 379 (1968); D. Ferraro et al., PRL 120, 117702 (2018); N. "
        "Shammah et al., PRA 98, 063815 (2018)"
    )
    lindblad_closed_model = "tavis_cummings"
    lindblad_rates = CELL_AND_MODE_RATES
    lindblad_has_cavity = True
    lindblad_max_N = 12

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """Cells (piqs Dicke basis, all j) (x) lossy cavity with N photons and ``cutoff`` Fock levels
        (open_systems.composite.spins_and_mode, rotating-wave coupling)."""
        return cavity_problem(N, params, cutoff, rwa=True)

    def lindblad_initial_cutoff(self, N: int, params: dict[str, float], extra: int, tol: float) -> int:
        return cavity_initial_cutoff(N, params, extra, tol, rwa=True)

    def lindblad_memory_mb(self, N: int, n_times: int) -> int:
        return cavity_memory_mb(N, n_times)
