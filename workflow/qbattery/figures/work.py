"""Work-statistics figure: TPM distributions P(W) as stem plots and the Jarzynski residual
over the whole grid, from the NetCDF datasets of the work_statistics stage only."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .labels import model_label, point_label
from .style import DOUBLE_WIDTH_IN, MARKERS, figure, label, model_colour, panel_letters, physical_order, shades

RESIDUAL_FLOOR = 1e-17  # exact zeros are drawn here on the log axis
STEM_MIN_PROBABILITY = 1e-4  # atoms below this are not drawn as stems


def select_N(Ns: np.ndarray, max_N: int) -> list[int]:
    """Up to ``max_N`` values of N spread over the list (smallest and largest always included)."""
    Ns = np.asarray(Ns)
    if len(Ns) <= max_N:
        return [int(n) for n in Ns]
    idx = np.unique(np.round(np.linspace(0, len(Ns) - 1, max_N)).astype(int))
    return [int(Ns[i]) for i in idx]


def _first_point(da: xr.DataArray, keep: tuple[str, ...]) -> xr.DataArray:
    return da.isel({d: 0 for d in da.dims if d not in keep})


def charged_tau(ds: xr.Dataset) -> int:
    """Index of the pulse duration with the largest mean work at the largest N, lowest temperature and
    first parameter point (the most charged pulse of the grid)."""
    mw = _first_point(ds.mean_work.isel(N=-1, temperature=0), ("tau",)).values
    return int(np.nanargmax(mw)) if np.any(np.isfinite(mw)) else 0


def _atoms(ds: xr.Dataset, N: int, it: int, itau: int) -> tuple[np.ndarray, np.ndarray]:
    sel = {"N": ds.N.values.tolist().index(N), "temperature": it, "tau": itau}
    W = _first_point(ds.work_value.isel(sel), ("atom",)).values
    P = _first_point(ds.work_probability.isel(sel), ("atom",)).values
    n = int(_first_point(ds.atom_count.isel(sel), ()).values)
    return W[:n], P[:n]


def _point_label(ds: xr.Dataset) -> str:
    """The parameter point drawn (first value of every swept parameter), in display form."""
    dims = [d for d in ds.mean_work.dims if d not in ("N", "temperature", "tau")]
    return point_label({d: ds[d].values[0] for d in dims}, ds.attrs["protocol"])


def plot_work_statistics(datasets: list[xr.Dataset], max_N: int = 3):
    """Stem plots of P(W) against W/N (lowest and highest temperature per protocol, up to ``max_N``
    values of N, the most charging pulse duration, first parameter point; atoms with P > 1e-4 drawn, x range
    from atoms with P > 1e-3) and, at the bottom, the Jarzynski residual of every grid point of every protocol."""
    by = {d.attrs["protocol"]: d for d in datasets}
    datasets = [by[n] for n in physical_order(by)]
    lettered = []
    n_p = len(datasets)
    per_row = 2  # protocols per row, two temperature panels each
    rows = (n_p + per_row - 1) // per_row
    fig, axes = figure(
        width=DOUBLE_WIDTH_IN,
        height=1.65 * rows + 1.8,
        squeeze=False,
        nrows=rows + 1,
        ncols=2 * per_row,
        gridspec_kw={"height_ratios": [1.0] * rows + [1.1]},
    )
    for ip, ds in enumerate(datasets):
        temps = ds.temperature.values
        its = sorted({0, len(temps) - 1})
        for k in range(2):
            ax = axes[ip // per_row, 2 * (ip % per_row) + k]
            if k >= len(its):
                ax.set_visible(False)
                continue
            it = its[k]
            itau = charged_tau(ds)
            lo, hi = np.inf, -np.inf
            for iN, N in enumerate(select_N(ds.N.values, max_N)):
                W, P = _atoms(ds, N, it, itau)
                if len(W) == 0:
                    continue
                shown = P > STEM_MIN_PROBABILITY  # invisible on the linear axis; keeps the PDF small
                W, P = W[shown], P[shown]
                visible = W[P > 1e-3] / N
                lo, hi = min(lo, visible.min(initial=0.0)), max(hi, visible.max(initial=0.0))
                colour = shades(ds.attrs["protocol"], min(len(ds.N), max_N))[iN]
                m, s, b = ax.stem(W / N, P, linefmt="-", markerfmt=MARKERS[iN % len(MARKERS)], basefmt=" ", label=rf"$N = {N}$")
                for artist in (m, s):
                    artist.set_color(colour)
                m.set_markersize(2.5)
                s.set_linewidth(0.8)
            if np.isfinite(lo):
                pad = 0.08 * max(hi - lo, 1.0)
                ax.set_xlim(lo - pad, hi + pad)
            tau = float(ds.tau.values[itau])
            name = model_label(ds.attrs["protocol"]) + (f"\n{_point_label(ds)}" if _point_label(ds) else "")  # panel-wide lines
            lettered.append(ax)
            ax.set_title(f"{name}\n" + rf"$T={temps[it]:g}\,\omega_a$, $\tau={tau:g}/\omega_a$", fontsize=6.5, linespacing=1.1)
            ax.set_xlabel(label("work_per_cell_short"))  # the long label is wider than a quarter-width panel
            if k == 0:
                ax.set_ylabel(label("probability"))
            ax.set_ylim(bottom=0)
            if k == 0:
                ax.legend(frameon=False, fontsize=5.5, handlelength=1.0, borderaxespad=0.2, loc="best")
    for j in range(n_p, rows * per_row):  # unused panels of the last row
        for k in range(2):
            axes[j // per_row, 2 * (j % per_row) + k].set_visible(False)
    gs = axes[rows, 0].get_gridspec()
    for ax in axes[rows]:
        ax.remove()
    ax = fig.add_subplot(gs[rows, :])
    tol = None
    for ip, ds in enumerate(datasets):
        r = ds.jarzynski_residual.values.ravel()
        r = np.where(r > RESIDUAL_FLOOR, r, RESIDUAL_FLOOR)
        x = ip + np.linspace(-0.3, 0.3, len(r)) if len(r) > 1 else np.array([float(ip)])
        ax.semilogy(x, r, "o", ms=2, color=model_colour(ds.attrs["protocol"], ip), alpha=0.8)
        tol = ds.jarzynski_residual.attrs.get("tolerance", tol)
    if tol is not None:
        ax.axhline(float(tol), ls="--", color="0.3", lw=0.8, label=rf"tolerance $10^{{{np.log10(float(tol)):.0f}}}$")
        ax.legend(frameon=False, loc="upper right")
    ax.set_xticks(range(n_p))
    ax.set_xticklabels(
        [model_label(ds.attrs["protocol"]) + ("" if ds.attrs.get("cyclic", 1) else "\n" + r"($\Delta F\neq 0$)") for ds in datasets],
        fontsize=6,
    )
    ax.set_ylabel("Jarzynski residual\n" + r"$|\langle e^{-\beta W}\rangle e^{\beta\Delta F} - 1|$")
    ax.set_title(r"Jarzynski residual at every grid point ($N$, $T$, parameters, $\tau$); exact zeros drawn at $10^{-17}$", fontsize=7)
    panel_letters(lettered + [ax])
    return fig
