"""Quantum advantage under every normalisation (issue 19, docs/quantum-advantage.md).

``plot_normalisations``: one row per global model, one column per normalisation of
``power.normalisations``; each panel Gamma(N) of every parameter point (colour) on log-log
axes, the fitted exponent alpha of P_max in the panel, and the published laws as guides
through Gamma(1) = 1: sqrt(N) (Dicke at fixed coupling, Ferraro et al. 2018; dashed), N (global
flip at equal norm, Binder et al. 2015 / the extensive limit of Gyhm et al. 2022; dotted) and 1.
An undefined normalisation (NaN factor, e.g. equal_norm of an unbounded cavity coupling) is an
empty panel that says so.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from .labels import model_label
from .power import parameter_points
from .style import DOUBLE_WIDTH_IN, MARKERS, figure, panel_letters, physical_order, shades

PANEL_HEIGHT_IN = 1.5
GUIDES = ((0.5, "--", r"$\sqrt{N}$"), (1.0, ":", r"$N$"), (0.0, "-", "1"))
#: column titles: each normalisation's name in words (definitions: ``qbattery.normalisations``)
TITLES = {
    "fixed_coupling": "fixed coupling",
    "kac": r"Kac scaling ($1/\sqrt{N}$)",
    "equal_norm": r"equal norm $\|V\|$",
    "equal_charger_energy": "equal charger energy",
}


def normalised_models(datasets: list[xr.Dataset]) -> list[xr.Dataset]:
    """The power datasets that carry the normalisation dimension, in the physical order of the models."""
    by = {d.attrs["model"]: d for d in datasets if "quantum_advantage_normalised" in d}
    return [by[n] for n in physical_order(by)]


def plot_normalisations(datasets: list[xr.Dataset]):
    """Gamma(N) under every normalisation side by side, with the sqrt(N), N and 1 guides."""
    dss = normalised_models(datasets)
    names = list(dss[0].normalisation.values) if dss else []
    rows, cols = max(len(dss), 1), max(len(names), 1)
    fig, axes = figure(DOUBLE_WIDTH_IN, PANEL_HEIGHT_IN * rows, nrows=rows, ncols=cols, squeeze=False)
    for r, ds in enumerate(dss):
        N = ds.N.values.astype(float)
        grid = np.geomspace(1.0, N.max(), 50)
        for c, name in enumerate(names):
            ax = axes[r][c]
            gam = ds.quantum_advantage_normalised.sel(normalisation=name)
            for a, ls, _ in GUIDES:
                ax.plot(grid, grid**a, ls=ls, color="0.6", lw=0.7, zorder=0)
            if not np.isfinite(gam.values).any():
                ax.text(0.5, 0.5, "undefined", transform=ax.transAxes, ha="center", va="center", fontsize=6, color="0.4")
            points = parameter_points(gam)
            colours = shades(str(ds.attrs["model"]), len(points))  # the model's colour, one shade per point
            for i, (sel, label) in enumerate(points):
                ax.plot(
                    N,
                    gam.isel(sel).values,
                    MARKERS[i % len(MARKERS)] + "-",
                    color=colours[i],
                    ms=2.5,
                    lw=0.9,
                    label=label or None,
                )
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(N, [f"{int(n)}" for n in N])
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
            ax.yaxis.set_minor_formatter(NullFormatter())
            title = TITLES.get(str(name), str(name).replace("_", " "))
            if "power_exponent_normalised" in ds:
                a = ds.power_exponent_normalised.sel(normalisation=name).values.ravel()
                if np.isfinite(a).any():
                    title += (
                        "\n" + rf"$\alpha$ = {np.nanmin(a):.2f}" + (f" to {np.nanmax(a):.2f}" if np.nanmax(a) - np.nanmin(a) > 5e-3 else "")
                    )
            ax.set_title(title, fontsize=6, loc="left")  # the panel letter goes in front of it
            if c == 0:
                ax.set_ylabel(rf"$\Gamma$: {model_label(str(ds.attrs['model']))}", fontsize=6)
            if r == rows - 1:
                ax.set_xlabel(r"$N$")
        if len(parameter_points(ds.quantum_advantage_normalised.sel(normalisation=names[0]))) > 1:
            axes[r][0].legend(fontsize=4, frameon=False, loc="best")
    panel_letters(list(np.ravel(axes)))
    from matplotlib.lines import Line2D

    fig.legend(
        handles=[Line2D([], [], color="0.6", ls=ls, lw=0.7, label=lab) for _, ls, lab in GUIDES],
        loc="outside upper center",
        ncols=3,
        fontsize=6,
        frameon=False,
        title="guides through $\\Gamma(1) = 1$: Ferraro 2018 ($\\sqrt{N}$), Binder 2015 ($N$)",
        title_fontsize=6,
    )
    return fig
