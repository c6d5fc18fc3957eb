"""Open-system charging protocols: each builds the Lindblad generator of one grid point.

Registered in their own registry ``OPEN_MODELS`` (config section ``open_systems.models``),
separate from the closed models. Conventions (DESIGN.md): omega_a = 1, H_B = omega_a sum_i
|e><e|_i, every bath at temperature T with n_T(omega) = 1 / (exp(omega / T) - 1):

    cells:           gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]
    cavity/charger:  kappa (n_T(omega_c) + 1) D[a] + kappa n_T(omega_c) D[a^dag]   (or D[s^-_A] ...)

``rabi_parallel`` and ``charger_mediated_tls`` are N independent copies of one cell (pair):
local dissipation keeps the state a product rho_1^{(x)N}, and for identical qubits the
eigenvalues p^{N-k} (1-p)^k of rho_1^{(x)N} pair with the levels k omega_a with the same
degeneracies C(N, k), so energy, ergotropy, capacity, work and heat are N times those of
one copy (tested against the full 2^N space). Collective models use the piqs Dicke basis
(ensemble.py) for the cells, so local dissipation needs no 2^N space.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from .. import spin_chain_ops as ops
from ..models.base import Parameter
from ..models.charger_mediated import COHERENT, COUPLING
from ..quantities import Spectrum, cells_spectrum
from .ensemble import DickeBlocks, ensemble_dissipator, spin_operator
from .lindblad import _csr, dissipators, hamiltonian_superop

RATES = {
    "gamma": ("cell decay rate gamma (emission gamma (n_T + 1), absorption gamma n_T)", "omega_a"),
    "gamma_phi": ("pure dephasing rate gamma_phi of every cell (coherences decay as exp(-gamma_phi t))", "omega_a"),
    "kappa": ("cavity / charger loss rate kappa", "omega_a"),
    "temperature": ("bath temperature T (all baths)", "omega_a"),
}


def n_thermal(omega: float, T: float) -> float:
    """Bose occupation 1 / (exp(omega / T) - 1); 0 at T = 0."""
    if T <= 0:
        return 0.0
    x = omega / T
    return 0.0 if x > 700 else float(1.0 / np.expm1(x))


def thermal_margin(omega: float, T: float, tol: float) -> int:
    """Fock levels above the charged state needed for a thermal tail (n/(n+1))^m below tol."""
    n = n_thermal(omega, T)
    if n <= 0:
        return 0
    return int(np.ceil(np.log(tol) / np.log(n / (n + 1.0))))


@dataclass
class OpenProblem:
    """Generator and bookkeeping of one grid point (system space of dimension d)."""

    L_H: sp.csr_matrix  # -i [H, .] while charging
    L_D: sp.csr_matrix  # dissipators
    L_H_off: sp.csr_matrix  # -i [H_free, .] after the charger is switched off
    rho0: np.ndarray  # (d, d)
    H_B: np.ndarray  # battery energy on the system space
    H_S: np.ndarray  # total (lab-frame) energy operator of battery + charger (+ drive)
    H_S_off: np.ndarray  # the same after the charger/drive is switched off
    battery: Callable[[np.ndarray], np.ndarray]  # (nt, d, d) -> reduced battery states
    levels: Spectrum | None  # full battery spectrum (None: H_B of the reduced state is complete)
    H_B_reduced: np.ndarray  # battery Hamiltonian on the reduced battery space
    blocks: DickeBlocks | None = None  # Dicke-basis block structure of the reduced state
    copies: int = 1  # N for N-fold product models
    top_levels: Callable[[np.ndarray], np.ndarray] | None = None  # (nt, d, d) -> truncation weight(t)
    cutoff: int = 0
    switch_on_work: float = 0.0
    support: np.ndarray | None = None  # vec indices of an invariant subspace (block-diagonal states)
    extra: dict = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return self.rho0.shape[0]

    @property
    def L(self) -> sp.csr_matrix:
        return (self.L_H + self.L_D).tocsr()

    @property
    def L_off(self) -> sp.csr_matrix:
        return (self.L_H_off + self.L_D).tocsr()


class OpenModel:
    """An open charging protocol: Hamiltonian, dissipators, route, the rates it uses."""

    name: ClassVar[str]
    title: ClassVar[str]
    hamiltonian: ClassVar[str]
    dissipators: ClassVar[str]
    initial_state: ClassVar[str]
    route: ClassVar[str]
    work_definition: ClassVar[str]
    references: ClassVar[str]
    closed_model: ClassVar[str] = ""  # closed registry model reproduced at zero rates
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    rates: ClassVar[tuple[str, ...]] = ("gamma", "gamma_phi", "temperature")
    has_cavity: ClassVar[bool] = False
    max_N: ClassVar[int] = 10000

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        raise NotImplementedError

    def initial_cutoff(self, N: int, p: dict[str, float], extra: int, tol: float) -> int:
        return 0

    def memory_mb(self, N: int, n_times: int, p: dict[str, float] | None = None) -> int:
        return 500

    def attrs(self) -> dict[str, str]:
        return {
            "model": self.name,
            "model_title": self.title,
            "hamiltonian": self.hamiltonian,
            "dissipators": self.dissipators,
            "initial_state": self.initial_state,
            "computation_route": self.route,
            "work_definition": self.work_definition,
            "model_references": self.references,
            "closed_counterpart": self.closed_model,
        }


OPEN_MODELS: dict[str, OpenModel] = {}


def register(cls: type[OpenModel]) -> type[OpenModel]:
    if cls.name in OPEN_MODELS:
        raise ValueError(f"open model {cls.name!r} registered twice")
    OPEN_MODELS[cls.name] = cls()
    return cls


def get_open_model(name: str) -> OpenModel:
    try:
        return OPEN_MODELS[name]
    except KeyError:
        raise ValueError(f"unknown open model {name!r}; known: {', '.join(sorted(OPEN_MODELS))}") from None


# ----------------------------------------------------------------------------------------
# Single qubit pieces (basis |g> = 0, |e> = 1)
# ----------------------------------------------------------------------------------------
SM = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)  # s^- = |g><e|
SZ = np.diag([-1.0, 1.0]).astype(complex)
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
NE = np.diag([0.0, 1.0]).astype(complex)  # |e><e|


def cell_terms(op: Callable[[np.ndarray], np.ndarray], p: dict[str, float]) -> list[tuple[float, np.ndarray]]:
    """(rate, collapse operator) of one cell's bath, ``op`` embeds a cell operator."""
    n = n_thermal(1.0, p["temperature"])
    g = p["gamma"]
    return [(g * (n + 1.0), op(SM)), (g * n, op(SM.conj().T)), (p["gamma_phi"] / 2.0, op(SZ))]


def _identity_battery(rho: np.ndarray) -> np.ndarray:
    return rho


DRIVE = Parameter("drive", "resonant drive amplitude g (rotating frame: H = g sigma^x)", "omega_a", 0.5, minimum=0.0, maximum=100.0)


@register
class RabiParallel(OpenModel):
    name = "rabi_parallel"
    title = "Parallel Rabi drive (open)"
    hamiltonian = "lab frame H(t) = H_B + g sum_i (s^+_i e^{-i omega_a t} + h.c.); rotating frame H = g sum_i s^x_i"
    dissipators = "sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]]"
    initial_state = "|g...g>"
    route = "one cell (2x2) in the rotating frame, exact propagation; N-fold additive (product state of identical qubits)"
    work_definition = (
        "work = int -i Tr(H_B [H, rho]) dt (energy from the coherent drive into the cells); heat = int sum_k Tr(H_B D_k[rho]) dt; "
        "system_work = lab-frame int Tr(rho dH/dt) dt of the drive, system energy = <H_B + V(t)>"
    )
    references = "H.-P. Breuer, F. Petruccione, The Theory of Open Quantum Systems (2002); F. Barra, PRL 122, 210601 (2019)"
    closed_model = "rabi_parallel (E = N omega_a sin^2(g t) at zero rates)"
    parameters = (DRIVE,)

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        g = float(p["drive"])
        H = g * SX
        rho0 = np.diag([1.0, 0.0]).astype(complex)
        return OpenProblem(
            L_H=hamiltonian_superop(H),
            L_D=dissipators(cell_terms(lambda o: o, p), 2),
            L_H_off=sp.csr_matrix((4, 4), dtype=complex),
            rho0=rho0,
            H_B=NE,
            H_S=NE + H,
            H_S_off=NE,
            battery=_identity_battery,
            levels=None,
            H_B_reduced=NE,
            copies=N,
        )


@register
class CollectiveDrive(OpenModel):
    name = "collective_drive"
    title = "Collective drive with local and collective decay (piqs)"
    hamiltonian = "rotating frame H = 2 g J_x = g sum_i s^x_i (resonant drive), J = sum_i sigma_i / 2"
    dissipators = "sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]] + gamma_collective D[J_-]"
    initial_state = "|g...g>"
    route = (
        "qutip.piqs Dicke basis over all spin sectors j (dimension ~ (N/2 + 1)^2), exact propagation; "
        "full-space ergotropy with multiplicities"
    )
    work_definition = RabiParallel.work_definition
    references = "N. Shammah et al., PRA 98, 063815 (2018) (piqs); F. Barra, PRL 122, 210601 (2019)"
    closed_model = "rabi_parallel (identical to it at gamma_collective = 0)"
    parameters = (
        DRIVE,
        Parameter("gamma_collective", "collective (superradiant) decay rate gamma_c of D[J_-]", "omega_a", 0.0, minimum=0.0, maximum=100.0),
    )

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        g = float(p["drive"])
        blocks = DickeBlocks(N)
        Jx = spin_operator(N, "x")
        H = 2 * g * Jx
        HB = blocks.battery_hamiltonian()
        d = blocks.dimension
        rho0 = np.zeros((d, d), dtype=complex)
        rho0[N, N] = 1.0  # last state of the j = N/2 block: m = -N/2
        if abs(blocks.excitations[N]) > 1e-12:
            raise RuntimeError("piqs basis ordering changed: |g...g> is not at index N")
        L_D = _csr(ensemble_dissipator(N, p["gamma"], n_thermal(1.0, p["temperature"]), p["gamma_phi"], float(p["gamma_collective"])))
        return OpenProblem(
            L_H=hamiltonian_superop(H),
            L_D=L_D,
            L_H_off=sp.csr_matrix((d * d, d * d), dtype=complex),
            rho0=rho0,
            H_B=HB,
            H_S=HB + H,
            H_S_off=HB,
            battery=_identity_battery,
            levels=cells_spectrum(N),
            H_B_reduced=HB,
            blocks=blocks,
            support=block_support(blocks, 1),
        )

    def memory_mb(self, N: int, n_times: int, p=None) -> int:
        """Block-diagonal part only: n_s = sum_j (2j+1)^2 numbers per state, rho and its integral
        on the grid, the discharge curve, a sparse generator with ~12 entries per row."""
        n_s = int((DickeBlocks(N).sizes ** 2).sum())
        return int(400 + 16 * n_s * (2 * n_times + 400) / 1e6 + 12 * n_s * 3 * 28 / 1e6)


# ----------------------------------------------------------------------------------------
# Cells (piqs) + one bosonic mode (cavity or oscillator charger)
# ----------------------------------------------------------------------------------------
def spin_superop_on_composite(S: sp.spmatrix, ds: int, nc: int) -> sp.csr_matrix:
    """S (x) id: a superoperator S on the spin factor (dimension ds) acting on operators of
    spin (x) mode (dimension ds nc), column stacking on both; element rho[(a, n), (b, m)] has
    composite vec index (b nc + m) ds nc + a nc + n and spin vec index b ds + a."""
    S = sp.coo_matrix(S)
    r_a, r_b = S.row % ds, S.row // ds
    c_a, c_b = S.col % ds, S.col // ds
    n, m = np.meshgrid(np.arange(nc), np.arange(nc), indexing="ij")
    n, m = n.ravel(), m.ravel()
    d = ds * nc
    rows = ((r_b[:, None] * nc + m) * d + r_a[:, None] * nc + n).ravel()
    cols = ((c_b[:, None] * nc + m) * d + c_a[:, None] * nc + n).ravel()
    vals = np.repeat(S.data, n.size)
    return sp.csr_matrix((vals, (rows, cols)), shape=(d * d, d * d))


def spins_and_mode(N: int, p: dict[str, float], n_max: int, omega_c: float, g: float, rwa: bool, charger: np.ndarray) -> OpenProblem:
    """N cells (Dicke basis, all j) (x) a mode with n_max Fock levels, spins first.

    H = omega_c a^dag a + omega_a (J_z + N/2) + g (J_+ a + J_- a^dag)            (rwa)
      = omega_c a^dag a + omega_a (J_z + N/2) + 2 g J_x (a + a^dag)               (not rwa)
    ``charger``: the mode's initial amplitudes (length n_max); cells in |g...g>.
    """
    blocks = DickeBlocks(N)
    ds = blocks.dimension
    a = np.diag(np.sqrt(np.arange(1, n_max)), 1).astype(complex)
    Is, Ic = np.eye(ds, dtype=complex), np.eye(n_max, dtype=complex)
    Jp = spin_operator(N, "+")
    HB_s = blocks.battery_hamiltonian()
    Hc = omega_c * np.kron(Is, a.conj().T @ a)
    HB = np.kron(HB_s, Ic)
    A = np.kron(Is, a)
    Jp_full = np.kron(Jp, Ic)
    if rwa:
        Hint = g * (Jp_full @ A + Jp_full.conj().T @ A.conj().T)
    else:
        Hint = g * (Jp_full + Jp_full.conj().T) @ (A + A.conj().T)
    H = Hc + HB + Hint
    spin_diss = ensemble_dissipator(N, p["gamma"], n_thermal(1.0, p["temperature"]), p["gamma_phi"])
    nc = n_thermal(omega_c, p["temperature"])
    kappa = p["kappa"]
    L_D = (
        spin_superop_on_composite(spin_diss, ds, n_max) + dissipators([(kappa * (nc + 1.0), A), (kappa * nc, A.conj().T)], ds * n_max)
    ).tocsr()
    psi_s = np.zeros(ds)
    psi_s[N] = 1.0
    psi0 = np.kron(psi_s, np.asarray(charger, dtype=complex))
    rho0 = np.outer(psi0, psi0.conj())
    d = ds * n_max
    H0 = Hc + HB
    dB = ds

    def battery(rho: np.ndarray) -> np.ndarray:
        return np.einsum("...ajbj->...ab", rho.reshape(rho.shape[:-2] + (dB, n_max, dB, n_max)))

    def top(rho: np.ndarray) -> np.ndarray:
        diag = np.real(np.einsum("...ii->...i", rho)).reshape(rho.shape[:-2] + (dB, n_max))
        return diag[..., -2:].sum(axis=(-1, -2))

    return OpenProblem(
        L_H=hamiltonian_superop(H),
        L_D=L_D,
        L_H_off=hamiltonian_superop(H0),
        rho0=rho0,
        H_B=HB,
        H_S=H,
        H_S_off=H0,
        battery=battery,
        levels=cells_spectrum(N),
        H_B_reduced=blocks.battery_hamiltonian(),
        blocks=blocks,
        top_levels=top,
        cutoff=n_max,
        support=block_support(blocks, n_max),
        switch_on_work=float(np.real(np.trace(rho0 @ (H - H0)))),
        extra={"dim": d},
    )


def block_support(blocks: DickeBlocks, n_mode: int) -> np.ndarray:
    """Column-stacked vec indices of the operators on (Dicke basis) (x) (mode of n_mode levels)
    whose spin indices lie in one j block: the subspace that permutation-invariant dynamics
    from a permutation-invariant state never leaves (piqs's Lindbladian and collective
    Hamiltonians do not couple different j)."""
    label = np.repeat(np.arange(len(blocks.sizes)), blocks.sizes)
    lab = np.repeat(label, n_mode)  # spin-major composite index
    d = lab.size
    row, col = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
    keep = lab[row] == lab[col]
    return np.flatnonzero(keep.T.ravel())  # vec index = col * d + row


def fock(n: int, n_max: int) -> np.ndarray:
    out = np.zeros(n_max)
    out[n] = 1.0
    return out


CAVITY_WORK = (
    "work = int -i Tr(H_B [H, rho]) dt (energy from the mode into the cells through the coupling); "
    "heat = int sum_k Tr(H_B D_k[rho]) dt (cell baths); system_heat = int Tr(H L_D[rho]) dt (all baths, H the total "
    "time-independent Hamiltonian), system_work = switch-on work Tr(rho(0) H_int) (0 here)"
)


class _CavityBattery(OpenModel):
    rwa: ClassVar[bool]
    rates = ("gamma", "gamma_phi", "kappa", "temperature")
    has_cavity = True
    parameters = (
        Parameter("coupling", "cell-cavity coupling lambda", "1", 0.2, minimum=0.0, exclusive_minimum=True, maximum=10.0),
        Parameter("omega_c", "cavity frequency omega_c", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True, maximum=100.0),
    )
    max_N = 12

    def initial_cutoff(self, N: int, p: dict[str, float], extra: int, tol: float) -> int:
        return (N + 1 if self.rwa else 2 * N + 1) + max(extra, thermal_margin(float(p["omega_c"]), p["temperature"], tol))

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        omega_c, lam = float(p["omega_c"]), float(p["coupling"])
        return spins_and_mode(N, p, cutoff, omega_c, omega_c * lam, self.rwa, fock(N, cutoff))

    def memory_mb(self, N: int, n_times: int, p=None) -> int:
        d = DickeBlocks(N).dimension * (2 * N + 8)
        return int(400 + 16 * d * d * (2 * n_times + 60) / 1e6)


@register
class TavisCummingsOpen(_CavityBattery):
    name = "tavis_cummings"
    title = "Tavis-Cummings QB, lossy cavity and cells"
    rwa = True
    hamiltonian = "H = omega_c a^dag a + omega_a (J_z + N/2) + omega_c lambda (J_+ a + J_- a^dag)"
    dissipators = (
        "cells: sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi/2) D[s^z_i]]; cavity: "
        "kappa (n_c + 1) D[a] + kappa n_c D[a^dag]"
    )
    initial_state = "|N photons> (x) |g...g>"
    route = "qutip.piqs Dicke basis (all j) (x) Fock space (cutoff grown until the top two levels hold < truncation_tol), exact propagation"
    work_definition = CAVITY_WORK
    references = (
        "M. Tavis, F. W. Cummings, Phys. Rev. 170, 379 (1968); D. Ferraro et al., PRL 120, 117702 (2018); N. "
        "Shammah et al., PRA 98, 063815 (2018)"
    )
    closed_model = "tavis_cummings"


@register
class DickeOpen(_CavityBattery):
    name = "dicke"
    title = "Dicke QB, lossy cavity and cells"
    rwa = False
    hamiltonian = "H = omega_c a^dag a + omega_a (J_z + N/2) + 2 omega_c lambda J_x (a + a^dag)"
    dissipators = TavisCummingsOpen.dissipators
    initial_state = "|N photons> (x) |g...g>"
    route = TavisCummingsOpen.route
    work_definition = CAVITY_WORK
    references = "D. Ferraro et al., PRL 120, 117702 (2018); N. Shammah et al., PRA 98, 063815 (2018)"
    closed_model = "dicke"
    max_N = 6


@register
class ChargerMediatedOscOpen(OpenModel):
    name = "charger_mediated_osc"
    title = "Lossy oscillator charger, N cells"
    hamiltonian = "H = omega_a a^dag a + omega_a sum_i |e><e|_i + g (a J_+ + a^dag J_-), coupling on during the whole run"
    dissipators = "cells: as tavis_cummings; charger: kappa (n_T + 1) D[a] + kappa n_T D[a^dag]"
    initial_state = "charger |N> (coherent = 0) or |alpha = sqrt(N)> (coherent = 1) (x) |g...g>"
    route = "qutip.piqs Dicke basis (all j) (x) charger Fock space (cutoff grown until converged), exact propagation"
    work_definition = CAVITY_WORK.replace("the mode", "the charger")
    references = "G. M. Andolina et al., PRB 98, 205423 (2018); D. Farina et al., PRB 99, 035421 (2019)"
    closed_model = "charger_mediated_osc (at zero rates, time axis = switch-off time)"
    rates = ("gamma", "gamma_phi", "kappa", "temperature")
    has_cavity = True
    max_N = 12
    parameters = (
        COUPLING,
        COHERENT,
    )

    def initial_cutoff(self, N: int, p: dict[str, float], extra: int, tol: float) -> int:
        coh = int(round(float(p["coherent"])))
        return N + 1 + max(extra, thermal_margin(1.0, p["temperature"], tol)) + (int(6 * np.sqrt(N)) + 6 if coh else 0)

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        if int(round(float(p["coherent"]))):  # Poisson amplitudes |sqrt(N)>, cut and renormalised
            from scipy.stats import poisson  # here: scipy.stats costs ~0.5 s at every job start

            c = np.exp(0.5 * poisson.logpmf(np.arange(cutoff), N))
            c /= np.linalg.norm(c)
        else:
            c = fock(N, cutoff)
        return spins_and_mode(N, p, cutoff, 1.0, float(p["coupling"]), True, c)

    def memory_mb(self, N: int, n_times: int, p=None) -> int:
        d = DickeBlocks(N).dimension * (N + 8 + 6 * np.sqrt(N) + 6)
        return int(400 + 16 * d * d * (2 * n_times + 60) / 1e6)


@register
class ChargerMediatedTLSOpen(OpenModel):
    name = "charger_mediated_tls"
    title = "Lossy qubit chargers (parallel)"
    hamiltonian = "H = sum_i [omega_a |e><e|_{A,i} + omega_a |e><e|_{B,i} + g (s^+_{A,i} s^-_{B,i} + h.c.)]"
    dissipators = "battery cell: as rabi_parallel; charger qubit: kappa (n_T + 1) D[s^-_A] + kappa n_T D[s^+_A]"
    initial_state = "(|e>_A (x) |g>_B)^{(x) N}"
    route = "one charger-battery pair (4x4), exact propagation; N-fold additive (product state)"
    work_definition = CAVITY_WORK.replace("the mode", "the charger qubit")
    references = "G. M. Andolina et al., PRB 98, 205423 (2018); D. Farina et al., PRB 99, 035421 (2019)"
    closed_model = "charger_mediated_tls (at zero rates, time axis = switch-off time)"
    rates = ("gamma", "gamma_phi", "kappa", "temperature")
    parameters = (COUPLING,)

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        g = float(p["coupling"])
        eye = np.eye(2, dtype=complex)

        def bat(o):  # battery first: index b * 2 + a
            return np.kron(o, eye)

        def chg(o):
            return np.kron(eye, o)

        H0 = bat(NE) + chg(NE)
        H = H0 + g * (chg(SM.conj().T) @ bat(SM) + chg(SM) @ bat(SM.conj().T))
        n = n_thermal(1.0, p["temperature"])
        k = p["kappa"]
        terms = cell_terms(bat, p) + [(k * (n + 1.0), chg(SM)), (k * n, chg(SM.conj().T))]
        psi0 = np.kron([1.0, 0.0], [0.0, 1.0]).astype(complex)  # |g>_B |e>_A
        rho0 = np.outer(psi0, psi0)

        def battery(rho: np.ndarray) -> np.ndarray:
            return np.einsum("...ajbj->...ab", rho.reshape(rho.shape[:-2] + (2, 2, 2, 2)))

        return OpenProblem(
            L_H=hamiltonian_superop(H),
            L_D=dissipators(terms, 4),
            L_H_off=hamiltonian_superop(H0),
            rho0=rho0,
            H_B=bat(NE),
            H_S=H,
            H_S_off=H0,
            battery=battery,
            levels=None,
            H_B_reduced=NE,
            copies=N,
            switch_on_work=float(np.real(np.trace(rho0 @ (H - H0)))),
        )


@register
class SpinChainOpen(OpenModel):
    name = "spin_chain"
    title = "XXZ spin chain QB with local baths"
    hamiltonian = (
        "H = omega_a sum_i |e><e|_i + J sum_<ij> [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j] + g sum_i s^x_i; "
        "bonds (i, i+1), plus (N, 1) if periodic = 1 and N >= 3"
    )
    dissipators = "sum_i [gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]] (local baths at the cell frequency)"
    initial_state = "|g...g>"
    route = "full 2^N space, 4^N Liouvillian (sparse), exact propagation"
    work_definition = (
        "work = int -i Tr(H_B [H, rho]) dt (energy into the cells' H_B from the field and the exchange); "
        "heat = int sum_k Tr(H_B D_k[rho]) dt; "
        "system_heat = int Tr(H L_D[rho]) dt with H the total chain Hamiltonian; system_work = switch-on work of the field (0 from |g...g>)"
    )
    references = "T. P. Le et al., PRA 97, 022106 (2018)"
    closed_model = "spin_chain"
    max_N = 7
    parameters = (
        Parameter("J", "nearest-neighbour exchange coupling J", "omega_a", 0.2, minimum=-100.0, maximum=100.0),
        Parameter("anisotropy", "XXZ anisotropy Delta", "1", 1.0, minimum=-100.0, maximum=100.0),
        Parameter("drive", "transverse charging field g", "omega_a", 0.5, minimum=0.0, exclusive_minimum=True, maximum=100.0),
        Parameter("periodic", "boundary: 1 periodic chain, 0 open chain", "1", 0, minimum=0, maximum=1, integer=True),
    )

    def build(self, N: int, p: dict[str, float], cutoff: int = 0) -> OpenProblem:
        HB = ops.cells_hamiltonian(N)
        Hint = ops.xxz_hamiltonian(N, float(p["J"]), float(p["anisotropy"]), bool(int(round(float(p["periodic"])))))
        Hch = ops.field_hamiltonian(N, float(p["drive"]))
        dim = 2**N
        s = np.arange(dim, dtype=np.int64)

        def site(op: np.ndarray, i: int) -> sp.csr_matrix:
            bit = N - 1 - i
            b = (s >> bit) & 1
            if op is SM:  # |g><e|: s with bit set -> s without
                src = np.flatnonzero(b == 1)
                return sp.csr_matrix((np.ones(src.size), (src ^ (1 << bit), src)), shape=(dim, dim), dtype=complex)
            if op is SZ:
                return sp.diags((2.0 * b - 1.0).astype(complex), format="csr")
            src = np.flatnonzero(b == 0)
            return sp.csr_matrix((np.ones(src.size), (src ^ (1 << bit), src)), shape=(dim, dim), dtype=complex)

        n = n_thermal(1.0, p["temperature"])
        terms = []
        for i in range(N):
            terms += [(p["gamma"] * (n + 1.0), site(SM, i)), (p["gamma"] * n, site(None, i)), (p["gamma_phi"] / 2.0, site(SZ, i))]
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
            battery=_identity_battery,
            levels=None,
            H_B_reduced=HBd,
            switch_on_work=float(np.real(Hch[0, 0])),
        )

    def memory_mb(self, N: int, n_times: int, p=None) -> int:
        return int(400 + 16 * 4**N * (2 * n_times + 60) / 1e6)
