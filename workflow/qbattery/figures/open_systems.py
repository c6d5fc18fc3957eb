"""Open-system charging: first-law bookkeeping over time, efficiency against gamma and N,
and the self-discharge after the charger is switched off (from the open NetCDF grids)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import DOUBLE_WIDTH_IN, MARKERS, figure, model_colour

PREFERRED = ("charger_mediated_osc", "tavis_cummings", "dicke", "charger_mediated_tls", "collective_drive", "spin_chain", "rabi_parallel")


def select(da: xr.DataArray, **choice) -> xr.DataArray:
    """Index every dimension except the time axes: ``choice`` (dim -> index, -1 last, slice(None) all), else 0."""
    return da.isel({d: choice.get(d, 0) for d in da.dims if d not in ("time", "discharge_time")})


def _gamma_index(ds: xr.Dataset) -> int:
    return -1 if "gamma" in ds.dims else 0


def _label(ds: xr.Dataset, **choice: int) -> str:
    parts = []
    for d in ("N", "gamma", "gamma_phi", "kappa", "temperature"):
        if d in ds.coords and ds[d].ndim == 1:
            parts.append(f"{d}={float(ds[d].values[choice.get(d, 0)]):g}")
        elif d in ds.coords and ds[d].ndim == 0:  # a fixed rate (0-d coordinate)
            parts.append(f"{d}={float(ds[d].values):g}")
    return ", ".join(parts)


def plot_open_systems(datasets: list[xr.Dataset]):
    """2 x 2 panels: (a) W, Q, Delta E, ergotropy over time (one model and point);
    (b) efficiency at tau* against gamma (largest N); (c) against N (largest gamma);
    (d) ergotropy after switch-off, normalised, for every gamma (the model of (a))."""
    fig, axes = figure(width=DOUBLE_WIDTH_IN, height=5.2, nrows=2, ncols=2)
    (a, b), (c, d) = axes
    by_name = {ds.attrs["model"]: ds for ds in datasets}
    show = next((by_name[n] for n in PREFERRED if n in by_name), datasets[0] if datasets else None)
    if show is not None:
        ch = {"N": -1, "gamma": _gamma_index(show)}
        for var, style, lab in (
            ("work", "-", "work $W$"),
            ("heat", "--", "heat $Q$"),
            ("stored_energy", "-.", r"$\Delta E_B$"),
            ("ergotropy", ":", "ergotropy"),
        ):
            a.plot(show.time, select(show[var], **ch), style, label=lab)
        a.set_title(f"{show.attrs.get('model_title', show.attrs['model'])}\n[{_label(show, **ch)}]", fontsize=6)
        a.set_xlabel(r"time $t$ [$1/\omega_a$]")
        a.set_ylabel(r"energy [$\omega_a$]")
        a.legend(frameon=False)
        gi = show.gamma.values if "gamma" in show.dims else [0.0]
        for k in range(len(gi)):
            cur = select(show.ergotropy_discharge, N=-1, **({"gamma": k} if "gamma" in show.dims else {}))
            e0 = float(cur.values[0])
            if np.isfinite(e0) and e0 > 1e-12:
                d.plot(show.discharge_time, cur / e0, label=rf"$\gamma$={float(gi[k]):g}")
        d.axhline(np.exp(-1), color="0.6", lw=0.6, ls="--")
        d.set_xlabel(r"time after switch-off at $\tau^*$ [$1/\omega_a$]")
        d.set_ylabel("ergotropy / ergotropy at switch-off")
        d.set_title(show.attrs.get("model_title", show.attrs["model"]), fontsize=6)
        d.legend(frameon=False)
    for i, ds in enumerate(sorted(datasets, key=lambda x: x.attrs["model"])):
        name = ds.attrs["model"]
        col, mk = model_colour(name, i), MARKERS[i % len(MARKERS)]
        eff = ds.efficiency_at_tau_star
        if "gamma" in ds.dims and ds.sizes["gamma"] > 1:
            b.plot(ds.gamma, select(eff, N=-1, gamma=slice(None)), mk + "-", color=col, label=name)
        c.plot(ds.N, select(eff, N=slice(None), gamma=_gamma_index(ds)), mk + "-", color=col, label=name)
    b.set_xlabel(r"cell decay rate $\gamma$ [$\omega_a$]")
    b.set_ylabel(r"efficiency $\mathcal{E}(\tau^*)/W(\tau^*)$")
    b.set_title("largest N, first point of the other axes", fontsize=6)
    c.set_xscale("log", base=2)
    c.set_xlabel(r"number of cells $N$")
    c.set_ylabel(r"efficiency $\mathcal{E}(\tau^*)/W(\tau^*)$")
    c.set_title(r"largest $\gamma$, first point of the other axes", fontsize=6)
    c.get_xaxis().set_major_formatter("{x:g}")
    for ax in (b, c):
        ax.set_ylim(bottom=0)
    b.legend(frameon=False, fontsize=5)
    return fig
