"""Rabi charging: N independent cells under a resonant classical drive, the simplest local
(parallel) protocol (Binder, Vinjanampathy, Modi, Goold, NJP 17, 075015 (2015)).

Lab frame, rotating-wave drive resonant with omega_a = 1:
    H(t) = H_B + g sum_i (s^+_i e^{-i omega_a t} + h.c.),   H_B = omega_a sum_i |e><e|_i,
    psi(0) = |g...g>.
In the frame rotating with H_B the charging Hamiltonian is time independent,
    V = g sum_i s^x_i = 2 g J_x,
and energy and ergotropy are the same in both frames (H_B commutes with the frame change).
Each cell Rabi-oscillates: E(t) = N omega_a sin^2(g t), full charge at g t = pi/2.
The state is a pure product, so its passive state is |g...g> and ergotropy = energy
(ergotropy of N copies is additive); capacity = N omega_a.

Route: one cell (spin 1/2 operators and drive generator of ``qbattery.physics.work_distributions``, the
same as the work face below), exact 2x2 propagation, scaled by N (any N); the
speed-limit series of the N-cell product state follow from the cell's
(``speed_limits.product_series``). Tests check against the full 2^N space.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..physics.lindblad import dissipators, hamiltonian_superop
from ..open_systems.problem import CELL_RATES, DRIVE_WORK, NE, SX, OpenProblem, cell_terms, identity_battery
from ..physics.charging_bounds import bound_of
from ..physics.propagation import propagate
from ..physics.speed_limits import QSL_SERIES, product_series, qsl_series
from ..physics.work_distributions import Sector, _rabi_generator, collective_sectors, spin_operators
from ..physics.control_systems import ControlSystem, cells_system
from .base import Diagnostic, Model, Numerics, Parameter, Trajectory, register

# g = 0 is allowed: the undriven battery (open face: relaxation to the Gibbs state)
DRIVE = Parameter("drive", "drive amplitude g (per cell, rotating frame)", "omega_a", 0.5, minimum=0.0, maximum=100.0)
DIAGNOSTICS = (
    Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
    Diagnostic("charging_norm", "operator norm ||V|| of the charging Hamiltonian (rotating frame)", ""),
)


def check_N(name: str, N: int) -> None:
    if N < 1:
        raise ValueError(f"model {name!r}: N must be >= 1, got {N}")


def pure_run(V: np.ndarray, levels: np.ndarray, times: np.ndarray, numerics: Numerics) -> tuple[Trajectory, np.ndarray]:
    """Evolve basis state 0 under V in a basis of H_B eigenstates with ``levels`` (level 0 = 0):
    E = sum_k |psi_k|^2 levels_k; ergotropy = E (pure state, passive state = basis state 0).
    Returns the trajectory (capacity, charging_norm filled by the caller) and V's spectrum."""
    psi0 = np.zeros(len(levels), dtype=complex)
    psi0[0] = 1.0
    psi = propagate(V, psi0, np.asarray(times, dtype=float), numerics.dense_max_dim)
    p = np.abs(psi) ** 2
    energy = p @ np.asarray(levels, dtype=float)
    ev = np.linalg.eigvalsh(V)
    traj = Trajectory(
        energy=energy,
        ergotropy=energy.copy(),
        capacity=np.full(len(times), np.nan),
        diagnostics={"norm_error": float(np.abs(p.sum(axis=1) - 1.0).max()), "charging_norm": float(np.abs(ev).max())},
        series=qsl_series(V, psi0, np.abs(psi[:, 0]), e0=float(ev[0])),
        states=None,
    )
    return traj, ev


@register
class RabiParallel(Model):
    name = "rabi_parallel"
    numerics_used = {"closed": ("dense_max_dim",)}
    title = "Rabi (parallel drive)"
    label = "Parallel Rabi drive"  # figures and report (mathtext)
    kind = "parallel"
    hamiltonian = "H(t) = omega_a sum_i |e><e|_i + g sum_i (s^+_i e^{-i omega_a t} + h.c.); rotating frame: V = g sum_i s^x_i"
    initial_state = "|g...g>"
    normalisation = (
        "omega_a = 1; g per cell in the rotating frame; operator norm of the charging Hamiltonian ||V|| = N g "
        "(diagnostic charging_norm); speed limits use V (rotating frame)"
    )
    route = "one cell exact (2x2), scaled by N; pure product state: ergotropy = energy; QSL series of the product from one cell"
    references = "F. C. Binder, S. Vinjanampathy, K. Modi, J. Goold, NJP 17, 075015 (2015)"
    parameters = (DRIVE,)
    diagnostics = DIAGNOSTICS
    series = dict(QSL_SERIES)
    reference = None
    normalised_parameters = ("drive",)
    normalisation_exact = True  # rotating frame: H = V = g sum_i s^x_i

    def charging_norm(self, N: int, params: dict[str, float]) -> float:
        return N * float(params["drive"])  # ||g sum_i s^x_i|| = N g

    def charging_bound(self, N: int, params: dict[str, float]):
        g = float(params["drive"])
        return bound_of(N, N * g, [(1, g, N)])  # N one-cell terms g s^x_i

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        check_N(self.name, N)
        Jz, Jp = spin_operators(1)  # one cell: spin 1/2, basis (|g>, |e>)
        V1 = _rabi_generator(float(params["drive"]))(1, Jz + 0.5 * np.eye(2), Jz, Jp)  # g s^x
        one, _ = pure_run(V1, np.array([0.0, 1.0]), times, numerics)
        return Trajectory(
            energy=N * one.energy,
            ergotropy=N * one.ergotropy,  # pure product state: passive state |g...g>
            capacity=np.full(len(times), float(N)),
            # ||sum_i g s^x_i|| = N g: the single-cell spectra add
            diagnostics={"norm_error": one.diagnostics["norm_error"], "charging_norm": N * one.diagnostics["charging_norm"]},
            series=product_series(one.series, N),
            states=None,
        )

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = (
        "H(0) = H(tau) = H_B; resonant drive g sum_i (sigma^+_i e^{-i omega_a t} + h.c.), "
        "i.e. U = e^{-i H_B tau} e^{-i g tau sum_i sigma^x_i}"
    )
    work_route = "every total-spin sector j with multiplicity d_j (interaction picture; H_B commutes with the frame change)"
    work_references = "F. C. Binder et al., NJP 17, 075015 (2015); P(W = +omega_a) = p_g sin^2(g tau) per cell"

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list[Sector]:
        """H(0) = H(tau) = H_B, K = g sum_i sigma^x_i = 2 g J_x (rotating frame) in every spin sector j."""
        return collective_sectors(N, 1.0, 1.0, _rabi_generator(float(params["drive"])))

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "Parallel Rabi drive (open)"
    lindblad_hamiltonian = "lab frame H(t) = H_B + g sum_i (s^+_i e^{-i omega_a t} + h.c.); rotating frame H = g sum_i s^x_i"
    lindblad_dissipators = "sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]]"
    lindblad_route = "one cell (2x2) in the rotating frame, exact propagation; N-fold additive (product state of identical qubits)"
    lindblad_work_definition = DRIVE_WORK
    lindblad_references = "H.-P. Breuer, F. Petruccione, The Theory of Open Quantum Systems (2002); F. Barra, PRL 122, 210601 (2019)"
    lindblad_closed_model = "rabi_parallel (E = N omega_a sin^2(g t) at zero rates)"
    lindblad_rates = CELL_RATES
    lindblad_max_N = 10000

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """One cell, rotating frame H = g s^x, local thermal bath + dephasing; ``copies = N``:
        local baths keep the product rho_1^{(x)N}, whose energy, ergotropy, work and heat are
        N times one cell's (identical qubits: eigenvalue and level degeneracies C(N, k) pair up)."""
        H = float(params["drive"]) * SX
        return OpenProblem(
            L_H=hamiltonian_superop(H),
            L_D=dissipators(cell_terms(lambda o: o, params), 2),
            L_H_off=sp.csr_matrix((4, 4), dtype=complex),
            rho0=np.diag([1.0, 0.0]).astype(complex),
            H_B=NE,
            H_S=NE + H,
            H_S_off=NE,
            battery=identity_battery,
            levels=None,
            H_B_reduced=NE,
            copies=N,
        )

    # ---------------------------------------------------------------- face: control
    control_frame = "rotating frame of H_B at resonance (drift 0); control amplitudes are rotating-frame Rabi amplitudes"

    def control_system(self, N: int, params: dict[str, float]) -> ControlSystem:
        """N cells in |g...g>, rotating frame (drift 0); the fixed protocol is the drive g sum_i s^x_i."""
        check_N(self.name, N)
        return cells_system(N, frame=self.control_frame)
