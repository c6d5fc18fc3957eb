"""Open-system charging: first-law bookkeeping over time, efficiency against gamma and N,
and the self-discharge after the charger is switched off (from the open NetCDF grids)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .labels import model_label, point_label, quantity
from .style import DOUBLE_WIDTH_IN, coinciding, figure, model_colour, model_marker, note, panel_letters, physical_order

PREFERRED = ("charger_mediated_osc", "tavis_cummings", "dicke", "charger_mediated_tls", "collective_drive", "spin_chain", "rabi_parallel")


def select(da: xr.DataArray, **choice) -> xr.DataArray:
    """Index every dimension except the time axes: ``choice`` (dim -> index, -1 last, slice(None) all), else 0."""
    return da.isel({d: choice.get(d, 0) for d in da.dims if d not in ("t", "discharge_time")})


def _gamma_index(ds: xr.Dataset) -> int:
    return -1 if "gamma" in ds.dims else 0


def _label(ds: xr.Dataset, **choice: int) -> str:
    """The grid point drawn, in display form (every rate, swept or fixed)."""
    point = {}
    for d in ("N", "gamma", "gamma_phi", "kappa", "temperature"):
        if d in ds.coords and ds[d].ndim == 1:
            point[d] = ds[d].values[choice.get(d, 0)]
        elif d in ds.coords and ds[d].ndim == 0:  # a fixed rate (0-d coordinate)
            point[d] = ds[d].values
    return point_label(point, ds.attrs["model"])


def _common_slice(by_name: dict, skip: tuple[str, ...]) -> str:
    """ ", T = 0" for panels (b), (c): the first value of every other swept axis, if all models share it."""
    texts = set()
    for ds in by_name.values():
        dims = [d for d in ds.efficiency_at_tau_star.dims if d not in skip]
        texts.add(point_label({d: ds[d].values[0] for d in dims}))
    texts.discard("")
    if not texts:
        return ""
    return ", " + texts.pop() if len(texts) == 1 else ", first value of every other swept rate"


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
            ("stored_energy", "-.", r"$\Delta E_B = W + Q$"),
            ("ergotropy", ":", r"ergotropy $\mathcal{E}$"),
        ):
            a.plot(show.t, select(show[var], **ch), style, label=lab)
        a.set_title(f"{model_label(show.attrs['model'])}\n{_label(show, **ch)}", fontsize=6)
        a.set_xlabel(quantity("t"))
        a.set_ylabel(r"energy [$\omega_a$]")
        lo, hi = a.get_ylim()
        a.set_ylim(lo, hi + 0.35 * (hi - lo))  # room for the legend above the curves
        a.legend(frameon=False, loc="upper center", ncol=2)
        gi = show.gamma.values if "gamma" in show.dims else [0.0]
        for k in range(len(gi)):
            cur = select(show.ergotropy_discharge, N=-1, **({"gamma": k} if "gamma" in show.dims else {}))
            e0 = float(cur.values[0])
            if np.isfinite(e0) and e0 > 1e-12:
                d.plot(show.discharge_time, cur / e0, label=rf"$\gamma = {float(gi[k]):g}\,\omega_a$")
        d.axhline(np.exp(-1), color="0.6", lw=0.6, ls="--", label="$1/e$")
        d.set_xlabel(r"time after switch-off at $\tau^*$ [$\omega_a^{-1}$]")
        d.set_ylabel(r"$\mathcal{E}(t) / \mathcal{E}(\tau^*)$")
        d.set_title(model_label(show.attrs["model"]) + "\n" + _label(show, N=-1).split(", ", 1)[0], fontsize=6)
        d.legend(frameon=False, loc="best")
    order = physical_order(by_name)
    curves_b, curves_c = {}, {}
    for name in order:
        ds = by_name[name]
        eff = ds.efficiency_at_tau_star
        if "gamma" in ds.dims and ds.sizes["gamma"] > 1:
            curves_b[name] = (ds.gamma.values, select(eff, N=-1, gamma=slice(None)).values)
        curves_c[name] = (ds.N.values, select(eff, N=slice(None), gamma=_gamma_index(ds)).values)
    for ax, curves in ((b, curves_b), (c, curves_c)):
        same = coinciding({n: np.concatenate([x, y]) for n, (x, y) in curves.items()})
        for group in same:
            name = group[0]
            x, y = curves[name]
            lab = model_label(name) + "".join(f" = {model_label(o)}" for o in group[1:])
            ax.plot(x, y, model_marker(name) + "-", color=model_colour(name), label=lab, ms=4)
        joined = [g for g in same if len(g) > 1]
        if joined:
            note(ax, "; ".join(" and ".join(model_label(n) for n in g) + " coincide" for g in joined), loc="lower left")
    b.set_xlabel(quantity("gamma_rate"))
    b.set_ylabel(quantity("efficiency"))
    b.set_title(r"largest $N$ of each model" + _common_slice(by_name, ("N", "gamma")), fontsize=6)
    c.set_xscale("log", base=2)
    c.set_xlabel(quantity("N"))
    c.set_ylabel(quantity("efficiency"))
    c.set_title(r"largest $\gamma$ of each model" + _common_slice(by_name, ("N", "gamma")), fontsize=6)
    c.get_xaxis().set_major_formatter("{x:g}")
    c.minorticks_off()
    for ax in (b, c):
        ax.set_ylim(bottom=0, top=1.08)
    b.legend(frameon=False, fontsize=5, loc="lower left", bbox_to_anchor=(0.0, 0.06))
    panel_letters([a, b, c, d])
    return fig
