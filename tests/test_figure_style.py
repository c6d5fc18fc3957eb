"""The shared figure style: byte-reproducible files, one distinct style per model, labels with units."""

import re

import numpy as np
import pytest
from qbattery.figures import style
from qbattery.models import MODELS


def _draw():
    fig, ax = style.figure()
    t = np.linspace(0, 10, 60)
    for i, name in enumerate(("dicke", "parallel", "spin_chain")):
        ax.plot(t, np.sin(t + i) ** 2, label=style.legend_name(name), **style.model_style(name, i))
    ax.set_xlabel(style.label("t"))
    ax.set_ylabel(style.label("energy"))
    ax.legend()
    return fig


def test_saving_twice_gives_byte_identical_pdf_and_png_without_timestamps(tmp_path, monkeypatch):
    """Reruns are byte-identical, also when the user sets SOURCE_DATE_EPOCH, and the files carry no date."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for run in ("a", "b", "c"):
        if run == "c":
            monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        style.save_figure(_draw(), str(tmp_path / f"{run}.pdf"), str(tmp_path / f"{run}.png"))
    for ext in ("pdf", "png"):
        a = (tmp_path / f"a.{ext}").read_bytes()
        assert a == (tmp_path / f"b.{ext}").read_bytes() == (tmp_path / f"c.{ext}").read_bytes(), ext
    pdf = (tmp_path / "a.pdf").read_bytes()
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    assert b"tIME" not in (tmp_path / "a.png").read_bytes()  # PNG time chunk


def test_every_registered_model_has_its_own_colour_and_marker_and_no_yellow():
    """Two models never share a colour (nor a marker); the palette's yellow (unreadable on white) is not used."""
    names = sorted(MODELS)
    assert set(names) <= set(style.MODEL_STYLES), "give every catalogue model a style in MODEL_STYLES"
    colours = [tuple(style.model_colour(n)) for n in names]
    assert len(set(colours)) == len(colours)
    assert len({style.model_marker(n) for n in names}) == len(names)
    yellow = tuple(style.PALETTE[8])
    assert all(tuple(style.model_colour(n, i)) != yellow for i, n in enumerate(names))


def test_parallel_references_are_dashed_and_global_models_solid():
    """Power curves (closed face): a parallel reference is dashed, a global model solid."""
    for name, m in MODELS.items():
        if not m.has("closed"):
            continue
        expected = "--" if m.kind == "parallel" else "-"
        assert style.model_linestyle(name) == expected, name


def test_dimensionful_axis_labels_carry_units():
    """Labels of quantities with units end with [units]; dimensionless ones (N, Gamma, lambda, eta) do not need any."""
    dimensionless = {"N", "quantum_advantage", "coupling", "efficiency", "probability", "interaction_share", "natural_time"}
    for key, text in style.LABELS.items():
        if key not in dimensionless:
            assert re.search(r"\[.+\]$", text), (key, text)


def test_journal_widths_and_the_legacy_api_stay_available():
    """Other stages import COLUMN_WIDTH_IN, DOUBLE_WIDTH_IN, PALETTE, MARKERS, model_colour, figure, save_figure."""
    assert (style.COLUMN_WIDTH_IN, style.DOUBLE_WIDTH_IN) == style.JOURNAL_WIDTHS_IN["aps"] == (3.4, 7.0)
    fig, ax = style.figure(width=style.DOUBLE_WIDTH_IN)
    assert fig.get_size_inches()[0] == pytest.approx(style.DOUBLE_WIDTH_IN)
    assert len(style.MARKERS) >= 8 and len(style.PALETTE) >= 8
    assert style.model_colour("no_such_model", 3) is not None
    style.plt.close(fig)
