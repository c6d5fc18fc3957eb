"""Power figures from the power datasets (one panel per model, one line per parameter point):

- ``plot_power_scaling``: P_max vs N on log-log axes with the fitted exponent alpha +- SE and
  the parallel reference (dashed) (Ferraro et al. 2018, Fig. 2 style);
- ``plot_quantum_advantage``: Gamma(N) = P_max / P_max(reference) of the global models;
- ``plot_speed_limits``: tau* against the quantum speed limit of the state at tau*,
  t_QSL = max(t_MT, t_ML) (Mandelstam-Tamm; Giovannetti, Lloyd, Maccone 2003).

Every swept parameter point is drawn (colour), so no point of the grid is hidden.
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from .style import DOUBLE_WIDTH_IN, MARKERS, PALETTE, figure

PANEL_COLUMNS = 3
PANEL_HEIGHT_IN = 1.9


def parameter_points(da: xr.DataArray) -> list[tuple[dict, str]]:
    """(selector, label) of every point of the non-N, non-time dimensions of ``da``."""
    dims = [d for d in da.dims if d not in ("N", "time")]
    out = []
    for idx in itertools.product(*(range(da.sizes[d]) for d in dims)):
        sel = dict(zip(dims, idx))
        label = ", ".join(f"{d}={float(da[d].values[i]):g}" for d, i in sel.items())
        out.append((sel, label))
    return out


def fixed_label(ds: xr.Dataset) -> str:
    """Fixed (scalar) parameters of a dataset, for the panel title."""
    return ", ".join(f"{k}={float(v.values):g}" for k, v in ds.coords.items() if v.ndim == 0 and k != "time")


def panel_grid(n: int, columns: int = PANEL_COLUMNS):
    """Figure with n panels on a grid of ``columns`` columns; unused axes removed."""
    cols = min(columns, max(n, 1))
    rows = int(np.ceil(max(n, 1) / cols))
    fig, axes = figure(width=DOUBLE_WIDTH_IN, height=PANEL_HEIGHT_IN * rows + 0.2, nrows=rows, ncols=cols, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.remove()
    return fig, flat[:n]


def _title(ax, ds: xr.Dataset) -> None:
    fixed = fixed_label(ds)
    ax.set_title(ds.attrs.get("model_title", ds.attrs["model"]) + (f"\n{fixed}" if fixed else ""), fontsize=7)


def _log_N_axis(ax, N: np.ndarray) -> None:
    ax.set_xscale("log")
    ax.set_xticks(N)
    ax.get_xaxis().set_major_formatter("{x:g}")
    ax.minorticks_off()
    ax.set_xlabel(r"$N$")


def _isel(da: xr.DataArray, sel: dict) -> xr.DataArray:
    """``da`` at a parameter point (dimensions it lacks, e.g. a reference without that sweep, ignored)."""
    return da.isel({k: v for k, v in sel.items() if k in da.dims})


def _value(da: xr.DataArray, sel: dict) -> float:
    return float(_isel(da, sel).values)


def plot_power_scaling(datasets: list[xr.Dataset]):
    """P_max(N) per model and parameter point, fit N^alpha in the legend, reference dashed."""
    dss = sorted(datasets, key=lambda d: d.attrs["model"])
    fig, axes = panel_grid(len(dss))
    for ax, ds in zip(axes, dss):
        N = ds.N.values
        for i, (sel, label) in enumerate(parameter_points(ds.max_power)):
            c = PALETTE[i % len(PALETTE)]
            P = ds.max_power.isel(sel).values
            lab = label or "P$_{\\max}$"
            if "power_exponent" in ds:
                lab += rf" $\alpha$={_value(ds.power_exponent, sel):.2f}$\pm${_value(ds.power_exponent_stderr, sel):.2f}"
            ax.plot(N, P, MARKERS[i % len(MARKERS)] + "-", color=c, label=lab)
            if "reference_max_power" in ds:
                ax.plot(N, _isel(ds.reference_max_power, sel).values, "--", color=c, lw=0.9, label="reference" if i == 0 else None)
        ax.set_yscale("log")
        _log_N_axis(ax, N)
        ax.set_ylabel(r"$P_{\max}$ [$\omega_a^2$]")
        _title(ax, ds)
        ax.legend(fontsize=5, frameon=False, loc="best")
    return fig


def plot_quantum_advantage(datasets: list[xr.Dataset]):
    """Gamma(N) of every model with a parallel reference, one line per parameter point; Gamma = 1 dotted."""
    dss = sorted((d for d in datasets if "quantum_advantage" in d), key=lambda d: d.attrs["model"])
    fig, axes = panel_grid(len(dss))
    for ax, ds in zip(axes, dss):
        N = ds.N.values
        for i, (sel, label) in enumerate(parameter_points(ds.quantum_advantage)):
            gam = ds.quantum_advantage.isel(sel).values
            ax.plot(N, gam, MARKERS[i % len(MARKERS)] + "-", color=PALETTE[i % len(PALETTE)], label=label or None)
        ax.axhline(1.0, color="0.5", ls=":", lw=0.8)
        _log_N_axis(ax, N)
        ax.set_ylabel(rf"$\Gamma$ vs {ds.attrs['parallel_reference']}", fontsize=6)
        _title(ax, ds)
        if len(parameter_points(ds.quantum_advantage)) > 1:
            ax.legend(fontsize=5, frameon=False, loc="best")
    return fig


def plot_speed_limits(datasets: list[xr.Dataset]):
    """tau* vs N (solid) against the speed limit max(t_MT, t_ML) of the state at tau* (dashed, same
    colour), one colour per parameter point; line styles explained in a figure legend."""
    from matplotlib.lines import Line2D

    dss = sorted((d for d in datasets if "qsl_time" in d), key=lambda d: d.attrs["model"])
    fig, axes = panel_grid(len(dss))
    for ax, ds in zip(axes, dss):
        N = ds.N.values
        points = parameter_points(ds.qsl_time)
        for i, (sel, label) in enumerate(points):
            c, m = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
            ax.plot(N, ds.tau_star.isel(sel).values, m + "-", color=c, ms=3, label=label or None)
            ax.plot(N, ds.qsl_time_tau_star.isel(sel).values, m + "--", color=c, ms=2.5, mfc="none", lw=0.8)
        ax.set_yscale("log")
        _log_N_axis(ax, N)
        ax.set_ylabel(r"time [$\omega_a^{-1}$]")
        _title(ax, ds)
        if len(points) > 1:
            ax.legend(fontsize=5, frameon=False, loc="best")
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
            label=r"speed limit max($t_{MT}$, $t_{ML}$) of $\psi(\tau^*)$",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=6)
    return fig
