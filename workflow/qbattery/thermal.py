"""Thermal operations on an N-cell battery: the second-law no-go, what a resource buys, W_TO.

A thermal operation (TO) on the battery B (Janzing et al., Int. J. Theor. Phys. 39, 2717
(2000); Horodecki & Oppenheim, Nat. Commun. 4, 2059 (2013); Brandao et al., PRL 111, 250404
(2013)) is

    rho_B' = Tr_R[ U (rho_B (x) gamma_R) U^dag ],   [U, H_B + H_R] = 0,

with a bath ancilla R in its Gibbs state gamma_R = exp(-beta H_R)/Z_R. Here
H_B = omega_a sum_i |e><e|_i on the full 2^N space (levels k omega_a, degeneracy C(N, k)), R is
either M qubits (H_R = omega_R sum_j |e><e|_j) or a ladder of d equally spaced levels
(H_R = omega_R diag(0..d-1)). U is sampled as U = (+)_E U_E over the joint eigenspaces of
H_B + H_R (degenerate blocks mix battery and bath levels), each U_E Haar random
(scipy.stats.unitary_group; a 1-d block gets a uniform phase), from a numpy Generator seeded by
(study seed, stage seed, part, N, bath size, resource). Every U is checked:
||[U, H_B + H_R]||_F is recorded.

Facts verified on every sample (D = quantum relative entropy in nats):
- no-go: rho_B = gamma_B(beta) gives rho_B' = gamma_B(beta) (U commutes with gamma_B (x) gamma_R),
  so the ergotropy of rho_B' vanishes (largest value over samples recorded);
- monotonicity: D(rho_B' || gamma_B) <= D(rho_B || gamma_B) for any rho_B (data processing);
- resources: a non-thermal ancilla X (state sigma_X, Hamiltonian H_X) joins B and R, U commutes
  with H_B + H_R + H_X. With rho = gamma_B (x) gamma_R (x) sigma_X and gamma = gamma_B (x) gamma_R (x) gamma_X,
  D(U rho U^dag || gamma) = D(sigma_X || gamma_X), and superadditivity of D against a product
  reference, D(rho_AB || s_A (x) s_B) = D(rho_A||s_A) + D(rho_B||s_B) + I(A:B), gives the chain

      Erg(rho_B') <= D(rho_B'||gamma_B)/beta <= [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta
                  <= D(sigma_X||gamma_X)/beta = F_beta(sigma_X) - F_beta(gamma_X) = Delta F_X.

  The first step holds for any state and any beta > 0: Erg(rho) = F_beta(rho) - F_beta(pi_rho)
  (pi_rho passive, same entropy) and F_beta(pi_rho) >= F_beta(gamma_beta). So the battery's
  ergotropy is bounded by the free energy the resource actually spent, and by its full
  non-equilibrium free energy Delta F_X.
- catalysts: if X is returned exactly (rho_X' = sigma_X, correlations with B R allowed) the
  spent free energy is zero and the chain forces rho_B' = gamma_B: an exact catalyst cannot charge
  a Gibbs battery. Random U do not return X; every sample records the catalyst deviation
  ||rho_X' - sigma_X||_1 and the spent free energy, so the data show the ergotropy vanishing as
  the resource is returned unchanged.

Resource families (ancilla X is one qubit): ``hot`` -- Gibbs at T_res = ratio * T with
omega_X = omega_a + omega_R (the absorption-refrigerator / heat-engine resonance
|g_B g_R e_X> <-> |e_B e_R g_X>; a resonant hot qubit alone never inverts a qubit battery);
``inverted`` -- omega_X = omega_a, excited population p_e (p_e > 1/2: negative temperature);
``coherent`` -- omega_X = omega_a, Gibbs populations at beta plus coherence
c sqrt(p_g p_e) (|g><e| + h.c.), c in [0, 1] (c = 1: the pure 'coherent Gibbs state'; all of
its free energy is coherence; Lostaglio, Jennings, Rudolph, Nat. Commun. 6, 6383 (2015)).

Protocol states: W_TO = F_beta(rho) - F_beta(gamma_beta) = D(rho||gamma_beta)/beta, the work
extractable from rho with thermal operations and a bath at beta (asymptotically; Brandao et al.
2013), next to ergotropy and stored energy. For a state in the symmetric Dicke subspace
(d = N + 1) ln gamma_beta = -beta H_B - ln Z_full is a function of H_B, so
D = -S(rho) + beta Tr(rho H_B) + ln Z_full, Z_full = (1 + exp(-beta omega_a))^N.
"""

from __future__ import annotations

import logging
import math
import time as _time
from collections.abc import Sequence

import numpy as np
import xarray as xr
from scipy.stats import unitary_group

from .models.base import Numerics
from .provenance import provenance_attrs
from .quantities import Spectrum, cells_spectrum, ergotropy, von_neumann_entropy
from .simulate import NumericalHealthError

log = logging.getLogger("qbattery")

#: energies closer than this [omega_a] form one degenerate eigenspace
ENERGY_TOL = 1e-9
RESOURCES = ("hot", "inverted", "coherent")
RESOURCE_PARAMETERS = {
    "hot": ("hot_temperature_ratio", "resource temperature over bath temperature T_res / T", "1"),
    "inverted": ("excited_population", "excited-state population p_e of the resource qubit", "1"),
    "coherent": ("coherence", "coherence c of the resource qubit, |rho_ge| = c sqrt(p_g p_e)", "1"),
}
BATTERY_INPUTS = ("gibbs", "excited", "plus", "random")
STATUS_OK, STATUS_VIOLATION, STATUS_NO_MODEL, STATUS_NO_STATES, STATUS_UNKNOWN_BASIS = 0, 1, 2, 3, 4


# --------------------------------------------------------------------------------------
# Spectra, Gibbs states, relative entropy
# --------------------------------------------------------------------------------------
def cells_energies(N: int, omega: float = 1.0) -> np.ndarray:
    """Diagonal of H = omega sum_i |e><e|_i in the computational basis of N cells (2^N entries,
    index bit = 1 for an excited cell; first cell most significant)."""
    idx = np.arange(2**N)
    return omega * np.array([bin(i).count("1") for i in idx], dtype=float)


def bath_energies(kind: str, size: int, omega: float) -> np.ndarray:
    """Diagonal of H_R: ``qubits`` -- ``size`` cells at omega; ``ladder`` -- levels 0..size-1 times omega."""
    if kind == "qubits":
        return cells_energies(size, omega)
    if kind == "ladder":
        return omega * np.arange(size, dtype=float)
    raise ValueError(f"unknown bath kind {kind!r}; allowed: qubits, ladder")


def kron_sum(*energies: np.ndarray) -> np.ndarray:
    """Diagonal of H_1 (x) 1 + 1 (x) H_2 + ... for diagonal Hamiltonians (first factor slowest)."""
    out = np.zeros(1)
    for e in energies:
        out = (out[:, None] + np.asarray(e, dtype=float)[None, :]).ravel()
    return out


def gibbs_populations(energies: np.ndarray, beta: float) -> np.ndarray:
    """p_i = exp(-beta E_i) / Z (ground energy shifted out)."""
    e = np.asarray(energies, dtype=float)
    w = np.exp(-beta * (e - e.min()))
    return w / w.sum()


def log_partition(levels: Spectrum | np.ndarray, beta: float) -> float:
    """ln Z = ln sum_k g_k exp(-beta E_k) over the full spectrum (log-sum-exp, exact degeneracies)."""
    if isinstance(levels, Spectrum):
        e = np.asarray(levels.energies, dtype=float)
        lg = np.array([math.log(int(g)) for g in levels.degeneracies])
    else:
        e = np.asarray(levels, dtype=float)
        lg = np.zeros_like(e)
    x = lg - beta * e
    m = x.max()
    return float(m + np.log(np.exp(x - m).sum()))


def relative_entropy_to_gibbs(
    rho: np.ndarray, H: np.ndarray, beta: float, levels: Spectrum | np.ndarray | None = None
) -> np.ndarray | float:
    """D(rho || gamma_beta) = -S(rho) + beta Tr(rho H) + ln Z [nat] for a (stack of) state(s).

    Valid whenever ln gamma_beta = -beta H - ln Z on the space rho lives in: H is the battery
    Hamiltonian in that space, ``levels`` the full spectrum for Z (e.g. ``cells_spectrum(N)``
    for a state in the symmetric Dicke subspace); default: the eigenvalues of H.
    """
    r = np.asarray(rho)
    h = np.asarray(H)
    lvl = np.linalg.eigvalsh(h) if levels is None else levels
    mean = np.real(np.einsum("...ij,ji->...", r, h))
    out = -np.asarray(von_neumann_entropy(r)) + beta * mean + log_partition(lvl, beta)
    out = np.maximum(out, 0.0) if np.ndim(out) else max(float(out), 0.0)  # D >= 0; clips round-off only
    return out


def w_to(rho: np.ndarray, H: np.ndarray, beta: float, levels: Spectrum | np.ndarray | None = None) -> np.ndarray | float:
    """W_TO = F_beta(rho) - F_beta(gamma_beta) = D(rho || gamma_beta) / beta [omega_a]."""
    return relative_entropy_to_gibbs(rho, H, beta, levels) / beta


# --------------------------------------------------------------------------------------
# Energy-preserving unitaries and the thermal operation
# --------------------------------------------------------------------------------------
def energy_blocks(energies: np.ndarray, tol: float = ENERGY_TOL) -> list[np.ndarray]:
    """Index sets of the eigenspaces of a diagonal Hamiltonian (energies within ``tol`` merged)."""
    e = np.asarray(energies, dtype=float)
    order = np.argsort(e, kind="stable")
    cuts = np.flatnonzero(np.diff(e[order]) > tol) + 1
    return [np.sort(b) for b in np.split(order, cuts)]


def random_energy_preserving_unitary(energies: np.ndarray, rng: np.random.Generator, tol: float = ENERGY_TOL) -> np.ndarray:
    """U = (+)_E U_E, U_E Haar random on each eigenspace of diag(energies) (1-d: uniform phase)."""
    d = len(energies)
    U = np.zeros((d, d), dtype=complex)
    for b in energy_blocks(energies, tol):
        if len(b) == 1:
            U[b[0], b[0]] = np.exp(2j * np.pi * rng.random())
        else:
            U[np.ix_(b, b)] = unitary_group.rvs(len(b), random_state=rng)
    return U


def commutator_norm(U: np.ndarray, energies: np.ndarray) -> float:
    """Frobenius norm of [U, H] for H = diag(energies): ([U, H])_ij = U_ij (E_j - E_i)."""
    e = np.asarray(energies, dtype=float)
    return float(np.linalg.norm(U * (e[None, :] - e[:, None])))


def conjugate(U: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """U rho U^dag for a state or a stack of states."""
    return U @ rho @ U.conj().T


def reduce(rho: np.ndarray, dims: Sequence[int], keep: int) -> np.ndarray:
    """Reduced state of factor ``keep`` of a (stack of) state(s) on the tensor product ``dims``."""
    dims = tuple(int(x) for x in dims)
    n = len(dims)
    r = np.asarray(rho).reshape(rho.shape[:-2] + dims + dims)
    letters = "abcdefghijklmnopqrstuvwxyz"
    left = list(letters[:n])
    right = list(letters[:n])
    right[keep] = "z"
    return np.einsum(f"...{''.join(left)}{''.join(right)}->...{left[keep]}z", r)


def thermal_operation(rho_B: np.ndarray, sigma_R: np.ndarray, U: np.ndarray) -> np.ndarray:
    """rho_B' = Tr_R[U (rho_B (x) sigma_R) U^dag] (a thermal operation when sigma_R is Gibbs and
    U commutes with H_B + H_R). ``rho_B`` may be a stack (..., d_B, d_B)."""
    dB, dR = rho_B.shape[-1], sigma_R.shape[-1]
    joint = np.einsum("...ab,xy->...axby", rho_B, sigma_R).reshape(rho_B.shape[:-2] + (dB * dR, dB * dR))
    return reduce(conjugate(U, joint), (dB, dR), 0)


# --------------------------------------------------------------------------------------
# Battery inputs and resource states
# --------------------------------------------------------------------------------------
def battery_input(name: str, N: int, beta: float, rng_seed: Sequence[int]) -> np.ndarray:
    """Battery input states on 2^N levels: ``gibbs`` at beta, ``excited`` |e..e>, ``plus``
    |+>^N (coherent), ``random`` a full-rank random mixed state (Ginibre, fixed seed)."""
    d = 2**N
    if name == "gibbs":
        return np.diag(gibbs_populations(cells_energies(N), beta)).astype(complex)
    if name == "excited":
        rho = np.zeros((d, d), dtype=complex)
        rho[-1, -1] = 1.0
        return rho
    if name == "plus":
        v = np.ones(d, dtype=complex) / np.sqrt(d)
        return np.outer(v, v.conj())
    if name == "random":
        rng = np.random.default_rng(list(rng_seed) + [N])
        G = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        rho = G @ G.conj().T
        return rho / np.trace(rho)
    raise ValueError(f"unknown battery input {name!r}; allowed: {', '.join(BATTERY_INPUTS)}")


def resource_frequency(kind: str, omega_a: float, omega_R: float) -> float:
    """omega_X: omega_a + omega_R for ``hot`` (three-body resonance), omega_a otherwise."""
    return omega_a + omega_R if kind == "hot" else omega_a


def resource_state(kind: str, value: float, beta: float, omega_X: float) -> np.ndarray:
    """State sigma_X of the resource qubit (basis |g>, |e>), see the module docstring."""
    if kind == "hot":
        p = gibbs_populations(np.array([0.0, omega_X]), beta / float(value))
        return np.diag(p).astype(complex)
    if kind == "inverted":
        return np.diag([1.0 - float(value), float(value)]).astype(complex)
    if kind == "coherent":
        pg, pe = gibbs_populations(np.array([0.0, omega_X]), beta)
        c = float(value) * np.sqrt(pg * pe)
        return np.array([[pg, c], [c, pe]], dtype=complex)
    raise ValueError(f"unknown resource {kind!r}; allowed: {', '.join(RESOURCES)}")


def _rng(seed: int, stage_seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(stage_seed), *[int(k) for k in keys]])


def sample_unitaries(energies: np.ndarray, samples: int, rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    """``samples`` random energy-preserving unitaries and their commutator norms."""
    Us = [random_energy_preserving_unitary(energies, rng) for _ in range(samples)]
    return Us, np.array([commutator_norm(U, energies) for U in Us])


# --------------------------------------------------------------------------------------
# The stage's analyses
# --------------------------------------------------------------------------------------
def nogo_point(N: int, bath_kind: str, bath_size: int, omega_R: float, betas: np.ndarray, samples: int,
               seed: int, stage_seed: int) -> dict[str, np.ndarray]:
    """Thermal operations on the battery inputs at every beta, ``samples`` random U.

    Returns arrays: ergotropy_after (beta, input, sample), D_after (same), D_before (beta, input),
    commutator (sample,).
    """
    eB = cells_energies(N)
    eR = bath_energies(bath_kind, bath_size, omega_R)
    Us, comm = sample_unitaries(kron_sum(eB, eR), samples, _rng(seed, stage_seed, 0, N, bath_size))
    HB = np.diag(eB).astype(complex)
    nb, ni = len(betas), len(BATTERY_INPUTS)
    erg = np.empty((nb, ni, samples))
    d_after = np.empty((nb, ni, samples))
    d_before = np.empty((nb, ni))
    for ib, beta in enumerate(betas):
        rho = np.stack([battery_input(name, N, beta, (seed, stage_seed)) for name in BATTERY_INPUTS])
        d_before[ib] = relative_entropy_to_gibbs(rho, HB, beta)
        gR = np.diag(gibbs_populations(eR, beta)).astype(complex)
        for s, U in enumerate(Us):
            out = thermal_operation(rho, gR, U)
            erg[ib, :, s] = ergotropy(out, HB)
            d_after[ib, :, s] = relative_entropy_to_gibbs(out, HB, beta)
    return {"ergotropy_after": erg, "D_after": d_after, "D_before": d_before, "commutator": comm}


def resource_point(kind: str, values: np.ndarray, N: int, bath_kind: str, bath_size: int, omega_R: float,
                   betas: np.ndarray, samples: int, seed: int, stage_seed: int) -> dict[str, np.ndarray]:
    """Gibbs battery + Gibbs bath + resource qubit X, ``samples`` random U commuting with H_B + H_R + H_X.

    Returns arrays over (beta, value, sample): battery ergotropy, battery energy change,
    battery free energy D(rho_B'||gamma_B)/beta, spent free energy
    [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta, catalyst deviation ||rho_X' - sigma_X||_1;
    over (beta, value): resource free energy Delta F_X = D(sigma_X||gamma_X)/beta; commutator (sample,).
    """
    omega_X = resource_frequency(kind, 1.0, omega_R)
    eB, eR, eX = cells_energies(N), bath_energies(bath_kind, bath_size, omega_R), np.array([0.0, omega_X])
    dims = (len(eB), len(eR), 2)
    Us, comm = sample_unitaries(kron_sum(eB, eR, eX), samples, _rng(seed, stage_seed, 1 + RESOURCES.index(kind), N, bath_size))
    HB, HX = np.diag(eB).astype(complex), np.diag(eX).astype(complex)
    nb, nv = len(betas), len(values)
    shape = (nb, nv, samples)
    out = {k: np.empty(shape) for k in ("ergotropy", "energy_change", "battery_free_energy", "spent_free_energy", "catalyst_deviation")}
    out["free_energy"] = np.empty((nb, nv))
    for ib, beta in enumerate(betas):
        gB = np.diag(gibbs_populations(eB, beta)).astype(complex)
        gR = np.diag(gibbs_populations(eR, beta)).astype(complex)
        sig = np.stack([resource_state(kind, v, beta, omega_X) for v in values])
        dX0 = relative_entropy_to_gibbs(sig, HX, beta)
        out["free_energy"][ib] = dX0 / beta
        rho = np.einsum("ab,xy,vij->vaxibyj", gB, gR, sig).reshape(nv, np.prod(dims), np.prod(dims))
        e0 = float(np.real(np.trace(gB @ HB)))
        for s, U in enumerate(Us):
            joint = conjugate(U, rho)
            rB, rX = reduce(joint, dims, 0), reduce(joint, dims, 2)
            out["ergotropy"][ib, :, s] = ergotropy(rB, HB)
            out["energy_change"][ib, :, s] = np.real(np.einsum("vij,ji->v", rB, HB)) - e0
            out["battery_free_energy"][ib, :, s] = relative_entropy_to_gibbs(rB, HB, beta) / beta
            out["spent_free_energy"][ib, :, s] = (dX0 - relative_entropy_to_gibbs(rX, HX, beta)) / beta
            out["catalyst_deviation"][ib, :, s] = np.abs(np.linalg.eigvalsh(rX - sig)).sum(axis=-1)
    out["commutator"] = comm
    return out


def protocol_battery_basis(N: int, d: int) -> tuple[np.ndarray, Spectrum] | None:
    """(H_B in the basis of the model's states, full spectrum): Dicke basis (d = N + 1, levels
    k omega_a) or the full product basis (d = 2^N); None if neither."""
    if d == N + 1:
        return np.diag(np.arange(N + 1, dtype=float)).astype(complex), cells_spectrum(N)
    if d == 2**N:
        return np.diag(cells_energies(N)).astype(complex), cells_spectrum(N)
    return None


def _first(v):
    return v[0] if isinstance(v, list) else v


def protocol_analysis(config: dict, th: dict, numerics: Numerics) -> xr.Dataset:
    """W_TO, ergotropy and stored energy of the protocol states at the time of maximum ergotropy."""
    from .config import model_times
    from .models import get_model

    pcfg = th["protocol"]
    names = list(pcfg["models"])
    temps = np.asarray(pcfg["temperature"], dtype=float)
    Ns = sorted({int(n) for m in names for n in config["models"].get(m, {}).get("N", [])}) or [1]
    shape = (len(names), len(Ns))
    v = {k: np.full(shape, np.nan) for k in ("time", "ergotropy", "stored_energy", "energy", "entropy", "min_margin")}
    D = np.full(shape + (len(temps),), np.nan)
    status = np.full(shape, STATUS_NO_MODEL, dtype=np.int32)
    for im, name in enumerate(names):
        if name not in config["models"]:
            log.warning("thermal.protocol: model %s is not in this study's models; NaN", name)
            continue
        model = get_model(name)
        params = {k: float(_first(val)) for k, val in config["models"][name].items() if k not in ("N", "time")}
        times = model_times(config, name)
        for N in config["models"][name]["N"]:
            iN = Ns.index(int(N))
            traj = model.run(int(N), times, params, numerics)
            if traj.states is None:
                status[im, iN] = STATUS_NO_STATES
                continue
            i = int(np.argmax(traj.ergotropy))
            rho = traj.states[i]
            basis = protocol_battery_basis(int(N), rho.shape[-1])
            if basis is None:
                status[im, iN] = STATUS_UNKNOWN_BASIS
                continue
            HB, levels = basis
            status[im, iN] = STATUS_OK
            v["time"][im, iN] = times[i]
            v["ergotropy"][im, iN] = ergotropy(rho, HB, levels=levels, tol=numerics.state_tol)
            v["energy"][im, iN] = np.real(np.trace(rho @ HB))
            v["stored_energy"][im, iN] = traj.energy[i] - traj.energy[0]
            v["entropy"][im, iN] = von_neumann_entropy(rho, tol=numerics.state_tol)
            for it, T in enumerate(temps):
                D[im, iN, it] = relative_entropy_to_gibbs(rho, HB, 1.0 / T, levels)
            v["min_margin"][im, iN] = np.min(D[im, iN] * temps) - v["ergotropy"][im, iN]
            log.info("thermal.protocol %s N=%d: t=%.3g ergotropy=%.4g W_TO(T)=%s", name, N, times[i],
                     v["ergotropy"][im, iN], np.round(D[im, iN] * temps, 4))
    dims = ("protocol_model", "protocol_N")
    ds = xr.Dataset(coords={"protocol_model": names, "protocol_N": np.array(Ns, dtype=np.int64), "bath_temperature": temps})
    ds["protocol_model"].attrs.update(long_name="charging-protocol model (first value of every swept parameter)", units="1")
    ds["protocol_N"].attrs.update(long_name="number of cells N of the protocol battery", units="1")
    ds["bath_temperature"].attrs.update(long_name="bath temperature T = 1/beta for W_TO", units="omega_a")
    meta = {
        "time": ("protocol_time", "time of maximum ergotropy of the protocol", "omega_a^-1"),
        "ergotropy": ("protocol_ergotropy", "ergotropy at the time of maximum ergotropy (full 2^N spectrum)", "omega_a"),
        "stored_energy": ("protocol_stored_energy", "stored energy E(t) - E(0) at that time", "omega_a"),
        "energy": ("protocol_energy", "battery energy Tr(rho_B H_B) at that time", "omega_a"),
        "entropy": ("protocol_entropy", "von Neumann entropy S(rho_B) at that time", "nat"),
        "min_margin": ("protocol_min_bound_margin",
                       "min over bath temperatures of W_TO - ergotropy (>= 0: Erg <= F_beta(rho) - F_beta(gamma))", "omega_a"),
    }
    for k, (var, ln, u) in meta.items():
        ds[var] = (dims, v[k], {"long_name": ln, "units": u})
    ds["protocol_relative_entropy"] = (dims + ("bath_temperature",), D, {
        "long_name": "D(rho_B || gamma_beta) = -S + beta Tr(rho H_B) + ln Z_full (full 2^N Gibbs state)", "units": "nat"})
    ds["protocol_W_TO"] = (dims + ("bath_temperature",), D * temps[None, None, :], {
        "long_name": "work extractable by thermal operations W_TO = D(rho_B||gamma_beta)/beta = F_beta(rho) - F_beta(gamma)",
        "units": "omega_a"})
    ds["protocol_status"] = (dims, status, {
        "long_name": "status of the protocol point", "units": "1",
        "flag_values": np.array([0, 2, 3, 4], dtype=np.int32),
        "flag_meanings": "ok model_not_in_study no_battery_states_stored(parallel_models:_rho=rho_1^N,_D_additive) unknown_state_basis"})
    return ds


def _check(value: float, tol: float, what: str, where: str, numerics: Numerics) -> int:
    """STATUS_OK if value <= tol, else raise (on_violation == 'fail') or return STATUS_VIOLATION."""
    if value <= tol:
        return STATUS_OK
    msg = f"thermal operations: {what} = {value:.3e} > {tol:g} at {where}"
    if numerics.on_violation == "fail":
        raise NumericalHealthError(msg + " (set numerics.on_violation: nan to record it instead)")
    log.warning("%s; flagged", msg)
    return STATUS_VIOLATION


def thermal_dataset(config: dict) -> xr.Dataset:
    """The whole stage: no-go, monotonicity, resources and protocol W_TO as one Dataset."""
    th = config["thermal"]
    numerics = Numerics.from_config(config.get("numerics"), seed=config.get("seed"))
    seed, stage_seed = int(config["seed"]), int(th["stage_seed"])
    temps = np.asarray(th["temperature"], dtype=float)
    betas = 1.0 / temps
    Ns = [int(n) for n in th["N"]]
    bath = th["bath"]
    sizes = [int(m) for m in bath["sizes"]]
    S = int(th["samples"])
    tol_c, tol_n, tol_b = float(th["commutator_tol"]), float(th["nogo_tol"]), float(th["bound_tol"])
    for N in Ns:
        for M in sizes:
            dim = 2**N * len(bath_energies(bath["kind"], M, 1.0)) * 2
            if dim > numerics.dense_max_dim:
                raise ValueError(f"thermal: N={N}, bath size {M} gives a joint dimension {dim} > numerics.dense_max_dim="
                                 f"{numerics.dense_max_dim}; lower thermal.N or thermal.bath.sizes")
    t0 = _time.perf_counter()
    nT, nN, nM, nI = len(temps), len(Ns), len(sizes), len(BATTERY_INPUTS)
    erg = np.empty((nT, nN, nM, nI, S))
    d_after = np.empty_like(erg)
    d_before = np.empty((nT, nN, nI))
    comm_nogo = np.empty((nN, nM))
    for iN, N in enumerate(Ns):
        for iM, M in enumerate(sizes):
            r = nogo_point(N, bath["kind"], M, float(bath["omega"]), betas, S, seed, stage_seed)
            erg[:, iN, iM] = r["ergotropy_after"]
            d_after[:, iN, iM] = r["D_after"]
            d_before[:, iN] = r["D_before"]
            comm_nogo[iN, iM] = r["commutator"].max()
    log.info("thermal: no-go part done in %.2f s", _time.perf_counter() - t0)

    coords = {
        "temperature": temps, "N": np.array(Ns, dtype=np.int64), "bath_size": np.array(sizes, dtype=np.int64),
        "battery_input": list(BATTERY_INPUTS), "sample": np.arange(S, dtype=np.int64),
    }
    ds = xr.Dataset(coords=coords)
    ds["temperature"].attrs.update(long_name="bath temperature T = 1/beta", units="omega_a")
    ds["N"].attrs.update(long_name="number of battery cells N (full 2^N space)", units="1")
    ds["bath_size"].attrs.update(long_name=f"bath size ({'qubits M' if bath['kind'] == 'qubits' else 'levels d'})", units="1")
    ds["battery_input"].attrs.update(long_name="battery input state: Gibbs at beta, |e..e>, |+>^N, random mixed", units="1")
    ds["sample"].attrs.update(long_name="index of the sampled energy-preserving unitary", units="1")
    gi = BATTERY_INPUTS.index("gibbs")
    dimsS = ("temperature", "N", "bath_size", "battery_input", "sample")
    ds["ergotropy_after"] = (dimsS, erg, {"long_name": "ergotropy of the battery after the thermal operation", "units": "omega_a"})
    ds["D_after"] = (dimsS, d_after, {"long_name": "D(rho_B' || gamma_B) after the thermal operation", "units": "nat"})
    ds["D_before"] = (("temperature", "N", "battery_input"), d_before, {"long_name": "D(rho_B || gamma_B) before", "units": "nat"})
    nogo_max = erg[:, :, :, gi].max(axis=-1)
    ds["nogo_max_ergotropy"] = (("temperature", "N", "bath_size"), nogo_max, {
        "long_name": "no-go: max over samples of the ergotropy after a TO of the Gibbs battery", "units": "omega_a"})
    ds["nogo_max_D_after"] = (("temperature", "N", "bath_size"), d_after[:, :, :, gi].max(axis=-1), {
        "long_name": "no-go: max over samples of D(rho_B'||gamma_B) for the Gibbs battery", "units": "nat"})
    d_inc = (d_after - d_before[:, :, None, :, None]).max(axis=-1)
    ds["max_D_increase"] = (("temperature", "N", "bath_size", "battery_input"), d_inc, {
        "long_name": "max over samples of D_after - D_before (<= 0: TOs never increase D)", "units": "nat"})
    ds["commutator_norm_nogo"] = (("N", "bath_size"), comm_nogo, {
        "long_name": "max over samples of ||[U, H_B + H_R]||_F", "units": "omega_a"})
    status = np.zeros((nT, nN, nM), dtype=np.int32)
    for iT, T in enumerate(temps):
        for iN, N in enumerate(Ns):
            for iM, M in enumerate(sizes):
                where = f"T={T:g}, N={N}, bath size={M}"
                status[iT, iN, iM] = max(
                    _check(comm_nogo[iN, iM], tol_c, "||[U, H_B + H_R]||", where, numerics),
                    _check(nogo_max[iT, iN, iM], tol_n, "max ergotropy from the Gibbs battery", where, numerics),
                    _check(float(d_after[iT, iN, iM, gi].max()), tol_n, "max D(rho_B'||gamma_B) from the Gibbs battery", where, numerics),
                    _check(float(d_inc[iT, iN, iM].max()), tol_b, "max increase of D(rho_B||gamma_B)", where, numerics))
    ds["nogo_status"] = (("temperature", "N", "bath_size"), status, {
        "long_name": "no-go/monotonicity check status", "units": "1",
        "flag_values": np.array([0, 1], dtype=np.int32), "flag_meanings": "ok tolerance_violated"})

    t1 = _time.perf_counter()
    rcfg = th["resources"]
    for kind in RESOURCES:
        pname, plong, punits = RESOURCE_PARAMETERS[kind]
        values = np.asarray(rcfg[pname], dtype=float)
        ds.coords[pname] = values
        ds[pname].attrs.update(long_name=plong, units=punits)
        shape = (nT, nN, nM, len(values), S)
        acc = {k: np.empty(shape) for k in ("ergotropy", "energy_change", "battery_free_energy", "spent_free_energy", "catalyst_deviation")}
        free = np.empty((nT, len(values)))
        comm = np.empty((nN, nM))
        for iN, N in enumerate(Ns):
            for iM, M in enumerate(sizes):
                r = resource_point(kind, values, N, bath["kind"], M, float(bath["omega"]), betas, S, seed, stage_seed)
                for k in acc:
                    acc[k][:, iN, iM] = r[k]
                free[:] = r["free_energy"]
                comm[iN, iM] = r["commutator"].max()
        dimsR = ("temperature", "N", "bath_size", pname)
        omega_X = resource_frequency(kind, 1.0, float(bath["omega"]))
        ds[f"{kind}_free_energy"] = (("temperature", pname), free, {
            "long_name": f"{kind} resource non-equilibrium free energy F_beta(sigma_X) - F_beta(gamma_X) = D(sigma_X||gamma_X)/beta",
            "units": "omega_a", "omega_X": omega_X})
        ds[f"{kind}_ergotropy"] = (dimsR + ("sample",), acc["ergotropy"], {
            "long_name": f"battery ergotropy after a TO assisted by the {kind} resource", "units": "omega_a"})
        ds[f"{kind}_spent_free_energy"] = (dimsR + ("sample",), acc["spent_free_energy"], {
            "long_name": "free energy spent by the resource [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta", "units": "omega_a"})
        ds[f"{kind}_catalyst_deviation"] = (dimsR + ("sample",), acc["catalyst_deviation"], {
            "long_name": "trace distance of the returned resource ||rho_X' - sigma_X||_1", "units": "1"})
        ds[f"{kind}_max_ergotropy"] = (dimsR, acc["ergotropy"].max(axis=-1), {
            "long_name": f"max over samples of the battery ergotropy ({kind} resource)", "units": "omega_a"})
        ds[f"{kind}_mean_ergotropy"] = (dimsR, acc["ergotropy"].mean(axis=-1), {
            "long_name": f"mean over samples of the battery ergotropy ({kind} resource)", "units": "omega_a"})
        ds[f"{kind}_max_energy_change"] = (dimsR, acc["energy_change"].max(axis=-1), {
            "long_name": f"max over samples of the battery energy change ({kind} resource)", "units": "omega_a"})
        ds[f"{kind}_max_battery_free_energy"] = (dimsR, acc["battery_free_energy"].max(axis=-1), {
            "long_name": "max over samples of D(rho_B'||gamma_B)/beta", "units": "omega_a"})
        viol = np.maximum.reduce([
            acc["ergotropy"] - acc["battery_free_energy"],
            acc["battery_free_energy"] - acc["spent_free_energy"],
            acc["spent_free_energy"] - free[:, None, None, :, None],
        ]).max(axis=-1)
        ds[f"{kind}_max_bound_violation"] = (dimsR, viol, {
            "long_name": "max over samples and over the chain Erg <= D_B/beta <= spent <= Delta F_X of (lhs - rhs); <= 0 holds",
            "units": "omega_a"})
        ds[f"{kind}_commutator_norm"] = (("N", "bath_size"), comm, {
            "long_name": "max over samples of ||[U, H_B + H_R + H_X]||_F", "units": "omega_a"})
        st = np.zeros(viol.shape, dtype=np.int32)
        for idx in np.ndindex(viol.shape):
            where = f"{kind} resource, T={temps[idx[0]]:g}, N={Ns[idx[1]]}, bath size={sizes[idx[2]]}, {pname}={values[idx[3]]:g}"
            st[idx] = max(_check(comm[idx[1], idx[2]], tol_c, "||[U, H]||", where, numerics),
                          _check(float(viol[idx]), tol_b, "free-energy bound violation", where, numerics))
        ds[f"{kind}_status"] = (dimsR, st, {"long_name": f"{kind} resource check status", "units": "1",
                                            "flag_values": np.array([0, 1], dtype=np.int32), "flag_meanings": "ok tolerance_violated"})
    log.info("thermal: resource part done in %.2f s", _time.perf_counter() - t1)

    ds = ds.merge(protocol_analysis(config, th, numerics))
    ds.attrs.update(provenance_attrs(config))
    ds.attrs.update({
        "stage": "thermal_operations",
        "description": "thermal operations on an N-cell battery: no-go from the Gibbs state, monotonicity of D(rho||gamma), "
                       "non-thermal resources and their free-energy bound, W_TO of protocol states",
        "battery_hamiltonian": "H_B = omega_a sum_i |e><e|_i on the full 2^N space, omega_a = 1",
        "bath": f"{bath['kind']} bath, H_R = omega_R "
                + ("sum_j |e><e|_j (M qubits)" if bath["kind"] == "qubits" else "diag(0..d-1) (d levels)")
                + f", omega_R = {float(bath['omega']):g}, Gibbs state at beta = 1/T",
        "thermal_operation": "rho_B' = Tr_R[U (rho_B (x) gamma_R) U^dag], U = (+)_E U_E Haar random on each joint eigenspace of H_B + H_R",
        "resources": "ancilla qubit X joins B and R, U commutes with H_B + H_R + H_X; "
                     "hot: Gibbs at T_res = ratio T, omega_X = omega_a + omega_R; "
                     "inverted: diag(1 - p_e, p_e), omega_X = omega_a; coherent: Gibbs populations at beta plus coherence "
                     "c sqrt(p_g p_e), omega_X = omega_a",
        "bound": "Erg(rho_B') <= D(rho_B'||gamma_B)/beta <= [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta "
                 "<= D(sigma_X||gamma_X)/beta = Delta F_X",
        "catalyst": "an exactly returned resource (rho_X' = sigma_X, correlations allowed) spends zero free energy, so the bound forces "
                    "rho_B' = gamma_B: exact catalysis cannot charge a Gibbs battery; *_catalyst_deviation and *_spent_free_energy "
                    "record how far each sample is from that",
        "W_TO": "W_TO = F_beta(rho) - F_beta(gamma_beta) = D(rho||gamma_beta)/beta; Dicke-subspace states use the full 2^N Gibbs "
                "state: D = -S(rho) + beta Tr(rho H_B) + ln Z_full",
        "references": "Janzing et al. IJTP 39, 2717 (2000); Horodecki & Oppenheim, Nat. Commun. 4, 2059 (2013); Brandao et al., PRL 111, "
                      "250404 (2013); Skrzypczyk, Short, Popescu, Nat. Commun. 5, 4185 (2014); Lostaglio, Jennings, Rudolph, "
                      "Nat. Commun. 6, 6383 (2015); Allahverdyan, Balian, Nieuwenhuizen, EPL 67, 565 (2004)",
        "seeding": f"numpy Generator seeded with [seed={seed}, thermal.stage_seed={stage_seed}, part, N, bath size]",
        "samples": S,
        "commutator_tol": tol_c, "nogo_tol": tol_n, "bound_tol": tol_b,
    })
    log.info("thermal: total %.2f s", _time.perf_counter() - t0)
    return ds
