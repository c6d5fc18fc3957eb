"""Parallel charging reference of the Dicke battery (Ferraro et al., PRL 120, 117702 (2018)).

Each of the N cells is coupled to its own cavity holding one photon:
    H = sum_i [ omega_c a_i^dag a_i + omega_a sigma_i^z / 2 + omega_c lam sigma_i^x (a_i + a_i^dag) ],
which is the Dicke Hamiltonian at N = 1 for every cell (same lam normalisation).
Computed for one cell and scaled: the battery state is rho_1^{(x)N}; its energy is
N E_1 and its ergotropy N Erg_1 exactly, because the eigenvalue groups p^{N-k}(1-p)^k of
rho_1^{(x)N} and the levels k omega_a share the degeneracies C(N, k) (checked against
the full 2^N space in the tests). The speed-limit series of the N pairs follow from one pair
(overlap^N, N (<h> - e_0), sqrt(N) Delta h; ``speed_limits.product_series``).
"""

from __future__ import annotations

import numpy as np

from ..physics.speed_limits import QSL_SERIES, product_series
from .base import Model, Numerics, Trajectory, register
from ..physics.work_distributions import Sector, cavity_sectors
from .cavity_common import CAVITY_DIAGNOSTICS, CAVITY_PARAMETERS, run_cavity_battery


@register
class Parallel(Model):
    name = "parallel"
    numerics_used = {
        "closed": ("dense_max_dim", "fock_auto", "fock_extra", "fock_max_dim", "fock_max_factor", "state_tol", "truncation_tol")
    }
    title = "Parallel QB"
    label = "Parallel cavities QB"  # figures and report (mathtext)
    kind = "parallel"
    hamiltonian = "H = sum_i [omega_c a_i^dag a_i + omega_a sigma_i^z/2 + omega_c lambda sigma_i^x (a_i + a_i^dag)]"
    initial_state = "(|1 photon> (x) |g>)^{(x) N}"
    normalisation = "omega_a = 1; each cell-cavity pair is the Dicke model at N = 1"
    route = "one cell with its cavity, exact; energy, ergotropy and capacity scaled by N (exact for identical qubits)"
    references = "D. Ferraro et al., PRL 120, 117702 (2018)"
    parameters = CAVITY_PARAMETERS
    diagnostics = CAVITY_DIAGNOSTICS
    series = {"photon_number": ("mean photon number summed over the N cavities", "1"), **QSL_SERIES}
    reference = None

    def charger_energy(self, N: int, params: dict[str, float]) -> float:
        return N * float(params["omega_c"])  # N cavities with one photon each

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        one = run_cavity_battery(1, 1, times, params, numerics, rwa=False)
        return Trajectory(
            energy=N * one.energy,
            ergotropy=N * one.ergotropy,
            capacity=N * one.capacity,
            diagnostics=one.diagnostics,
            series={"photon_number": N * one.series["photon_number"], **product_series(one.series, N)},
            states=None,
        )

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = (
        "N independent copies of the Dicke protocol at N = 1: H(0) = H(tau) = omega_a |e><e| + omega_c a^dag a; "
        "0 < t < tau: + omega_c lambda sigma^x (a + a^dag)"
    )
    work_route = "one cell + cavity exactly, N-fold convolution of its distribution"
    work_references = "D. Ferraro et al., PRL 120, 117702 (2018)"
    work_cavity = True
    work_copies = True

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list[Sector]:
        """One cell + its cavity (the stage convolves the N = 1 distribution N times; ``N`` is ignored)."""
        return cavity_sectors(1, n_max, float(params["omega_c"]), float(params["coupling"]), rwa=False)

    def work_dimension(self, N: int, n_max: int) -> int:
        return 2 * n_max  # one cell (x) Fock
