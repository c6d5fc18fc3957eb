"""Charging curves of one model: energy and ergotropy per cell vs time for a few N (colour),
one column per parameter point, from the simulated grid only."""

from __future__ import annotations

import seaborn as sns
import xarray as xr

from .power import PANEL_HEIGHT_IN, fixed_label, parameter_points
from .style import COLUMN_WIDTH_IN, DOUBLE_WIDTH_IN, figure
from .work import select_N

MAX_COLUMNS = 4  # parameter points drawn (the first MAX_COLUMNS; the caption says so)


def plot_trajectories(ds: xr.Dataset, max_N: int = 3):
    """Rows: E(t)/N and Erg(t)/N [omega_a]; columns: parameter points; lines: up to ``max_N`` values of N."""
    points = parameter_points(ds.energy)[:MAX_COLUMNS]
    cols = len(points)
    width = DOUBLE_WIDTH_IN if cols > 1 else COLUMN_WIDTH_IN
    fig, axes = figure(width=width, height=2 * PANEL_HEIGHT_IN + 0.3, nrows=2, ncols=cols, squeeze=False, sharex=True, sharey="row")
    Ns = select_N(ds.N.values, max_N)
    colours = dict(zip(Ns, sns.color_palette("viridis", len(Ns))))
    t = ds.time.values
    for j, (sel, label) in enumerate(points):
        for row, (var, name) in enumerate((("energy", "energy"), ("ergotropy", "ergotropy"))):
            ax = axes[row, j]
            for n in Ns:
                y = ds[var].isel(sel).sel(N=n).values / n
                ax.plot(t, y, color=colours[n], label=f"N={n}")
            if row == 0 and label:
                ax.set_title(label, fontsize=6)
            if j == 0:
                ax.set_ylabel(f"{name} / N [$\\omega_a$]")
            if row == 1:
                ax.set_xlabel(r"time [$\omega_a^{-1}$]")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=len(Ns), frameon=False, fontsize=6)
    fig.suptitle(ds.attrs.get("model_title", ds.attrs["model"]) + (f" ({fixed_label(ds)})" if fixed_label(ds) else ""), fontsize=7)
    for ax in axes.ravel():
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    return fig
