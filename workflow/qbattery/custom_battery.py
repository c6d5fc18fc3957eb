"""Bring your own battery: any battery Hamiltonian, charging Hamiltonian and initial state.

:func:`charge` takes user operators (numpy arrays or qutip ``Qobj``) and returns the same
Dataset as a catalogue model (``qbattery.simulate`` plus ``qbattery.analyse_power``): energy,
stored energy, ergotropy and capacity of the battery, the power quantities, the pure-state speed
limits where they apply, and the first-law bookkeeping W, Q with its residual when there is
dissipation or time dependence. The config route (``models.custom``, :mod:`qbattery.models.custom`)
runs the same :func:`run_battery` on the operators a user function returns at each parameter point.

System space and Hamiltonian (hbar = 1, battery factor first, as ``qutip.tensor(battery, charger)``):

    H(t) = H_B (x) 1_C + 1_B (x) H_C + H_int + H_charge(t),
    H_charge(t) = H_0 + sum_k f_k(t) H_k       (qutip list form [H_0, [H_1, f_1], ...]),
    drho/dt = -i [H(t), rho] + sum_j D[c_j] rho,

with f_k a function of t (or of (t, args)) or an array on ``times`` (cubic spline, as qutip's
array coefficients). Energies are relative to the ground energy of H_B (and of H_C): the
project convention (ground energy 0). Ergotropy and capacity are over the spectrum of H_B as given,
or, for N identical cells declared in their symmetric subspace (``cells=N, subspace="symmetric"``),
over the full spectrum of the N cells (levels of the N-fold sum of one cell's levels with their
multinomial degeneracies; two-level cells: ``qbattery.cells_spectrum(N)``), as the catalogue's
Dicke-subspace models do.

Routes (the project's kernels, no second copy):
- closed, time independent, pure state: ``physics.propagation.propagate`` (eigh or Krylov), speed
  limits ``physics.speed_limits.qsl_series``;
- closed, time independent, density matrix: the same propagation of each eigenvector of rho(0);
- Lindblad operators, time independent: ``physics.lindblad.evolve`` (exact exponential of the
  augmented generator) and ``physics.first_law.energy_flows``;
- time dependent (with or without Lindblad operators): ``physics.lindblad.evolve_driven`` (DOP853 at
  numerics.rtol / atol) and ``energy_flows`` with the driven terms; the first-law residual
  max |E_B(t) - E_B(0) - W(t) - Q(t)| is checked against numerics.first_law_tol.
Ergotropy and capacity: ``physics.quantities.ergotropy`` / ``capacity``. Operators (numpy, scipy
sparse or qutip) are held dense: system dimensions up to a few thousand.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .models.base import JointTrajectory, Numerics, Trajectory
from .physics.quantities import Spectrum, as_array, capacity, cells_spectrum, ergotropy
from .validation import argument, check_times, invalid

#: relative tolerance of the Hermiticity checks of user operators (|H - H^dag| <= tol max(1, |H|))
HERMITIAN_TOL = 1e-10
#: tolerance of the state checks (|<psi|psi> - 1|, |Tr rho - 1|, negativity, Hermiticity)
STATE_CHECK_TOL = 1e-8
SUBSPACES = ("full", "symmetric")
#: keys a user function may return (the keyword arguments of :func:`charge` besides times/numerics)
OPERATOR_KEYS = ("H_B", "state", "H", "H_C", "H_int", "c_ops", "args", "cells", "subspace", "cell_levels")


def _shape_text(x: np.ndarray) -> str:
    return f"array of shape {tuple(np.shape(x))}"


def _matrix(x: Any, key: str, where: str, dim: int | None, hermitian: bool = True) -> np.ndarray:
    """A user operator as a dense complex square matrix of dimension ``dim``, Hermitian if asked."""
    try:
        a = (x.toarray() if sp.issparse(x) else as_array(x)).astype(complex)
    except (TypeError, ValueError):
        raise invalid(
            where + key, type(x).__name__, "not a matrix", "a numpy array or qutip.Qobj", shown=f"value of type {type(x).__name__}"
        ) from None
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise invalid(where + key, None, "not a square matrix", "a square numpy array or qutip.Qobj", shown=_shape_text(a))
    if dim is not None and a.shape[0] != dim:
        raise invalid(
            where + key,
            None,
            f"dimension {a.shape[0]} does not match the system dimension {dim}",
            f"a {dim} x {dim} operator",
            shown=_shape_text(a),
        )
    if not np.all(np.isfinite(a)):
        raise invalid(where + key, None, "contains NaN or inf", "finite entries", shown=_shape_text(a))
    if hermitian:
        dev = float(np.max(np.abs(a - a.conj().T), initial=0.0))
        if dev > HERMITIAN_TOL * max(1.0, float(np.max(np.abs(a), initial=0.0))):
            raise invalid(where + key, None, f"not Hermitian: max |H - H^dag| = {dev:.3e}", "a Hermitian operator", shown=_shape_text(a))
    return a


def _coefficient(c: Any, key: str, where: str, times: np.ndarray, args: Mapping | None) -> Callable[[float], float]:
    """f_k(t) from a function f(t) / f(t, args) (qutip convention) or an array on ``times``
    (cubic spline, as qutip's array coefficients); its values must be real (H(t) Hermitian)."""
    if callable(c):
        try:
            n_args = len(inspect.signature(c).parameters)
        except (TypeError, ValueError):
            n_args = 1
        f = (lambda s: c(s, dict(args or {}))) if n_args >= 2 else c
    else:
        try:
            y = np.asarray(c, dtype=complex)
        except (TypeError, ValueError):
            raise invalid(
                where + key,
                type(c).__name__,
                "not a coefficient",
                "a function f(t) or f(t, args), or an array on times",
                shown=f"value of type {type(c).__name__}",
            ) from None
        if y.shape != times.shape:
            reason = f"an array coefficient of shape {y.shape} does not match the {len(times)} times"
            raise invalid(where + key, None, reason, "an array with one value per time", shown=_shape_text(y))
        if np.any(y.imag):
            raise invalid(
                where + key, None, "takes complex values (H(t) would not be Hermitian)", "a real coefficient", shown="coefficient"
            )
        from scipy.interpolate import CubicSpline

        f = CubicSpline(times, y.real)
    try:
        probe = np.array([complex(f(float(s))) for s in times])
    except Exception as err:  # the user's function
        raise invalid(where + key, None, f"raised {type(err).__name__}: {err}".splitlines()[0], shown="coefficient") from None
    if not np.all(np.isfinite(probe)):
        raise invalid(where + key, None, "gives NaN or inf on the time grid", "finite real values", shown="coefficient")
    if np.max(np.abs(probe.imag), initial=0.0) > 0:
        raise invalid(where + key, None, "takes complex values (H(t) would not be Hermitian)", "a real coefficient", shown="coefficient")
    return lambda s: float(np.real(f(s)))


def _charging_terms(H: Any, where: str, dim: int, times: np.ndarray, args: Mapping | None) -> tuple[np.ndarray, list]:
    """(H_0, [(H_k, f_k)]) of a charging Hamiltonian: one operator, or qutip's list form."""
    H0 = np.zeros((dim, dim), dtype=complex)
    drives: list[tuple[np.ndarray, Callable[[float], float]]] = []
    if H is None:
        return H0, drives
    if not isinstance(H, (list, tuple)):
        return _matrix(H, "H", where, dim), drives
    for i, term in enumerate(H):
        key = f"H[{i}]"
        if isinstance(term, (list, tuple)):
            if len(term) != 2:
                raise invalid(where + key, None, f"a list of {len(term)} items", "[operator, coefficient]", shown="list")
            drives.append((_matrix(term[0], key + "[0]", where, dim), _coefficient(term[1], key + "[1]", where, times, args)))
        else:
            H0 = H0 + _matrix(term, key, where, dim)
    return H0, drives


def _ground(H: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(H)[0])


def cells_levels(N: int, cell: np.ndarray) -> Spectrum:
    """Spectrum of sum_i h_i over N identical cells with levels ``cell`` (ground 0): the level
    sum_l n_l e_l of every occupation (n_0, .., n_{d-1}), sum n_l = N, with the multinomial
    degeneracy N! / prod n_l! (exact integers); levels equal to 1e-12 merged. Two levels:
    :func:`qbattery.cells_spectrum`."""
    from math import factorial

    e = np.sort(np.asarray(cell, dtype=float))
    e = e - e[0]
    if e.size == 2:
        return cells_spectrum(N, e[1])
    energies, degeneracies = [], []

    def occupations(n: int, d: int):
        if d == 1:
            yield (n,)
            return
        for k in range(n, -1, -1):
            for rest in occupations(n - k, d - 1):
                yield (k, *rest)

    for occ in occupations(N, e.size):
        g = factorial(N)
        for n in occ:
            g //= factorial(n)
        energies.append(float(np.dot(occ, e)))
        degeneracies.append(g)
    order = np.argsort(energies, kind="stable")
    merged_e: list[float] = []
    merged_g: list[int] = []
    tol = 1e-12 * max(1.0, float(e[-1]) * N)
    for i in order:
        if merged_e and energies[i] - merged_e[-1] <= tol:
            merged_g[-1] += degeneracies[i]
        else:
            merged_e.append(energies[i])
            merged_g.append(degeneracies[i])
    return Spectrum(np.array(merged_e), np.array(merged_g, dtype=object))


@dataclass
class Battery:
    """Validated user operators (ground energies of H_B and H_C shifted to 0)."""

    H_B: np.ndarray  # (d_B, d_B)
    H: np.ndarray  # time-independent part of H(t) on the system space (d_B d_C)
    drives: list[tuple[np.ndarray, Callable[[float], float]]]
    state: np.ndarray  # ket (d,) or density matrix (d, d)
    c_ops: list[np.ndarray]
    H_C: np.ndarray | None = None
    H_int: np.ndarray | None = None
    levels: Spectrum | None = None  # full battery spectrum (symmetric subspace), else None: H_B's own
    cells: int | None = None
    subspace: str = "full"
    extra: dict = field(default_factory=dict)

    @property
    def dims(self) -> tuple[int, int]:
        return self.H_B.shape[0], (1 if self.H_C is None else self.H_C.shape[0])

    @property
    def pure(self) -> bool:
        return self.state.ndim == 1

    @property
    def open(self) -> bool:
        return bool(self.c_ops)

    @property
    def driven(self) -> bool:
        return bool(self.drives)

    @property
    def has_charger(self) -> bool:
        return self.H_C is not None

    @property
    def kind(self) -> str:
        """The route: "pure", "mixed" (closed, time independent), "open", "driven" or "driven_open"."""
        if self.driven:
            return "driven_open" if self.open else "driven"
        return "open" if self.open else ("pure" if self.pure else "mixed")

    @property
    def bookkeeping(self) -> bool:
        """First-law W, Q and residual: when there is dissipation or time dependence."""
        return self.open or self.driven


def battery(
    H_B: Any,
    state: Any,
    times: Any = None,
    H: Any = None,
    *,
    H_C: Any = None,
    H_int: Any = None,
    c_ops: Sequence[Any] = (),
    args: Mapping | None = None,
    cells: int | None = None,
    subspace: str = "full",
    cell_levels: Any = None,
    where: str = "",
) -> Battery:
    """Check the user operators and return a :class:`Battery`; a mistake raises ``InputError``
    in one line naming the argument (``where`` + name), its value and what is allowed."""
    where = where or argument("charge")
    t = check_times(times, where) if times is not None else np.array([0.0])
    HB = _matrix(H_B, "H_B", where, None)
    dB = HB.shape[0]
    HC = None if H_C is None else _matrix(H_C, "H_C", where, None)
    dC = 1 if HC is None else HC.shape[0]
    d = dB * dC
    if H_int is not None and HC is None:
        raise invalid(
            where + "H_int", None, "an interaction term needs a charger factor", "give H_C (the charger Hamiltonian) too", shown="operator"
        )
    Hi = None if H_int is None else _matrix(H_int, "H_int", where, d)
    H0, drives = _charging_terms(H, where, d, t, args)
    cs = []
    for i, c in enumerate(list(c_ops or [])):
        cs.append(_matrix(c, f"c_ops[{i}]", where, d, hermitian=False))
    psi = _state(state, where, d)
    if subspace not in SUBSPACES:
        raise invalid(where + "subspace", subspace, "unknown subspace", ", ".join(map(repr, SUBSPACES)))
    if cells is not None and (isinstance(cells, bool) or not isinstance(cells, (int, np.integer)) or cells < 1):
        raise invalid(where + "cells", cells, "not a positive integer", "the number N of identical cells")
    HB = HB - _ground(HB) * np.eye(dB)
    if HC is not None:
        HC = HC - _ground(HC) * np.eye(dC)
    levels = None
    if subspace == "symmetric":
        if cells is None:
            raise invalid(where + "subspace", subspace, "a symmetric subspace needs the number of cells", "give cells=N too")
        levels = _subspace_levels(HB, int(cells), cell_levels, where)
    one_C = np.eye(dC)
    Htot = np.kron(HB, one_C) + (np.kron(np.eye(dB), HC) if HC is not None else 0) + (Hi if Hi is not None else 0) + H0
    return Battery(HB, Htot, drives, psi, cs, HC, Hi, levels, None if cells is None else int(cells), subspace)


def _state(state: Any, where: str, d: int) -> np.ndarray:
    """A ket (d,) normalised, or a density matrix (d, d): Hermitian, trace 1, positive."""
    try:
        s = as_array(state).astype(complex)
    except (TypeError, ValueError):
        raise invalid(
            where + "state",
            type(state).__name__,
            "not a state",
            "a ket or density matrix (numpy array or qutip.Qobj)",
            shown=f"value of type {type(state).__name__}",
        ) from None
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim == 1:
        if s.shape[0] != d:
            raise invalid(
                where + "state",
                None,
                f"dimension {s.shape[0]} does not match the system dimension {d}",
                f"a ket of {d} amplitudes",
                shown=_shape_text(s),
            )
        dev = abs(float(np.vdot(s, s).real) - 1.0)
        if not np.isfinite(dev) or dev > STATE_CHECK_TOL:
            raise invalid(where + "state", None, f"not normalised: |<psi|psi> - 1| = {dev:.3e}", "a normalised ket", shown="ket")
        return s
    if s.ndim != 2 or s.shape != (d, d):
        raise invalid(
            where + "state",
            None,
            f"shape does not match the system dimension {d}",
            f"a ket ({d},) or a density matrix ({d}, {d})",
            shown=_shape_text(s),
        )
    herm = float(np.max(np.abs(s - s.conj().T)))
    if not np.isfinite(herm) or herm > STATE_CHECK_TOL:
        raise invalid(
            where + "state",
            None,
            f"density matrix not Hermitian: max |rho - rho^dag| = {herm:.3e}",
            "a density matrix",
            shown="density matrix",
        )
    tr = abs(np.trace(s) - 1.0)
    if tr > STATE_CHECK_TOL:
        raise invalid(
            where + "state", None, f"not normalised: |Tr rho - 1| = {tr:.3e}", "a density matrix of trace 1", shown="density matrix"
        )
    low = float(np.linalg.eigvalsh(0.5 * (s + s.conj().T))[0])
    if low < -STATE_CHECK_TOL:
        raise invalid(
            where + "state",
            None,
            f"not positive: smallest eigenvalue {low:.3e}",
            "a positive semidefinite density matrix",
            shown="density matrix",
        )
    return s


def _subspace_levels(HB: np.ndarray, N: int, cell_levels: Any, where: str) -> Spectrum:
    """Full spectrum of N identical cells (two-level cells by default, spacing max(H_B) / N);
    every level of the subspace's H_B must be one of its levels."""
    e = np.linalg.eigvalsh(HB)
    cell = np.array([0.0, e[-1] / N]) if cell_levels is None else np.ravel(as_array(cell_levels)).real
    levels = cells_levels(N, cell)
    tol = 1e-8 * max(1.0, float(e[-1]))
    missing = [x for x in e if np.min(np.abs(levels.energies - x)) > tol]
    if missing:
        cell_text = np.round(np.sort(cell - cell.min()), 6).tolist()
        reason = f"H_B has the level {missing[0]:.6g} (ground 0), which N = {N} cells with levels {cell_text} do not have"
        raise invalid(
            where + "H_B", None, reason, "H_B of the N cells restricted to their symmetric subspace (or give cell_levels)", shown="operator"
        )
    return levels


# ---------------------------------------------------------------------------------------
# The trajectory of a battery (one parameter point), from the project's kernels
# ---------------------------------------------------------------------------------------
def _battery_states_pure(psi: np.ndarray, dims: tuple[int, int]) -> np.ndarray:
    M = psi.reshape(psi.shape[0], *dims)
    return np.einsum("tbc,tdc->tbd", M, M.conj())


def _expect(states: np.ndarray, A: np.ndarray) -> np.ndarray:
    """<A> along pure states (nt, d) or density matrices (nt, d, d)."""
    if states.ndim == 2:
        return np.real(np.einsum("ti,ij,tj->t", states.conj(), A, states))
    return np.real(np.einsum("tij,ji->t", states, A))


def evolve_states(b: Battery, times: np.ndarray, numerics: Numerics) -> tuple[np.ndarray, dict]:
    """States along ``times``: kets (nt, d) (closed, pure, time independent) or density matrices
    (nt, d, d), with the first-law flows (``work``, ``heat``, ``first_law_residual``) when there is
    dissipation or time dependence."""
    from .physics.first_law import energy_flows
    from .physics.lindblad import dissipators, evolve, evolve_driven, hamiltonian_superop, unvec, vec
    from .physics.propagation import propagate

    t = np.asarray(times, dtype=float)
    d = b.H.shape[0]
    Hs = sp.csr_matrix(b.H)
    if b.kind == "pure":
        return propagate(Hs, b.state, t, numerics.dense_max_dim), {}
    if b.kind == "mixed":  # rho(t) = sum_i p_i |psi_i(t)><psi_i(t)|, each eigenvector propagated
        p, v = np.linalg.eigh(0.5 * (b.state + b.state.conj().T))
        rho = np.zeros((len(t), d, d), dtype=complex)
        for pi, vi in zip(p, v.T):
            if pi > 1e-15:
                psi = propagate(Hs, vi, t, numerics.dense_max_dim)
                rho += pi * np.einsum("ti,tj->tij", psi, psi.conj())
        return rho, {}
    L_H = hamiltonian_superop(Hs)
    L_D = dissipators([(1.0, c) for c in b.c_ops], d)
    rho0 = b.state if b.state.ndim == 2 else np.outer(b.state, b.state.conj())
    A = np.kron(b.H_B, np.eye(b.dims[1]))
    if b.driven:
        L_k = [hamiltonian_superop(Hk) for Hk, _ in b.drives]
        drives = [(L, f) for L, (_, f) in zip(L_k, b.drives)]
        V, R, R_k, solver = evolve_driven(L_H + L_D, drives, vec(rho0), t, numerics.rtol, numerics.atol)
        flows = energy_flows(A, L_H, L_D, V, R, driven=list(zip(L_k, R_k)))
    else:
        V, R, solver = evolve(L_H + L_D, vec(rho0), t)
        flows = energy_flows(A, L_H, L_D, V, R)
    return unvec(V, d), {"work": flows.work, "heat": flows.heat, "first_law_residual": flows.residual, "solver": solver}


def run_battery(b: Battery, times: np.ndarray, numerics: Numerics) -> Trajectory:
    """Energy, ergotropy and capacity of the battery factor along ``times`` (see the module
    docstring), with the series and diagnostics of :func:`series_names` / :func:`diagnostic_names`."""
    t = np.asarray(times, dtype=float)
    states, flows = evolve_states(b, t, numerics)
    dims = b.dims
    rho_b = _battery_states_pure(states, dims) if states.ndim == 2 else _partial_battery(states, dims)
    E = np.real(np.einsum("tij,ji->t", rho_b, b.H_B))
    tol = numerics.state_tol
    erg = np.asarray(ergotropy(rho_b, b.H_B, levels=b.levels, tol=tol))
    cap = np.asarray(capacity(rho_b, b.H_B, levels=b.levels, tol=tol))
    if states.ndim == 2:
        norm = np.abs(np.sum(np.abs(states) ** 2, axis=1) - 1.0)
    else:
        norm = np.abs(np.real(np.trace(states, axis1=1, axis2=2)) - 1.0)
    diagnostics = {"norm_error": float(norm.max()), "hilbert_dim": float(b.H.shape[0])}
    series: dict[str, np.ndarray] = {}
    if b.has_charger:
        series["charger_energy"] = _expect(states, np.kron(np.eye(dims[0]), b.H_C))
        series["interaction_energy"] = _expect(states, b.H_int if b.H_int is not None else np.zeros_like(b.H))
    if b.kind == "pure":
        from .physics.speed_limits import qsl_series

        series.update(qsl_series(sp.csr_matrix(b.H), b.state, np.abs(states @ b.state.conj())))
    if b.bookkeeping:
        series["work"], series["heat"] = flows["work"], flows["heat"]
        diagnostics["first_law_residual"] = float(flows["first_law_residual"])
    return Trajectory(energy=E, ergotropy=erg, capacity=cap, diagnostics=diagnostics, series=series, states=rho_b)


def _partial_battery(rho: np.ndarray, dims: tuple[int, int]) -> np.ndarray:
    from .physics.quantities import partial_trace

    return partial_trace(rho, dims, 0)


def joint_trajectory(b: Battery, times: np.ndarray, numerics: Numerics) -> JointTrajectory:
    """Battery (x) charger states for the correlation stage (closed, time-independent batteries
    with a charger factor): H_int of the correlations = every non-local term, H - H_B - H_C, so
    that <H_B + H_C + H_int> is the conserved total energy."""
    if not b.has_charger or b.open or b.driven:
        raise ValueError("the correlations of a custom battery need a charger factor H_C, no Lindblad operators and no time dependence")
    states, _ = evolve_states(b, times, numerics)
    dB, dC = b.dims
    local = np.kron(b.H_B, np.eye(dC)) + np.kron(np.eye(dB), b.H_C)
    return JointTrajectory(
        times=np.asarray(times, dtype=float),
        states=states,
        dims=(dB, dC),
        H_B=b.H_B,
        H_C=b.H_C,
        H_int=b.H - local,
        battery_levels=b.levels,
        charger_levels=None,
    )


def series_names(b: Battery) -> dict[str, tuple[str, str]]:
    """The extra series of a battery's datasets (name -> long_name, units; qbattery.vocabulary)."""
    from .physics.speed_limits import QSL_SERIES

    out: dict[str, tuple[str, str]] = {}
    if b.has_charger:
        out["charger_energy"] = ("charger energy <H_C>", "omega_a")
        out["interaction_energy"] = ("interaction energy <H_int> (the user's H_int)", "omega_a")
    if b.kind == "pure":
        out.update(QSL_SERIES)
    if b.bookkeeping:
        out["work"] = ("work on the battery W(t) = int_0^t -i Tr(H_B [H(s), rho]) ds", "omega_a")
        out["heat"] = ("heat into the battery Q(t) = int_0^t sum_k Tr(H_B D_k[rho]) ds", "omega_a")
    return out


# ---------------------------------------------------------------------------------------
# Library entry point
# ---------------------------------------------------------------------------------------
def charge(
    H_B: Any,
    state: Any,
    times: Any,
    H: Any = None,
    *,
    H_C: Any = None,
    H_int: Any = None,
    c_ops: Sequence[Any] = (),
    args: Mapping | None = None,
    cells: int | None = None,
    subspace: str = "full",
    cell_levels: Any = None,
    numerics: Numerics | dict | None = None,
    power: bool = True,
    name: str = "custom",
):
    """Charge a user battery and return the catalogue's Dataset (dims N, time).

    ``H_B``: battery Hamiltonian on its own factor; ``state``: initial ket or density matrix of
    the system (battery (x) charger); ``times``: from 0, increasing, >= 3 points; ``H``: the
    charging Hamiltonian on the system space, one operator or qutip's list form
    ``[H_0, [H_1, f_1], ...]`` (f a function f(t) or f(t, args), or an array on ``times``);
    ``H_C``, ``H_int``: optional charger factor and interaction (the generator is
    H_B (x) 1 + 1 (x) H_C + H_int + H); ``c_ops``: Lindblad operators (rates included, as qutip);
    ``cells``, ``subspace="symmetric"`` (and ``cell_levels``, default two-level): the battery is N
    identical cells in their symmetric subspace, so the ergotropy is over the full 2^N (d^N) space.
    ``power``: add the power quantities (``qbattery.analyse_power``) to the dataset. Example::

        sz = np.diag([0.0, 1.0]); sx = np.array([[0, 1], [1, 0]])
        ds = qbattery.charge(sz, [1, 0], np.linspace(0, 10, 201), H=[[sx, lambda t: 0.5 * np.cos(t)]])
    """
    from .models.custom import CustomBattery

    w = argument("charge")
    t = check_times(times, w)
    from .validation import numerics_values

    numerics_values(numerics, w)
    num = numerics if isinstance(numerics, Numerics) else Numerics.from_config(numerics)
    b = battery(
        H_B, state, t, H, H_C=H_C, H_int=H_int, c_ops=c_ops, args=args, cells=cells, subspace=subspace, cell_levels=cell_levels, where=w
    )
    model = CustomBattery.of_battery(b, name)
    from .simulate import simulate

    ds = simulate(model, N=[b.cells or 1], times=t, numerics=num)
    if not power:
        return ds
    from .analysis import analyse_power

    pw = analyse_power(ds)
    return ds.assign({k: pw[k] for k in pw.data_vars})


def work_statistics(
    H_B: Any,
    H: Any,
    taus: Sequence[float],
    temperatures: Sequence[float],
    *,
    H_C: Any = None,
    H_int: Any = None,
    merge_tol: float = 1e-9,
    atom_tol: float = 1e-18,
):
    """Two-point-measurement work statistics of a user battery (``qbattery.work_statistics``'s kernels):
    the Gibbs state of H_0 = H_B (x) 1 + 1 (x) H_C at each temperature, energy measurements of H_0
    before and after a pulse U = exp(-i H tau) of the full time-independent Hamiltonian
    H = H_0 + H_int + H (Talkner, Lutz, Haenggi 2007). Returns a Dataset over (temperature, tau) of
    <W>, its variance, the Jarzynski and Crooks residuals and the second-law margin (dF = 0: cyclic)."""
    import xarray as xr

    from .models.custom import CustomBattery
    from .vocabulary import var as var_of
    from .work_statistics import Settings, _statistics, point_distributions

    w = argument("work_statistics")
    d = as_array(H_B).shape[0] * (1 if H_C is None else as_array(H_C).shape[0])
    b = battery(H_B, np.eye(d)[0], None, H, H_C=H_C, H_int=H_int, where=w)
    s = Settings(merge_tol=merge_tol, atom_tol=atom_tol)
    res = point_distributions(CustomBattery.of_battery(b), 1, {}, list(taus), [1.0 / float(T) for T in temperatures], 0, s)
    names = ("mean_work", "work_variance", "jarzynski_residual", "crooks_residual", "second_law_margin", "normalisation_error")
    vals = {k: np.array([[_statistics(res[it][iT], s)[k] for it in range(len(taus))] for iT in range(len(temperatures))]) for k in names}
    coords = {
        "temperature": var_of("temperature", "temperature", np.asarray(temperatures, float)),
        "tau": var_of("tau", "tau", np.asarray(taus, float)),
    }
    return xr.Dataset({k: var_of(k, ("temperature", "tau"), v) for k, v in vals.items()}, coords=coords)
