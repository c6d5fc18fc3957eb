"""Shared run routine of the cavity-charged batteries (Dicke and Tavis-Cummings)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..physics import spin_cavity
from ..physics.dicke_stencil import DickeSectorOperator
from ..physics.propagation import KRYLOV_TOL, dense_propagate, hamiltonian_matvec, krylov_advance, propagate, release_krylov_basis
from ..physics.quantities import cells_spectrum, largest_gram_eigenvalue, symmetric_passive_and_capacity
from ..open_systems.composite import CAVITY_DISSIPATORS, CAVITY_ROUTE, cavity_initial_cutoff, cavity_memory_mb, cavity_problem
from ..open_systems.problem import CAVITY_WORK, CELL_AND_MODE_RATES
from ..physics.speed_limits import qsl_series
from ..physics.work_distributions import cavity_sectors
from .fock_need import photons_needed
from .base import Diagnostic, JointTrajectory, Model, Numerics, Parameter, Trajectory

CAVITY_PARAMETERS = (
    Parameter("coupling", "cell-cavity coupling lambda", "1", 0.2, minimum=0.0, exclusive_minimum=True),
    Parameter("omega_c", "cavity frequency omega_c", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True),
)
CAVITY_DIAGNOSTICS = (
    Diagnostic("truncation_weight", "max over time of the population of the two highest Fock levels kept", "truncation_tol"),
    Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
    Diagnostic("fock_cutoff", "number of Fock levels kept (after automatic convergence)", ""),
)
TOP_FOCK_LEVELS = 2  # levels whose population measures the truncation error


def fock_cutoff(photons: int, numerics: Numerics) -> int:
    """Number of Fock levels kept: 2 * photons + 1 + fock_extra (as in the QuTiP baseline)."""
    return 2 * photons + 1 + int(numerics.fock_extra)


def run_cavity_battery(N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool) -> Trajectory:
    """Cavity with ``photons`` photons, N cells in the ground state, omega_a = 1.

    The Fock cutoff starts at 2 photons + 1 + fock_extra and, with ``numerics.fock_auto``,
    grows by half until the truncation weight is below ``truncation_tol`` (at most
    ``fock_max_factor`` times the start). The RWA model conserves n + k, so its cutoff
    photons + 1 is exact and never truncates. Sectors larger than ``dense_max_dim`` go
    the Krylov route with on-the-fly cutoff growth (:func:`run_dicke_streamed`).
    """
    # RWA: n <= photons exactly; two spare levels keep the truncation measure honest (= 0)
    n_max = photons + 1 + TOP_FOCK_LEVELS if rwa else fock_cutoff(photons, numerics)
    limit = n_max * max(1, int(numerics.fock_max_factor))
    if not rwa and len(parity_sector(N, n_max, photons)[0]) > numerics.dense_max_dim:
        return run_dicke_streamed(N, photons, times, params, numerics)
    while True:
        traj = _run_with_cutoff(N, photons, times, params, numerics, rwa, n_max)
        if rwa or not numerics.fock_auto or traj.diagnostics["truncation_weight"] <= numerics.truncation_tol or n_max >= limit:
            return traj
        n_max = min(limit, int(np.ceil(1.5 * n_max)))


def _evolve(N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool, n_max: int):
    """psi(t) in the sector of |photons, g...g> with n_max Fock levels; returns (n, k, psi_t, H, e0), e0 the
    sector's ground energy when the dense route found it anyway (else None)."""
    n, k = spin_cavity.sector_basis(N, n_max, photons, 0, rwa)
    H = sector_hamiltonian(N, n_max, n, k, params, rwa)
    psi0 = np.zeros(len(n), dtype=complex)
    psi0[np.flatnonzero((n == photons) & (k == 0))[0]] = 1.0
    if len(n) <= numerics.dense_max_dim:
        psi_t, e = dense_propagate(H, psi0, times)
        return n, k, psi_t, H, float(e[0])
    return n, k, propagate(H, psi0, times, numerics.dense_max_dim), H, None


def sector_hamiltonian(N: int, n_max: int, n: np.ndarray, k: np.ndarray, params: dict[str, float], rwa: bool) -> sp.csr_matrix:
    """H = omega_c a^dag a + (J_z + N/2) + coupling (g = omega_c lambda, omega_a = 1) on the basis states
    (n photons, k excitations) of the spin-N/2 multiplet (:func:`spin_cavity.spin_boson_hamiltonian`)."""
    omega_c = float(params["omega_c"])
    Jz, Jp = spin_cavity.spin_ladder(N)
    return spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, 1.0, omega_c * float(params["coupling"]), rwa, N, states=(k, n))


def _battery_states(psi_t: np.ndarray, n: np.ndarray, k: np.ndarray, n_max: int, N: int) -> np.ndarray:
    """rho_B[k, l] = sum_n psi(n, k) psi(n, l)^* (as spin_cavity.battery_states) as one batched
    matrix product instead of an einsum loop (10 s -> 0.1 s for Tavis-Cummings at N = 256)."""
    full = np.zeros((psi_t.shape[0], n_max, N + 1), dtype=complex)
    full[:, n, k] = psi_t
    return np.matmul(np.swapaxes(full, 1, 2), full.conj())


def _run_with_cutoff(
    N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool, n_max: int
) -> Trajectory:
    omega_a = 1.0
    n, k, psi_t, H, e0 = _evolve(N, photons, times, params, numerics, rwa, n_max)
    p_n = spin_cavity.photon_distribution(psi_t, n, n_max)
    diagnostics = {
        "truncation_weight": float(p_n[:, -TOP_FOCK_LEVELS:].sum(axis=1).max()),
        "norm_error": float(np.abs(np.linalg.norm(psi_t, axis=1) ** 2 - 1.0).max()),
        "fock_cutoff": float(n_max),
    }
    if rwa:
        energy, erg, cap, rho_b = _excitation_block_observables(psi_t, k, N)
    else:  # parity sector: rho_B is block diagonal in the parity of k; r_max = max of the blocks' largest eigenvalues
        rho_b = _battery_states(psi_t, n, k, n_max, N)
        energy = np.real(np.einsum("tkk->tk", rho_b)) @ (omega_a * np.arange(N + 1.0))
        r_max = np.max([np.linalg.eigvalsh(rho_b[:, p::2, p::2])[:, -1] for p in (0, 1) if N + 1 > p], axis=0)
        passive, cap = symmetric_passive_and_capacity(r_max, N, omega_a)
        erg = _clip_roundoff(energy - passive, N)
    return Trajectory(
        energy=energy,
        ergotropy=erg,
        capacity=cap,
        diagnostics=diagnostics,
        series={"photon_number": p_n @ np.arange(n_max), **_qsl(H, e0, photons, n, k, psi_t)},
        states=rho_b,
    )


def _excitation_block_observables(psi_t: np.ndarray, k: np.ndarray, N: int):
    """Tavis-Cummings from |photons, g..g>: n + k = photons is conserved, so every k occurs once in
    the sector and rho_B = diag(p_k), p_k = |psi(photons - k, k)|^2 (no (nt, n_max, N+1) array).
    Energy sum_k k p_k; ergotropy and capacity from r_max = max_k p_k
    (:func:`quantities.symmetric_passive_and_capacity`). Returns (energy, ergotropy, capacity,
    rho_B or None above STATES_MAX_N)."""
    if np.unique(k).size != k.size:
        raise ValueError("excitation block: a cell excitation number occurs twice (not an n + k block)")
    p = np.zeros((psi_t.shape[0], N + 1))
    p[:, k] = np.abs(psi_t) ** 2
    energy = p @ np.arange(N + 1.0)
    passive, cap = symmetric_passive_and_capacity(p.max(axis=1), N)
    rho_b = None
    if N <= STATES_MAX_N:
        rho_b = np.zeros((p.shape[0], N + 1, N + 1), dtype=complex)
        rho_b[:, np.arange(N + 1), np.arange(N + 1)] = p
    return energy, _clip_roundoff(energy - passive, N), cap, rho_b


def _qsl(H: sp.csr_matrix, e0: float | None, photons: int, n: np.ndarray, k: np.ndarray, psi_t: np.ndarray) -> dict:
    """Speed-limit series (qbattery.physics.speed_limits) of the battery + cavity state in its sector
    (Hamiltonian ``H``, ground energy ``e0`` if known): psi(0) = |photons, g...g> is a basis state,
    so |<psi0|psi_t>| = |psi_t[:, i0]|."""
    i0 = int(np.flatnonzero((n == photons) & (k == 0))[0])
    psi0 = np.zeros(len(n), dtype=complex)
    psi0[i0] = 1.0
    return qsl_series(H, psi0, np.abs(psi_t[:, i0]), e0=e0)


def joint_cavity_trajectory(
    N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, rwa: bool
) -> JointTrajectory:
    """Battery (Dicke subspace, N+1) (x) cavity (Fock, n_max) pure states along the trajectory.

    Uses the converged cutoff of :func:`run_cavity_battery`. H_int is the coupling term
    (Dicke: 2 omega_c lam J_x (a + a^dag); RWA: omega_c lam (J_+ a + J_- a^dag)).
    """
    n_max = int(run_cavity_battery(N, photons, times, params, numerics, rwa).diagnostics["fock_cutoff"])
    omega_a = 1.0
    lam, omega_c = float(params["coupling"]), float(params["omega_c"])
    n, k, psi_t, _, _ = _evolve(N, photons, times, params, numerics, rwa, n_max)
    d_c = n_max
    full = np.zeros((len(times), (N + 1) * d_c), dtype=complex)
    full[:, k * d_c + n] = psi_t
    Jz, Jp = spin_cavity.spin_ladder(N)
    # coupling term alone: the spin-boson Hamiltonian with omega_c = omega_a = 0 (battery first, index k d_c + n)
    H_int = spin_cavity.spin_boson_hamiltonian(Jz, Jp, d_c, 0.0, 0.0, omega_c * lam, rwa, N).toarray().astype(complex)
    return JointTrajectory(
        times=np.asarray(times, dtype=float),
        states=full,
        dims=(N + 1, d_c),
        H_B=np.diag(omega_a * np.arange(N + 1)).astype(complex),
        H_C=np.diag(omega_c * np.arange(d_c)).astype(complex),
        H_int=H_int,
        battery_levels=cells_spectrum(N, omega_a),
        charger_levels=None,
    )


# ---------------------------------------------------------------------------------------
# Large-N route: Krylov propagation, cutoff grown during the run, observables streamed.
# ---------------------------------------------------------------------------------------
#: the cutoff grows when the top-level weight of the current state exceeds this fraction of truncation_tol
GROW_AT = 1e-2
#: relative growth of the cutoff per step
GROW_FACTOR = 1.25
#: memory of one Krylov basis [bytes]; its dimension m = clip(budget / (16 dim), 20, KRYLOV_M_CAP). A larger m
#: takes longer steps with fewer products in all (Dicke N = 128: 9600 products at m = 20, 5880 at 40,
#: 4560 at 80, 4160 at 160), so the basis may use a few GB at N >= 1024 (24 GB machine).
KRYLOV_BUDGET = 6e9
#: largest Krylov dimension of the streamed route
KRYLOV_M_CAP = 200
#: output times one Krylov step aims at (the Lanczos loop stops once the last is reached): fewer means
#: more steps (each needs ~15 products to converge) but fewer states formed from a long basis (one
#: state from 200 vectors costs ~4 products). Dicke N = 128 / 256, one thread: 1 -> 6743 products,
#: 2 -> 5300 / 7716, 4 -> 6774 at N = 256, all -> 4557; wall times within 10% of each other.
OUTPUTS_PER_STEP = 3


def streamed_memory_mb(N: int, n_times: int) -> int:
    """Peak memory of :func:`run_dicke_streamed` [MB]: the Krylov basis (m <= KRYLOV_M_CAP sector vectors,
    at most KRYLOV_BUDGET), ~8 more sector vectors, and the kept battery states (N <= STATES_MAX_N).
    Sector size from a converged cutoff of ~16 N + 31 levels (measured: 996 at N = 64, 3285 at N = 256)."""
    dim = (N + 1) * (16 * N + 31) / 2
    basis = min(KRYLOV_BUDGET, KRYLOV_M_CAP * 16 * dim)
    states = 16 * n_times * (N + 1) ** 2 if N <= STATES_MAX_N else 0
    return int(400 + (basis + 8 * 16 * dim + states) / 1e6)


def parity_sector(N: int, n_max: int, photons: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, k) of the parity sector n + k = photons (mod 2), photon-number-major order.

    The order makes the sector of a smaller cutoff a prefix of that of a larger one
    (equal to :func:`spin_cavity.sector_basis` with rwa=False).
    """
    n, k = np.meshgrid(np.arange(n_max), np.arange(N + 1), indexing="ij")
    keep = (n + k) % 2 == photons % 2
    return n[keep], k[keep]


def dicke_sector_hamiltonian(N: int, n_max: int, photons: int, omega_c: float, lam: float, omega_a: float = 1.0) -> sp.csr_matrix:
    """Real symmetric H = omega_c n + omega_a k + 2 omega_c lam J_x (a + a^dag) on :func:`parity_sector`
    (:func:`spin_cavity.spin_boson_hamiltonian` restricted to the sector, vectorised)."""
    n, k = parity_sector(N, n_max, photons)
    Jz, Jp = spin_cavity.spin_ladder(N)
    return spin_cavity.spin_boson_hamiltonian(Jz, Jp, n_max, omega_c, omega_a, omega_c * lam, False, N, states=(k, n))


#: above this N the streamed route keeps no (nt, N+1, N+1) battery states (Trajectory.states = None):
#: forming them costs (N+1)^2 n_c / 2 per time point and 16 nt (N+1)^2 bytes; ergotropy and capacity
#: need only r_max (quantities.symmetric_passive_and_capacity)
STATES_MAX_N = 256
#: parity blocks of at most this many excitation states get r_max from their Gram matrix (one zgemm
#: + eigvalsh); larger ones by warm-started Lanczos on Psi Psi^dagger (quantities.largest_gram_eigenvalue)
GRAM_MAX_DIM = 160


class _StreamedObservables:
    """Battery observables of a block of sector states, without forming rho_B unless asked.

    rho_B[k, l] = sum_n psi(n, k) psi(n, l)^*; the parity sector makes rho_B block diagonal in the
    parity of k (even block Psi_e^T Psi_e^*, odd block likewise), so r_max = max of the blocks'
    largest eigenvalues = max squared largest singular value of Psi_e, Psi_o.
    """

    def __init__(self, N: int, n_max: int, photons: int, warm: dict | None = None):
        n, k = parity_sector(N, n_max, photons)
        index = -np.ones((n_max, N + 1), dtype=np.int64)
        index[n, k] = np.arange(len(n))
        P = photons % 2
        self.even = index[P::2, 0::2]  # rows n = P (mod 2), k even
        self.odd = index[1 - P :: 2, 1::2]
        self.n = n.astype(float)
        self.k = k.astype(float)
        self.top = int(np.searchsorted(n, n_max - TOP_FOCK_LEVELS))  # first entry of the top levels
        self.band = int(np.searchsorted(n, n_max - max(TOP_FOCK_LEVELS, n_max // 20)))  # top 5% of the levels
        self.warm = {} if warm is None else warm  # Lanczos start vectors per block, kept across cutoff growth

    def top_weight(self, states: np.ndarray) -> np.ndarray:
        return np.sum(np.abs(states[..., self.top :]) ** 2, axis=-1)

    def band_weight(self, psi: np.ndarray) -> float:
        """Population of the top 5% of the levels: the growth trigger (ahead of the top two)."""
        return float(np.sum(np.abs(psi[self.band :]) ** 2))

    def blocks(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The even and odd blocks of rho_B (nt, d_e, d_e), (nt, d_o, d_o)."""
        out = []
        for sel in (self.even, self.odd):
            M = states[:, sel] if sel.size else np.zeros((len(states), 0, 0), dtype=complex)
            out.append(np.matmul(np.swapaxes(M, 1, 2), M.conj()))
        return out[0], out[1]

    def r_max(self, states: np.ndarray) -> np.ndarray:
        """Largest eigenvalue of rho_B for each state (never forming rho_B for large blocks)."""
        out = np.zeros(len(states))
        for t, psi in enumerate(states):
            blocks = [(name, psi[sel].T) for name, sel in (("even", self.even), ("odd", self.odd)) if sel.size]
            traces = [float(np.sum(np.abs(A) ** 2)) for _, A in blocks]
            for (name, A), tr in sorted(zip(blocks, traces), key=lambda b: -b[1]):
                if tr <= out[t]:  # r_max of a block <= its trace: it cannot hold the largest eigenvalue
                    continue
                if A.shape[0] <= GRAM_MAX_DIM:  # A = Psi_block^T (k, n): A A^dagger = the block of rho_B
                    r = float(np.linalg.eigvalsh(A @ A.conj().T)[-1])
                else:
                    r, self.warm[name] = largest_gram_eigenvalue(A, self.warm.get(name), dense_max=0)
                out[t] = max(out[t], r)
        return out

    def __call__(self, states: np.ndarray, blocks: tuple | None = None) -> tuple[np.ndarray, ...]:
        """(r_max, energy <k>, photon number, norm, top-level weight) of each state; r_max from the
        ``blocks`` of rho_B when they are formed anyway (eigvalsh), else :meth:`r_max`."""
        prob = np.abs(states) ** 2
        if blocks is None:
            r = self.r_max(states)
        else:
            r = np.max([np.linalg.eigvalsh(b)[:, -1] for b in blocks if b.shape[-1]], axis=0)
        return r, prob @ self.k, prob @ self.n, prob.sum(axis=1), self.top_weight(states)


def _clip_roundoff(erg: np.ndarray, N: int) -> np.ndarray:
    """ergotropy >= 0: clip round-off only (|erg| < 1e-12 (N + 1)), never a real error."""
    return np.where((erg < 0) & (erg > -1e-12 * (N + 1)), 0.0, erg)


def run_dicke_streamed(
    N: int, photons: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, *, assembled: bool = False
) -> Trajectory:
    """Dicke battery on large parity sectors: Lanczos propagation with the Fock cutoff grown on the fly.

    Starts at :func:`fock_cutoff`; whenever the population of the two highest levels kept
    of the top 5% of the levels
    exceeds GROW_AT * truncation_tol, the cutoff grows by GROW_FACTOR; a Krylov step after which
    an output state's top-two-level weight exceeds truncation_tol / 2 is redone with the grown cutoff (new levels empty;
    the smaller sector is a prefix of the larger), up to ``fock_max_factor`` x the start and
    ``fock_max_dim`` sector states (memory guard). The recorded truncation weight is the
    maximum over all output times of the top-two-level population of the cutoff in use.
    Observables are formed per Krylov block (no (nt, dim) array): energy sum_k k p_k, and ergotropy
    and capacity from r_max alone (:func:`quantities.symmetric_passive_and_capacity`: the state lives in
    the symmetric subspace, rank <= N + 1); the battery states rho_B only for N <= STATES_MAX_N.
    H is applied matrix-free (``physics.dicke_stencil``, one fused pass per Lanczos iteration);
    ``assembled=True`` uses the CSR matrix of :func:`dicke_sector_hamiltonian` and the plain
    recurrence instead (the previous implementation: the tests and the benchmark compare the two).
    """
    times = np.asarray(times, dtype=float)
    omega_c, lam = float(params["omega_c"]), float(params["coupling"])
    n_max = fock_cutoff(photons, numerics)
    limit = n_max * max(1, int(numerics.fock_max_factor))
    nt, d = len(times), N + 1
    de, do = (d + 1) // 2, d // 2
    keep = N <= STATES_MAX_N
    rho_e, rho_o = (np.zeros((nt, de, de), dtype=complex), np.zeros((nt, do, do), dtype=complex)) if keep else (None, None)
    r_max, E, nbar, norm, weight = (np.zeros(nt) for _ in range(5))
    warm: dict = {}

    def record(o: _StreamedObservables, states: np.ndarray, idx: np.ndarray) -> None:
        blocks = o.blocks(states) if keep else None
        if keep:
            rho_e[idx], rho_o[idx] = blocks
        r_max[idx], E[idx], nbar[idx], norm[idx], weight[idx] = o(states, blocks)
        overlap[idx] = np.abs(states[:, i0])

    def setup(n_max: int):
        if assembled:  # the previous implementation, with its Krylov budget (800 MB, m <= 120)
            A = dicke_sector_hamiltonian(N, n_max, photons, omega_c, lam)
            H, m = hamiltonian_matvec(A), int(np.clip(800e6 / (16 * A.shape[0]), 20, 120))
        else:
            H = DickeSectorOperator(N, n_max, photons, omega_c, lam)  # = dicke_sector_hamiltonian, matrix-free
            m = int(np.clip(KRYLOV_BUDGET / (16 * H.dim), 20, KRYLOV_M_CAP))
        return H, _StreamedObservables(N, n_max, photons, warm), m

    mv, obs, m = setup(n_max)
    n, k = parity_sector(N, n_max, photons)
    i0 = int(np.flatnonzero((n == photons) & (k == 0))[0])  # |photons, g..g>: same index in every grown sector
    psi = np.zeros(len(n), dtype=complex)
    psi[i0] = 1.0
    overlap = np.zeros(nt)
    order = np.argsort(times, kind="stable")
    st = times[order]
    t, i = 0.0, 0
    while i < nt:
        psi_prev, t_prev = psi, t
        if st[i] == t:
            states, idx = psi[None, :], order[i : i + 1]
        else:
            states, dt, psi = krylov_advance(mv, psi, st[i : i + (nt if assembled else OUTPUTS_PER_STEP)] - t, KRYLOV_TOL, m)
            t += dt
            idx = order[i : i + len(states)]
        w_out = obs.top_weight(states) if len(states) else np.zeros(0)
        can_grow = numerics.fock_auto and n_max < limit
        if can_grow:
            grow = obs.band_weight(psi) > GROW_AT * numerics.truncation_tol
            rewind = w_out.size > 0 and w_out.max() > 0.5 * numerics.truncation_tol
            new = min(limit, int(np.ceil(GROW_FACTOR * n_max)) + TOP_FOCK_LEVELS)
            if (grow or rewind) and len(parity_sector(N, new, photons)[0]) <= numerics.fock_max_dim:
                if rewind:  # the front reached the top levels within this step: redo it with more levels
                    psi, t, states = psi_prev, t_prev, states[:0]
                n_max = new
                old_obs = obs
                mv, obs, m = setup(n_max)
                psi = np.concatenate([psi, np.zeros(obs.n.size - psi.size, dtype=complex)])
                if len(states):
                    record(old_obs, states, idx)
                    i += len(states)
                continue
        if len(states):
            record(obs, states, idx)
            i += len(states)
    release_krylov_basis()
    rho_b = None
    if keep:
        rho_b = np.zeros((nt, d, d), dtype=complex)
        rho_b[:, 0::2, 0::2], rho_b[:, 1::2, 1::2] = rho_e, rho_o
    passive, cap = symmetric_passive_and_capacity(r_max, N)
    erg = _clip_roundoff(E - passive, N)
    return Trajectory(
        energy=E,
        ergotropy=erg,
        capacity=cap,
        diagnostics={
            "truncation_weight": float(weight.max()),
            "norm_error": float(np.abs(norm - 1.0).max()),
            "fock_cutoff": float(n_max),
        },
        series={"photon_number": nbar, **_streamed_qsl(N, n_max, photons, omega_c, lam, i0, overlap)},
        states=rho_b,
    )


def _streamed_qsl(N: int, n_max: int, photons: int, omega_c: float, lam: float, i0: int, overlap: np.ndarray) -> dict:
    """Speed-limit series on the Krylov route. <H> and Delta E of |photons, g..g> are exact
    (column i0 of H); the sector's ground energy, too costly to find by Lanczos at these sizes,
    is replaced by the rigorous lower bound E_0 >= -omega_c lam^2 N^2, from
    omega_c a^dag a + 2 omega_c lam J_x (a + a^dag) = omega_c B^dag B - 4 omega_c lam^2 J_x^2,
    B = a + 2 lam J_x, with omega_a k >= 0 and J_x^2 <= N^2/4 (also in the truncated space).
    A lower E_0 only lowers the Margolus-Levitin time: the bound stays valid."""
    H = dicke_sector_hamiltonian(N, n_max, photons, omega_c, lam)
    psi0 = np.zeros(H.shape[0])
    psi0[i0] = 1.0
    return qsl_series(H, psi0, overlap, e0=-omega_c * lam**2 * N**2)


class CavityBattery(Model):
    """N cells and one cavity mode holding N photons, Dicke (``rwa = False``) or Tavis-Cummings
    (``rwa = True``) coupling: the faces' routes of both batteries, in one place. Subclasses set
    ``rwa`` and their texts; the Hamiltonian is built by ``physics.spin_cavity.spin_boson_hamiltonian``
    on every route (closed parity/excitation sector, joint state, TPM spin sectors, Lindblad Dicke basis)."""

    rwa: bool = False
    parameters = CAVITY_PARAMETERS
    diagnostics = CAVITY_DIAGNOSTICS
    normalised_parameters = ("coupling",)
    kac_exponent = 0.5  # collective coupling to one mode: lambda -> lambda / sqrt(N) (Kac)

    def charger_energy(self, N: int, params: dict[str, float]) -> float:
        return N * float(params["omega_c"])  # N photons of omega_c

    # face: closed
    def fock_need(self, N: int, params: dict[str, float], t_max: float, numerics: Numerics) -> tuple[int, int] | None:
        """Dicke: the energy shell / semiclassical photon number (``fock_need.photons_needed``) plus
        the two top levels; Tavis-Cummings conserves n + k, its cutoff photons + 3 is exact (None)."""
        if self.rwa:
            return None
        start = fock_cutoff(N, numerics)
        reach = start * max(1, int(numerics.fock_max_factor)) if numerics.fock_auto else start
        photons = photons_needed(N, float(params["coupling"]), float(params["omega_c"]), float(t_max), reach - TOP_FOCK_LEVELS)
        return int(np.ceil(photons)) + TOP_FOCK_LEVELS, start

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        return run_cavity_battery(N, N, times, params, numerics, rwa=self.rwa)

    # face: joint
    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        return joint_cavity_trajectory(N, N, times, params, numerics, rwa=self.rwa)

    # face: work
    work_cavity = True
    work_route = "every total-spin sector j with multiplicity d_j (x) n_max Fock levels; exact diagonalisation"

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list:
        """Battery + cavity from the Gibbs state of H_B + H_C, the coupling switched on for tau (all spin sectors j)."""
        return cavity_sectors(N, n_max, float(params["omega_c"]), float(params["coupling"]), rwa=self.rwa)

    def work_dimension(self, N: int, n_max: int) -> int:
        return (N + 1) * n_max  # sector j = N/2 (x) Fock

    # face: lindblad
    lindblad_has_cavity = True
    lindblad_rates = CELL_AND_MODE_RATES
    lindblad_dissipators = CAVITY_DISSIPATORS
    lindblad_route = CAVITY_ROUTE
    lindblad_work_definition = CAVITY_WORK

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0):
        """Cells (piqs Dicke basis, all j) (x) lossy cavity with N photons and ``cutoff`` Fock levels
        (open_systems.composite.spins_and_mode)."""
        return cavity_problem(N, params, cutoff, rwa=self.rwa)

    def lindblad_initial_cutoff(self, N: int, params: dict[str, float], extra: int, tol: float) -> int:
        return cavity_initial_cutoff(N, params, extra, tol, rwa=self.rwa)

    def lindblad_memory_mb(self, N: int, n_times: int) -> int:
        return cavity_memory_mb(N, n_times)
