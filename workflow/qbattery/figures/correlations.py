"""Battery-charger correlations: one row per model, columns I(B:C)(t), <H_int>(t) share of the
total energy, global vs local ergotropy over time for a few N, and the fraction of the global
ergotropy locked in correlations at the switch-off times vs N."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .labels import TIMES, model_label, point_label, quantity
from .style import DOUBLE_WIDTH_IN, MARKERS, PALETTE, figure, panel_letters, physical_order, shades


ROUND_OFF = 1e-12  # |<H_int>| / E_tot below this is drawn as 0 (resonant exchange: exactly 0)


def _first_point(da: xr.DataArray) -> xr.DataArray:
    """First value of every swept parameter axis (the figure shows one parameter point)."""
    return da.isel({d: 0 for d in da.dims if d not in ("N", "t", "switch_off")})


def _point_label(ds: xr.Dataset) -> str:
    swept = [d for d in ds.mutual_information.dims if d not in ("N", "t")]
    return point_label({d: ds[d].values[0] for d in swept}, ds.attrs["model"])


def pick_N(values: np.ndarray, max_N: int) -> list[int]:
    """Up to ``max_N`` values of N: smallest, largest and evenly spread in between."""
    v = sorted(int(x) for x in values)
    if len(v) <= max_N:
        return v
    idx = np.unique(np.round(np.linspace(0, len(v) - 1, max_N)).astype(int))
    return [v[i] for i in idx]


def _zero_share(ds: xr.Dataset) -> bool:
    return bool(np.all(np.abs(np.nan_to_num(ds.interaction_share.values)) < ROUND_OFF))


def plot_correlations(datasets: list[xr.Dataset], max_N: int = 3):
    """The correlation figure of a study (one row per correlation dataset, physical order). The
    <H_int> column is left out when it is zero for every model; a row where it is zero says so
    in that panel, which then holds the row's legend of N."""
    by = {d.attrs["model"]: d for d in datasets}
    dss = [by[n] for n in physical_order(by)]
    share_column = not all(_zero_share(d) for d in dss)
    ncols = 4 if share_column else 3
    fig, axes = figure(width=DOUBLE_WIDTH_IN, height=0.5 + 1.55 * len(dss), nrows=len(dss), ncols=ncols, squeeze=False)
    col_erg, col_frac = ncols - 2, ncols - 1
    for row, ds in zip(axes, dss):
        name = ds.attrs["model"]
        t = ds.t.values
        Ns = pick_N(ds.N.values, max_N)
        cols = shades(name, len(Ns))
        zero = _zero_share(ds)
        for j, N in enumerate(Ns):
            c = cols[j]
            s = _first_point(ds.sel(N=N))
            row[0].plot(t, s.mutual_information, color=c, label=rf"$N = {N}$")
            if share_column and not zero:
                share = s.interaction_share.values
                row[1].plot(t, np.where(np.abs(share) < ROUND_OFF, 0.0, share), color=c)
            row[col_erg].plot(t, s.global_ergotropy / N, color=c, ls="-")
            row[col_erg].plot(t, (s.ergotropy + s.charger_ergotropy) / N, color=c, ls="--")
            row[col_erg].plot(t, s.ergotropy / N, color=c, ls=":")
        if "switch_off" in ds.dims:
            for k, so in enumerate(ds.switch_off.values):
                lf = _first_point(ds.locked_fraction_at_switch_off.sel(switch_off=so))
                row[col_frac].plot(
                    ds.N.values,
                    lf,
                    MARKERS[k % len(MARKERS)] + "-",
                    color=PALETTE[7 if k else 0],
                    label="locked at " + TIMES.get(str(so), str(so)),
                )
            so0 = str(ds.switch_off.values[0])
            ratio = _first_point(ds.ergotropy_ratio_at_switch_off.isel(switch_off=0))
            row[col_frac].plot(ds.N.values, ratio, "x--", color="0.45", label=r"$\mathcal{E}_B/E_B$ at " + TIMES.get(so0, so0))
            row[col_frac].set_xscale("log", base=2)
            row[col_frac].set_xticks(ds.N.values)
            row[col_frac].get_xaxis().set_major_formatter("{x:g}")
            row[col_frac].minorticks_off()
        if share_column:
            if zero:
                row[1].set_xticks([])
                row[1].set_yticks([])
                row[1].text(
                    0.5,
                    0.3,
                    r"$\langle H_{\mathrm{int}}\rangle = 0$ at all $t$" + "\n(resonant exchange)",
                    transform=row[1].transAxes,
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="0.3",
                )
                row[1].legend(*row[0].get_legend_handles_labels(), frameon=False, fontsize=6, loc="upper center")
            else:
                row[1].set_ylabel(quantity("interaction_share"))
                row[1].legend(*row[0].get_legend_handles_labels(), frameon=False, fontsize=6, loc="best")
        else:
            row[0].legend(frameon=False, fontsize=6, loc="upper left", bbox_to_anchor=(0.0, 1.0))
        point = _point_label(ds)
        row[0].set_title(model_label(name) + (f" ({point})" if point else ""), loc="left", fontsize=7)
        row[0].set_ylabel(quantity("mutual_information"))
        row[col_erg].set_ylabel(r"ergotropy / $N$ [$\omega_a$]")
        row[col_frac].set_ylabel("fraction")
        row[col_frac].set_ylim(-0.05, 1.05)
    for ax in axes[-1, :col_frac]:
        if ax.get_xticks().size:
            ax.set_xlabel(quantity("switch_off"))
    axes[-1, col_frac].set_xlabel(quantity("N"))
    axes[0, col_frac].legend(frameon=False, fontsize=6, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=1)
    from matplotlib.lines import Line2D

    axes[0, col_erg].legend(
        [Line2D([], [], color="k", ls=s) for s in ("-", "--", ":")],
        ["global (B+C)", "local B + local C", "local B"],
        frameon=False,
        fontsize=6,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
    )
    panel_letters(axes.ravel())
    return fig
