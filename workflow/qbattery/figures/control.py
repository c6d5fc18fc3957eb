"""Optimal-control charging: (a) the optimised pulses at the minimal time of every case at its
largest N, (b) the optimised ergotropy per cell against the final time T, with the minimal time
(dotted vertical), the fixed protocol's time (dash-dot) and the speed limit of the constraint
(dashed), (c) the minimal times against N with the fixed protocols and the speed limits. Drawn
from the control datasets only."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .labels import model_label
from .style import DOUBLE_WIDTH_IN, figure, model_colour, model_marker, panel_letters

#: display names of the control families (physics.control_systems) and of the constraints
CONTROL_WORDS = {
    "local_x": r"local $\sigma^x_i$",
    "local_y": r"local $\sigma^y_i$",
    "collective_x": r"collective $J_x$",
    "flip": "global flip",
    "coupling": "charger coupling",
}
CONSTRAINT_WORDS = {"amplitude": r"$|u_k| \leq$", "norm": r"$\|H_c\| \leq N\times$"}


def control_word(name: str) -> str:
    """Display name of one control: its family's, with the cell index of a local control."""
    family, _, cell = name.rpartition("_") if name.rpartition("_")[2].isdigit() else (name, "", "")
    word = CONTROL_WORDS.get(family, family.replace("_", " "))
    return word.replace("_i", "_" + str(int(cell) + 1)) if cell else word


def case_label(ds: xr.Dataset) -> str:
    """ "<model label>, <controls> (<constraint> <bound>)" of a control dataset."""
    controls = ", ".join(CONTROL_WORDS.get(c, c.replace("_", " ")) for c in str(ds.attrs.get("controls", "")).split())
    bound = ds.attrs.get("constraint_bound")
    constraint = CONSTRAINT_WORDS.get(str(ds.attrs.get("constraint")), str(ds.attrs.get("constraint", "")))
    name = model_label(str(ds.attrs.get("model", ds.attrs.get("case", ""))))
    return f"{name}: {controls} ({constraint} {float(bound):g})" if bound is not None else f"{name}: {controls}"


def plot_control(datasets: list[xr.Dataset]):
    """Three panels from the merged ``control/<case>.nc`` datasets."""
    fig, axes = figure(DOUBLE_WIDTH_IN, 2.9, ncols=3)
    ax_p, ax_e, ax_t = axes
    for i, ds in enumerate(datasets):
        model = str(ds.attrs.get("model", ""))
        c, mk, case = model_colour(model, i), model_marker(model, i), case_label(ds)
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
                    label=f"$N = {N}$: " + control_word(names[k]) if k < min(3, len(names)) else None,
                )
        erg = big.optimal_ergotropy.values / N
        ax_e.plot(big.final_time.values, erg, mk + "-", color=c, ms=3, label=f"{case}, $N = {N}$")
        for name, ls in (("minimal_time", ":"), ("fixed_protocol_time", "-."), ("speed_limit_time", "--")):
            val = float(big[name])
            if np.isfinite(val):
                ax_e.axvline(val, color=c, ls=ls, lw=0.8)
        ax_t.plot(ds.N.values, ds.minimal_time.values, mk + "-", color=c, ms=4, label="optimal" if i == 0 else None)
        fixed_label = "fixed protocol" if i == 0 else None
        ax_t.plot(ds.N.values, ds.fixed_protocol_time.values, mk + "-.", color=c, mfc="none", ms=4, label=fixed_label)
        ax_t.plot(ds.N.values, ds.speed_limit_time.values, "--", color=c, lw=0.8, label="speed limit" if i == 0 else None)
    f = datasets[0].attrs.get("fraction", np.nan) if datasets else np.nan
    ax_e.axhline(f, color="k", lw=0.6, ls=":")
    ax_p.set_xlabel(r"time $t$ ($\omega_a^{-1}$)")
    ax_p.set_ylabel(r"control $u_k(t)$ ($\omega_a$)")
    ax_p.set_title(r"pulses at $T_\min$, largest $N$", loc="left", fontsize=7)
    ax_e.set_xlabel(r"final time $T$ ($\omega_a^{-1}$)")
    ax_e.set_ylabel(r"optimal ergotropy per cell ($\omega_a$)")
    ax_e.set_title(rf"ergotropy at $T$ (dotted: $f = {f:g}$)", loc="left", fontsize=7)
    ax_t.set_xlabel("number of cells $N$")
    ax_t.set_ylabel(r"time ($\omega_a^{-1}$)")
    ax_t.set_title(r"time to reach $f$ of the capacity", loc="left", fontsize=7)
    ax_t.set_xticks(sorted({int(n) for ds in datasets for n in ds.N.values}))
    for ax in (ax_p, ax_t):
        ax.legend(fontsize=5, frameon=False)
    handles, labels = ax_e.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(2, max(1, len(labels))), fontsize=6, frameon=False)
    fig.get_layout_engine().set(rect=(0, 0.12, 1, 0.88))
    panel_letters(axes)
    return fig
