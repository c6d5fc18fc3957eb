"""Run a model over an N x parameter grid and collect an xarray Dataset (the data model
of DESIGN.md): dims ``N``, each swept parameter, ``time``; units and long names on every
variable; model description, numerics and provenance in the attrs."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

from .models import Numerics, get_model
from .progress import Progress, point_costs
from .provenance import provenance_attrs
from .validation import simulate_args
from .vocabulary import var as var_of

log = logging.getLogger("qbattery")

STATUS_OK, STATUS_HEALTH = 0, 1


class NumericalHealthError(RuntimeError):
    """A diagnostic exceeded its configured tolerance. ``partial``: the job's dataset with its
    healthy points kept and the failed ones NaN (status 1), when the job computed the others."""

    def __init__(self, message: str, partial: xr.Dataset | None = None):
        super().__init__(message)
        self.partial = partial


#: what to change when a tolerance is violated, by tolerance (the generic hint otherwise)
TOLERANCE_HINTS = {
    "truncation_tol": "raise numerics.fock_max_factor (the Fock cutoff grows to at most fock_max_factor x its start) "
    "or numerics.fock_max_dim, or numerics.fock_extra",
}


def tolerance_hint(bad: list[str]) -> str:
    """The config key to change for the violated tolerances ``bad`` ("<diag>=... > <tol>=...")."""
    hints = [h for tol, h in TOLERANCE_HINTS.items() if any(f"> {tol}=" in b for b in bad)]
    return "; ".join(hints) or "raise the cutoff/tolerance"


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
    """
    times = simulate_args(model, N, times, numerics, params, config, max_mem_mb)
    m = get_model(model)
    num = numerics if isinstance(numerics, Numerics) else Numerics.from_config(numerics)
    Ns = [int(n) for n in np.atleast_1d(N)]
    t = np.asarray(list(times), dtype=float)
    dims, swept, fixed = parameter_grid(m, params)
    shape = (len(Ns),) + tuple(len(swept[d]) for d in dims)
    nt = len(t)
    data = {k: np.full(shape + (nt,), np.nan) for k in ("energy", "ergotropy", "capacity", *m.series)}
    diag = {d.name: np.full(shape, np.nan) for d in m.diagnostics}
    status = np.zeros(shape, dtype=np.int8)
    reasons: list[str] = []
    hints: list[str] = []
    per_N = int(np.prod(shape[1:]))
    progress = Progress(f"simulate {model}", point_costs(m, Ns, len(t), per_N))
    for iN, n in enumerate(Ns):
        for j, idx in enumerate(itertools.product(*(range(len(swept[d])) for d in dims))):
            point = dict(fixed)
            point.update({d: float(swept[d][i]) for d, i in zip(dims, idx)})
            what = f"N={n} " + " ".join(f"{k}={v:g}" for k, v in point.items())
            progress.start(iN * per_N + j, what)
            try:
                traj = m.run(n, t, point, num)
            finally:
                progress.done(iN * per_N + j, what)
            where = (iN,) + idx
            bad = [
                f"{d.name}={traj.diagnostics[d.name]:.3e} > {d.tolerance}={getattr(num, d.tolerance):g}"
                for d in m.diagnostics
                if d.tolerance and not traj.diagnostics[d.name] <= getattr(num, d.tolerance)
            ]
            for d in m.diagnostics:
                diag[d.name][where] = traj.diagnostics[d.name]
            label = f"numerical health: model={model} N={n} " + " ".join(f"{k}={v:g}" for k, v in point.items())
            # under "fail" the other points are still computed: the error then carries them (a
            # job that fails keeps its healthy points, see NumericalHealthError.partial)
            msg = health_violation(label, bad, "nan")
            if msg:
                status[where] = STATUS_HEALTH
                reasons.append(msg)
                hints.append(tolerance_hint(bad))
                continue
            data["energy"][where] = traj.energy
            data["ergotropy"][where] = traj.ergotropy
            data["capacity"][where] = traj.capacity
            for k in m.series:
                data[k][where] = traj.series[k]
    ds = _to_dataset(m, Ns, t, dims, swept, fixed, data, diag, status, reasons, num, config)
    if reasons and num.on_violation == "fail":
        healthy = int((status == 0).sum())
        raise NumericalHealthError(
            f"{reasons[0]}"
            + (f" (and {len(reasons) - 1} more points)" if len(reasons) > 1 else "")
            + f"; {healthy} of {status.size} points are healthy ({'; '.join(dict.fromkeys(hints))} or set numerics.on_violation: nan)",
            partial=ds,
        )
    return ds


def _to_dataset(m, Ns, t, dims, swept, fixed, data, diag, status, reasons, num, config) -> xr.Dataset:
    grid_dims = ("N", *dims)
    tdims = grid_dims + ("time",)
    data = dict(data, stored_energy=data["energy"] - data["energy"][..., :1])
    var = {k: var_of(k, tdims, data[k]) for k in ("energy", "stored_energy", "ergotropy", "capacity")}
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
