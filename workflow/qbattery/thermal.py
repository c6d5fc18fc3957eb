"""Thermal operations on an N-cell battery: the second-law no-go, what a resource buys, W_TO.

The battery B is N cells, H_B = omega_a sum_i |e><e|_i on the full 2^N space (omega_a = 1); the
bath ancilla R is M qubits (H_R = omega_R sum_j |e><e|_j) or a ladder of d levels
(H_R = omega_R diag(0..d-1)) in its Gibbs state at beta = 1/T. Thermal operations
rho_B' = Tr_R[U (rho_B (x) gamma_R) U^dag] use U = (+)_E U_E, Haar random on every joint eigenspace
of H_B + H_R (``qbattery.physics.thermal_ops``), from a numpy Generator seeded with
[seed, thermal.stage_seed, part, N, bath size]. Every U's ||[U, H_total]||_F is recorded and checked.

Facts checked on every sample (D = quantum relative entropy in nats):

- no-go: gamma_B (x) gamma_R = exp(-beta(H_B + H_R))/Z commutes with U, so rho_B = gamma_B(beta)
  is mapped to itself and its ergotropy stays 0 (the largest value over samples is recorded);
- monotonicity: D(rho_B' || gamma_B) <= D(rho_B || gamma_B) for any rho_B (data processing under
  the Gibbs-preserving channel), on Gibbs, |e..e>, |+>^N and random mixed inputs;
- Gibbs-preserving-map view: on populations the TO acts as the column-stochastic matrix
  P[j, i] = sum_{r,r'} q_r |<j r'|U|i r>|^2 with P gamma_B = gamma_B (checked), the cheap route
  for incoherent states (checked against the full TO);
- resources: a non-thermal ancilla X (state sigma_X, Hamiltonian H_X) joins B and R and U commutes
  with H_B + H_R + H_X. With gamma = gamma_B (x) gamma_R (x) gamma_X (Gibbs at the bath beta) and
  rho = gamma_B (x) gamma_R (x) sigma_X: [U, gamma] = 0, so D(U rho U^dag || gamma) = D(rho || gamma)
  = D(sigma_X || gamma_X). Superadditivity of D against a product reference,
  D(tau_ABC || g_A (x) g_B (x) g_C) >= D(tau_A||g_A) + D(tau_B||g_B) + D(tau_C||g_C), then gives

      Erg(rho_B') <= D(rho_B'||gamma_B)/beta <= [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta
                  <= D(sigma_X||gamma_X)/beta = F_beta(sigma_X) - F_beta(gamma_X) =: Delta F_X.

  The first step: Erg(rho) = F_beta(rho) - F_beta(pi_rho) (passive pi_rho has the same entropy)
  and F_beta(pi_rho) >= F_beta(gamma_beta). So the ergotropy charged into a Gibbs battery is at
  most the free energy the resource spent, and at most its non-equilibrium free energy Delta F_X
  measured at the BATH temperature (for a hot resource: not at its own temperature).
- catalysts: if X is returned exactly (rho_X' = sigma_X; correlations with B R allowed) the spent
  free energy is 0 and the chain forces rho_B' = gamma_B: exact catalysis cannot charge a Gibbs
  battery. The ``catalyst`` family samples the energy-preserving unitaries that return a diagonal
  X exactly (X-controlled TOs, U = sum_x U_BR^(x) (x) |x><x|) and records the deviation of X
  (~1e-16) and the ergotropy (0). For every sample of every family the returned X's trace
  distance t = ||rho_X' - sigma_X||_1 / 2 bounds the spent free energy by continuity
  (``thermal_ops.catalyst_continuity_bound``): Erg(rho_B') <= T h(t) + t omega_X for a qubit X.

Resource families (X is one qubit): ``hot`` -- Gibbs at T_res = ratio T with
omega_X = omega_a + omega_R (the absorption-refrigerator resonance |g_B g_R e_X> <-> |e_B e_R g_X>;
a hot qubit resonant with the battery alone never inverts it); ``inverted`` -- omega_X = omega_a,
excited population p_e (p_e > 1/2: negative temperature); ``coherent`` -- omega_X = omega_a, Gibbs
populations at beta plus coherence c sqrt(p_g p_e) (c = 1: the pure coherent Gibbs state, all of
its free energy is coherence; Lostaglio, Jennings, Rudolph, Nat. Commun. 6, 6383 (2015));
``catalyst`` -- omega_X = omega_a, diag(1 - p_e, p_e), X-controlled TOs only.

The largest ergotropy over the sampled unitaries is a LOWER estimate of the supremum over all
thermal operations (random unitaries in large degenerate blocks concentrate; a bigger bath can
always do what a smaller one does, so the supremum never decreases with bath size, the sampled
maximum can).
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Sequence

import numpy as np
import xarray as xr

from .models.base import Numerics
from .provenance import provenance_attrs
from .physics.quantities import ergotropy
from .simulate import NumericalHealthError
from .physics.thermal_ops import (  # noqa: F401  (re-exported: the public thermal API)
    bath_energies,
    catalyst_continuity_bound,
    cells_energies,
    commutator_norm,
    conjugate,
    controlled_unitary,
    free_energy_difference,
    gibbs_populations,
    kl_to_gibbs,
    kron_sum,
    log_partition,
    population_map,
    product_state,
    random_energy_preserving_permutation,
    random_energy_preserving_unitary,
    random_sample_unitary,
    sample_kind,
    SAMPLE_KINDS,
    reduce,
    relative_entropy_to_gibbs,
    sample_unitaries,
    thermal_operation,
)
from .thermal_protocol import protocol_analysis
from .vocabulary import RESOURCE_KINDS, attrs, long_name_units
from .vocabulary import RESOURCE_PARAMETERS as VOCAB_RESOURCE_PARAMETERS

log = logging.getLogger("qbattery")

RESOURCES = RESOURCE_KINDS
#: resource kind -> (its parameter coordinate, long_name, units) (qbattery.vocabulary)
RESOURCE_PARAMETERS = {kind: (p, *long_name_units(p)) for kind, p in VOCAB_RESOURCE_PARAMETERS.items()}
BATTERY_INPUTS = ("gibbs", "excited", "plus", "random")
STATUS_OK, STATUS_VIOLATION = 0, 1
#: largest joint state stack (complex entries) held at once: caps the memory of a chunk (~128 MB)
CHUNK_ENTRIES = 8_000_000


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
        rng = np.random.default_rng([*list(rng_seed), N])
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
    if kind in ("inverted", "catalyst"):
        return np.diag([1.0 - float(value), float(value)]).astype(complex)
    if kind == "coherent":
        pg, pe = gibbs_populations(np.array([0.0, omega_X]), beta)
        c = float(value) * np.sqrt(pg * pe)
        return np.array([[pg, c], [c, pe]], dtype=complex)
    raise ValueError(f"unknown resource {kind!r}; allowed: {', '.join(RESOURCES)}")


def _rng(seed: int, stage_seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(stage_seed), *[int(k) for k in keys]])


def _chunks(samples: int, per_sample: int) -> list[slice]:
    step = max(1, CHUNK_ENTRIES // max(per_sample, 1))
    return [slice(i, min(i + step, samples)) for i in range(0, samples, step)]


def sample_resource_unitaries(kind: str, eB: np.ndarray, eR: np.ndarray, eX: np.ndarray, samples: int, rng: np.random.Generator):
    """Unitaries commuting with H_B + H_R + H_X: Haar on every joint eigenspace, or, for the
    ``catalyst`` family, X-controlled TOs sum_x U_BR^(x) (x) |x><x| (X returned exactly)."""
    e_tot = kron_sum(eB, eR, eX)
    if kind != "catalyst":
        return sample_unitaries(e_tot, samples, rng)
    e_BR = kron_sum(eB, eR)
    Us = np.stack([controlled_unitary([random_sample_unitary(e_BR, rng, s) for _ in eX]) for s in range(samples)])
    return Us, commutator_norm(Us, e_tot)


# --------------------------------------------------------------------------------------
# The stage's analyses
# --------------------------------------------------------------------------------------
def nogo_point(
    N: int, bath_kind: str, bath_size: int, omega_R: float, betas: np.ndarray, samples: int, seed: int, stage_seed: int
) -> dict[str, np.ndarray]:
    """Thermal operations on the battery inputs at every beta, ``samples`` random U.

    Returns ergotropy_after and D_after (beta, input, sample), D_before (beta, input),
    commutator (sample,), and the Gibbs-preserving-map checks over (beta,): gp_gibbs_deviation
    max_s ||P_s gamma_B - gamma_B||_1, gp_consistency max |diag(TO(rho)) - P diag(rho)| over the
    diagonal inputs, gp_stochasticity max |sum_j P_ji - 1|.
    """
    eB = cells_energies(N)
    eR = bath_energies(bath_kind, bath_size, omega_R)
    Us, comm = sample_unitaries(kron_sum(eB, eR), samples, _rng(seed, stage_seed, 0, N, bath_size))
    HB = np.diag(eB).astype(complex)
    nb, ni, dB = len(betas), len(BATTERY_INPUTS), len(eB)
    erg = np.empty((nb, ni, samples))
    d_after = np.empty((nb, ni, samples))
    d_before = np.empty((nb, ni))
    gp = {k: np.empty(nb) for k in ("gp_gibbs_deviation", "gp_consistency", "gp_stochasticity")}
    diagonal = [BATTERY_INPUTS.index("gibbs"), BATTERY_INPUTS.index("excited")]
    for ib, beta in enumerate(betas):
        rho = np.stack([battery_input(name, N, beta, (seed, stage_seed)) for name in BATTERY_INPUTS])
        d_before[ib] = relative_entropy_to_gibbs(rho, HB, beta)
        qR = gibbs_populations(eR, beta)
        joint = product_state(rho, np.diag(qR).astype(complex))
        outs = []
        for sl in _chunks(samples, ni * len(eB) ** 2 * len(eR) ** 2):
            out = reduce(conjugate(Us[sl, None], joint[None]), (dB, len(eR)), 0)  # (s, input, dB, dB)
            erg[ib, :, sl] = np.asarray(ergotropy(out, HB)).T
            d_after[ib, :, sl] = np.asarray(relative_entropy_to_gibbs(out, HB, beta)).T
            outs.append(out)
        out = np.concatenate(outs)
        P = population_map(Us, qR, dB)  # (S, dB, dB)
        gB = gibbs_populations(eB, beta)
        gp["gp_gibbs_deviation"][ib] = np.abs(P @ gB - gB).sum(axis=-1).max()
        gp["gp_stochasticity"][ib] = np.abs(P.sum(axis=-2) - 1.0).max()
        p_in = np.real(np.diagonal(rho[diagonal], axis1=-2, axis2=-1))  # (2, dB)
        p_gp = np.einsum("sji,ki->skj", P, p_in)
        gp["gp_consistency"][ib] = np.abs(np.real(np.diagonal(out[:, diagonal], axis1=-2, axis2=-1)) - p_gp).max()
    return {"ergotropy_after": erg, "D_after": d_after, "D_before": d_before, "commutator": comm, **gp}


RESOURCE_SAMPLE_VARS = (
    "ergotropy",
    "energy_change",
    "battery_free_energy",
    "spent_free_energy",
    "catalyst_trace_distance",
    "continuity_bound",
)


def resource_point(
    kind: str,
    values: np.ndarray,
    N: int,
    bath_kind: str,
    bath_size: int,
    omega_R: float,
    betas: np.ndarray,
    samples: int,
    seed: int,
    stage_seed: int,
) -> dict[str, np.ndarray]:
    """Gibbs battery + Gibbs bath + resource qubit X, ``samples`` unitaries commuting with H_B + H_R + H_X.

    Returns arrays over (beta, value, sample): battery ergotropy, battery energy change, battery
    free energy D(rho_B'||gamma_B)/beta, spent free energy [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta,
    catalyst trace distance ||rho_X' - sigma_X||_1 / 2 and its continuity bound on the spent free
    energy; over (beta, value): Delta F_X = D(sigma_X||gamma_X)/beta; commutator (sample,).
    """
    omega_X = resource_frequency(kind, 1.0, omega_R)
    eB, eR, eX = cells_energies(N), bath_energies(bath_kind, bath_size, omega_R), np.array([0.0, omega_X])
    dims = (len(eB), len(eR), 2)
    D = int(np.prod(dims))
    Us, comm = sample_resource_unitaries(kind, eB, eR, eX, samples, _rng(seed, stage_seed, 1 + RESOURCES.index(kind), N, bath_size))
    HB, HX = np.diag(eB).astype(complex), np.diag(eX).astype(complex)
    nb, nv = len(betas), len(values)
    out = {k: np.empty((nb, nv, samples)) for k in RESOURCE_SAMPLE_VARS}
    out["free_energy"] = np.empty((nb, nv))
    for ib, beta in enumerate(betas):
        gB = np.diag(gibbs_populations(eB, beta)).astype(complex)
        gR = np.diag(gibbs_populations(eR, beta)).astype(complex)
        sig = np.stack([resource_state(kind, v, beta, omega_X) for v in values])
        dX0 = np.asarray(relative_entropy_to_gibbs(sig, HX, beta))
        out["free_energy"][ib] = dX0 / beta
        rho = np.einsum("ab,xy,vij->vaxibyj", gB, gR, sig).reshape(nv, D, D)
        e0 = float(np.real(np.trace(gB @ HB)))
        for sl in _chunks(samples, nv * D * D):
            joint = conjugate(Us[sl, None], rho[None])  # (s, v, D, D)
            rB, rX = reduce(joint, dims, 0), reduce(joint, dims, 2)
            t = 0.5 * np.abs(np.linalg.eigvalsh(rX - sig[None])).sum(axis=-1)
            vals = {
                "ergotropy": ergotropy(rB, HB),
                "energy_change": np.real(np.einsum("svij,ji->sv", rB, HB)) - e0,
                "battery_free_energy": np.asarray(relative_entropy_to_gibbs(rB, HB, beta)) / beta,
                "spent_free_energy": (dX0[None] - np.asarray(relative_entropy_to_gibbs(rX, HX, beta))) / beta,
                "catalyst_trace_distance": t,
                "continuity_bound": catalyst_continuity_bound(t, beta, 2, omega_X),
            }
            for k, val in vals.items():
                out[k][ib, :, sl] = np.asarray(val).T
    out["commutator"] = comm
    return out


def _check(value: float, tol: float, what: str, where: str, numerics: Numerics) -> int:
    """STATUS_OK if value <= tol, else raise (on_violation == 'fail') or return STATUS_VIOLATION."""
    if value <= tol:
        return STATUS_OK
    msg = f"thermal operations: {what} = {value:.3e} > {tol:g} at {where}"
    if numerics.on_violation == "fail":
        raise NumericalHealthError(msg + " (set numerics.on_violation: nan to record it instead)")
    log.warning("%s; flagged", msg)
    return STATUS_VIOLATION


def joint_dimension(N: int, bath_kind: str, bath_size: int) -> int:
    """Dimension of B (x) R (x) X (the largest state the stage holds)."""
    return 2**N * len(bath_energies(bath_kind, bath_size, 1.0)) * 2


def _nogo_part(ds: xr.Dataset, th: dict, betas: np.ndarray, seed: int, stage_seed: int, numerics: Numerics) -> None:
    temps = 1.0 / betas
    Ns, sizes, bath, S = [int(n) for n in th["N"]], [int(m) for m in th["bath"]["sizes"]], th["bath"], int(th["samples"])
    tol_c, tol_n, tol_b = float(th["commutator_tol"]), float(th["nogo_tol"]), float(th["bound_tol"])
    nT, nN, nM, nI = len(temps), len(Ns), len(sizes), len(BATTERY_INPUTS)
    erg = np.empty((nT, nN, nM, nI, S))
    d_after = np.empty_like(erg)
    d_before = np.empty((nT, nN, nI))
    comm = np.empty((nN, nM))
    gp = {k: np.empty((nT, nN, nM)) for k in ("gp_gibbs_deviation", "gp_consistency", "gp_stochasticity")}
    for iN, N in enumerate(Ns):
        for iM, M in enumerate(sizes):
            r = nogo_point(N, bath["kind"], M, float(bath["omega"]), betas, S, seed, stage_seed)
            erg[:, iN, iM] = r["ergotropy_after"]
            d_after[:, iN, iM] = r["D_after"]
            d_before[:, iN] = r["D_before"]
            comm[iN, iM] = r["commutator"].max()
            for k in gp:
                gp[k][:, iN, iM] = r[k]
    gi = BATTERY_INPUTS.index("gibbs")
    dimsS = ("temperature", "N", "bath_size", "battery_input", "sample")
    dims3 = ("temperature", "N", "bath_size")
    ds["ergotropy_after"] = (dimsS, erg, attrs("ergotropy_after"))
    ds["D_after"] = (dimsS, d_after, attrs("D_after"))
    ds["D_before"] = (("temperature", "N", "battery_input"), d_before, attrs("D_before"))
    nogo_max = erg[:, :, :, gi].max(axis=-1)
    nogo_d = d_after[:, :, :, gi].max(axis=-1)
    ds["nogo_max_ergotropy"] = (dims3, nogo_max, attrs("nogo_max_ergotropy"))
    ds["nogo_max_D_after"] = (dims3, nogo_d, attrs("nogo_max_D_after"))
    d_inc = (d_after - d_before[:, :, None, :, None]).max(axis=-1)
    ds["max_D_increase"] = (dims3 + ("battery_input",), d_inc, attrs("max_D_increase"))
    ds["mean_D_after"] = (dims3 + ("battery_input",), d_after.mean(axis=-1), attrs("mean_D_after"))
    ds["commutator_norm_nogo"] = (("N", "bath_size"), comm, attrs("commutator_norm_nogo"))
    ds["gp_gibbs_deviation"] = (dims3, gp["gp_gibbs_deviation"], attrs("gp_gibbs_deviation"))
    ds["gp_consistency"] = (dims3, gp["gp_consistency"], attrs("gp_consistency"))
    ds["gp_stochasticity"] = (dims3, gp["gp_stochasticity"], attrs("gp_stochasticity"))
    status = np.zeros((nT, nN, nM), dtype=np.int32)
    for iT, iN, iM in np.ndindex(status.shape):
        where = f"T={temps[iT]:g}, N={Ns[iN]}, bath size={sizes[iM]}"
        status[iT, iN, iM] = max(
            _check(comm[iN, iM], tol_c, "||[U, H_B + H_R]||", where, numerics),
            _check(nogo_max[iT, iN, iM], tol_n, "max ergotropy from the Gibbs battery", where, numerics),
            _check(nogo_d[iT, iN, iM], tol_n, "max D(rho_B'||gamma_B) from the Gibbs battery", where, numerics),
            _check(float(d_inc[iT, iN, iM].max()), tol_b, "max increase of D(rho_B||gamma_B)", where, numerics),
            _check(gp["gp_gibbs_deviation"][iT, iN, iM], tol_n, "||P gamma_B - gamma_B||_1", where, numerics),
            _check(gp["gp_consistency"][iT, iN, iM], tol_n, "population map vs thermal operation", where, numerics),
        )
    ds["nogo_status"] = (dims3, status, attrs("nogo_status"))


def _resource_part(ds: xr.Dataset, th: dict, betas: np.ndarray, seed: int, stage_seed: int, numerics: Numerics) -> None:
    temps = 1.0 / betas
    Ns, sizes, bath, S = [int(n) for n in th["N"]], [int(m) for m in th["bath"]["sizes"]], th["bath"], int(th["samples"])
    tol_c, tol_n, tol_b = float(th["commutator_tol"]), float(th["nogo_tol"]), float(th["bound_tol"])
    nT, nN, nM = len(temps), len(Ns), len(sizes)
    for kind in RESOURCES:
        pname, plong, punits = RESOURCE_PARAMETERS[kind]
        values = np.asarray(th["resources"][pname], dtype=float)
        ds.coords[pname] = values
        ds[pname].attrs.update(attrs(pname))
        acc = {k: np.empty((nT, nN, nM, len(values), S)) for k in RESOURCE_SAMPLE_VARS}
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
        dimsRS = dimsR + ("sample",)
        omega_X = resource_frequency(kind, 1.0, float(bath["omega"]))
        ds[f"{kind}_free_energy"] = (("temperature", pname), free, attrs(f"{kind}_free_energy", omega_X=omega_X))
        for k in ("ergotropy", "spent_free_energy", "battery_free_energy", "catalyst_trace_distance", "continuity_bound"):
            ds[f"{kind}_{k}"] = (dimsRS, acc[k], attrs(f"{kind}_{k}"))
        stats = {
            "max_ergotropy": acc["ergotropy"].max(axis=-1),
            "mean_ergotropy": acc["ergotropy"].mean(axis=-1),
            "max_energy_change": acc["energy_change"].max(axis=-1),
            "max_battery_free_energy": acc["battery_free_energy"].max(axis=-1),
            "max_trace_distance": acc["catalyst_trace_distance"].max(axis=-1),
        }
        for k, val in stats.items():
            ds[f"{kind}_{k}"] = (dimsR, val, attrs(f"{kind}_{k}"))
        viol = np.maximum.reduce(
            [
                acc["ergotropy"] - acc["battery_free_energy"],
                acc["battery_free_energy"] - acc["spent_free_energy"],
                acc["spent_free_energy"] - free[:, None, None, :, None],
                acc["spent_free_energy"] - acc["continuity_bound"],
            ]
        ).max(axis=-1)
        ds[f"{kind}_max_bound_violation"] = (dimsR, viol, attrs(f"{kind}_max_bound_violation"))
        ds[f"{kind}_commutator_norm"] = (("N", "bath_size"), comm, attrs(f"{kind}_commutator_norm"))
        st = np.zeros(viol.shape, dtype=np.int32)
        for idx in np.ndindex(viol.shape):
            where = f"{kind} resource, T={temps[idx[0]]:g}, N={Ns[idx[1]]}, bath size={sizes[idx[2]]}, {pname}={values[idx[3]]:g}"
            checks = [
                _check(comm[idx[1], idx[2]], tol_c, "||[U, H]||", where, numerics),
                _check(float(viol[idx]), tol_b, "free-energy bound violation", where, numerics),
            ]
            if kind == "catalyst":  # exact catalysis: X returned, no ergotropy
                checks.append(_check(float(acc["catalyst_trace_distance"][idx].max()), tol_n, "catalyst deviation", where, numerics))
                checks.append(_check(float(acc["ergotropy"][idx].max()), tol_n, "ergotropy with an exact catalyst", where, numerics))
            st[idx] = max(checks)
        bad = st != STATUS_OK  # on_violation: nan -- the physics results of a flagged point become NaN
        for k in ("max_ergotropy", "mean_ergotropy", "max_energy_change", "max_battery_free_energy"):
            ds[f"{kind}_{k}"] = ds[f"{kind}_{k}"].where(~bad)
        ds[f"{kind}_status"] = (dimsR, st, attrs(f"{kind}_status"))


def thermal_dataset(config: dict) -> xr.Dataset:
    """The whole stage: no-go, monotonicity, Gibbs-preserving maps, resources and protocol W_TO."""
    th = config["thermal"]
    numerics = Numerics.of_job(config)
    seed, stage_seed = int(config["seed"]), int(th["stage_seed"])
    temps = np.asarray(th["temperature"], dtype=float)
    betas = 1.0 / temps
    Ns, sizes, bath, S = [int(n) for n in th["N"]], [int(m) for m in th["bath"]["sizes"]], th["bath"], int(th["samples"])
    for N in Ns:
        for M in sizes:
            dim = joint_dimension(N, bath["kind"], M)
            if dim > numerics.dense_max_dim:
                raise ValueError(
                    f"thermal: N={N}, bath size {M} gives a joint dimension {dim} > numerics.dense_max_dim="
                    f"{numerics.dense_max_dim}; lower thermal.N or thermal.bath.sizes"
                )
    coords = {
        "temperature": temps,
        "N": np.array(Ns, dtype=np.int64),
        "bath_size": np.array(sizes, dtype=np.int64),
        "battery_input": list(BATTERY_INPUTS),
        "sample": np.arange(S, dtype=np.int64),
    }
    ds = xr.Dataset(coords=coords)
    ds["temperature"].attrs.update(attrs("temperature", comment="bath temperature T = 1/beta"))
    ds["N"].attrs.update(attrs("N", comment="full 2^N battery space"))
    ds["bath_size"].attrs.update(attrs("bath_size", comment="qubits M" if bath["kind"] == "qubits" else "levels d"))
    for name in ("battery_input", "sample"):
        ds[name].attrs.update(attrs(name))
    ds["sample_kind"] = (("sample",), np.array([sample_kind(s) for s in range(S)], dtype=np.int32), attrs("sample_kind"))

    t0 = _time.perf_counter()
    _nogo_part(ds, th, betas, seed, stage_seed, numerics)
    log.info("thermal: no-go part done in %.2f s", _time.perf_counter() - t0)
    t1 = _time.perf_counter()
    _resource_part(ds, th, betas, seed, stage_seed, numerics)
    log.info("thermal: resource part done in %.2f s", _time.perf_counter() - t1)

    pds, margins = protocol_analysis(config, th["protocol"], numerics)
    st = pds["protocol_status"].values
    for margin, im, iN, where in margins:
        if _check(-margin, float(th["bound_tol"]), "ergotropy - W_TO", where, numerics) != STATUS_OK:
            st[im, iN] = STATUS_VIOLATION
            for var in ("protocol_W_TO", "protocol_relative_entropy"):
                pds[var].values[im, iN] = np.nan
    ds = ds.merge(pds)
    for name in ("battery_input", "protocol_model"):  # NetCDF char arrays (CF 1.x, readable by every netCDF-C tool)
        ds[name].encoding["dtype"] = "S1"
    ds.attrs.update(provenance_attrs(config))
    ds.attrs.update(
        {
            "stage": "thermal_operations",
            "model": "N-cell battery + Gibbs bath ancilla (+ resource qubit) under energy-preserving unitaries",
            "description": "thermal operations on an N-cell battery: no-go from the Gibbs state, monotonicity of D(rho||gamma), "
            "Gibbs-preserving population maps, non-thermal resources and their free-energy bound, W_TO of protocol states",
            "hamiltonian": "H_B = omega_a sum_i |e><e|_i on the full 2^N space, omega_a = 1",
            "normalisation": "energies in omega_a, entropies and relative entropies in nat, temperatures as energies (k_B = 1)",
            "bath": f"{bath['kind']} bath, H_R = omega_R "
            + ("sum_j |e><e|_j (M qubits)" if bath["kind"] == "qubits" else "diag(0..d-1) (d levels)")
            + f", omega_R = {float(bath['omega']):g}, Gibbs state at beta = 1/T",
            "thermal_operation": "rho_B' = Tr_R[U (rho_B (x) gamma_R) U^dag], U = (+)_E U_E on the joint eigenspaces of H_B + H_R "
            "(even samples Haar, odd samples random permutations with phases)",
            "gibbs_preserving_map": "populations: P[j,i] = sum_{r,r'} q_r |<j r'|U|i r>|^2, column stochastic, P gamma_B = gamma_B",
            "resources": "ancilla qubit X joins B and R, U commutes with H_B + H_R + H_X; "
            "hot: Gibbs at T_res = ratio T, omega_X = omega_a + omega_R; "
            "inverted: diag(1 - p_e, p_e), omega_X = omega_a; coherent: Gibbs populations at beta plus coherence "
            "c sqrt(p_g p_e), omega_X = omega_a; catalyst: diag(1 - p_e, p_e), omega_X = omega_a, X-controlled TOs only",
            "bound": "Erg(rho_B') <= D(rho_B'||gamma_B)/beta <= [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta "
            "<= D(sigma_X||gamma_X)/beta = F_beta(sigma_X) - F_beta(gamma_X) = Delta F_X (all at the bath beta)",
            "catalyst": "an exactly returned resource (rho_X' = sigma_X, correlations allowed) spends no free energy, so the bound forces "
            "rho_B' = gamma_B: exact catalysis cannot charge a Gibbs battery; a resource returned within trace distance t spends at most "
            "T [t ln(d_X - 1) + h(t)] + t (E_max - E_min) (Audenaert-Fannes)",
            "sampling_note": "max over sampled unitaries is a lower estimate of the supremum over all thermal operations",
            "W_TO": "W_TO = F_beta(rho) - F_beta(gamma_beta) = D(rho||gamma_beta)/beta; Dicke-subspace states use the full 2^N Gibbs "
            "state: D = -S(rho) + beta Tr(rho H_B) + N ln(1 + exp(-beta omega_a))",
            "references": "Janzing et al. IJTP 39, 2717 (2000); Horodecki & Oppenheim, Nat. Commun. 4, 2059 (2013); "
            "Brandao et al., PRL 111, 250404 (2013); Lostaglio, Jennings, Rudolph, Nat. Commun. 6, 6383 (2015); "
            "Audenaert, J. Phys. A 40, 8127 (2007); Allahverdyan, Balian, Nieuwenhuizen, EPL 67, 565 (2004)",
            "seeding": f"numpy Generator seeded with [seed={seed}, thermal.stage_seed={stage_seed}, part, N, bath size]",
            "samples": S,
            "commutator_tol": float(th["commutator_tol"]),
            "nogo_tol": float(th["nogo_tol"]),
            "bound_tol": float(th["bound_tol"]),
        }
    )
    log.info("thermal: total %.2f s", _time.perf_counter() - t0)
    return ds
