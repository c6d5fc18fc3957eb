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
from .models.base import realisation_rng
from .progress import Progress, point_costs
from .provenance import provenance_attrs
from .validation import simulate_args
from .vocabulary import declared_attrs
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
    model,
    N: int | Sequence[int],
    times: Iterable[float],
    numerics: Numerics | dict | None = None,
    config: dict | None = None,
    max_mem_mb: int | None = None,
    realisations: int | Sequence[int] | None = None,
    seed: int | None = None,
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

    A model with random parameters (``Model.random``) needs ``realisations`` (a count R, meaning
    r = 0..R-1, or a list of realisation indices) and ``seed`` (default: the config's ``seed``):
    realisation r is drawn from :func:`qbattery.models.base.realisation_rng` (seed, model, N, r), so
    ``realisations=[r]`` reproduces it alone; the dataset gains the dimension ``realisation``.
    ``rescale(N, point) -> point``: the parameters each point is run at (a normalisation of the
    coupling, ``qbattery.normalisations``); the grid's coordinates keep the configured values.
    """
    times = simulate_args(model, N, times, numerics, params, config, max_mem_mb)
    m = get_model(model) if isinstance(model, str) else model  # a Model instance: a user battery (qbattery.charge)
    model = m.name
    reals, seed = realisation_args(m, realisations, seed, config)
    num = numerics if isinstance(numerics, Numerics) else Numerics.from_config(numerics)
    Ns = [int(n) for n in np.atleast_1d(N)]
    t = np.asarray(list(times), dtype=float)
    dims, swept, fixed = parameter_grid(m, params)
    refuse_points(m, Ns, swept, fixed)
    rdims = ("realisation",) if reals is not None else ()
    shape = (len(Ns),) + ((len(reals),) if reals is not None else ()) + tuple(len(swept[d]) for d in dims)
    nt = len(t)
    #: figures of merit from the battery states where the closed face returns them in its energy basis
    fom_names = FOM_SERIES if m.closed_battery_basis == "dicke" else ()
    data = {k: np.full(shape + (nt,), np.nan) for k in ("energy", "ergotropy", "capacity", *m.series, *fom_names)}
    diag = {d.name: np.full(shape, np.nan) for d in m.diagnostics}
    status = np.zeros(shape, dtype=np.int8)
    reasons: list[str] = []
    hints: list[str] = []
    per_N = int(np.prod(shape[1:]))
    progress = Progress(f"simulate {model}", point_costs(m, Ns, len(t), per_N))
    for iN, n in enumerate(Ns):
        r_axis = range(len(reals)) if reals is not None else [None]
        grid = itertools.product(r_axis, itertools.product(*(range(len(swept[d])) for d in dims)))
        for j, (ir, idx) in enumerate(grid):
            point = dict(fixed)
            point.update({d: float(swept[d][i]) for d, i in zip(dims, idx)})
            pt = rescale(n, point) if rescale else point
            what = f"N={n} " + ("" if reals is None else f"realisation={reals[ir]} ") + " ".join(f"{k}={v:g}" for k, v in point.items())
            progress.start(iN * per_N + j, what)
            try:
                if reals is None:
                    traj, where = m.run(n, t, pt, num), (iN,) + idx
                else:  # the same draw at every parameter point of this (N, r)
                    draw = m.draw(n, realisation_rng(seed, m.name, n, reals[ir]))
                    traj, where = m.run(n, t, pt, num, disorder=draw), (iN, ir) + idx
            finally:
                progress.done(iN * per_N + j, what)
            if reals is not None:
                point = {"realisation": reals[ir], **point}
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
            if fom_names and traj.states is not None:
                for k, v in dicke_figures_of_merit(n, traj).items():
                    data[k][where] = v
    ds = _to_dataset(m, Ns, t, dims, swept, fixed, data, diag, status, reasons, num, config, rdims)
    if reals is not None:
        ds = ds.assign_coords(realisation=var_of("realisation", "realisation", np.asarray(reals, dtype=np.int64)))
        ds.attrs["disorder_seed"] = int(seed)
    if reasons and num.on_violation == "fail":
        healthy = int((status == 0).sum())
        raise NumericalHealthError(
            f"{reasons[0]}"
            + (f" (and {len(reasons) - 1} more points)" if len(reasons) > 1 else "")
            + f"; {healthy} of {status.size} points are healthy ({'; '.join(dict.fromkeys(hints))} or set numerics.on_violation: nan)",
            partial=ds,
        )
    return ds


def refuse_points(m, Ns: list[int], swept: dict, fixed: dict) -> None:
    """Refuse, before any computation, a grid point outside the model's domain (``Model.refuse``)."""
    from .config import refused_point
    from .validation import InputError

    grid = {**fixed, **{k: [float(x) for x in v] for k, v in swept.items()}}
    for n in Ns:
        bad = refused_point(m, int(n), grid)
        if bad:
            raise InputError(f"simulate: argument {bad[0]} of model {m.name!r}: {bad[1]}")


def realisation_args(m, realisations, seed, config) -> tuple[list[int] | None, int | None]:
    """The realisation indices and seed of a random model (None, None for a deterministic one)."""
    from .validation import InputError

    if not m.random:
        if realisations is not None:
            raise InputError(f"simulate: realisations = {realisations!r} given, but model {m.name!r} has no random parameters")
        return None, None
    if realisations is None:
        raise InputError(f"simulate: model {m.name!r} has random parameters; give realisations (a count R or a list of indices)")
    if seed is None:
        seed = (config or {}).get("seed")
    if seed is None or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"simulate: seed = {seed!r} for the random model {m.name!r}; allowed: an integer >= 0 (or a config with seed)")
    if isinstance(realisations, (int, np.integer)) and not isinstance(realisations, bool):
        reals = list(range(int(realisations)))
    else:
        reals = [int(r) for r in realisations] if isinstance(realisations, (list, tuple, np.ndarray)) else []
    if not reals or any(r < 0 for r in reals) or len(set(reals)) != len(reals):
        raise InputError(f"simulate: realisations = {realisations!r}; allowed: a count >= 1 or a non-empty list of distinct indices >= 0")
    return reals, int(seed)


def _to_dataset(m, Ns, t, dims, swept, fixed, data, diag, status, reasons, num, config, rdims=()) -> xr.Dataset:
    grid_dims = ("N", *rdims, *dims)
    tdims = grid_dims + ("t",)
    data = dict(data, stored_energy=data["energy"] - data["energy"][..., :1])
    names = ("energy", "stored_energy", "ergotropy", "capacity", *(f for f in FOM_SERIES if f in data))
    var = {k: var_of(k, tdims, data[k]) for k in names}
    for k, (ln, u) in m.series.items():
        var[k] = var_of(k, tdims, data[k], comment=ln, fallback=(ln, u))
    for d in m.diagnostics:
        var[d.name] = var_of(d.name, grid_dims, diag[d.name], comment=d.long_name, fallback=(d.long_name, d.units))
        if d.tolerance:
            var[d.name][2]["tolerance"] = getattr(num, d.tolerance)
    var["status"] = var_of("status", grid_dims, status)
    coords = {"N": var_of("N", "N", np.asarray(Ns, dtype=np.int64)), "t": var_of("t", "t", t)}
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
    coords = {d: (d, swept[d], declared_attrs(pmeta[d].long_name, pmeta[d].units)) for d in dims}
    coords.update({k: ((), v, declared_attrs(pmeta[k].long_name, pmeta[k].units)) for k, v in fixed.items()})
    return coords
