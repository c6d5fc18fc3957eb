"""Charging curves of one model: energy and ergotropy per cell vs time for a few N (shades of the
model's colour), one column per parameter point, from the simulated grid only.

Curves that coincide (independent cells: E/N does not depend on N) are noted in the panel.
Random models (a ``realisation`` axis) are drawn as the disorder mean with a band of one standard
error of the mean.
The global flip is drawn against its natural time N g t (the flip coupling is
g_N = N g), on the range every N covers, so its N curves can be read (they coincide).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .labels import model_label, quantity
from .power import PANEL_HEIGHT_IN, fixed_label, parameter_points, series
from .style import COLUMN_WIDTH_IN, DOUBLE_WIDTH_IN, coinciding, figure, note, panel_letters, shades
from .work import select_N

MAX_COLUMNS = 4  # parameter points drawn (the first MAX_COLUMNS; the panel says when more exist)
#: models whose time axis is drawn in the natural unit N g t (parameter "drive" = g)
NATURAL_TIME = {"global_flip"}


def plot_trajectories(ds: xr.Dataset, max_N: int = 3):
    """Rows: E(t)/N and Erg(t)/N [omega_a]; columns: parameter points; lines: up to ``max_N`` values of N."""
    name = ds.attrs["model"]
    all_points = parameter_points(ds.energy, name)
    points = all_points[:MAX_COLUMNS]
    cols = len(points)
    width = DOUBLE_WIDTH_IN if cols > 1 else COLUMN_WIDTH_IN
    fig, axes = figure(width=width, height=2 * PANEL_HEIGHT_IN + 0.45, nrows=2, ncols=cols, squeeze=False, sharex=True, sharey="row")
    Ns = select_N(ds.N.values, max_N)
    colours = dict(zip(Ns, shades(name, len(Ns))))
    t = ds.t.values
    natural = name in NATURAL_TIME and "drive" in ds.coords and ds["drive"].ndim == 0
    for j, (sel, label) in enumerate(points):
        for row, var in enumerate(("energy", "ergotropy")):
            ax = axes[row, j]
            mean, err = series(ds, var, sel)  # (N, t): the values, or the disorder mean and its SE
            row_of = {n: list(ds.N.values).index(n) for n in Ns}
            curves = {n: mean[row_of[n]] / n for n in Ns}
            bands = {n: err[row_of[n]] / n for n in Ns} if err is not None else {}
            if natural:
                g = float(ds["drive"].values)
                grid = t * Ns[0] * g  # common range: what the smallest N covers
                curves = {n: np.interp(grid, t * n * g, y) for n, y in curves.items()}
                x = grid
            else:
                x = t
            for n in Ns:
                ax.plot(x, curves[n], color=colours[n], label=rf"$N = {n}$")
                if n in bands:
                    ax.fill_between(x, curves[n] - bands[n], curves[n] + bands[n], color=colours[n], alpha=0.25, lw=0)
            for group in coinciding(curves):
                if len(group) > 1:
                    note(ax, r"$N = " + ", ".join(str(k) for k in group) + "$ coincide")
            if row == 0 and label:
                ax.set_title(label, fontsize=6)
            if j == 0:
                ax.set_ylabel(quantity(f"{var}_per_cell"))
            if row == 1:
                ax.set_xlabel(quantity("natural_time") if natural else quantity("t"))
    if len(all_points) > len(points):
        note(axes[0, -1], f"first {len(points)} of {len(all_points)} parameter points", loc="upper right")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=len(Ns), frameon=False, fontsize=6)
    fixed = fixed_label(ds)
    if "realisation" in ds.dims:
        fixed = (fixed + "; " if fixed else "") + f"mean of {ds.sizes['realisation']} realisations, band: SE"
    fig.suptitle(model_label(name) + (f" ({fixed})" if fixed else ""), fontsize=7)
    for ax in axes.ravel():
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    panel_letters(axes.ravel())
    return fig
