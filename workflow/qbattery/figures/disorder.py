"""Disorder averages of the models with random parameters (power datasets with a ``realisation`` axis):
for each model, the disorder-mean maximal power <P_max>(N) (log-log, with the exponent of the mean) and
the disorder-mean maximal ergotropy per cell <Erg_max>/N, one line per swept parameter point, error
bars = standard error of the mean over the R realisations (sample std / sqrt(R)).
"""

from __future__ import annotations

import xarray as xr

from ..vocabulary import disorder_mean, disorder_stderr
from .power import _log_N_axis, _title, _value, panel_grid, parameter_points
from .style import MARKERS, PALETTE, readable_log_axis


def random_datasets(datasets: list[xr.Dataset]) -> list[xr.Dataset]:
    """The power datasets that carry disorder means, sorted by model."""
    return sorted((d for d in datasets if disorder_mean("max_power") in d), key=lambda d: d.attrs["model"])


def plot_disorder_means(datasets: list[xr.Dataset]):
    """Two panels per random model: <P_max>(N) and <Erg_max>(N)/N with standard-error bars."""
    dss = random_datasets(datasets)
    fig, axes = panel_grid(2 * len(dss), columns=2)
    for k, ds in enumerate(dss):
        ax_p, ax_e = axes[2 * k], axes[2 * k + 1]
        N = ds.N.values
        R = ds.sizes.get("realisation", 0)
        mean_p, err_p = ds[disorder_mean("max_power")], ds[disorder_stderr("max_power")]
        for i, (sel, label) in enumerate(parameter_points(mean_p)):
            style = dict(color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)], ms=3, capsize=2, lw=1)
            lab = label or r"$\langle P_{\max}\rangle$"
            if "power_exponent_disorder_mean" in ds:
                a, se = _value(ds.power_exponent_disorder_mean, sel), _value(ds.power_exponent_disorder_mean_stderr, sel)
                lab += rf" $\alpha$={a:.2f}$\pm${se:.2f}"
            ax_p.errorbar(N, mean_p.isel(sel).values, yerr=err_p.isel(sel).values, label=lab, **style)
            erg, erg_err = ds[disorder_mean("max_ergotropy")].isel(sel), ds[disorder_stderr("max_ergotropy")].isel(sel)
            ax_e.errorbar(N, erg.values / N, yerr=erg_err.values / N, label=label or None, **style)
        ax_p.set_yscale("log")
        _log_N_axis(ax_p, N)
        ax_p.set_ylabel(r"$\langle P_{\max}\rangle_{\mathrm{dis}}$ [$\omega_a^2$]", fontsize=6)
        ax_p.autoscale_view()
        readable_log_axis(ax_p, "y")
        _title(ax_p, ds)
        ax_p.legend(fontsize=5, frameon=False, loc="best")
        _log_N_axis(ax_e, N)
        ax_e.set_ylabel(r"$\langle \mathcal{E}_{\max}\rangle_{\mathrm{dis}} / N$ [$\omega_a$]", fontsize=6)
        ax_e.set_title(f"{ds.attrs.get('model_title', ds.attrs['model'])}: {R} realisations", fontsize=7)
        if len(parameter_points(mean_p)) > 1:
            ax_e.legend(fontsize=5, frameon=False, loc="best")
    return fig
