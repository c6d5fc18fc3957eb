"""P_max vs N on log-log axes with fitted exponents, global models against their
parallel references (Ferraro et al. 2018, Fig. 2 style)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import MARKERS, figure, model_colour


def _first_point(da: xr.DataArray) -> xr.DataArray:
    """Select the first value of every non-N dimension (the figure shows one parameter point)."""
    return da.isel({d: 0 for d in da.dims if d != "N"})


def _label_point(ds: xr.Dataset) -> str:
    """The parameter point drawn: first value of every swept axis, plus fixed scalars."""
    parts = [f"{d}={float(ds[d].values[0]):g}" for d in ds.max_power.dims if d != "N"]
    return ", ".join(parts)


def plot_power_scaling(datasets: list[xr.Dataset]):
    """One panel: P_max(N) for each model (first point of its other sweep axes), fits N^alpha."""
    n_lines = len(datasets) + sum("reference_max_power" in d for d in datasets)
    fig, ax = figure(height=2.6 + 0.16 * n_lines)
    drawn_refs = set()
    for i, ds in enumerate(sorted(datasets, key=lambda d: d.attrs["model"])):
        name = ds.attrs["model"]
        N = ds.N.values
        P = _first_point(ds.max_power).values
        label = ds.attrs.get("model_title", name)
        point = _label_point(ds)
        if point:
            label += f" [{point}]"
        if "alpha" in ds:
            a = float(_first_point(ds.alpha).values) if ds.alpha.ndim else float(ds.alpha)
            se = float(_first_point(ds.alpha_stderr).values) if ds.alpha_stderr.ndim else float(ds.alpha_stderr)
            label += rf" ($\alpha$={a:.2f}$\pm${se:.2f})"
        ax.loglog(N, P, MARKERS[i % len(MARKERS)] + "-", color=model_colour(name, i), label=label)
        ref = ds.attrs.get("parallel_reference")
        if "reference_max_power" in ds and ref not in drawn_refs and ref not in {d.attrs["model"] for d in datasets}:
            ax.loglog(N, _first_point(ds.reference_max_power).values, "--", color=model_colour(ref, i + 1), label=f"{ref} (reference)")
            drawn_refs.add(ref)
    ax.set_xlabel(r"number of cells $N$")
    ax.set_ylabel(r"maximal average power $P_{\max}$ [$\omega_a^2$]")
    fig.legend(loc="outside lower center", ncol=1, frameon=False, fontsize=6)
    ax.set_xticks(np.unique(np.concatenate([d.N.values for d in datasets])))
    ax.get_xaxis().set_major_formatter("{x:g}")
    return fig
