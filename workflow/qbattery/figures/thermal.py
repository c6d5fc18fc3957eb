"""Thermal operations: the no-go (largest ergotropy from a Gibbs battery ~ 0, log scale), the
resource curves below their free-energy bound Delta F_X, the ergotropy against the catalyst's
trace distance with its continuity bound, and W_TO of the protocol states. Drawn from the
thermal_operations dataset only."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..physics.thermal_ops import binary_entropy
from .labels import model_label
from .style import DOUBLE_WIDTH_IN, MARKERS, PALETTE, figure, shades

#: values exactly 0 are drawn at this floor on the log axis of the no-go panel
LOG_FLOOR = 1e-18
RESOURCE_TITLES = {
    "hot": (r"hot qubit at $\omega_a+\omega_R$", "hot_temperature_ratio", r"$T_\mathrm{res}/T$"),
    "inverted": ("inverted qubit", "excited_population", r"excited population $p_e$"),
    "coherent": ("coherent qubit", "coherence", r"coherence $c$"),
}


def _nogo_panel(ax, ds: xr.Dataset) -> None:
    sizes = ds.bath_size.values
    k = 0
    for iN, N in enumerate(ds.N.values):
        for iT, T in enumerate(ds.temperature.values):
            e = np.maximum(ds.nogo_max_ergotropy.isel(N=iN, temperature=iT).values, LOG_FLOOR)
            d = np.maximum(ds.nogo_max_D_after.isel(N=iN, temperature=iT).values, LOG_FLOOR)
            c = PALETTE[k % len(PALETTE)]
            ax.semilogy(sizes, e, MARKERS[k % len(MARKERS)] + "-", color=c, label=rf"$N = {N}$, $T = {T:g}\,\omega_a$")
            ax.semilogy(sizes, d, MARKERS[k % len(MARKERS)] + ":", color=c, mfc="none")
            k += 1
    comm = max(float(ds.commutator_norm_nogo.max()), LOG_FLOOR)
    ax.axhline(float(ds.attrs["nogo_tol"]), color="k", lw=0.8, ls="--", label="tolerance")
    ax.axhline(comm, color="0.5", lw=0.8, ls="-.", label=r"max $\|[U,H]\|_F$")
    ax.set_ylim(LOG_FLOOR / 3, 1.0)
    ax.set_xticks(sizes)
    ax.set_xlabel(r"bath size $M$ (qubits)")
    ax.set_ylabel(r"max over samples [$\omega_a$ / nat]")
    ax.set_title("(a) no-go: TO of the Gibbs battery", fontsize=7)
    floor = rf"(0 drawn at $10^{{{int(np.log10(LOG_FLOOR))}}}$)"
    text = r"solid: ergotropy $\mathcal{E}$, dotted: $D(\rho'\|\gamma)$" + "\n" + floor
    ax.text(0.98, 0.55, text, transform=ax.transAxes, ha="right", fontsize=5)
    ax.legend(fontsize=5, ncol=2, loc="upper left")


def _resource_panel(ax, ds: xr.Dataset, kind: str, label: str) -> None:
    title, pname, xlabel = RESOURCE_TITLES[kind]
    x = ds[pname].values
    N = ds.N.values[-1]
    T = ds.temperature.values[0]
    sel = {"N": -1, "temperature": 0}
    for iM, M in enumerate(ds.bath_size.values):
        y = ds[f"{kind}_max_ergotropy"].isel(sel).isel(bath_size=iM).values
        # shrinking markers: equal maxima at different bath sizes stay visible
        ax.plot(x, y, MARKERS[iM % len(MARKERS)] + "-", color=PALETTE[iM], ms=max(5.5 - 1.5 * iM, 2), label=rf"$M = {M}$")
    ax.plot(x, ds[f"{kind}_free_energy"].isel(temperature=0).values, "k--", label=r"bound $\Delta F_X$")
    if kind == "hot":
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"max ergotropy [$\omega_a$]")
    ax.set_title(f"({label}) {title}", fontsize=7)
    ax.legend(fontsize=5, title=rf"$N = {N}$, $T = {T:g}\,\omega_a$", title_fontsize=5)


def _catalyst_panel(ax, ds: xr.Dataset) -> None:
    """Ergotropy against how far the resource is from being returned, every sample at the lowest T,
    with the continuity bound T h(t) + t omega_X for each omega_X and the exact catalysts at t ~ 0."""
    T = float(ds.temperature.values[0])
    tmax = 0.0
    colours = {"inverted": PALETTE[1], "coherent": PALETTE[2], "hot": PALETTE[3], "catalyst": PALETTE[0]}
    for i, kind in enumerate(colours):
        t = ds[f"{kind}_catalyst_trace_distance"].isel(temperature=0).values.ravel()
        e = ds[f"{kind}_ergotropy"].isel(temperature=0).values.ravel()
        label = "catalyst (X-controlled)" if kind == "catalyst" else RESOURCE_TITLES[kind][0]
        ax.plot(
            t,
            e,
            MARKERS[i],
            color=colours[kind],
            ms=4 if kind == "catalyst" else 1.5,
            alpha=1.0 if kind == "catalyst" else 0.4,
            ls="none",
            label=label,
            rasterized=True,
        )
        tmax = max(tmax, float(np.nanmax(t)))
    tt = np.linspace(0.0, max(tmax, 1e-3), 200)
    h = binary_entropy(tt)
    for omega_X in sorted({float(ds[f"{k}_free_energy"].attrs["omega_X"]) for k in ("inverted", "hot")}):
        style = "k--" if omega_X == float(ds["inverted_free_energy"].attrs["omega_X"]) else "k:"
        ax.plot(tt, T * h + omega_X * tt, style, lw=0.8, label=rf"$T h(t) + t\,\omega_X$, $\omega_X = {omega_X:g}\,\omega_a$")
    ax.set_xlabel(r"resource trace distance $t = \|\rho_X' - \sigma_X\|_1/2$")
    ax.set_ylabel(r"battery ergotropy [$\omega_a$]")
    ax.set_title(rf"(e) catalysts ($T = {T:g}\,\omega_a$)", fontsize=7)
    ax.legend(fontsize=5, markerscale=2)


def _protocol_panel(ax, ds: xr.Dataset) -> None:
    T = ds.bath_temperature.values
    k = 0
    for im, model in enumerate(ds.protocol_model.values):
        tones = shades(str(model), len(ds.protocol_N.values))  # the model's colour, light to dark in N
        for iN, N in enumerate(ds.protocol_N.values):
            if int(ds.protocol_status.values[im, iN]) != 0:
                continue
            c = tones[iN]
            ax.plot(
                T,
                ds.protocol_W_TO.values[im, iN] / N,
                MARKERS[k % len(MARKERS)] + "-",
                color=c,
                label=rf"{model_label(str(model))}, $N = {N}$",
            )
            ax.axhline(float(ds.protocol_ergotropy.values[im, iN]) / N, color=c, ls=":", lw=0.8)
            ax.axhline(float(ds.protocol_stored_energy.values[im, iN]) / N, color=c, ls="-.", lw=0.6)
            k += 1
    ax.set_xscale("log")
    ax.set_xticks(T, [f"{t:g}" for t in T])
    ax.minorticks_off()
    ax.set_xlabel(r"bath temperature $T$ [$\omega_a$]")
    ax.set_ylabel(r"per cell [$\omega_a$]")
    ax.set_title(r"(f) protocol: $W_{\mathrm{TO}}/N$, $\mathcal{E}/N$ (:), $E/N$ (-.)", fontsize=7)
    if k:
        ax.legend(fontsize=5)


def plot_thermal(ds: xr.Dataset):
    """Six panels: no-go, the three consumed-resource families against Delta F_X, catalysts, protocol W_TO."""
    fig, axes = figure(width=DOUBLE_WIDTH_IN, height=4.6, nrows=2, ncols=3)
    _nogo_panel(axes[0, 0], ds)
    for ax, kind, lab in zip((axes[0, 1], axes[0, 2], axes[1, 0]), RESOURCE_TITLES, "bcd"):
        _resource_panel(ax, ds, kind, lab)
    _catalyst_panel(axes[1, 1], ds)
    _protocol_panel(axes[1, 2], ds)
    return fig
