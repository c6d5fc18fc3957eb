"""W_TO of the charging-protocol states: the work thermal operations extract at bath temperature T.

W_TO = F_beta(rho) - F_beta(gamma_beta) = D(rho || gamma_beta) / beta (Brandao et al., PRL 111,
250404 (2013)), next to the ergotropy and the stored energy, at the time of maximum ergotropy.

The models whose ``closed_battery_basis`` is "dicke" (``dicke_basis_models()``) return reduced battery states in the symmetric Dicke
basis |N, k> (k excited cells, H_B = diag(k omega_a)), embedded in the full 2^N space of N cells.
gamma_beta is the full 2^N Gibbs state; since it is a function of H_B, which leaves the symmetric
subspace invariant, -Tr(rho ln gamma_beta) = beta Tr(rho H_B) + ln Z_full with
Z_full = sum_k C(N, k) exp(-beta k omega_a) = (1 + exp(-beta omega_a))^N, so

    D(rho || gamma_beta) = -S(rho) + beta Tr(rho H_B) + N ln(1 + exp(-beta omega_a)).

Using the symmetric-subspace partition function sum_k exp(-beta k) instead would be wrong by
ln(Z_full / Z_sym) > 0. The ergotropy likewise uses the lowest levels of the full spectrum.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from .models.base import Numerics
from .physics.quantities import cells_spectrum, ergotropy, von_neumann_entropy
from .physics.thermal_ops import relative_entropy_to_gibbs
from .vocabulary import attrs

log = logging.getLogger("qbattery")


#: models whose Trajectory.states are battery states in the Dicke basis |N, k>, k = 0..N
def dicke_basis_models() -> list[str]:
    """Catalogue models whose closed face returns battery states in the Dicke basis |N, k>."""
    from .models import MODELS, models_with

    return [n for n in models_with("closed") if MODELS[n].closed_battery_basis == "dicke"]


STATUS_OK, STATUS_VIOLATION, STATUS_NO_MODEL, STATUS_NO_STATES = 0, 1, 2, 3


def _first(v):
    return v[0] if isinstance(v, list) else v


def dicke_state_w_to(rho: np.ndarray, N: int, temperatures: np.ndarray, state_tol: float = 1e-8) -> dict[str, np.ndarray | float]:
    """Energy, ergotropy, entropy, D(rho||gamma_beta) and W_TO of a Dicke-basis state of N cells
    (full 2^N spectrum for the passive state and for Z)."""
    HB = np.diag(np.arange(N + 1, dtype=float)).astype(complex)
    levels = cells_spectrum(N)
    D = np.array([relative_entropy_to_gibbs(rho, HB, 1.0 / T, levels) for T in temperatures])
    return {
        "energy": float(np.real(np.trace(rho @ HB))),
        "ergotropy": float(ergotropy(rho, HB, levels=levels, tol=state_tol)),
        "entropy": float(von_neumann_entropy(rho, tol=state_tol)),
        "relative_entropy": D,
        "W_TO": D * np.asarray(temperatures, dtype=float),
    }


def protocol_analysis(config: dict, pcfg: dict, numerics: Numerics) -> tuple[xr.Dataset, list[tuple[float, int, int, str]]]:
    """W_TO, ergotropy and stored energy of the protocol states at the time of maximum ergotropy.

    Every model is re-run through the library (datasets store observables, not states) at its N
    values and the first value of every swept parameter. Returns the dataset part and the list of
    (W_TO - ergotropy margin, model index, N index, where) for the caller's bound check."""
    from .config import model_times
    from .models import get_model

    names = list(pcfg["models"])
    temps = np.asarray(pcfg["temperature"], dtype=float)
    Ns = sorted({int(n) for m in names for n in config["models"].get(m, {}).get("N", [])}) or [1]
    shape = (len(names), len(Ns))
    v = {k: np.full(shape, np.nan) for k in ("time", "ergotropy", "stored_energy", "energy", "entropy", "min_margin")}
    D = np.full(shape + (len(temps),), np.nan)
    status = np.full(shape, STATUS_NO_MODEL, dtype=np.int32)
    margins: list[tuple[float, int, int, str]] = []
    for im, name in enumerate(names):
        if name not in config["models"]:
            log.warning("thermal.protocol: model %s is not in this study's models; NaN (status 2)", name)
            continue
        if name not in dicke_basis_models():
            raise ValueError(
                f"thermal.protocol.models: {name!r} has no Dicke-basis battery states; allowed: {', '.join(dicke_basis_models())}"
            )
        model = get_model(name)
        params = {k: float(_first(val)) for k, val in config["models"][name].items() if k not in ("N", "time")}
        times = model_times(config, name)
        status[im, [Ns.index(int(n)) for n in config["models"][name]["N"]]] = STATUS_NO_STATES
        for N in (int(n) for n in config["models"][name]["N"]):
            iN = Ns.index(N)
            traj = model.run(N, times, params, numerics)
            if traj.states is None:
                continue
            if traj.states.shape[-1] != N + 1:
                raise ValueError(f"thermal.protocol: {name} N={N} returned states of dimension {traj.states.shape[-1]}, not N + 1")
            i = int(np.argmax(traj.ergotropy))
            r = dicke_state_w_to(traj.states[i], N, temps, numerics.state_tol)
            status[im, iN] = STATUS_OK
            v["time"][im, iN] = times[i]
            v["stored_energy"][im, iN] = traj.energy[i] - traj.energy[0]
            for k in ("ergotropy", "energy", "entropy"):
                v[k][im, iN] = r[k]
            D[im, iN] = r["relative_entropy"]
            v["min_margin"][im, iN] = np.min(r["W_TO"]) - r["ergotropy"]
            margins.append((float(v["min_margin"][im, iN]), im, iN, f"protocol {name} N={N}"))
            log.info(
                "thermal.protocol %s N=%d: t=%.3g ergotropy=%.4g W_TO(T)=%s", name, N, times[i], r["ergotropy"], np.round(r["W_TO"], 4)
            )
    dims = ("protocol_model", "protocol_N")
    ds = xr.Dataset(coords={"protocol_model": names, "protocol_N": np.array(Ns, dtype=np.int64), "bath_temperature": temps})
    for name in ("protocol_model", "protocol_N", "bath_temperature"):
        ds[name].attrs.update(attrs(name))
    meta = {
        "time": "protocol_time",
        "ergotropy": "protocol_ergotropy",
        "stored_energy": "protocol_stored_energy",
        "energy": "protocol_energy",
        "entropy": "protocol_entropy",
        "min_margin": "protocol_min_bound_margin",
    }
    for k, name in meta.items():
        ds[name] = (dims, v[k], attrs(name))
    ds["protocol_relative_entropy"] = (dims + ("bath_temperature",), D, attrs("protocol_relative_entropy"))
    ds["protocol_W_TO"] = (dims + ("bath_temperature",), D * temps[None, None, :], attrs("protocol_W_TO"))
    ds["protocol_status"] = (dims, status, attrs("protocol_status"))
    return ds, margins
