"""Every figure of the study follows the display conventions (issue 17), on small synthetic
datasets with the structure the stages write: no code identifier or raw config key in any text,
one colour per model across figures, panel letters on every multi-panel figure, readable log
axes, a display name for every model and parameter of the catalogue."""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr
from matplotlib import colors as mcolors
from qbattery.figures import labels, power, style, trajectories
from qbattery.models import MODELS

MATH = re.compile(r"\$[^$]*\$")


def _texts(fig) -> list[str]:
    """Every visible text of a figure (titles, labels, tick labels, legends, notes)."""
    fig.canvas.draw()
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible())]
    return [t for t in out if t]


def _raw(text: str) -> list[str]:
    """Code identifiers or key=value pairs outside mathtext."""
    plain = MATH.sub("", text)
    bad = re.findall(r"\b\w+_\w+\b", plain) + re.findall(r"\b[A-Za-z_]\w*=", plain)
    return bad


def _power_dataset(name: str, params: dict, N=(1, 2, 4, 8), alpha=1.5, reference: str = "") -> xr.Dataset:
    """A power dataset as analyse_power writes it: P_max = c N^alpha at every parameter point."""
    swept = {k: v for k, v in params.items() if isinstance(v, list)}
    fixed = {k: v for k, v in params.items() if not isinstance(v, list)}
    Na = np.array(N)
    shape = (len(Na),) + tuple(len(v) for v in swept.values())
    dims = ("N",) + tuple(swept)
    grid = np.ones(shape) * (Na.reshape((-1,) + (1,) * len(swept)) ** alpha)
    for k, v in enumerate(swept.values()):  # every point its own curve
        grid = grid * (1 + 0.3 * np.arange(len(v)).reshape((1,) * (k + 1) + (-1,) + (1,) * (len(swept) - k - 1)))
    coords = {"N": Na, **{k: np.array(v, float) for k, v in swept.items()}, **{k: float(v) for k, v in fixed.items()}}
    ds = xr.Dataset(
        {
            "max_power": (dims, 0.1 * grid),
            "tau_star": (dims, 2.0 / grid),
            "qsl_time_tau_star": (dims, 1.0 / grid),
            "qsl_time": (dims, 1.0 / grid),
            "power_exponent": (dims[1:], np.full(shape[1:], alpha)),
            "power_exponent_stderr": (dims[1:], np.full(shape[1:], 0.01)),
        },
        coords=coords,
        attrs={"model": name, "parallel_reference": reference},
    )
    if reference:
        ds["reference_max_power"] = (dims, 0.1 * grid / Na.reshape((-1,) + (1,) * len(swept)) ** (alpha - 1))
        ds["quantum_advantage"] = ds.max_power / ds.reference_max_power
    return ds


@pytest.fixture(scope="module")
def power_sets():
    return [
        _power_dataset("dicke", {"coupling": [0.1, 0.2], "omega_c": 1.0}, reference="parallel"),
        _power_dataset("parallel", {"coupling": [0.1, 0.2], "omega_c": 1.0}, alpha=1.0),
        _power_dataset(
            "spin_chain", {"J": [0.2, 0.5], "periodic": [0, 1], "drive": 0.5}, N=(2, 4, 6), alpha=1.05, reference="spin_chain_parallel"
        ),
        _power_dataset("charger_mediated_osc", {"coupling": 0.2, "coherent": [0, 1]}, reference="charger_mediated_tls"),
    ]


@pytest.fixture(scope="module")
def figures(power_sets):
    figs = {
        "power_scaling": power.plot_power_scaling(power_sets),
        "quantum_advantage": power.plot_quantum_advantage(power_sets),
        "speed_limits": power.plot_speed_limits(power_sets),
    }
    t = np.linspace(0, 8, 4001)  # fine enough for N = 16 (as config.yaml: tau* = 0.15 at N = 16)
    N = np.array([1, 4, 16])
    E = np.sin(0.5 * N[:, None] * t[None, :]) ** 2 * N[:, None]  # the global flip: E/N = sin^2(N g t)
    flip = xr.Dataset(
        {"energy": (("N", "t"), E), "ergotropy": (("N", "t"), E)},
        coords={"N": N, "t": t, "drive": 0.5},
        attrs={"model": "global_flip"},
    )
    figs["trajectories"] = trajectories.plot_trajectories(flip)
    yield figs
    for f in figs.values():
        style.plt.close(f)


def test_no_code_identifier_or_raw_config_key_in_any_text(figures):
    """Titles, legends, axis and tick labels, notes: display names only (no "omega_c=1", "charger_mediated_tls")."""
    for name, fig in figures.items():
        for text in _texts(fig):
            assert not _raw(text), (name, text)


def test_every_panel_of_a_multi_panel_figure_has_its_letter(figures):
    """(a), (b), ... in reading order on every axes of a figure with more than one panel."""
    for name, fig in figures.items():
        axes = [ax for ax in fig.axes if ax.get_visible()]
        if len(axes) < 2:
            continue
        found = []
        for ax in axes:
            texts = [ax.get_title(loc="left")] + [t.get_text() for t in ax.texts]
            letters = [m.group(1) for t in texts for m in [re.match(r"\(([a-z])\)", t)] if m]
            assert letters, (name, ax.get_title())
            found.append(letters[0])
        assert found == [chr(ord("a") + k) for k in range(len(found))], (name, found)


def test_every_log_axis_shows_at_least_two_tick_labels(figures):
    """A log axis spanning less than a decade still carries readable ticks."""
    for name, fig in figures.items():
        fig.canvas.draw()
        for ax in fig.axes:
            for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
                if scale != "log":
                    continue
                lo, hi = sorted(axis.get_view_interval())
                shown = [t.get_text() for t, loc in zip(axis.get_ticklabels(), axis.get_ticklocs()) if t.get_text() and lo <= loc <= hi]
                assert len(shown) >= 2, (name, ax.get_title(), shown)


def test_one_colour_per_model_across_figures(figures):
    """Each model's markers use its own colour or shades of it, in every figure; no model borrows another's."""

    def hue(c):
        return mcolors.rgb_to_hsv(mcolors.to_rgb(c))

    own = {n: hue(style.model_colour(n)) for n in style.MODEL_STYLES if n != "charger_mediated_ho"}
    for fig in (figures["power_scaling"], figures["quantum_advantage"]):
        for ax in fig.axes:
            title = ax.get_title()
            model = next(
                n for n in ("spin_chain", "dicke", "parallel", "charger_mediated_osc") if labels.model_label(n) in title.split("\n")[0]
            )
            for line in ax.get_lines():
                if line.get_marker() in ("None", "", None) or line.get_linestyle() not in ("-", "None", ""):
                    continue  # guides, references and fits
                h = hue(line.get_color())
                assert abs(h[0] - own[model][0]) < 0.04 or own[model][1] < 0.05, (model, line.get_color())


def test_the_fitted_power_law_is_drawn(figures, power_sets):
    """power_scaling draws c N^alpha through the points (the data here are exactly c N^1.5 at the first point)."""
    ax = figures["power_scaling"].axes[0]
    P = power_sets[0].max_power.isel(coupling=0).values
    fits = [line for line in ax.get_lines() if line.get_marker() in ("None", "") and line.get_linestyle() == "-"]
    assert any(np.allclose(line.get_ydata(), P, rtol=1e-9) for line in fits)


def test_quantum_advantage_has_the_published_guide_lines(figures):
    """sqrt(N) in the Dicke panel (Ferraro et al. 2018); the guide is exactly sqrt(N)."""
    ax = next(a for a in figures["quantum_advantage"].axes if labels.model_label("dicke") in a.get_title())
    guides = [line for line in ax.get_lines() if line.get_linestyle() == "-."]
    assert guides and np.allclose(guides[0].get_ydata(), np.sqrt(guides[0].get_xdata()))


def test_global_flip_is_drawn_in_its_natural_time_and_its_coinciding_N_are_noted(figures):
    """E/N = sin^2(N g t) for every N: against N g t the curves coincide, and the panel says so."""
    fig = figures["trajectories"]
    top, bottom = fig.axes[0], fig.axes[1]
    assert bottom.get_xlabel() == labels.quantity("natural_time")
    lines = top.get_lines()
    assert len(lines) == 3 and max(lines[0].get_xdata()) == pytest.approx(1 * 0.5 * 8)  # smallest N's range
    for line in lines:
        assert np.allclose(line.get_ydata(), np.sin(line.get_xdata()) ** 2, atol=1e-2)
    assert any("coincide" in t.get_text() for t in top.texts)


def test_every_catalogue_model_and_parameter_has_a_display_name():
    """Model.label (else title) is a display name; every parameter has a symbol or words in qbattery.figures.labels."""
    for name, m in MODELS.items():
        assert not _raw(labels.model_label(name)), name
        for p in m.parameters:
            text = labels.value_label(p.name, p.default, name)
            assert r"\mathrm" not in text and not _raw(text), (name, p.name, text)


def test_value_labels_are_mathtext_or_words():
    """coupling=0.1 -> $\\lambda = 0.1$; omega_c -> with its unit; switches in words."""
    assert labels.value_label("coupling", 0.1, "dicke") == r"$\lambda = 0.1$"
    assert labels.value_label("coupling", 0.2, "charger_mediated_tls") == r"$g = 0.2\,\omega_a$"
    assert labels.value_label("omega_c", 1.0) == r"$\omega_c = 1\,\omega_a$"
    assert labels.value_label("periodic", 1) == "periodic chain"
    assert "coherent" in labels.value_label("coherent", 1)


def test_models_are_drawn_in_physical_order_each_global_model_next_to_its_reference():
    """ORDER puts each reference right after the global models that use it."""
    order = list(style.ORDER)
    for name, m in MODELS.items():
        if m.reference:
            i, j = order.index(name), order.index(m.reference)
            between = order[min(i, j) + 1 : max(i, j)]
            assert all(MODELS[b].reference == m.reference for b in between if b in MODELS), (name, between)
