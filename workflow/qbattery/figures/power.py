"""Power figures from the power datasets (one panel per model, one line per parameter point):

- ``plot_power_scaling``: P_max vs N on log-log axes with the fitted exponent alpha +- SE and
  the parallel reference (dashed) (Ferraro et al. 2018, Fig. 2 style);
- ``plot_quantum_advantage``: Gamma(N) = P_max / P_max(reference) of the global models;
- ``plot_speed_limits``: tau* against the quantum speed limit of the state at tau*,
  t_QSL = max(t_MT, t_ML) (Mandelstam-Tamm; Giovannetti, Lloyd, Maccone 2003).

Every swept parameter point is drawn (colour), so no point of the grid is hidden. Models with
random parameters (a ``realisation`` axis) are drawn as their disorder mean with the standard
error of the mean as error bars (``analysis.disorder_statistics``), one curve per parameter point.
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from ..vocabulary import disorder_mean, disorder_stderr
from .labels import model_label, point_label, quantity
from .style import (
    DOUBLE_WIDTH_IN,
    MARKERS,
    coinciding,
    figure,
    model_colour,
    note,
    panel_letters,
    physical_order,
    readable_log_axis,
    shades,
)

PANEL_COLUMNS = 3
PANEL_HEIGHT_IN = 1.9

#: published laws of Gamma(N) drawn as guide lines: model -> (law, label)
ADVANTAGE_LAWS = {
    "dicke": (np.sqrt, r"$\sqrt{N}$ (Ferraro et al. 2018)"),
    "global_flip": (lambda N: np.asarray(N, float), r"$N$ (Binder et al. 2015)"),
}


def parameter_points(da: xr.DataArray, model: str | None = None) -> list[tuple[dict, str]]:
    """(selector, label) of every point of the non-N, non-time dimensions of ``da``; the label
    in display form ($\\lambda = 0.1$, "open chain", ...)."""
    dims = [d for d in da.dims if d not in ("N", "t", "realisation")]
    out = []
    for idx in itertools.product(*(range(da.sizes[d]) for d in dims)):
        sel = dict(zip(dims, idx))
        out.append((sel, point_label({d: da[d].values[i] for d, i in sel.items()}, model)))
    return out


def _points(ds: xr.Dataset, var: str) -> list[tuple[dict, str]]:
    """Parameter points of ``var``; points whose curves coincide are drawn once, their labels
    joined ("A and B (coincide)"), so no curve hides another without a note."""
    points = parameter_points(ds[var], ds.attrs["model"])
    curves = {i: series(ds, var, sel)[0] for i, (sel, _) in enumerate(points)}
    out = []
    for group in coinciding(curves):
        sel, lab = points[group[0]]
        if len(group) > 1:  # one label line per coinciding point: a legend no wider than its panel
            lab = " and\n".join(points[i][1] for i in group) + " (coincide)"
        out.append((sel, lab))
    return out


def series(ds: xr.Dataset, var: str, sel: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, standard error or None) of ``var`` at a parameter point: for a random model the
    stored disorder mean and its standard error (``<var>_disorder_mean``/``_disorder_stderr``),
    else (for a quantity without stored statistics) the same statistic computed here
    (``analysis.mean_and_stderr``); for a deterministic model the values themselves."""
    if "realisation" not in ds.dims:
        return _isel(ds[var], sel).values, None
    if disorder_mean(var) in ds:
        return _isel(ds[disorder_mean(var)], sel).values, _isel(ds[disorder_stderr(var)], sel).values
    from ..analysis import mean_and_stderr  # the power stage's statistic, for a quantity it does not store

    mean, err = mean_and_stderr(_isel(ds[var], sel))
    return mean.values, err.values


def draw(ax, x, y, err, fmt: str, **kw) -> None:
    """A line (``ax.plot``), or with standard-error bars when ``err`` is given (disorder means)."""
    if err is None:
        ax.plot(x, y, fmt, **kw)
    else:
        ax.errorbar(x, y, yerr=err, fmt=fmt, capsize=1.5, **kw)


def fixed_label(ds: xr.Dataset) -> str:
    """Fixed (scalar) parameters of a dataset, in display form, for the panel title."""
    fixed = {k: v.values for k, v in ds.coords.items() if v.ndim == 0 and k != "t"}
    return point_label(fixed, ds.attrs.get("model"))


def panel_grid(n: int, columns: int = PANEL_COLUMNS):
    """Figure with n panels on a grid of ``columns`` columns; unused axes removed."""
    cols = min(columns, max(n, 1))
    rows = int(np.ceil(max(n, 1) / cols))
    width = DOUBLE_WIDTH_IN if cols > 1 else 3.4
    fig, axes = figure(width=width, height=PANEL_HEIGHT_IN * rows + 0.3, nrows=rows, ncols=cols, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.remove()
    panel_letters(flat[:n])
    return fig, flat[:n]


def _title(ax, ds: xr.Dataset) -> None:
    fixed = fixed_label(ds)
    if "realisation" in ds.dims:  # random model: the curves are disorder means
        fixed = (fixed + "\n" if fixed else "") + f"mean of {ds.sizes['realisation']} realisations $\\pm$ SE"
    ax.set_title(model_label(ds.attrs["model"]) + (f"\n{fixed}" if fixed else ""), fontsize=7)


def _log_N_axis(ax, N: np.ndarray) -> None:
    ax.set_xscale("log")
    ax.set_xticks(N)
    ax.get_xaxis().set_major_formatter("{x:g}")
    ax.minorticks_off()
    ax.set_xlabel(quantity("N"))


def _isel(da: xr.DataArray, sel: dict) -> xr.DataArray:
    """``da`` at a parameter point (dimensions it lacks, e.g. a reference without that sweep, ignored)."""
    return da.isel({k: v for k, v in sel.items() if k in da.dims})


def _value(da: xr.DataArray, sel: dict) -> float:
    return float(_isel(da, sel).values)


def _sorted(datasets, var: str | None = None) -> list[xr.Dataset]:
    by = {d.attrs["model"]: d for d in datasets if var is None or var in d}
    return [by[n] for n in physical_order(by)]


def fitted_line(N: np.ndarray, P: np.ndarray, alpha: float) -> np.ndarray:
    """The fit P = c N^alpha of the analysis: alpha as fitted, c its least-squares intercept
    ``mean(log P - alpha log N)`` over the finite points."""
    ok = np.isfinite(P) & (P > 0)
    c = np.mean(np.log(P[ok]) - alpha * np.log(N[ok])) if ok.any() else np.nan
    return np.exp(c) * N.astype(float) ** alpha


def plot_power_scaling(datasets: list[xr.Dataset]):
    """P_max(N) per model (its colour, one shade and marker per parameter point), the fitted
    N^alpha line (thin, through the points) with alpha +- SE in the legend, the parallel
    reference dashed in the reference model's colour."""
    dss = _sorted(datasets)
    fig, axes = panel_grid(len(dss))
    for ax, ds in zip(axes, dss):
        name = ds.attrs["model"]
        N = ds.N.values
        points = _points(ds, "max_power")
        cols = shades(name, len(points))
        ref = ds.attrs.get("parallel_reference", "")
        exponent = "power_exponent_disorder_mean" if "realisation" in ds.dims else "power_exponent"
        for i, (sel, lab) in enumerate(points):
            P, err = series(ds, "max_power", sel)
            text = lab
            if exponent in ds:
                a, se = _value(ds[exponent], sel), _value(ds[exponent + "_stderr"], sel)
                text = (lab + ": " if lab else "") + rf"$\alpha = {a:.2f} \pm {se:.2f}$"
                if np.isfinite(a):
                    ax.plot(N, fitted_line(N, P, a), "-", color=cols[i], lw=0.6, alpha=0.7)
            draw(ax, N, P, err, MARKERS[i % len(MARKERS)], color=cols[i], ls="none", label=text)
            if "reference_max_power" in ds:
                ax.plot(
                    N,
                    _isel(ds.reference_max_power, sel).values,
                    "--",
                    color=model_colour(ref),
                    lw=0.9,
                    label=(model_label(ref) + " (reference)") if i == 0 else None,
                )
        ax.set_yscale("log")
        readable_log_axis(ax)
        _log_N_axis(ax, N)
        ax.set_ylabel(quantity("max_power"))
        _title(ax, ds)
        ax.legend(fontsize=5, frameon=False, loc="best")
    return fig


def plot_quantum_advantage(datasets: list[xr.Dataset]):
    """Gamma(N) of every model with a parallel reference, one shade per parameter point; Gamma = 1
    dotted; the published law (sqrt(N) Dicke, N global flip) dash-dotted grey."""
    dss = _sorted(datasets, "quantum_advantage")
    fig, axes = panel_grid(len(dss))
    for ax, ds in zip(axes, dss):
        name = ds.attrs["model"]
        N = ds.N.values
        points = _points(ds, "quantum_advantage")
        cols = shades(name, len(points))
        stats = {i: series(ds, "quantum_advantage", sel) for i, (sel, _) in enumerate(points)}
        curves = {i: v for i, (v, _) in stats.items()}
        for i, (_, lab) in enumerate(points):
            draw(ax, N, curves[i], stats[i][1], MARKERS[i % len(MARKERS)] + "-", color=cols[i], label=lab or None)
        if name in ADVANTAGE_LAWS:
            law, text = ADVANTAGE_LAWS[name]
            if any(coinciding({0: law(N), 1: c}) == [[0, 1]] for c in curves.values()):
                text += ": data on it"
            ax.plot(N, law(N), "-.", color="0.45", lw=0.9, label=text, zorder=3)
        ax.axhline(1.0, color="0.5", ls=":", lw=0.8)
        _log_N_axis(ax, N)
        ax.set_ylabel(r"$\Gamma = P_{\max}/P_{\max}^{\parallel}$")
        _title(ax, ds)
        note(ax, "reference: " + model_label(ds.attrs["parallel_reference"]), loc="upper left" if name == "spin_chain" else "lower right")
        if len(points) > 1 or name in ADVANTAGE_LAWS:
            ax.legend(fontsize=5, frameon=False, loc="lower left" if name == "spin_chain" else "upper left")
    return fig


def plot_speed_limits(datasets: list[xr.Dataset]):
    """tau* vs N (solid) against the speed limit max(t_MT, t_ML) of the state at tau* (dashed, same
    shade), one shade of the model colour per parameter point; line styles in a figure legend."""
    from matplotlib.lines import Line2D

    dss = _sorted(datasets, "qsl_time")
    fig, axes = panel_grid(len(dss))
    for ax, ds in zip(axes, dss):
        name = ds.attrs["model"]
        N = ds.N.values
        points = _points(ds, "qsl_time")
        cols = shades(name, len(points))
        for i, (sel, lab) in enumerate(points):
            c, m = cols[i], MARKERS[i % len(MARKERS)]
            (tau, tau_err), (qsl, qsl_err) = series(ds, "tau_star", sel), series(ds, "qsl_time_tau_star", sel)
            draw(ax, N, tau, tau_err, m + "-", color=c, ms=3, label=lab or None)
            draw(ax, N, qsl, qsl_err, m + "--", color=c, ms=2.5, mfc="none", lw=0.8)
            if coinciding({0: tau, 1: qsl}, rtol=1e-3) == [[0, 1]]:
                note(ax, r"$\tau^* = t_{\mathrm{QSL}}$ (bound saturated)")
        taus = {lab: series(ds, "tau_star", sel)[0] for sel, lab in points}
        for group in coinciding(taus):
            if len(group) > 1:
                note(ax, r"$\tau^*$ of " + " and\n".join(group) + " coincide", loc="center right")
        ax.set_yscale("log")
        readable_log_axis(ax)
        _log_N_axis(ax, N)
        ax.set_ylabel(quantity("charging_times"))
        _title(ax, ds)
        if len(points) > 1:
            ax.legend(fontsize=5, frameon=False, loc="lower left")
    handles = [
        Line2D([], [], color="0.3", ls="-", marker="o", ms=3, label=r"optimal charging time $\tau^*$"),
        Line2D(
            [],
            [],
            color="0.3",
            ls="--",
            marker="o",
            ms=2.5,
            mfc="none",
            lw=0.8,
            label=r"speed limit $\max(t_{\mathrm{MT}}, t_{\mathrm{ML}})$ of $\psi(\tau^*)$",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=6)
    return fig
