"""Optimal-control charging: GRAPE with exact gradients of piecewise-constant propagators.

Problem (hbar = 1). A battery (x) charger system of dimension d = d_B d_C, battery factor first,
evolves from psi(0) (pure) or rho(0) under
    H(t) = H_0 + sum_k u_k(t) H_k,     u_k(t) = u_{jk} on slice j = 1..M of length dt = T / M,
closed (Schroedinger) or open (Lindblad, drho/dt = -i[H(t), rho] + D[rho], D time independent).
Objective at the final time T: the battery's ergotropy
    Erg(rho_B) = Tr(rho_B H_B) - sum_k r_k e_k  (r decreasing, e the full H_B spectrum increasing;
    Allahverdyan, Balian, Nieuwenhuizen, EPL 67, 565 (2004)),  rho_B = Tr_C rho(T),
or the stored energy Tr(rho_B(T) H_B) - Tr(rho_B(0) H_B). Constraint on every slice:
``amplitude``: |u_jk| <= bound (box, L-BFGS-B), or ``norm``: ||sum_k u_jk H_k||_op <= bound
(SLSQP with the two eigenvalue constraints bound -/+ lambda_max/min >= 0 per slice; one control:
a box |u| <= bound / ||H_k||), the operator-norm comparison of Binder et al., NJP 17, 075015 (2015)
and Campaioli et al., PRL 118, 150601 (2017).

Gradient (GRAPE, Khaneja et al., J. Magn. Reson. 172, 296 (2005)), exact for piecewise-constant
controls. The ergotropy's derivative with respect to rho_B is the operator
    G_B = H_B - sum_k e_k |v_k><v_k|,   v_k eigenvectors of rho_B (r decreasing),
(first-order perturbation of the passive energy; energy objective: G_B = H_B), so dErg = Tr(O drho)
with O = G_B (x) 1_C. Closed: psi_j = U_j psi_{j-1}, U_j = exp(-i H_j dt); the costate
chi_M = O psi_M is propagated back, chi_{j-1} = U_j^dag chi_j, and
    dErg / du_jk = 2 Re <chi_j| dU_j/du_jk |psi_{j-1}>,
dU_j/du_jk from the eigenbasis of H_j (Daleckii-Krein): V (Phi o (V^dag H_k V)) V^dag,
Phi_ab = (e^{-i l_a dt} - e^{-i l_b dt}) / (l_a - l_b) (-i dt e^{-i l_a dt} when l_a = l_b).
Open: vec rho_j = P_j vec rho_{j-1}, P_j = exp(L_j dt), the derivative of the matrix exponential
in the direction L_k dt is its Frechet derivative, all K of them from one block-triangular
exponential (``expm_and_derivatives``; equal to scipy.linalg.expm_frechet), costate row
c_{j-1} = c_j P_j, dErg/du_jk = Re c_j dP_j/du_jk vec rho_{j-1}.

Why not qutip-qoc / qutip-qtrl / krotov: their objectives are gate or state fidelities; the
ergotropy is a non-linear, spectrum-dependent functional of the reduced state, and the operator-norm
constraint on the total control Hamiltonian is not one of their amplitude bounds (docs/control.md).

Speed limits of the result: the Anandan-Aharonov form of the Mandelstam-Tamm bound holds for any
time-dependent H, T >= L(psi(0), psi(T)) / <Delta E>_T (Anandan & Aharonov, PRL 65, 1697 (1990)),
with the time-averaged energy spread (exact per slice: H_j is constant on it). The constraint's own
bound: Delta E(t) <= w_0 + Lambda, w_0 = half the spectral width of H_0 and Lambda the bound on
||H_c(t)|| (norm) or sum_k bound ||H_k|| (amplitude); from the ground state psi(0) of H_B a state
with energy f (e_max - e_0) has Bures angle >= arcsin sqrt(f), so the minimal time to charge the
fraction f obeys T >= arcsin(sqrt f) / (w_0 + Lambda).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.linalg as sla

from .lindblad import functional, hamiltonian_superop, unvec, vec  # noqa: F401 (unvec: stage health)
from .quantities import ergotropy, partial_trace
from .speed_limits import bures_angle

CONSTRAINTS = ("amplitude", "norm")
OBJECTIVES = ("ergotropy", "energy")


@dataclass(frozen=True)
class ControlProblem:
    """What is controlled: drift, control Hamiltonians, battery, initial state, dissipator.

    ``psi0``: pure initial state (closed); ``rho0``: density matrix (open, or mixed closed);
    ``dissipator``: the Lindblad dissipator superoperator (column stacking, ``physics.lindblad``)
    on the full space, or None (closed); ``levels``: the battery's full H_B spectrum (default
    eigvalsh(H_B)); ``dims`` = (d_B, d_C)."""

    drift: np.ndarray
    controls: tuple[np.ndarray, ...]
    H_B: np.ndarray
    psi0: np.ndarray | None = None
    rho0: np.ndarray | None = None
    dims: tuple[int, int] = (0, 1)
    dissipator: np.ndarray | None = None
    objective: str = "ergotropy"
    names: tuple[str, ...] = ()
    levels: np.ndarray | None = None

    def __post_init__(self):
        d = np.asarray(self.drift).shape[0]
        dims = self.dims if self.dims[0] else (d, 1)
        object.__setattr__(self, "dims", (int(dims[0]), int(dims[1])))
        if dims[0] * dims[1] != d:
            raise ValueError(f"ControlProblem: dims {dims} do not multiply to the dimension {d} of the drift")
        if self.objective not in OBJECTIVES:
            raise ValueError(f"ControlProblem: objective {self.objective!r}; allowed: {', '.join(OBJECTIVES)}")
        if (self.psi0 is None) == (self.rho0 is None):
            raise ValueError("ControlProblem: give exactly one of psi0 (pure) and rho0 (mixed)")
        if not self.controls:
            raise ValueError("ControlProblem: at least one control Hamiltonian is needed")
        if self.dissipator is not None and self.psi0 is not None:
            object.__setattr__(self, "rho0", np.outer(self.psi0, np.conj(self.psi0)))
            object.__setattr__(self, "psi0", None)
        if self.rho0 is not None and self.dissipator is None:  # mixed closed: superoperator route, D = 0
            object.__setattr__(self, "dissipator", np.zeros((d * d, d * d), dtype=complex))

    @property
    def dim(self) -> int:
        return int(np.asarray(self.drift).shape[0])

    @property
    def open(self) -> bool:
        return self.dissipator is not None

    def battery_levels(self) -> np.ndarray:
        return np.sort(np.linalg.eigvalsh(self.H_B)) if self.levels is None else np.sort(np.asarray(self.levels, dtype=float))

    def initial_rho(self) -> np.ndarray:
        return np.outer(self.psi0, np.conj(self.psi0)) if self.psi0 is not None else np.asarray(self.rho0, dtype=complex)

    def battery_state(self, rho: np.ndarray) -> np.ndarray:
        dB, dC = self.dims
        return rho if dC == 1 else partial_trace(rho, (dB, dC), 0)

    def capacity(self) -> float:
        """Largest ergotropy (energy objective: largest stored energy) any unitary reaches:
        Erg <= e_max - e_min for every battery state; the energy objective <= e_max - E(0)."""
        lev = self.battery_levels()
        if self.objective == "energy":
            return float(lev[-1] - np.real(np.trace(self.battery_state(self.initial_rho()) @ self.H_B)))
        return float(lev[-1] - lev[0])


@dataclass(frozen=True)
class Constraint:
    """``amplitude``: |u_k(t)| <= bound for every control; ``norm``: ||sum_k u_k(t) H_k||_op <= bound."""

    kind: str
    bound: float

    def __post_init__(self):
        if self.kind not in CONSTRAINTS:
            raise ValueError(f"Constraint: kind {self.kind!r}; allowed: {', '.join(CONSTRAINTS)}")
        if not self.bound > 0:
            raise ValueError(f"Constraint: bound must be > 0, got {self.bound}")

    def control_norm_bound(self, controls: Sequence[np.ndarray]) -> float:
        """Lambda >= ||sum_k u_k H_k||_op for every allowed u."""
        if self.kind == "norm":
            return float(self.bound)
        return float(self.bound * sum(np.abs(np.linalg.eigvalsh(H)).max() for H in controls))


# ------------------------------------------------------------------------ objective
def objective_value(problem: ControlProblem, rho_B: np.ndarray) -> float:
    if problem.objective == "energy":
        e0 = np.real(np.trace(problem.battery_state(problem.initial_rho()) @ problem.H_B))
        return float(np.real(np.trace(rho_B @ problem.H_B)) - e0)
    return float(ergotropy(rho_B, problem.H_B, levels=problem.battery_levels()))


def objective_operator(problem: ControlProblem, rho_B: np.ndarray) -> np.ndarray:
    """O = G_B (x) 1_C with dObjective = Tr(O drho) (module docstring)."""
    G = np.asarray(problem.H_B, dtype=complex)
    if problem.objective == "ergotropy":
        r, v = np.linalg.eigh(0.5 * (rho_B + rho_B.conj().T))
        v = v[:, ::-1]  # decreasing populations
        e = problem.battery_levels()[: len(r)]
        G = G - (v * e) @ v.conj().T
    dC = problem.dims[1]
    return G if dC == 1 else np.kron(G, np.eye(dC))


def _slice_hamiltonians(problem: ControlProblem, u: np.ndarray) -> np.ndarray:
    C = np.asarray(problem.controls, dtype=complex)
    return np.asarray(problem.drift, dtype=complex)[None] + np.einsum("jk,kab->jab", u, C)


def _closed(problem: ControlProblem, u: np.ndarray, T: float, grad: bool):
    M = u.shape[0]
    dt = T / M
    H = _slice_hamiltonians(problem, u)
    lam, V = np.linalg.eigh(H)
    phase = np.exp(-1j * lam * dt)
    U = np.einsum("jab,jb,jcb->jac", V, phase, V.conj())
    x = np.asarray(problem.psi0, dtype=complex)
    xs = [x]
    for j in range(M):
        x = U[j] @ x
        xs.append(x)
    rho_B = problem.battery_state(np.outer(x, x.conj()))
    value = objective_value(problem, rho_B)
    if not grad:
        return value, None, xs
    C = np.asarray(problem.controls, dtype=complex)
    g = np.empty_like(u)
    chi = objective_operator(problem, rho_B) @ x
    for j in range(M - 1, -1, -1):
        la, Vj = lam[j], V[j]
        # (e^{-i l_a dt} - e^{-i l_b dt}) / (l_a - l_b) = -i dt e^{-i (l_a + l_b) dt / 2} sinc((l_a - l_b) dt / 2): stable
        Phi = -1j * dt * np.exp(-0.5j * (la[:, None] + la[None, :]) * dt) * np.sinc((la[:, None] - la[None, :]) * dt / (2 * np.pi))
        a = Vj.conj().T @ chi
        b = Vj.conj().T @ xs[j]
        Y = Vj @ (np.conj(a)[:, None] * b[None, :] * Phi).T @ Vj.conj().T
        g[j] = 2.0 * np.real(np.einsum("mn,knm->k", Y, C))
        chi = U[j].conj().T @ chi
    return value, g, xs


def expm_and_derivatives(A: np.ndarray, directions: Sequence[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """exp(A) and its Frechet derivatives L(A, E_k) in every direction E_k, from one exponential of
    the block upper-triangular matrix [[A, E_1, ..., E_K], [0, A, 0, ...], ..., [0, ..., A]], whose
    first block row is [exp(A), L(A, E_1), ..., L(A, E_K)] (Van Loan, IEEE TAC 23, 395 (1978);
    Najfeld & Havel, Adv. Appl. Math. 16, 321 (1995)); the same value as scipy.linalg.expm_frechet
    (checked in the tests) at a fraction of its cost for many small directions."""
    D, K = A.shape[0], len(directions)
    B = np.zeros(((K + 1) * D, (K + 1) * D), dtype=complex)
    for k in range(K + 1):
        B[k * D : (k + 1) * D, k * D : (k + 1) * D] = A
    for k, E in enumerate(directions, 1):
        B[:D, k * D : (k + 1) * D] = E
    X = sla.expm(B)
    return X[:D, :D], [X[:D, k * D : (k + 1) * D] for k in range(1, K + 1)]


def _open(problem: ControlProblem, u: np.ndarray, T: float, grad: bool):
    M = u.shape[0]
    dt = T / M
    d = problem.dim
    L0 = hamiltonian_superop(problem.drift).toarray() + np.asarray(problem.dissipator, dtype=complex)
    Lk = [hamiltonian_superop(H).toarray() for H in problem.controls]
    x = vec(problem.initial_rho())
    xs = [x]
    P, dP = [], []
    for j in range(M):
        A = (L0 + sum(u[j, k] * Lk[k] for k in range(len(Lk)))) * dt
        if grad:
            P_j, dP_j = expm_and_derivatives(A, [L * dt for L in Lk])
            P.append(P_j)
            dP.append(dP_j)
        else:
            P.append(sla.expm(A))
        x = P[-1] @ x
        xs.append(x)
    rho = unvec(x, d)
    rho = 0.5 * (rho + rho.conj().T)
    rho_B = problem.battery_state(rho)
    value = objective_value(problem, rho_B)
    if not grad:
        return value, None, xs
    c = functional(objective_operator(problem, rho_B))
    g = np.empty_like(u)
    for j in range(M - 1, -1, -1):
        g[j] = [np.real(c @ (dP[j][k] @ xs[j])) for k in range(len(Lk))]
        c = c @ P[j]
    return value, g, xs


def evaluate(problem: ControlProblem, u: np.ndarray, T: float, grad: bool = True):
    """(objective at T, its gradient (M, K) or None, the states after every slice)."""
    u = np.asarray(u, dtype=float).reshape(-1, len(problem.controls))
    return (_open if problem.open else _closed)(problem, u, float(T), grad)


# ------------------------------------------------------------------------ optimisation
@dataclass
class ControlResult:
    """The best pulse of several seeded starts at one final time T."""

    T: float
    pulse: np.ndarray  # (M, K)
    value: float  # objective at T of the best start
    values: np.ndarray  # (restarts,) objective reached from each start
    iterations: np.ndarray  # (restarts,) optimiser iterations of each start
    history: np.ndarray  # objective after each iteration of the best start
    converged: bool
    message: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def spread(self) -> float:
        """max - min of the objective over the starts (0: every start found the same optimum)."""
        return float(np.max(self.values) - np.min(self.values))


def _norm_constraints(problem: ControlProblem, bound: float, M: int, K: int):
    C = np.asarray(problem.controls, dtype=complex)

    def fun(x):
        lam = np.linalg.eigvalsh(np.einsum("jk,kab->jab", x.reshape(M, K), C))
        return np.concatenate([bound - lam[:, -1], bound + lam[:, 0]])

    def jac(x):
        lam, V = np.linalg.eigh(np.einsum("jk,kab->jab", x.reshape(M, K), C))
        top = np.real(np.einsum("ja,kab,jb->jk", V[:, :, -1].conj(), C, V[:, :, -1]))
        bot = np.real(np.einsum("ja,kab,jb->jk", V[:, :, 0].conj(), C, V[:, :, 0]))
        J = np.zeros((2 * M, M * K))
        for j in range(M):
            J[j, j * K : (j + 1) * K] = -top[j]
            J[M + j, j * K : (j + 1) * K] = bot[j]
        return J

    return {"type": "ineq", "fun": fun, "jac": jac}


def box_bounds(problem: ControlProblem, constraint: Constraint) -> np.ndarray | None:
    """Per-control amplitude bound of a box constraint (amplitude, or norm with one control)."""
    if constraint.kind == "amplitude":
        return np.full(len(problem.controls), constraint.bound)
    if len(problem.controls) == 1:
        return np.array([constraint.bound / np.abs(np.linalg.eigvalsh(problem.controls[0])).max()])
    return None


def random_pulse(problem: ControlProblem, constraint: Constraint, M: int, rng: np.random.Generator) -> np.ndarray:
    """A random admissible pulse: uniform in the box, or scaled into the norm ball per slice."""
    K = len(problem.controls)
    box = box_bounds(problem, constraint)
    if box is not None:
        return rng.uniform(-1.0, 1.0, size=(M, K)) * box[None]
    u = rng.uniform(-1.0, 1.0, size=(M, K))
    norms = np.abs(np.linalg.eigvalsh(np.einsum("jk,kab->jab", u, np.asarray(problem.controls, dtype=complex)))).max(axis=1)
    return u * (constraint.bound * rng.uniform(0.2, 1.0, size=M) / np.maximum(norms, 1e-300))[:, None]


def optimise(
    problem: ControlProblem,
    constraint: Constraint,
    T: float,
    slices: int,
    restarts: int,
    rng: np.random.Generator,
    max_iterations: int = 200,
    tol: float = 1e-12,
    guesses: Sequence[np.ndarray] = (),
) -> ControlResult:
    """Maximise the objective at T over piecewise-constant pulses of ``slices`` slices from
    ``restarts`` seeded random starts plus ``guesses`` (e.g. a neighbouring T's optimum); the
    best is kept, every start's value and iteration count are recorded."""
    M, K = int(slices), len(problem.controls)
    box = box_bounds(problem, constraint)
    starts = [random_pulse(problem, constraint, M, rng) for _ in range(restarts)]
    starts += [np.asarray(g, dtype=float).reshape(M, K) for g in guesses]  # after the seeded ones
    scale = max(problem.capacity(), 1e-12)
    best, values, iters, histories, messages, oks = None, [], [], [], [], []
    for u0 in starts:
        hist: list[float] = []
        if problem.objective == "ergotropy" and not np.any(np.abs(evaluate(problem, u0, T)[1]) > 1e-12):
            # on the ergotropy's zero plateau (a passive reduced state has no gradient): climb the stored energy first
            u0 = _solve(replace(problem, objective="energy"), constraint, T, u0, box, max_iterations, tol, scale, [])[0]
        x, res = _solve(problem, constraint, T, u0, box, max_iterations, tol, scale, hist)
        val = evaluate(problem, x, T, grad=False)[0]
        values.append(val)
        iters.append(int(res.nit))
        histories.append(hist or [val])
        messages.append(str(res.message))
        oks.append(bool(res.success))
        if best is None or val > values[best[0]]:
            best = (len(values) - 1, x.reshape(M, K))
    i = best[0]
    return ControlResult(
        T=float(T),
        pulse=best[1],
        value=float(values[i]),
        values=np.array(values),
        iterations=np.array(iters),
        history=np.array(histories[i]),
        converged=oks[i],
        message=messages[i],
    )


def _solve(problem, constraint, T, u0, box, max_iterations, tol, scale, hist):
    """One local optimisation from ``u0``: (pulse (M, K), scipy result); ``hist`` collects the objective."""
    M, K = u0.shape

    def fun(x):
        v, g, _ = evaluate(problem, x, T)
        hist.append(v)  # every evaluation (line searches included): the convergence record
        return -v / scale, -g.ravel() / scale

    from scipy.optimize import minimize  # here: importing scipy.optimize costs 0.4 s of every job's start

    if box is not None:
        bounds = [(-b, b) for _ in range(M) for b in box]
        x0 = np.clip(u0.ravel(), [b[0] for b in bounds], [b[1] for b in bounds])
        res = minimize(
            fun,
            x0,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": int(max_iterations), "ftol": tol, "gtol": tol * 1e-2},
        )
    else:
        res = minimize(
            fun,
            u0.ravel(),
            jac=True,
            method="SLSQP",
            constraints=[_norm_constraints(problem, constraint.bound, M, K)],
            options={"maxiter": int(max_iterations), "ftol": tol},
        )
    x = res.x
    if box is None:  # project back into the norm ball (SLSQP may end a hair outside)
        x = project_to_norm_ball(problem, x.reshape(M, K), constraint.bound).ravel()
    return x.reshape(M, K), res


def project_to_norm_ball(problem: ControlProblem, u: np.ndarray, bound: float) -> np.ndarray:
    """Scale every slice whose control Hamiltonian exceeds the norm bound back onto it."""
    norms = np.abs(np.linalg.eigvalsh(np.einsum("jk,kab->jab", u, np.asarray(problem.controls, dtype=complex)))).max(axis=1)
    return u * np.minimum(1.0, bound / np.maximum(norms, 1e-300))[:, None]


def resample(pulse: np.ndarray, slices: int) -> np.ndarray:
    """A pulse on ``slices`` equal slices of the same window (piecewise constant, nearest slice)."""
    M = pulse.shape[0]
    idx = np.minimum((np.arange(slices) + 0.5) * M / slices, M - 1e-9).astype(int)
    return pulse[idx]


# ------------------------------------------------------------------------ speed limits
def energy_spread_per_slice(problem: ControlProblem, u: np.ndarray, T: float) -> np.ndarray:
    """Delta E_j of H_j in the state entering slice j (conserved on the slice; pure closed only)."""
    _, _, xs = evaluate(problem, u, T, grad=False)
    H = _slice_hamiltonians(problem, np.asarray(u, dtype=float).reshape(-1, len(problem.controls)))
    out = []
    for j in range(H.shape[0]):
        h = H[j] @ xs[j]
        mean = np.real(np.vdot(xs[j], h))
        out.append(np.sqrt(max(np.real(np.vdot(h, h)) - mean**2, 0.0)))
    return np.array(out)


def anandan_aharonov_time(problem: ControlProblem, u: np.ndarray, T: float) -> float:
    """L(psi(0), psi(T)) / <Delta E>_T: the Mandelstam-Tamm bound of a time-dependent H; T >= it
    (NaN for mixed or open dynamics: no pure-state bound)."""
    if problem.open or problem.psi0 is None:
        return float("nan")
    _, _, xs = evaluate(problem, u, T, grad=False)
    L = float(bures_angle(abs(np.vdot(xs[0], xs[-1]))))
    mean_spread = float(np.mean(energy_spread_per_slice(problem, u, T)))
    return 0.0 if L == 0 else (L / mean_spread if mean_spread > 0 else float("inf"))


def constraint_speed_limit(problem: ControlProblem, constraint: Constraint, fraction: float) -> float:
    """arcsin(sqrt f) / (w_0 + Lambda): no admissible pulse charges the fraction f of the capacity
    faster (module docstring); needs a pure initial state that is a ground state of H_B (x) 1 (NaN
    otherwise; 0 with a charger, whose energy can feed the battery without a Bures angle bound of this form)."""
    if problem.psi0 is None or problem.dims[1] != 1:
        return float("nan")
    lev = problem.battery_levels()
    psi0 = np.asarray(problem.psi0, dtype=complex)
    if abs(np.real(np.vdot(psi0, problem.H_B @ psi0)) - lev[0]) > 1e-12:
        return float("nan")
    w0 = 0.5 * float(np.ptp(np.linalg.eigvalsh(problem.drift)))
    lam = constraint.control_norm_bound(problem.controls)
    return float(np.arcsin(np.sqrt(np.clip(fraction, 0.0, 1.0))) / (w0 + lam))


# ------------------------------------------------------------------------ minimal time
@dataclass
class TimeSweep:
    """The optimum at every T of a grid and the minimal time to charge a fraction of the capacity."""

    results: list[ControlResult]
    minimal_time: float  # NaN if no T of the grid reaches the target
    minimal_result: ControlResult | None
    bisection_steps: int
    lower_time: float = float("nan")  # largest T shown not to reach the target (minimal time in (lower_time, minimal_time])


def minimal_time(
    problem: ControlProblem,
    constraint: Constraint,
    times: Sequence[float],
    fraction: float,
    slices: int,
    restarts: int,
    rng: np.random.Generator,
    bisection: int = 20,
    reach_tol: float = 1e-10,
    max_iterations: int = 200,
    tol: float = 1e-12,
) -> TimeSweep:
    """Optimise at every T of ``times`` (increasing); the minimal time is the smallest T whose
    optimum reaches ``fraction`` of the capacity (within reach_tol x capacity), refined by
    ``bisection`` halvings between the last grid T that fails and the first that reaches it
    (each step warm-started from the reaching neighbour's pulse). Assumes the reachable set grows
    with T (zero control admissible and psi(0) stationary under the drift)."""
    target = fraction * problem.capacity() * (1.0 - reach_tol) if fraction < 1 else problem.capacity() * (1.0 - reach_tol)
    results: list[ControlResult] = []
    for T in times:
        guess = [resample(results[-1].pulse, slices)] if results else []
        results.append(optimise(problem, constraint, T, slices, restarts, rng, max_iterations, tol, guesses=guess))
    hit = next((i for i, r in enumerate(results) if r.value >= target), None)
    if hit is None:
        return TimeSweep(results, float("nan"), None, 0)
    hi_res = results[hit]
    lo = float(times[hit - 1]) if hit > 0 else 0.0
    hi = float(times[hit])
    for _ in range(bisection):
        mid = 0.5 * (lo + hi)
        r = optimise(problem, constraint, mid, slices, restarts, rng, max_iterations, tol, guesses=[hi_res.pulse])
        if r.value >= target:
            hi, hi_res = mid, r
        else:
            lo = mid
    return TimeSweep(results, hi, hi_res, int(bisection), lo)
