"""Run a model over an N x parameter grid and collect an xarray Dataset (the data model
of DESIGN.md): dims ``N``, each swept parameter, ``time``; units and long names on every
variable; model description, numerics and provenance in the attrs."""

from __future__ import annotations

import itertools
import logging
import time as _time
from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

from .models import Numerics, get_model
from .provenance import provenance_attrs
from .validation import simulate_args
from .vocabulary import var as var_of

log = logging.getLogger("qbattery")

STATUS_OK, STATUS_HEALTH = 0, 1

#: figures of merit along the trajectory of a model whose states are in the Dicke basis (issue 19)
FOM_SERIES = ("incoherent_ergotropy", "coherent_ergotropy", "asymptotic_ergotropy", "energy_variance")


def dicke_figures_of_merit(N: int, traj) -> dict[str, np.ndarray]:
    """Figures of merit (``physics.figures_of_merit``) of battery states rho_B(t) in the symmetric
    Dicke basis |N, k> (levels k omega_a, the full 2^N spectrum cells_spectrum(N) for the passive
    and Gibbs states): incoherent / coherent ergotropy (Francica et al. 2020), asymptotic ergotropy
    (Alicki and Fannes 2013; the zero-padded state has the same entropy) and the energy variance."""
    from .physics import figures_of_merit as fom
    from .physics.quantities import cells_spectrum

    rho = traj.states
    pops = np.real(np.einsum("tkk->tk", rho))
    levels = cells_spectrum(N)
    e_inc, e_coh = fom.diagonal_ergotropy_split(pops, traj.energy, traj.ergotropy, levels)
    S = fom.entropy_of_spectrum(np.linalg.eigvalsh(0.5 * (rho + np.swapaxes(rho, 1, 2).conj())))
    return {
        "incoherent_ergotropy": e_inc,
        "coherent_ergotropy": e_coh,
        "asymptotic_ergotropy": fom.asymptotic_ergotropy_batch(traj.energy, S, levels),
        "energy_variance": fom.energy_variance(pops, np.arange(N + 1)),
    }


class NumericalHealthError(RuntimeError):
    """A diagnostic exceeded its configured tolerance."""


def health_violation(
    where: str, bad: list[str], on_violation: str, hint: str = "raise the cutoff/tolerance", error: type[Exception] = NumericalHealthError
) -> str | None:
    """The health policy of every stage. No violation: None. ``on_violation == "fail"``: raise
    ``error`` naming the point (``where``) and the violated tolerances. Else log a warning and
    return the message; the caller records the point as NaN with status STATUS_HEALTH."""
    if not bad:
        return None
    msg = f"{where}: " + "; ".join(bad)
    if on_violation == "fail":
        raise error(f"{msg} ({hint} or set numerics.on_violation: nan)")
    log.warning(msg)
    return msg


def parameter_grid(model, params: dict) -> tuple[list[str], dict[str, np.ndarray], dict[str, float]]:
    """Split parameters into swept (lists -> dims) and fixed (scalars -> scalar coords)."""
    known = {p.name for p in model.parameters}
    unknown = set(params) - known
    if unknown:
        raise ValueError(f"model {model.name!r} has no parameter(s) {sorted(unknown)}; allowed: {sorted(known)}")
    swept, fixed, dims = {}, {}, []
    for p in model.parameters:
        v = params.get(p.name, p.default)
        if isinstance(v, (list, tuple, np.ndarray)):
            swept[p.name] = np.asarray(v, dtype=float)
            dims.append(p.name)
        else:
            fixed[p.name] = float(v)
    return dims, swept, fixed


def simulate(
    model: str,
    N: int | Sequence[int],
    times: Iterable[float],
    numerics: Numerics | dict | None = None,
    config: dict | None = None,
    max_mem_mb: int | None = None,
    rescale=None,
    **params,
) -> xr.Dataset:
    """Simulate ``model`` for every N and every point of the parameter grid.

    A parameter given as a list is swept (a dimension); a scalar is fixed (a scalar
    coordinate); an omitted one takes the model default. Example::

        qbattery.simulate("dicke", N=[2, 4, 8], coupling=[0.1, 0.2], times=np.linspace(0, 10, 401))

    Every argument is checked first (``qbattery.validation``, the config schema's rules): N
    positive integers, times from 0 strictly increasing (>= 3 points), parameters within their
    bounds (a swept list non-empty and unique), known numerics settings, and the model's memory
    estimate within ``max_mem_mb`` (default: ``resources.max_mem_mb`` of ``config``; without a
    config the schema default 16000); a violation raises a ValueError naming the argument.

    ``rescale(N, point) -> point``: the parameters each point is run at (a normalisation of the
    coupling, ``qbattery.normalisations``); the grid's coordinates keep the configured values.
    """
    times = simulate_args(model, N, times, numerics, params, config, max_mem_mb)
    m = get_model(model)
    num = numerics if isinstance(numerics, Numerics) else Numerics.from_config(numerics)
    Ns = [int(n) for n in np.atleast_1d(N)]
    t = np.asarray(list(times), dtype=float)
    dims, swept, fixed = parameter_grid(m, params)
    shape = (len(Ns),) + tuple(len(swept[d]) for d in dims)
    nt = len(t)
    #: figures of merit from the battery states where the closed face returns them in its energy basis
    fom_names = FOM_SERIES if m.closed_battery_basis == "dicke" else ()
    data = {k: np.full(shape + (nt,), np.nan) for k in ("energy", "ergotropy", "capacity", *m.series, *fom_names)}
    diag = {d.name: np.full(shape, np.nan) for d in m.diagnostics}
    status = np.zeros(shape, dtype=np.int8)
    reasons: list[str] = []
    total, done, t0 = int(np.prod(shape)), 0, _time.perf_counter()
    for iN, n in enumerate(Ns):
        for idx in itertools.product(*(range(len(swept[d])) for d in dims)):
            point = dict(fixed)
            point.update({d: float(swept[d][i]) for d, i in zip(dims, idx)})
            traj = m.run(n, t, rescale(n, point) if rescale else point, num)
            where = (iN,) + idx
            bad = [
                f"{d.name}={traj.diagnostics[d.name]:.3e} > {d.tolerance}={getattr(num, d.tolerance):g}"
                for d in m.diagnostics
                if d.tolerance and not traj.diagnostics[d.name] <= getattr(num, d.tolerance)
            ]
            for d in m.diagnostics:
                diag[d.name][where] = traj.diagnostics[d.name]
            label = f"numerical health: model={model} N={n} " + " ".join(f"{k}={v:g}" for k, v in point.items())
            msg = health_violation(label, bad, num.on_violation)
            if msg:
                status[where] = STATUS_HEALTH
                reasons.append(msg)
                continue
            data["energy"][where] = traj.energy
            data["ergotropy"][where] = traj.ergotropy
            data["capacity"][where] = traj.capacity
            for k in m.series:
                data[k][where] = traj.series[k]
            if fom_names and traj.states is not None:
                for k, v in dicke_figures_of_merit(n, traj).items():
                    data[k][where] = v
            done += 1
            el = _time.perf_counter() - t0
            log.info("%s: %d/%d points done, %.1f s elapsed, ~%.1f s left", model, done, total, el, el / done * (total - done))
    return _to_dataset(m, Ns, t, dims, swept, fixed, data, diag, status, reasons, num, config)


def _to_dataset(m, Ns, t, dims, swept, fixed, data, diag, status, reasons, num, config) -> xr.Dataset:
    grid_dims = ("N", *dims)
    tdims = grid_dims + ("time",)
    data = dict(data, stored_energy=data["energy"] - data["energy"][..., :1])
    names = ("energy", "stored_energy", "ergotropy", "capacity", *(f for f in FOM_SERIES if f in data))
    var = {k: var_of(k, tdims, data[k]) for k in names}
    for k, (ln, u) in m.series.items():
        var[k] = var_of(k, tdims, data[k], comment=ln, fallback=(ln, u))
    for d in m.diagnostics:
        var[d.name] = var_of(d.name, grid_dims, diag[d.name], comment=d.long_name, fallback=(d.long_name, "1"))
        if d.tolerance:
            var[d.name][2]["tolerance"] = getattr(num, d.tolerance)
    var["status"] = var_of("status", grid_dims, status)
    coords = {"N": var_of("N", "N", np.asarray(Ns, dtype=np.int64)), "time": var_of("time", "time", t, standard_name="time")}
    coords.update(parameter_coords(m, dims, swept, fixed))
    ds = xr.Dataset(var, coords=coords)
    ds.attrs.update(m.attrs())
    ds.attrs.update(num.attrs())
    ds.attrs["health_violations"] = "\n".join(reasons) if reasons else "none"
    ds.attrs.update(provenance_attrs(config))
    return ds


def parameter_coords(model, dims, swept: dict, fixed: dict) -> dict[str, tuple]:
    """Coordinates of the model parameters: a swept one is a dimension, a fixed one a 0-d coordinate
    (long_name and units as the catalogue declares them)."""
    pmeta = {p.name: p for p in model.parameters}
    coords = {d: (d, swept[d], {"long_name": pmeta[d].long_name, "units": pmeta[d].units}) for d in dims}
    coords.update({k: ((), v, {"long_name": pmeta[k].long_name, "units": pmeta[k].units}) for k, v in fixed.items()})
    return coords
