"""Charger-mediated charging (Andolina, Farina, Mari, Pellegrini, Giovannetti, Polini,
PRB 98, 205423 (2018); PRL 122, 047702 (2019)).

A charger A, prepared with energy, exchanges excitations with the battery B through a
resonant rotating-wave coupling switched on at t = 0 (omega_a = 1 for A and B):
    H = H_A + H_B + g(t) H_1,   g(t) = g for 0 <= t <= tau, 0 afterwards.
Three exactly solvable cases, one registered model each:

- ``charger_mediated_tls``: N pairs, charger qubit i coupled to cell i,
  H_A = omega_a sum |e><e|_{A,i}, H_1 = sum_i (s^+_{A,i} s^-_{B,i} + h.c.), psi(0) = (|e>_A |g>_B)^N;
  E_B(t) = N omega_a sin^2(g t): complete transfer at g t = pi/2 (Andolina 2018, Sec. II).
  The parallel charger-mediated battery (reference of ``charger_mediated_osc``).
- ``charger_mediated_osc``: one oscillator charger and N cells (Tavis-Cummings coupling),
  H_A = omega_a a^dag a, H_1 = sum_i (a s^+_i + a^dag s^-_i) = a J_+ + a^dag J_-,
  charger in the Fock state |N> (``coherent`` = 0) or the coherent state |sqrt(N)>
  (``coherent`` = 1): equal mean charger energy N omega_a = battery capacity.
- ``charger_mediated_ho``: oscillator charger and oscillator battery,
  H_A = omega_a a^dag a, H_B = omega_a b^dag b, H_1 = a^dag b + a b^dag (beam splitter),
  charger |N> or |sqrt(N)>; here N is the (mean) number of charger quanta.

Switch-off at tau: the time axis is tau. The coupling conserves the local excitation
number, [H_1, H_A + H_B] = 0 at resonance, so switching it off costs no work and after
tau A and B evolve under their local Hamiltonians only, which leaves the battery's energy,
ergotropy and capacity at their values at tau. The curves at t are therefore those of a
protocol switched off at tau = t (the run itself keeps g constant).

Numerics: H conserves m = n_A + n_B, so each m is an independent small block (dimension
<= N + 1) diagonalised exactly. A Fock charger lives in one block: no truncation. A
coherent charger is cut at the smallest Fock cutoff whose Poisson tail is below
truncation_tol / 100; the dropped weight is the diagnostic ``truncation_weight`` and the
kept state is renormalised (the blocks kept are closed, so nothing else is truncated).
Battery states are the full reduced states; ergotropy over the full battery space
(2^N cells via ``cells_spectrum``; oscillator: the lowest levels 0, 1, ... which the
kept space contains). Capacity of an oscillator battery is over the kept levels
0..d_B - 1 (it is unbounded on the infinite space).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..open_systems.composite import fock, spins_and_mode
from ..physics.charging_bounds import bound_of
from ..physics.dicke_basis import DickeBlocks
from ..physics.lindblad import dissipators, hamiltonian_superop
from ..open_systems.problem import CAVITY_WORK, CELL_AND_MODE_RATES, NE, SM, OpenProblem, cell_terms, n_thermal, thermal_margin
from ..physics.quantities import Spectrum, capacity, cells_spectrum, ergotropy, ergotropy_from_spectrum
from ..physics.speed_limits import QSL_SERIES, product_series, qsl_series
from ..physics.control_systems import ControlSystem, charger_pairs_system
from .base import ChargerInfo, Diagnostic, JointTrajectory, Model, Numerics, Parameter, Trajectory, register

COUPLING = Parameter("coupling", "charger-battery exchange coupling g", "omega_a", 0.2, minimum=0.0, exclusive_minimum=True, maximum=100.0)
COHERENT = Parameter("coherent", "charger state: 0 Fock |N>, 1 coherent |sqrt(N)>", "1", 0, minimum=0, maximum=1, integer=True)
DIAGNOSTICS = (
    Diagnostic("truncation_weight", "Poisson weight of the charger Fock levels dropped (0 for a Fock charger)", "truncation_tol"),
    Diagnostic("norm_error", "max over time of | <psi|psi> - 1 |", "norm_tol"),
    Diagnostic("energy_drift", "max over time of |<H_A + H_B + H_1>(t) - <.>(0)| / (1 + <.>(0))", "norm_tol"),
    Diagnostic("fock_cutoff", "number of charger Fock levels kept", ""),
)
SERIES = {
    "charger_energy": ("charger energy <H_A>(t)", "omega_a"),
    "interaction_energy": ("coupling energy <g H_1>(t) (0 for the resonant exchange from a product state)", "omega_a"),
    **QSL_SERIES,
}
MAX_JOINT_PAIRS = 5  # charger_mediated_tls joint state has dimension 4^N


def cells_levels(N: int, d: int | None = None) -> Spectrum:
    """The full 2^N cell spectrum (levels k, degeneracy C(N, k) as exact integers, any N); ``d``
    (the battery state's dimension) is not needed: the passive-energy kernel takes the levels it uses."""
    return cells_spectrum(N)


def _check_N(name: str, N: int) -> None:
    if N < 1:
        raise ValueError(f"model {name!r}: N must be >= 1, got {N}")


# --------------------------------------------------------------------------------------
# Excitation-conserving exchange between an oscillator charger and a battery
# --------------------------------------------------------------------------------------
@dataclass
class ExchangeRun:
    """Joint amplitudes psi[t, n, k] (charger Fock n, battery level k) and bookkeeping."""

    psi: np.ndarray  # (nt, d_C, d_B)
    raise_amp: np.ndarray  # <k+1| battery raising |k>, k = 0..d_B-2
    truncation_weight: float
    d_C: int
    d_B: int
    h_mean: float = 0.0  # <H> of psi(0), from the block spectra
    h_spread: float = 0.0  # Delta E of psi(0)
    e_min: float = 0.0  # lowest level of the blocks psi(0) occupies (E_0 of the speed limits)


def charger_weights(N: int, coherent: bool, tol: float) -> tuple[np.ndarray, float]:
    """Charger Fock amplitudes c_n (renormalised) and the dropped weight.

    Fock |N>: c = e_N, nothing dropped. Coherent |alpha>, alpha = sqrt(N):
    c_n = e^{-N/2} N^{n/2} / sqrt(n!), cut at the smallest n_max with P(n >= n_max) <= tol/100.
    """
    if not coherent:
        c = np.zeros(N + 1)
        c[N] = 1.0
        return c, 0.0
    n_max = int(N + 1)
    from scipy.stats import poisson  # imported here: scipy.stats costs ~0.5 s at every job start

    while poisson.sf(n_max - 1, N) > tol / 100.0:
        n_max += max(1, int(np.sqrt(N + 1)))
    p = poisson.pmf(np.arange(n_max), N)
    return np.sqrt(p / p.sum()), float(poisson.sf(n_max - 1, N))


def exchange_run(N_cells: int | None, c: np.ndarray, g: float, times: np.ndarray, d_B: int) -> ExchangeRun:
    """Evolve sum_n c_n |n>_A |0>_B under H = omega_a (n_A + n_B) + g (a R^dag + a^dag R).

    R^dag raises the battery: sqrt(k+1) for an oscillator (N_cells None) or
    <k+1|J_+|k> = sqrt((k+1)(N-k)) for N cells in the symmetric Dicke subspace.
    Block m = n + k has basis k = 0..min(m, d_B - 1); each block is diagonalised exactly.
    """
    k_all = np.arange(d_B - 1)
    amp = np.sqrt(k_all + 1.0) if N_cells is None else np.sqrt((k_all + 1.0) * (N_cells - k_all))
    d_C, nt = len(c), len(times)
    psi = np.zeros((nt, d_C, d_B), dtype=complex)
    h1, h2, e_min = 0.0, 0.0, np.inf
    for m in np.flatnonzero(c):
        kmax = min(int(m), d_B - 1)
        k = np.arange(kmax + 1)
        off = g * np.sqrt(m - k[:-1]) * amp[:kmax]  # <n-1, k+1| a R^dag |n, k>, n = m - k
        Hm = np.diag(np.full(kmax + 1, float(m))) + np.diag(off, 1) + np.diag(off, -1)
        e, v = np.linalg.eigh(Hm)
        amps = (np.exp(-1j * np.outer(times, e)) * v[0].conj()) @ v.T  # (nt, kmax+1), start k = 0
        psi[:, m - k, k] = c[m] * amps
        w = abs(c[m]) ** 2 * np.abs(v[0]) ** 2  # weights of |m, 0> on the block levels
        h1, h2, e_min = h1 + w @ e, h2 + w @ e**2, min(e_min, float(e[0]))
    spread = float(np.sqrt(max(h2 - h1**2, 0.0)))
    return ExchangeRun(psi=psi, raise_amp=amp, truncation_weight=0.0, d_C=d_C, d_B=d_B, h_mean=float(h1), h_spread=spread, e_min=e_min)


def exchange_energies(run: ExchangeRun, g: float) -> dict[str, np.ndarray]:
    """<H_A>, <H_B>, <g H_1> and the norm along the trajectory (omega_a = 1)."""
    p = np.abs(run.psi) ** 2
    n = np.arange(run.d_C)
    k = np.arange(run.d_B)
    # <g H_1> = 2 g Re sum conj(psi[n-1, k+1]) sqrt(n) R(k) psi[n, k]
    lower = run.psi[:, 1:, :-1] * np.sqrt(n[1:])[None, :, None] * run.raise_amp[None, None, :]
    e_int = 2 * g * np.real(np.sum(run.psi[:, :-1, 1:].conj() * lower, axis=(1, 2)))
    return {"charger": p.sum(axis=2) @ n, "battery": p.sum(axis=1) @ k, "interaction": e_int, "norm": p.sum(axis=(1, 2))}


def battery_states(psi: np.ndarray, chunk: int = 32) -> np.ndarray:
    """rho_B[t] = sum_n psi[t, n, :] psi[t, n, :]^*, in time chunks."""
    out = np.empty((psi.shape[0], psi.shape[2], psi.shape[2]), dtype=complex)
    for i in range(0, psi.shape[0], chunk):
        out[i : i + chunk] = np.einsum("tnk,tnl->tkl", psi[i : i + chunk], psi[i : i + chunk].conj())
    return out


def diagonal_ergotropy(pops: np.ndarray, levels_of_state: np.ndarray, spectrum: Spectrum | None = None):
    """Energy, ergotropy and capacity of states diagonal in the energy basis (populations pops[t, k]
    on levels ``levels_of_state``): E = sum p e, (Erg, C) from the populations as the spectrum
    (:func:`~qbattery.physics.quantities.ergotropy_from_spectrum`) against the full battery ``spectrum``
    (None: the state's own levels)."""
    E = pops @ levels_of_state
    spec = Spectrum.of(None, levels_of_state) if spectrum is None else spectrum
    erg, cap = ergotropy_from_spectrum(E, pops, spec)
    return E, erg, cap


def run_exchange_model(
    name: str, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, cells: bool
) -> tuple[Trajectory, ExchangeRun]:
    """Trajectory of the oscillator charger with N cells (``cells``) or with an oscillator battery."""
    _check_N(name, N)
    g = float(params["coupling"])
    coh = bool(int(round(float(params["coherent"]))))
    c, dropped = charger_weights(N, coh, numerics.truncation_tol)
    d_C = len(c)
    d_B = N + 1 if cells else d_C  # oscillator battery: k <= m < d_C
    run = exchange_run(N if cells else None, c, g, np.asarray(times, dtype=float), d_B)
    run.truncation_weight = dropped
    en = exchange_energies(run, g)
    spec = cells_levels(N, d_B) if cells else None
    if not coh:  # one block: rho_B diagonal in the energy basis, no d_B x d_B matrices
        pops = (np.abs(run.psi) ** 2).sum(axis=1)
        E, erg, cap = diagonal_ergotropy(pops, np.arange(d_B, dtype=float), spec)
        states = None
    else:
        states = battery_states(run.psi)
        HB = np.diag(np.arange(d_B, dtype=float)).astype(complex)
        E = np.real(np.einsum("tkl,lk->t", states, HB))
        erg = np.asarray(ergotropy(states, HB, levels=spec, tol=numerics.state_tol))
        cap = np.asarray(capacity(states, HB, levels=spec, tol=numerics.state_tol))
    total = en["charger"] + en["battery"] + en["interaction"]
    traj = Trajectory(
        energy=np.asarray(E, dtype=float),
        ergotropy=np.asarray(erg, dtype=float),
        capacity=np.asarray(cap, dtype=float),
        diagnostics={
            "truncation_weight": dropped,
            "norm_error": float(np.abs(en["norm"] - 1.0).max()),
            "energy_drift": float(np.abs(total - total[0]).max() / (1.0 + abs(total[0]))),
            "fock_cutoff": float(d_C),
        },
        series={
            "charger_energy": en["charger"],
            "interaction_energy": en["interaction"],
            "overlap": np.abs(run.psi[:, :, 0] @ c.conj()),  # <psi0|psi_t> = sum_n c_n^* psi[t, n, 0]
            "mean_energy": np.full(len(times), run.h_mean - run.e_min),
            "energy_spread": np.full(len(times), run.h_spread),
        },
        states=states,
    )
    return traj, run


def joint_exchange(run: ExchangeRun, times: np.ndarray, g: float, N_cells: int | None) -> JointTrajectory:
    """Battery (x) charger pure states, battery factor first (index k * d_C + n)."""
    d_B, d_C = run.d_B, run.d_C
    states = np.transpose(run.psi, (0, 2, 1)).reshape(len(times), d_B * d_C)
    Rdag = np.diag(run.raise_amp, -1).astype(complex)  # battery raising, <k+1|R^dag|k>
    a = np.diag(np.sqrt(np.arange(1, d_C)), 1).astype(complex)  # charger lowering
    H_int = g * (np.kron(Rdag, a) + np.kron(Rdag.conj().T, a.conj().T))
    return JointTrajectory(
        times=np.asarray(times, dtype=float),
        states=states,
        dims=(d_B, d_C),
        H_B=np.diag(np.arange(d_B, dtype=float)).astype(complex),
        H_C=np.diag(np.arange(d_C, dtype=float)).astype(complex),
        H_int=H_int,
        battery_levels=cells_levels(N_cells, d_B) if N_cells is not None else None,
        charger_levels=None,
    )


def _mem(dim_t: float) -> int:
    """MB for ~4 complex arrays of ``dim_t`` entries (amplitudes, populations, products)."""
    return int(400 + dim_t * 16 * 4 / 1e6)


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------
def pair_hamiltonian(g: float) -> np.ndarray:
    """H = n_A + n_B + g (s^+_A s^-_B + h.c.) of one pair, basis index b * 2 + a (0 = |g>, 1 = |e>)."""
    H = np.diag([0.0, 1.0, 1.0, 2.0]).astype(complex)
    H[1, 2] = H[2, 1] = g  # |b=0, a=1> <-> |b=1, a=0>
    return H


def pair_states(g: float, times: np.ndarray) -> np.ndarray:
    """One charger-battery qubit pair from |e>_A |g>_B, amplitudes psi[t, b, a] (battery first,
    0 = |g>, 1 = |e>), by exact diagonalisation of H = n_A + n_B + g (s^+_A s^-_B + h.c.)."""
    e, v = np.linalg.eigh(pair_hamiltonian(g))
    psi0 = np.zeros(4, dtype=complex)
    psi0[1] = 1.0
    psi = (np.exp(-1j * np.outer(times, e)) * (v.conj().T @ psi0)) @ v.T
    return psi.reshape(len(times), 2, 2)


@register
class ChargerMediatedTLS(Model):
    name = "charger_mediated_tls"
    joint_charger = ChargerInfo(pair_product=True)
    numerics_used = {"closed": ("state_tol", "truncation_tol"), "joint": ("state_tol", "truncation_tol")}
    title = "Qubit chargers (parallel)"
    label = r"$N$ qubit chargers (parallel)"  # figures and report (mathtext)
    kind = "parallel"
    hamiltonian = "H = sum_i [omega_a |e><e|_{A,i} + omega_a |e><e|_{B,i} + g (s^+_{A,i} s^-_{B,i} + h.c.)], on for 0 <= t <= tau"
    initial_state = "(|e>_A (x) |g>_B)^{(x) N}: each cell with its own charged qubit charger"
    normalisation = (
        "omega_a = 1 for charger and cells (resonant); g per cell as in charger_mediated_osc; "
        "charger energy N omega_a as for the oscillator charger; time axis = switch-off time tau"
    )
    route = "one charger-battery pair exact (4x4 eigh); N-pair battery state rho_1^{(x)N}: energy, ergotropy, capacity N times one pair"
    references = "G. M. Andolina et al., PRB 98, 205423 (2018), Sec. II; PRL 122, 047702 (2019)"
    parameters = (COUPLING,)
    diagnostics = DIAGNOSTICS
    series = SERIES
    reference = None
    normalised_parameters = ("coupling",)
    charging_bound_reason = ""

    def charger_energy(self, N: int, params: dict[str, float]) -> float:
        return float(N)  # N excited charger qubits

    def charging_norm(self, N: int, params: dict[str, float]) -> float:
        return N * float(params["coupling"])  # N commuting pair terms of norm g

    def charging_bound(self, N: int, params: dict[str, float]):
        g = float(params["coupling"])
        return bound_of(N, N * g, [(1, g, N)])  # each pair term touches one cell

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        _check_N(self.name, N)
        g = float(params["coupling"])
        t = np.asarray(times, dtype=float)
        psi = pair_states(g, t)  # [t, b, a]
        rho = np.einsum("tba,tca->tbc", psi, psi.conj())
        HB = np.diag([0.0, 1.0]).astype(complex)
        e1 = np.real(rho[:, 1, 1])
        p = np.abs(psi) ** 2
        charger = p[:, :, 1].sum(axis=1)
        e_int = 2 * g * np.real(psi[:, 1, 0].conj() * psi[:, 0, 1])
        total = e1 + charger + e_int
        H1 = pair_hamiltonian(g)
        psi0 = np.array([0, 1, 0, 0], dtype=complex)  # |b = g, a = e>
        e0 = float(np.linalg.eigvalsh(H1[1:3, 1:3])[0])  # one-excitation block of the pair: 1 - g
        one = qsl_series(H1, psi0, np.abs(psi[:, 0, 1]), e0=e0)
        return Trajectory(
            energy=N * e1,
            ergotropy=N * np.asarray(ergotropy(rho, HB, tol=numerics.state_tol)),
            capacity=N * np.asarray(capacity(rho, HB, tol=numerics.state_tol)),
            diagnostics={
                "truncation_weight": 0.0,
                "norm_error": float(np.abs(p.sum(axis=(1, 2)) - 1.0).max()),
                "energy_drift": float(np.abs(total - total[0]).max() / (1.0 + abs(total[0]))),
                "fock_cutoff": 0.0,
            },
            series={"charger_energy": N * charger, "interaction_energy": N * e_int, **product_series(one, N)},
            states=rho if N == 1 else None,
        )

    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        """All N pairs explicitly: battery 2^N (x) chargers 2^N (cell / charger 0 = most significant bit)."""
        _check_N(self.name, N)
        if N > MAX_JOINT_PAIRS:
            raise ValueError(f"model {self.name!r}: joint state of N = {N} pairs has dimension 4^{N}; at most N = {MAX_JOINT_PAIRS}")
        g = float(params["coupling"])
        t = np.asarray(times, dtype=float)
        pair = pair_states(g, t)
        full = np.ones((len(t), 1, 1), dtype=complex)
        for _ in range(N):
            full = np.einsum("tBA,tba->tBbAa", full, pair).reshape(len(t), full.shape[1] * 2, full.shape[2] * 2)
        d = 2**N
        sm = np.array([[0.0, 1.0], [0.0, 0.0]])  # s^- = |g><e| in basis (|g>, |e>)

        def site(op: np.ndarray, i: int) -> np.ndarray:
            out = np.eye(1)
            for j in range(N):
                out = np.kron(out, op if j == i else np.eye(2))
            return out

        H_int = sum(g * (np.kron(site(sm, i), site(sm.T, i)) + np.kron(site(sm.T, i), site(sm, i))) for i in range(N))
        nB = np.diag([float(bin(s).count("1")) for s in range(d)]).astype(complex)
        return JointTrajectory(
            times=t,
            states=full.reshape(len(t), d * d),
            dims=(d, d),
            H_B=nB,
            H_C=nB.copy(),
            H_int=np.asarray(H_int, dtype=complex),
            battery_levels=None,
            charger_levels=None,
        )

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "Lossy qubit chargers (parallel)"
    lindblad_hamiltonian = "H = sum_i [omega_a |e><e|_{A,i} + omega_a |e><e|_{B,i} + g (s^+_{A,i} s^-_{B,i} + h.c.)]"
    lindblad_dissipators = "battery cell: as rabi_parallel; charger qubit: kappa (n_T + 1) D[s^-_A] + kappa n_T D[s^+_A]"
    lindblad_initial_state = "(|e>_A (x) |g>_B)^{(x) N}"
    lindblad_route = "one charger-battery pair (4x4), exact propagation; N-fold additive (product state)"
    lindblad_work_definition = CAVITY_WORK.replace("the mode", "the charger qubit")
    lindblad_references = "G. M. Andolina et al., PRB 98, 205423 (2018); D. Farina et al., PRB 99, 035421 (2019)"
    lindblad_closed_model = "charger_mediated_tls (at zero rates, time axis = switch-off time)"
    lindblad_rates = CELL_AND_MODE_RATES
    lindblad_max_N = 10000

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """One pair (battery first, index b * 2 + a), coupling on during the whole run; cell bath
        on B, loss kappa on the charger qubit A; ``copies = N`` (product of identical pairs)."""
        g = float(params["coupling"])
        eye = np.eye(2, dtype=complex)

        def bat(o):
            return np.kron(o, eye)

        def chg(o):
            return np.kron(eye, o)

        H0 = bat(NE) + chg(NE)
        H = H0 + g * (chg(SM.conj().T) @ bat(SM) + chg(SM) @ bat(SM.conj().T))
        n = n_thermal(1.0, params["temperature"])
        k = params["kappa"]
        terms = cell_terms(bat, params) + [(k * (n + 1.0), chg(SM)), (k * n, chg(SM.conj().T))]
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

    # ---------------------------------------------------------------- face: control
    control_frame = "interaction picture of H_A + H_B at resonance (drift 0); coupling = modulated g(t) H_1"
    control_max_N = 3

    def control_system(self, N: int, params: dict[str, float]) -> ControlSystem:
        """N cells (x) N charger qubits in |g...g>_B |e...e>_A; the fixed protocol is g(t) = g on [0, tau]."""
        _check_N(self.name, N)
        return charger_pairs_system(N)


@register
class ChargerMediatedOsc(Model):
    name = "charger_mediated_osc"
    joint_charger = ChargerInfo()  # closed excitation blocks: no Fock truncation
    closed_battery_basis = "dicke"
    numerics_used = {"closed": ("state_tol", "truncation_tol"), "joint": ("state_tol", "truncation_tol")}
    title = "Oscillator charger, N cells"
    label = r"Oscillator charger, $N$ cells"  # figures and report (mathtext)
    kind = "global"
    hamiltonian = "H = omega_a a^dag a + omega_a sum_i |e><e|_i + g (a J_+ + a^dag J_-), J_+ = sum_i s^+_i, on for 0 <= t <= tau"
    initial_state = "|N> (coherent = 0) or |alpha = sqrt(N)> (coherent = 1) charger (x) |g...g>"
    normalisation = (
        "omega_a = 1 for charger and cells (resonant); g per cell; mean charger energy N omega_a = battery capacity; "
        "time axis = switch-off time tau; reference charger_mediated_tls: N qubit chargers, same g and charger energy"
    )
    route = "blocks of fixed n_A + k in the symmetric Dicke subspace, exact eigh per block; Poisson cutoff for the coherent charger"
    references = "G. M. Andolina et al., PRB 98, 205423 (2018); PRL 122, 047702 (2019)"
    parameters = (COUPLING, COHERENT)
    diagnostics = DIAGNOSTICS
    series = SERIES
    reference = "charger_mediated_tls"
    normalised_parameters = ("coupling",)
    kac_exponent = 0.5  # one mode coupled to all N cells
    charging_bound_reason = "oscillator charger: g (a J_+ + a^dag J_-) is unbounded; the bounds do not apply"

    def charger_energy(self, N: int, params: dict[str, float]) -> float:
        return float(N)  # Fock |N> or coherent |sqrt(N)>: mean N quanta of omega_a

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        return run_exchange_model(self.name, N, times, params, numerics, cells=True)[0]

    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        """Battery (Dicke subspace, N + 1, levels cells_spectrum(N)) (x) charger Fock space."""
        _, run = run_exchange_model(self.name, N, times, params, numerics, cells=True)
        return joint_exchange(run, times, float(params["coupling"]), N)

    def memory_mb(self, N: int, n_times: int) -> int:
        return _mem(n_times * (N + 1) * (N + 10 * np.sqrt(N) + 20))  # charger cutoff ~ N + 10 sqrt(N)

    # ---------------------------------------------------------------- face: lindblad
    lindblad_title = "Lossy oscillator charger, N cells"
    lindblad_hamiltonian = "H = omega_a a^dag a + omega_a sum_i |e><e|_i + g (a J_+ + a^dag J_-), coupling on during the whole run"
    lindblad_dissipators = "cells: as tavis_cummings; charger: kappa (n_T + 1) D[a] + kappa n_T D[a^dag]"
    lindblad_initial_state = "charger |N> (coherent = 0) or |alpha = sqrt(N)> (coherent = 1) (x) |g...g>"
    lindblad_route = "qutip.piqs Dicke basis (all j) (x) charger Fock space (cutoff grown until converged), exact propagation"
    lindblad_work_definition = CAVITY_WORK.replace("the mode", "the charger")
    lindblad_references = "G. M. Andolina et al., PRB 98, 205423 (2018); D. Farina et al., PRB 99, 035421 (2019)"
    lindblad_closed_model = "charger_mediated_osc (at zero rates, time axis = switch-off time)"
    lindblad_rates = CELL_AND_MODE_RATES
    lindblad_has_cavity = True
    lindblad_max_N = 12

    def lindblad_initial_cutoff(self, N: int, params: dict[str, float], extra: int, tol: float) -> int:
        """N + 1 + max(extra, thermal margin), plus 6 sqrt(N) + 6 for the Poisson tail of a coherent charger."""
        coh = int(round(float(params["coherent"])))
        return N + 1 + max(extra, thermal_margin(1.0, params["temperature"], tol)) + (int(6 * np.sqrt(N)) + 6 if coh else 0)

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """Cells (piqs, all j) (x) lossy charger (omega_c = omega_a, g per cell, RWA exchange) with
        ``cutoff`` levels: Fock |N>, or Poisson amplitudes of |sqrt(N)> cut and renormalised."""
        if int(round(float(params["coherent"]))):
            from scipy.stats import poisson  # here: scipy.stats costs ~0.5 s at every job start

            c = np.exp(0.5 * poisson.logpmf(np.arange(cutoff), N))
            c /= np.linalg.norm(c)
        else:
            c = fock(N, cutoff)
        return spins_and_mode(N, params, cutoff, 1.0, float(params["coupling"]), True, c)

    def lindblad_memory_mb(self, N: int, n_times: int) -> int:
        d = DickeBlocks(N).dimension * (N + 8 + 6 * np.sqrt(N) + 6)
        return int(400 + 16 * d * d * (2 * n_times + 60) / 1e6)


@register
class ChargerMediatedHO(Model):
    name = "charger_mediated_ho"
    numerics_used = {"closed": ("state_tol", "truncation_tol"), "joint": ("state_tol", "truncation_tol")}
    title = "Oscillator charger, oscillator battery"
    label = "Oscillator charger, oscillator battery"  # figures and report (mathtext)
    kind = "global"
    hamiltonian = "H = omega_a a^dag a + omega_a b^dag b + g (a^dag b + a b^dag), on for 0 <= t <= tau"
    initial_state = "|N> (coherent = 0) or |alpha = sqrt(N)> (coherent = 1) charger (x) |0> battery"
    normalisation = (
        "omega_a = 1 for both oscillators (resonant); N = mean number of charger quanta; H_B = omega_a b^dag b; "
        "capacity over the battery levels kept (0..d_B - 1); time axis = switch-off time tau"
    )
    route = "blocks of fixed n_A + n_B, exact eigh per block; Poisson cutoff for the coherent charger"
    references = "G. M. Andolina et al., PRB 98, 205423 (2018), Sec. III"
    parameters = (COUPLING, COHERENT)
    diagnostics = DIAGNOSTICS
    series = SERIES
    reference = None

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        return run_exchange_model(self.name, N, times, params, numerics, cells=False)[0]

    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        """Battery oscillator (levels 0..d_B - 1) (x) charger oscillator, both cut at the same level."""
        _, run = run_exchange_model(self.name, N, times, params, numerics, cells=False)
        return joint_exchange(run, times, float(params["coupling"]), None)

    def memory_mb(self, N: int, n_times: int) -> int:
        n = N + 10 * np.sqrt(N) + 20
        return _mem(n_times * n * n * 1.5)
