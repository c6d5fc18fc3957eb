"""Battery-charger correlations: one row per model, columns I(B:C)(t), <H_int>(t) share of the
total energy, global vs local ergotropy over time for a few N, and the fraction of the global
ergotropy locked in correlations at the switch-off times vs N."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import DOUBLE_WIDTH_IN, MARKERS, PALETTE, figure


ROUND_OFF = 1e-12  # |<H_int>| / E_tot below this is drawn as 0 (resonant exchange: exactly 0)


def _first_point(da: xr.DataArray) -> xr.DataArray:
    """First value of every swept parameter axis (the figure shows one parameter point)."""
    return da.isel({d: 0 for d in da.dims if d not in ("N", "time", "switch_off")})


def _point_label(ds: xr.Dataset) -> str:
    swept = [d for d in ds.mutual_information.dims if d not in ("N", "time")]
    return ", ".join(f"{d}={float(ds[d].values[0]):g}" for d in swept)


def pick_N(values: np.ndarray, max_N: int) -> list[int]:
    """Up to ``max_N`` values of N: smallest, largest and evenly spread in between."""
    v = sorted(int(x) for x in values)
    if len(v) <= max_N:
        return v
    idx = np.unique(np.round(np.linspace(0, len(v) - 1, max_N)).astype(int))
    return [v[i] for i in idx]


def plot_correlations(datasets: list[xr.Dataset], max_N: int = 3):
    """The correlation figure of a study (one row per correlation dataset)."""
    dss = sorted(datasets, key=lambda d: d.attrs["model"])
    fig, axes = figure(width=DOUBLE_WIDTH_IN, height=0.4 + 1.55 * len(dss), nrows=len(dss), ncols=4, squeeze=False)
    for row, ds in zip(axes, dss):
        name = ds.attrs["model"]
        t = ds.time.values
        Ns = pick_N(ds.N.values, max_N)
        for j, N in enumerate(Ns):
            c = PALETTE[j % len(PALETTE)]
            s = _first_point(ds.sel(N=N))
            row[0].plot(t, s.mutual_information, color=c, label=f"N={N}")
            share = s.interaction_share.values
            row[1].plot(t, np.where(np.abs(share) < ROUND_OFF, 0.0, share), color=c)
            row[2].plot(t, s.global_ergotropy / N, color=c, ls="-")
            row[2].plot(t, (s.ergotropy + s.charger_ergotropy) / N, color=c, ls="--")
            row[2].plot(t, s.ergotropy / N, color=c, ls=":")
        if "switch_off" in ds.dims:
            for k, so in enumerate(ds.switch_off.values):
                lf = _first_point(ds.locked_fraction_at_switch_off.sel(switch_off=so))
                row[3].plot(ds.N.values, lf, MARKERS[k % len(MARKERS)] + "-", color=PALETTE[k], label=f"locked at {so}")
            ratio = _first_point(ds.ergotropy_ratio_at_switch_off.isel(switch_off=0))
            row[3].plot(ds.N.values, ratio, "x--", color="0.45", label=rf"Erg$_B$/E$_B$ at {ds.switch_off.values[0]}")
            row[3].set_xscale("log", base=2)
            row[3].set_xticks(ds.N.values)
            row[3].get_xaxis().set_major_formatter("{x:g}")
        lo, hi = row[1].get_ylim()
        row[1].set_ylim(min(lo, -0.05), max(hi, 0.05))
        title = ds.attrs.get("model_title", name)
        point = _point_label(ds)
        row[0].set_title(f"{title}" + (f" [{point}]" if point else ""), loc="left", fontsize=7)
        row[0].set_ylabel(r"$I(B\!:\!C)$ [nats]")
        row[1].set_ylabel(r"$\langle H_{int}\rangle / E_{tot}$")
        row[2].set_ylabel(r"ergotropy / N [$\omega_a$]")
        row[3].set_ylabel("fraction")
        row[3].set_ylim(-0.05, 1.05)
        row[0].legend(frameon=False, fontsize=6, loc="best")
    for ax in axes[-1, :3]:
        ax.set_xlabel(r"switch-off time $\tau = t$ [$\omega_a^{-1}$]")
    axes[-1, 3].set_xlabel(r"number of cells $N$")
    axes[0, 3].legend(frameon=False, fontsize=6, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=1)
    from matplotlib.lines import Line2D

    axes[0, 2].legend(
        [Line2D([], [], color="k", ls=s) for s in ("-", "--", ":")],
        ["global (B+C)", "local B + local C", "local B"],
        frameon=False,
        fontsize=6,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
    )
    return fig
