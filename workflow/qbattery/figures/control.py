"""Optimal-control charging: (a) the optimised pulses at the minimal time of every case at its
largest N, (b) the optimised ergotropy per cell against the final time T, with the minimal time
(dotted vertical), the fixed protocol's time (dash-dot) and the speed limit of the constraint
(dashed), (c) the minimal times against N with the fixed protocols and the speed limits. Drawn
from the control datasets only."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import DOUBLE_WIDTH_IN, MARKERS, PALETTE, figure


def plot_control(datasets: list[xr.Dataset]):
    """Three panels from the merged ``control/<case>.nc`` datasets."""
    fig, axes = figure(DOUBLE_WIDTH_IN, 2.4, ncols=3)
    ax_p, ax_e, ax_t = axes
    for i, ds in enumerate(datasets):
        c, mk, case = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)], ds.attrs.get("case", f"case {i}")
        big = ds.isel(N=-1)
        N = int(big.N)
        t_min = float(big.minimal_time)
        pulse = big.minimal_time_pulse.values  # (slice, control)
        if np.isfinite(t_min):
            M = pulse.shape[0]
            edges = np.linspace(0.0, t_min, M + 1)
            names = [str(n) for n in np.atleast_1d(big.control_name.values)]
            for k in range(pulse.shape[1]):
                if np.all(np.isnan(pulse[:, k])):
                    continue
                ax_p.stairs(
                    pulse[:, k],
                    edges,
                    color=c,
                    lw=1.0,
                    ls=["-", "--", ":", "-."][k % 4],
                    label=f"{case} N={N}: {names[k] if k < len(names) else k}" if k < 3 else None,
                )
        erg = big.optimal_ergotropy.values / N
        ax_e.plot(big.final_time.values, erg, mk + "-", color=c, ms=3, label=f"{case} N={N}")
        for name, ls in (("minimal_time", ":"), ("fixed_protocol_time", "-."), ("speed_limit_time", "--")):
            val = float(big[name])
            if np.isfinite(val):
                ax_e.axvline(val, color=c, ls=ls, lw=0.8)
        ax_t.plot(ds.N.values, ds.minimal_time.values, mk + "-", color=c, ms=4, label=f"{case}: optimal")
        ax_t.plot(ds.N.values, ds.fixed_protocol_time.values, mk + "-.", color=c, mfc="none", ms=4, label=f"{case}: fixed protocol")
        ax_t.plot(ds.N.values, ds.speed_limit_time.values, "--", color=c, lw=0.8, label=f"{case}: speed limit")
    f = datasets[0].attrs.get("fraction", np.nan) if datasets else np.nan
    ax_e.axhline(f, color="k", lw=0.6, ls=":")
    ax_p.set_xlabel(r"time $t$ [$1/\omega_a$]")
    ax_p.set_ylabel(r"control $u_k(t)$ [$\omega_a$]")
    ax_p.set_title("(a) pulses at the minimal time", fontsize=7)
    ax_e.set_xlabel(r"final time $T$ [$1/\omega_a$]")
    ax_e.set_ylabel(r"optimal ergotropy / $N$ [$\omega_a$]")
    ax_e.set_title(f"(b) ergotropy at T; target f = {f:g}", fontsize=7)
    ax_t.set_xlabel("number of cells N")
    ax_t.set_ylabel(r"time to charge f of the capacity [$1/\omega_a$]")
    ax_t.set_title("(c) minimal time, fixed protocol, bound", fontsize=7)
    for ax in axes:
        ax.legend(fontsize=5)
    return fig
