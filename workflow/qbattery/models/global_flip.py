"""Optimal global charging: the collective flip of Binder, Vinjanampathy, Modi, Goold,
NJP 17, 075015 (2015).

Rotating frame (H_B = omega_a sum_i |e><e|_i, omega_a = 1, resonant drive as in
``rabi_parallel``), charging Hamiltonian coupling the empty and the full battery directly:
    V = g_N (|g...g><e...e| + |e...e><g...g|),   psi(0) = |g...g>,
    psi(t) = cos(g_N t) |g...g> - i sin(g_N t) |e...e>,   E(t) = N omega_a sin^2(g_N t).
Normalisation (Binder et al.: equal operator norm of the charging Hamiltonian):
g_N = N g, so ||V|| = N g = ||g sum_i s^x_i||, the norm of the parallel drive ``rabi_parallel``
at the same g (its reference). Then the flip charges fully at t = pi / (2 N g), N times
faster than the parallel drive (pi / (2 g)): Gamma(N) = N exactly. The price: V is an
N-body interaction whose coupling g_N must grow with N; at equal coupling (g_N = g)
there is no speed-up at all.
The flip saturates the Mandelstam-Tamm bound (|<psi0|psi_t>| = cos(g_N t), Delta E = g_N),
the parallel drive misses it by sqrt(N) at full charge.

Route: V couples only |g...g> and |e...e> (energies 0 and N omega_a), so the state stays in
that two-dimensional invariant subspace: exact 2x2 propagation for any N (the tests compare
with the full 2^N space and the flip generator of ``qbattery.physics.work_distributions``);
pure state: ergotropy = energy.
The work face uses the same V (coupling g_N = N g) in every spin sector j from the Gibbs state of H_B.
"""

from __future__ import annotations

import numpy as np

from ..physics.charging_bounds import bound_of
from ..physics.speed_limits import QSL_SERIES
from ..physics.work_distributions import Sector, _flip_generator, collective_sectors
from ..physics.control_systems import ControlSystem, cells_system
from .base import Model, Numerics, Trajectory, register
from .rabi_parallel import DIAGNOSTICS, DRIVE, check_N, pure_run


@register
class GlobalFlip(Model):
    name = "global_flip"
    numerics_used = {"closed": ("dense_max_dim",)}
    title = "Global flip (equal norm)"
    label = "Global flip (equal norm)"  # figures and report (mathtext)
    kind = "global"
    hamiltonian = "V = g_N (|g...g><e...e| + h.c.), g_N = N g (rotating frame of H_B = omega_a sum_i |e><e|_i)"
    initial_state = "|g...g>"
    normalisation = (
        "omega_a = 1; g_N = N g so that ||V|| = N g equals the operator norm of the parallel drive g sum_i s^x_i "
        "(reference rabi_parallel at equal g); diagnostic charging_norm = ||V||; speed limits use V (rotating frame)"
    )
    route = "invariant subspace span{|g...g>, |e...e>} (2 states), exact for any N; pure state: ergotropy = energy"
    references = "F. C. Binder, S. Vinjanampathy, K. Modi, J. Goold, NJP 17, 075015 (2015)"
    parameters = (DRIVE,)
    diagnostics = DIAGNOSTICS
    series = dict(QSL_SERIES)
    reference = "rabi_parallel"
    normalised_parameters = ("drive",)
    normalisation_exact = True  # rotating frame: H = V
    kac_exponent = 0.5

    def charging_norm(self, N: int, params: dict[str, float]) -> float:
        return N * float(params["drive"])  # ||V|| = g_N = N g

    def charging_bound(self, N: int, params: dict[str, float]):
        gN = N * float(params["drive"])
        return bound_of(N, gN, [(N, gN, 1)])  # one N-body term

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        check_N(self.name, N)
        gN = N * float(params["drive"])
        V = np.array([[0.0, gN], [gN, 0.0]])  # basis (|g...g>, |e...e>)
        traj, _ = pure_run(V, np.array([0.0, float(N)]), times, numerics)
        traj.capacity = np.full(len(times), float(N))
        return traj

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = (
        "H(0) = H(tau) = H_B; resonant global drive g_N (|e..e><g..g| e^{-i N omega_a t} + h.c.), g_N = N g, "
        "i.e. U = e^{-i H_B tau} e^{-i g_N tau (|g..g><e..e| + h.c.)}"
    )
    work_route = "every total-spin sector j with multiplicity d_j (the flip acts in j = N/2 only)"
    work_references = "F. C. Binder et al., NJP 17, 075015 (2015)"

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list[Sector]:
        """H(0) = H(tau) = H_B, K = g_N (|g..g><e..e| + h.c.) with the closed face's g_N = N g, every spin sector j."""
        return collective_sectors(N, 1.0, 1.0, _flip_generator(N * float(params["drive"]), N))

    # ---------------------------------------------------------------- face: control
    control_frame = "rotating frame of H_B at resonance (drift 0); control amplitudes are rotating-frame amplitudes"

    def control_system(self, N: int, params: dict[str, float]) -> ControlSystem:
        """N cells in |g...g>, rotating frame (drift 0); the fixed protocol is the flip g_N = N g."""
        check_N(self.name, N)
        return cells_system(N, frame=self.control_frame)
