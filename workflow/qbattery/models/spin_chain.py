"""Spin-chain quantum battery (Le, Levinsen, Modi, Parish, Pollock, PRA 97, 022106 (2018)).

N cells on a chain with nearest-neighbour XXZ interactions, charged by a transverse field
switched on at t = 0 (omega_a = 1):
    H_B   = omega_a sum_i |e><e|_i                                   (cells)
    H_int = J sum_<ij> [sigma^x_i sigma^x_j + sigma^y_i sigma^y_j + Delta sigma^z_i sigma^z_j]
    H_ch  = g sum_i sigma^x_i                                        (charger, t >= 0)
    H     = H_B + H_int + H_ch,  psi(0) = |g...g>,
bonds <ij> = (i, i+1), plus (N, 1) for a periodic chain with N >= 3. |g...g> is an
eigenstate of H_B + H_int (fully polarised, magnetisation conserved); it is the ground
state of H_B + H_int only for small |J| (one flipped cell lowers the energy by up to
4 |J| (1 + |Delta|) - omega_a); otherwise ``interacting_ergotropy`` starts above 0.

Le et al. write the battery Hamiltonian as B sum sigma^z + J sum g_ij [sigma^z sigma^z +
alpha (sigma^x sigma^x + sigma^y sigma^y)] and count the interaction as part of the
battery. Here, following the project convention (DESIGN.md), energy, ergotropy and
capacity are relative to the *cells'* H_B = omega_a sum |e><e| (ground energy 0,
capacity N omega_a), so results compare directly with the other models; Le et al.'s
battery energy is E + <H_int> (series ``interaction_energy``) and their ergotropy,
relative to H_B + H_int, is the series ``interacting_ergotropy``.

The state is pure, so its passive state w.r.t. H_B is |g...g> and
ergotropy = Tr(rho H_B) - 0 = sum_s |psi_s|^2 omega_a n_exc(s); capacity = N omega_a;
no 2^N x 2^N density matrix is formed. Propagation: exact, sparse H, in the sector of
states symmetric under the chain's reflection i -> N-1-i (open) or its dihedral group
(periodic: translations and reflections), which contains |g...g> and which H leaves
invariant (dimension ~2^(N-1), resp. ~2^N / 2N); ``qbattery.physics.propagation.propagate``
(eigh for dim <= dense_max_dim, Krylov above). The sector and its H, H_int, H_ch are built
directly from the representatives' bit patterns (``spin_chain_ops.chain_sector``, ``sector_xxz``,
``sector_field``: no 2^N x 2^N operator), and E_0(H_B + H_int) of the interacting ergotropy comes
from the same sector after a Marshall sign rotation (``spin_chain_ops.xxz_ground_energy``; the
frustrated odd ring with J > 0 keeps the full-space Lanczos). The full-space route is kept
(``run(..., symmetric=False)``) and the tests check both against qutip brute force and each other.

Parallel reference ``spin_chain_parallel``: the same chain at J = 0, i.e. N independent
cells each in H_1 = omega_a |e><e| + g sigma^x, with
    E_1(t) = omega_a 4 g^2 / (omega_a^2 + 4 g^2) sin^2(sqrt(omega_a^2 + 4 g^2) t / 2),
so Gamma(N) = P_max(spin_chain) / P_max(spin_chain_parallel) at equal N and field g
isolates the effect of the interaction J on the power (the question of Le et al.).
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp

from ..physics import figures_of_merit as fom
from ..physics import spin_chain_ops as ops
from ..physics.charging_bounds import bound_of
from ..physics.lindblad import dissipators, hamiltonian_superop
from ..open_systems.problem import CELL_RATES, OpenProblem, identity_battery, n_thermal
from ..physics.propagation import propagate
from ..physics.speed_limits import QSL_SERIES, product_series, qsl_series
from ..physics.work_distributions import Sector
from ..physics.control_systems import ControlSystem, cells_system
from .base import Diagnostic, Model, Numerics, Parameter, Trajectory, register

#: largest N whose local ergotropies are formed along the trajectory (2^N amplitudes per time point)
LOCAL_ERGOTROPY_MAX_N = 12

_DRIVE = Parameter("drive", "transverse charging field g", "omega_a", 0.5, minimum=0.0, exclusive_minimum=True, maximum=100.0)


def _check_N(name: str, N: int) -> None:
    if N < 1:
        raise ValueError(f"model {name!r}: N must be >= 1, got {N}")


@register
class SpinChain(Model):
    name = "spin_chain"
    numerics_used = {"closed": ("dense_max_dim",)}
    title = "XXZ spin chain QB"
    label = "XXZ chain QB"  # figures and report (mathtext)
    kind = "global"
    hamiltonian = (
        "H = omega_a sum_i |e><e|_i + J sum_<ij> [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j] + g sum_i s^x_i; "
        "bonds (i, i+1), plus (N, 1) if periodic = 1 and N >= 3"
    )
    initial_state = "|g...g> (all cells in the ground state; eigenstate of H_B + H_int)"
    normalisation = (
        "omega_a = 1; energy, ergotropy and capacity relative to the cells' H_B = omega_a sum |e><e| "
        "(not H_B + H_int); the interaction energy <H_int> and the ergotropy w.r.t. H_B + H_int "
        "(Le et al. 2018) are extra series; parallel reference = same chain at J = 0 and equal g"
    )
    route = (
        "2^N cell space reduced to the sector of |g...g> symmetric under reflection (open) or the dihedral group (periodic); "
        "sparse H from bit patterns, exact propagation (eigh or expm_multiply); pure-state energy from populations"
    )
    references = "T. P. Le, J. Levinsen, K. Modi, M. M. Parish, F. A. Pollock, PRA 97, 022106 (2018)"
    parameters = (
        Parameter("J", "nearest-neighbour exchange coupling J", "omega_a", 0.2, minimum=-100.0, maximum=100.0),
        Parameter("anisotropy", "XXZ anisotropy Delta", "1", 1.0, minimum=-100.0, maximum=100.0),
        _DRIVE,
        Parameter("periodic", "boundary: 1 periodic chain, 0 open chain", "1", 0, minimum=0, maximum=1, integer=True),
    )
    diagnostics = (
        Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
        Diagnostic("energy_drift", "max over time of |<H>(t) - <H>(0)| / (1 + |<H>(0)|), H the total Hamiltonian", "norm_tol"),
        Diagnostic("hilbert_dim", "dimension of the propagated symmetric sector (full space 2^N)", ""),
    )
    series = {
        "interaction_energy": ("interaction energy <H_int>(t) of the chain", "omega_a"),
        "interacting_ergotropy": ("ergotropy w.r.t. H_B + H_int: <H_B + H_int> - E_0(H_B + H_int) (Le et al.)", "omega_a"),
        "local_ergotropy_sum": ("sum over cells of the ergotropy of each cell's reduced state (NaN above N = 12)", "omega_a"),
        "half_chain_ergotropy": ("ergotropy of the reduced state of the first floor(N/2) cells (NaN above N = 12)", "omega_a"),
        "ergotropy_gap": ("ergotropy - sum of the cells' local ergotropies (NaN above N = 12)", "omega_a"),
        **QSL_SERIES,
    }
    reference = "spin_chain_parallel"
    normalised_parameters = ("J", "drive")  # V = H_int + H_ch scales as a whole
    kac_exponent = 0.0  # nearest-neighbour bonds: the interaction energy is already extensive
    charging_bound_reason = ""

    def charging_norm(self, N: int, params: dict[str, float]) -> float:
        """||H_int + g sum_i s^x_i|| on the 2^N space (largest |eigenvalue|, dense or Lanczos; cached)."""
        key = tuple(float(params[p.name]) for p in self.parameters)
        return _chain_norm(self, N, key)

    def charging_bound(self, N: int, params: dict[str, float]):
        """The XXZ bonds conserve the magnetisation ([H_B, H_int] = 0): only the N field terms
        g s^x_i (one cell each) enter the interaction-order bound; the norm bound uses ||V||."""
        g = float(params["drive"])
        return bound_of(N, self.charging_norm(N, params), [(1, g, N)])

    def operators(self, N: int, params: dict[str, float]):
        """(H_B, H_int, H_ch) as sparse matrices on the 2^N space."""
        periodic = int(round(float(params["periodic"])))
        return (
            ops.cells_hamiltonian(N),
            ops.xxz_hamiltonian(N, float(params["J"]), float(params["anisotropy"]), bool(periodic)),
            ops.field_hamiltonian(N, float(params["drive"])),
        )

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, symmetric: bool = True) -> Trajectory:
        """Evolve |g...g>; with ``symmetric`` inside the fully symmetric sector of the chain's
        reflection (open) or dihedral (periodic) group, which contains |g...g> and is invariant
        under H (dimension ~2^(N-1), resp. ~2^N / 2N); else in the full 2^N space."""
        _check_N(self.name, N)
        if not symmetric:
            HB, Hint, Hch = self.operators(N, params)
            return chain_trajectory(N, times, HB, Hint, Hch, numerics, None, local_series=True)
        # the sector built directly from the representatives' bit patterns (no 2^N operator)
        periodic = bool(int(round(float(params["periodic"]))))
        J, delta = float(params["J"]), float(params["anisotropy"])
        sec = ops.chain_sector(N, periodic)
        nexc = ops.sector_excitations(sec, N)
        Hint = ops.sector_xxz(sec, N, [(i, j, J) for i, j in ops.bonds(N, periodic)], delta)
        H = (sp.diags(nexc) + Hint + ops.sector_field(sec, N, float(params["drive"]))).tocsr()
        e0 = ops.xxz_ground_energy(N, J, delta, periodic, numerics.dense_max_dim, sec)
        unfold = _sector_unfold(sec) if N <= LOCAL_ERGOTROPY_MAX_N else None
        del sec  # its 2^N index table is not needed during the propagation (above LOCAL_ERGOTROPY_MAX_N)
        return sector_trajectory(N, times, H, Hint, nexc, e0, numerics, unfold, local_series=True)

    def memory_mb(self, N: int, n_times: int) -> int:
        """Peak memory of ``run`` in its symmetric sector, for the larger of the two boundaries (the
        estimate does not see ``periodic``): the open chain's reflection sector, dimension
        (2^N + 2^ceil(N/2)) / 2, against ~2^N / 2N for the ring. Terms: interpreter and libraries;
        the 2^N uint32 work arrays of the representatives; sector H, H_int, H_ch (COO build and CSR,
        ~60 B per non-zero, ~1.5 N + 2 non-zeros per column); 40 Krylov vectors and 20 Lanczos
        (ARPACK) vectors; ~4 copies of one chunk of states (propagate_observables). Measured: ring N = 22
        0.96 GB (estimate 1.4 GB), open N = 20 1.5 GB (estimate 2.3 GB). Models that borrow this
        method (disordered_chain, long_range_xxz) build the 2^N operators: the full-space estimate."""
        if not isinstance(self, SpinChain):
            return full_space_memory_mb(N, n_times)
        dim = (2**N + 2 ** ((N + 1) // 2)) / 2
        nnz = dim * (1.5 * N + 2)
        chunk = min(1.5e8, 16 * dim * max(1, n_times))
        return int(400 + (30 * 2**N + 60 * nnz + 16 * dim * 40 + 8 * dim * 20 + 4 * chunk) / 1e6)

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = (
        "H(0) = H(tau) = omega_a sum_i n_i + J sum_<ij> [s^x s^x + s^y s^y + Delta s^z s^z]_{ij} "
        "(bonds (i, i+1), plus (N, 1) if periodic = 1 and N >= 3); 0 < t < tau: + g sum_i s^x_i"
    )
    work_route = "full 2^N space (the closed face's operators, dense), exact diagonalisation"
    work_references = "T. P. Le et al., PRA 97, 022106 (2018)"
    work_max_N = 12

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list[Sector]:
        """One block, the full 2^N space: H(0) = H(tau) = H_B + H_int (measured), K = H(0) + g sum_i sigma^x_i,
        from the same operators as the closed face (open or periodic chain as ``periodic`` says)."""
        _check_N(self.name, N)
        HB, Hint, Hch = self.operators(N, params)
        H0 = (HB + Hint).toarray()
        return [Sector(1, H0, H0, H0 + Hch.toarray())]

    def work_dimension(self, N: int, n_max: int) -> int:
        return 2**N

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "XXZ spin chain QB with local baths"
    lindblad_dissipators = (
        "sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]] (local baths at the cell frequency)"
    )
    lindblad_initial_state = "|g...g>"
    lindblad_route = "full 2^N space, 4^N Liouvillian (sparse), exact propagation"
    lindblad_work_definition = (
        "work = int -i Tr(H_B [H, rho]) dt (energy into the cells' H_B from the field and the exchange); "
        "heat = int sum_k Tr(H_B D_k[rho]) dt; "
        "system_heat = int Tr(H L_D[rho]) dt with H the total chain Hamiltonian; system_work = switch-on work of the field (0 from |g...g>)"
    )
    lindblad_references = "T. P. Le et al., PRA 97, 022106 (2018)"
    lindblad_closed_model = "spin_chain"
    lindblad_rates = CELL_RATES
    lindblad_max_N = 7

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """Full 2^N space, local baths on every cell (bit i of a basis state = cell i, MSB first);
        the field is switched off with the charger (H_off = H_B + H_int)."""
        HB, Hint, Hch = self.operators(N, params)
        dim = 2**N
        s = np.arange(dim, dtype=np.int64)

        def site(kind: str, i: int) -> sp.csr_matrix:
            bit = N - 1 - i
            b = (s >> bit) & 1
            if kind == "z":
                return sp.diags((2.0 * b - 1.0).astype(complex), format="csr")
            src = np.flatnonzero(b == (1 if kind == "-" else 0))  # s^-: |e> -> |g>; s^+: |g> -> |e>
            return sp.csr_matrix((np.ones(src.size), (src ^ (1 << bit), src)), shape=(dim, dim), dtype=complex)

        n = n_thermal(1.0, params["temperature"])
        terms = []
        for i in range(N):
            g, gphi = params["gamma"], params["gamma_phi"]
            terms += [(g * (n + 1.0), site("-", i)), (g * n, site("+", i)), (gphi / 2.0, site("z", i))]
        H = (HB + Hint + Hch).tocsr()
        rho0 = np.zeros((dim, dim), dtype=complex)
        rho0[0, 0] = 1.0
        HBd = HB.toarray().astype(complex)
        return OpenProblem(
            L_H=hamiltonian_superop(H),
            L_D=dissipators(terms, dim),
            L_H_off=hamiltonian_superop(HB + Hint),
            rho0=rho0,
            H_B=HBd,
            H_S=H.toarray(),
            H_S_off=(HB + Hint).toarray(),
            battery=identity_battery,
            levels=None,
            H_B_reduced=HBd,
            switch_on_work=float(np.real(Hch[0, 0])),
        )

    # ---------------------------------------------------------------- face: control
    control_frame = "lab frame: drift H_B + H_int, real transverse controls (the fixed protocol is the constant field g sum_i s^x_i)"

    def control_system(self, N: int, params: dict[str, float]) -> ControlSystem:
        """N cells of the chain in |g...g> (an eigenstate of the drift H_B + H_int), lab frame."""
        _check_N(self.name, N)
        H_B, H_int, _ = self.operators(N, params)
        return cells_system(N, drift=(H_B + H_int).toarray(), frame=self.control_frame)


def full_space_memory_mb(N: int, n_times: int) -> int:
    """Peak-memory estimate of :func:`chain_trajectory` from the 2^N operators (H_B, H_int, H_ch, their
    sum and projections)."""
    dim = 2**N
    nnz = dim * (2 * N + 2)
    return int(400 + (nnz * 28 * 3 + 16 * dim * 40 + 1.5e8 * 3) / 1e6)


def chain_trajectory(
    N: int, times: np.ndarray, HB, Hint, Hch, numerics: Numerics, group=None, e0_chain: float | None = None, local_series: bool = False
) -> Trajectory:
    """Pure-state charging of a chain of N cells from |g...g> under H = H_B + H_int + H_ch (sparse
    2^N operators, H_B diagonal with lowest level |g...g>), inside the fully symmetric sector of the
    site-permutation ``group`` (which must leave H invariant) or, if None, in the full space.
    Energy <H_B> from populations, ergotropy = energy (passive state |g...g>), capacity = spread of
    H_B's levels; series: <H_int>, the ergotropy w.r.t. H_B + H_int, the speed-limit series.
    ``e0_chain``: the ground energy of H_B + H_int over the full 2^N space when the operators are
    given on a subspace only (default: computed from them). ``local_series`` (identical cells of H_B =
    omega_a sum_i |e><e|_i): also the sum of the cells' local ergotropies, the ergotropy of the first
    N // 2 cells and the ergotropy gap (global minus the local sum), for N <= LOCAL_ERGOTROPY_MAX_N
    (NaN above: they need the full 2^N amplitudes)."""
    Hfull = (HB + Hint + Hch).tocsr()
    if e0_chain is None:  # ground energy of H_B + H_int over the full space (its ground state may break the symmetry)
        e0_chain = ops.ground_energy((HB + Hint).tocsr(), numerics.dense_max_dim)
    nexc = np.real(HB.diagonal())
    level_range = (float(nexc.min()), float(nexc.max()))
    unfold = None
    if group is not None:
        sec = ops.symmetric_sector(N, group)
        H, Hint, nexc = sec.project(Hfull), sec.project(Hint), nexc[sec.reps]
        if local_series and N <= LOCAL_ERGOTROPY_MAX_N:
            unfold = _sector_unfold(sec)
    else:
        H = Hfull
        unfold = lambda st: st  # noqa: E731
    return sector_trajectory(N, times, H, Hint, nexc, e0_chain, numerics, unfold, local_series, level_range)


def _expectations(A, states: np.ndarray) -> np.ndarray:
    """Re <psi_t|A|psi_t> for every row psi_t of ``states``; a real sparse A acts on the real and imaginary
    parts as one real product (no complex copy of A, half the flops of the complex product)."""
    if np.iscomplexobj(A.data if sp.issparse(A) else A):
        return np.real(np.einsum("ti,ti->t", states.conj(), (A @ states.T).T))
    x = np.ascontiguousarray(states.T).view(float)  # (dim, 2 k): columns Re psi_t, Im psi_t
    return np.einsum("ij,ij->j", x, A @ x).reshape(-1, 2).sum(axis=1)


def _sector_unfold(sec: ops.SymmetricSector):
    """states (rows, sector basis) -> full 2^N amplitudes psi(s) = psi_sector(rep(s)) / sqrt|orbit(s)|."""
    rep_of, w = sec.rep_of, 1.0 / np.sqrt(sec.orbit_size[sec.rep_of])
    return lambda st: st[:, rep_of] * w


def sector_trajectory(
    N: int,
    times: np.ndarray,
    H,
    Hint,
    nexc: np.ndarray,
    e0_chain: float,
    numerics: Numerics,
    unfold=None,
    local_series: bool = False,
    level_range: tuple[float, float] | None = None,
) -> Trajectory:
    """The pure-state charging run of :func:`chain_trajectory` from the operators on the propagated
    space (full or sector): H and H_int sparse, ``nexc`` the diagonal of H_B (basis state 0 = |g...g>,
    its lowest level, one orbit of its own), ``level_range`` H_B's lowest and highest levels on the
    full space (default: those of ``nexc``; a symmetric sector of the uniform H_B holds both),
    ``e0_chain`` the ground energy of H_B + H_int over the full 2^N space, ``unfold`` (states ->
    full 2^N amplitudes, or None: no local series) for the local ergotropies up to LOCAL_ERGOTROPY_MAX_N."""
    dim, nt = H.shape[0], len(times)
    lo, hi = level_range if level_range is not None else (float(nexc.min()), float(nexc.max()))
    psi0 = np.zeros(dim, dtype=complex)
    psi0[0] = 1.0  # |g...g> (basis state 0, its own orbit)
    energy, e_int, e_tot, norm, overlap = (np.empty(nt) for _ in range(5))
    local_sum, half = np.full(nt, np.nan), np.full(nt, np.nan)
    if not (local_series and N <= LOCAL_ERGOTROPY_MAX_N):
        unfold = None
    Hch = sp.csr_matrix(H - Hint - sp.diags(nexc))  # the charging field (H = H_B + H_int + H_ch, H_B diagonal)

    def observe(sl: slice, states: np.ndarray) -> None:
        if unfold is not None:
            full = unfold(states)
            local_sum[sl] = fom.cell_ergotropies(full, N).sum(axis=1)
            half[sl] = fom.leading_cells_ergotropy(full, N, N // 2) if N >= 2 else local_sum[sl]
        p = np.abs(states) ** 2
        norm[sl] = p.sum(axis=1)
        overlap[sl] = np.abs(states[:, 0])  # psi0 = basis state 0
        energy[sl] = p @ nexc
        e_int[sl] = _expectations(Hint, states)
        e_tot[sl] = energy[sl] + e_int[sl] + _expectations(Hch, states)  # <H> = <H_B> + <H_int> + <H_ch>

    ops.propagate_observables(H, psi0, times, observe, numerics.dense_max_dim)
    h0 = float(np.real(psi0.conj() @ (H @ psi0)))
    return Trajectory(
        energy=energy,
        ergotropy=energy - lo,  # pure state: passive state |g...g> (lowest level of H_B)
        capacity=np.full(nt, hi - lo),  # pure state: e_max - e_min
        diagnostics={
            "norm_error": float(np.abs(norm - 1.0).max()),
            "energy_drift": float(np.abs(e_tot - h0).max() / (1.0 + abs(h0))),
            "hilbert_dim": float(dim),
        },
        series={
            "interaction_energy": e_int,
            "interacting_ergotropy": energy + e_int - e0_chain,
            **(
                {"local_ergotropy_sum": local_sum, "half_chain_ergotropy": half, "ergotropy_gap": energy - local_sum}
                if local_series
                else {}
            ),
            **qsl_series(H, psi0, overlap),
        },
        states=None,
    )


@functools.lru_cache(maxsize=512)
def _chain_norm(model: SpinChain, N: int, key: tuple[float, ...]) -> float:
    _, Hint, Hch = model.operators(N, dict(zip((p.name for p in model.parameters), key)))
    V = (Hint + Hch).tocsr()
    if V.shape[0] <= 4096:
        ev = np.linalg.eigvalsh(V.toarray())
        return float(max(abs(ev[0]), abs(ev[-1])))
    return max(abs(ops.ground_energy(V, 0)), abs(ops.ground_energy(-V, 0)))


def single_cell_energy(g: float, times: np.ndarray, omega_a: float = 1.0) -> np.ndarray:
    """E_1(t) = omega_a 4 g^2 / (omega_a^2 + 4 g^2) sin^2(Omega t / 2), Omega = sqrt(omega_a^2 + 4 g^2),
    for H_1 = omega_a |e><e| + g sigma^x from |g> (Rabi formula for a detuned two-level system)."""
    om = np.sqrt(omega_a**2 + 4 * g**2)
    return omega_a * 4 * g**2 / om**2 * np.sin(om * np.asarray(times) / 2) ** 2


@register
class SpinChainParallel(Model):
    name = "spin_chain_parallel"
    numerics_used = {"closed": ()}
    title = "Free cells in a transverse field"
    label = r"Free cells ($J = 0$)"  # figures and report (mathtext)
    kind = "parallel"
    hamiltonian = "H = sum_i [omega_a |e><e|_i + g s^x_i] (the spin chain at J = 0)"
    initial_state = "|g...g>"
    normalisation = "omega_a = 1; same field g as spin_chain: the parallel reference of the chain at equal g"
    route = "one cell propagated exactly (2x2 eigh); the N-cell state is a pure product: energy = ergotropy = N E_1, capacity N omega_a"
    references = "T. P. Le et al., PRA 97, 022106 (2018) (J = 0 limit)"
    parameters = (_DRIVE,)
    diagnostics = (Diagnostic("norm_error", "max over time of | <psi|psi> - 1 | of one cell", "norm_tol"),)
    series = dict(QSL_SERIES)
    reference = None
    charging_bound_reason = ""

    def charging_norm(self, N: int, params: dict[str, float]) -> float:
        return N * float(params["drive"])  # ||g sum_i s^x_i|| (H_1 = |e><e| + g s^x: V = g s^x per cell)

    def charging_bound(self, N: int, params: dict[str, float]):
        g = float(params["drive"])
        return bound_of(N, N * g, [(1, g, N)])

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        _check_N(self.name, N)
        g = float(params["drive"])
        H1 = np.array([[0.0, g], [g, 1.0]])  # basis (|g>, |e>), omega_a = 1
        psi = propagate(H1, np.array([1.0, 0.0], dtype=complex), np.asarray(times, dtype=float))
        p = np.abs(psi) ** 2
        e1 = p[:, 1]
        return Trajectory(
            energy=N * e1,
            ergotropy=N * e1,  # pure product state: passive state |g...g>
            capacity=np.full(len(times), float(N)),
            diagnostics={"norm_error": float(np.abs(p.sum(axis=1) - 1.0).max())},
            series=product_series(qsl_series(H1, np.array([1.0, 0.0], dtype=complex), np.abs(psi[:, 0])), N),
            states=None,
        )
