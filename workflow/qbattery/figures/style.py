"""One figure style for every stage: journal column widths, fonts, a colour-blind-safe palette with
one fixed colour, marker and line style per model, axis labels with symbols and units, and
byte-reproducible PDF/PNG output (fixed metadata, no timestamps).

Typical use in a figure module::

    from .style import figure, label, model_style, save_figure
    fig, ax = figure()                           # one APS column, 3.4 in wide
    ax.plot(t, E, label=legend_name("dicke"), **model_style("dicke"))
    ax.set_xlabel(label("t")); ax.set_ylabel(label("energy"))
    save_figure(fig, "x.pdf", "x.png")

The palette is seaborn's "colorblind" (Wong, Nat. Methods 8, 441 (2011)) without its yellow,
which is unreadable on white; colour is never the only cue: models also differ by marker, and
parallel (local) references are dashed.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import ticker

from .labels import QUANTITIES, model_label

# Journal widths [inch]: (single column, double column)
JOURNAL_WIDTHS_IN = {
    "aps": (3.4, 7.0),  # Phys. Rev. / PRL (3 3/8 in and 7 in, rounded to the 0.1 in the issue asks)
    "nature": (3.504, 7.205),  # 89 mm / 183 mm
    "iop": (3.31, 6.69),  # New J. Phys. (84 mm / 170 mm)
    "quantum": (3.4, 6.9),
}
COLUMN_WIDTH_IN, DOUBLE_WIDTH_IN = JOURNAL_WIDTHS_IN["aps"]
GOLDEN = 0.618

#: seaborn's "colorblind" palette (Wong 2011), written out so that no figure job imports seaborn
#: (1 to 5 s); index 8 (yellow) is not used for lines
PALETTE = [
    (0.0039, 0.451, 0.698),
    (0.8706, 0.5608, 0.0196),
    (0.0078, 0.6196, 0.451),
    (0.8353, 0.3686, 0.0),
    (0.8, 0.4706, 0.7373),
    (0.7922, 0.5686, 0.3804),
    (0.9843, 0.6863, 0.8941),
    (0.5804, 0.5804, 0.5804),
    (0.9255, 0.8824, 0.2),
    (0.3373, 0.7059, 0.9137),
]
BLACK = (0.15, 0.15, 0.15)
INDIGO = (0.2, 0.133, 0.533)  # Tol's indigo and wine: two more colours that read on white
WINE = (0.533, 0.133, 0.333)
TEAL = (0.267, 0.667, 0.6)
CYAN, OLIVE, ROSE, GREEN, SAND = (0.4, 0.8, 0.933), (0.6, 0.6, 0.2), (0.8, 0.4, 0.467), (0.133, 0.533, 0.2), (0.667, 0.6, 0.333)

#: model (or protocol) -> (colour, marker, line style), in physical order: each global model next
#: to its parallel reference (dashed). Every model has its own colour, kept in every figure.
MODEL_STYLES: dict[str, tuple[tuple[float, float, float], str, str]] = {
    "dicke": (PALETTE[0], "o", "-"),
    "tavis_cummings": (PALETTE[2], "^", "-"),
    "parallel": (PALETTE[1], "s", "--"),
    "spin_chain": (PALETTE[4], "P", "-"),
    "long_range_xxz": (CYAN, "H", "-"),
    "lmg": (OLIVE, "8", "-"),
    "spin_chain_parallel": (PALETTE[7], "X", "--"),
    "disordered_chain": (ROSE, "x", "-"),
    "global_flip": (PALETTE[3], "D", "-"),
    "rabi_parallel": (PALETTE[9], "v", "--"),
    "charger_mediated_osc": (PALETTE[5], "*", "-"),
    "charger_mediated_tls": (PALETTE[6], "h", "--"),
    "charger_mediated_ho": (BLACK, "p", "-"),
    "collective_drive": (INDIGO, "<", "-"),
    "splitting_quench": (WINE, "d", "--"),
    "two_photon_dicke": (GREEN, "+", "-"),
    "syk": (SAND, "1", "-"),
    "custom": (TEAL, ">", "-"),  # the user's battery (models.custom)
}
#: the physical order of the models in every figure and legend
ORDER = tuple(MODEL_STYLES)
MODEL_COLOURS = {name: s[0] for name, s in MODEL_STYLES.items()}
_FALLBACK = [PALETTE[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 9)] + [BLACK]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "p"]
LINESTYLES = ["-", "--", "-.", ":"]

#: axis labels: symbol [units] (the one table is qbattery.figures.labels.QUANTITIES)
LABELS = QUANTITIES


def label(quantity: str) -> str:
    """Axis label with symbol and units for ``quantity`` (a key of LABELS); unknown keys are returned as given."""
    return LABELS.get(quantity, quantity)


def legend_name(model: str, title: str | None = None) -> str:
    """The model's display name (``Model.label``, see qbattery.figures.labels)."""
    return model_label(model)


def physical_order(names) -> list[str]:
    """``names`` in the physical order of :data:`ORDER` (unknown names last, alphabetically)."""
    rank = {n: i for i, n in enumerate(ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def model_colour(name: str, i: int = 0):
    """Fixed colour of a model/protocol; unknown names cycle through the palette by ``i``."""
    if name in MODEL_STYLES:
        return MODEL_STYLES[name][0]
    return _FALLBACK[i % len(_FALLBACK)]


def model_marker(name: str, i: int = 0) -> str:
    return MODEL_STYLES[name][1] if name in MODEL_STYLES else MARKERS[i % len(MARKERS)]


def model_linestyle(name: str) -> str:
    """Solid for global protocols, dashed for parallel (local) references."""
    return MODEL_STYLES[name][2] if name in MODEL_STYLES else "-"


def model_style(name: str, i: int = 0) -> dict:
    """``plot`` keyword arguments (color, marker, linestyle) of a model."""
    return {"color": model_colour(name, i), "marker": model_marker(name, i), "linestyle": model_linestyle(name)}


def shades(name: str, n: int) -> list[tuple[float, float, float]]:
    """``n`` shades of a model's colour, light to dark (parameter points or N of one model keep
    the model's colour; they differ by shade and by marker or line style)."""
    base = model_colour(name)
    if n <= 1:
        return [tuple(base)]
    out = []
    for k in range(n):
        f = -0.45 + 0.8 * k / (n - 1)  # < 0: towards white, > 0: towards black
        out.append(tuple((1 - f) * c + f * 0.0 if f > 0 else (1 + f) * c - f * 1.0 for c in base))
    return out


def readable_log_axis(ax, which: str = "y") -> None:
    """A log axis that spans less than a decade or two gets ticks at 1, 2, 5 x 10^k with plain
    labels, so that it always shows at least two tick labels."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if which == "y" else ax.get_xlim()
    if lo <= 0 or hi / lo >= 100:
        return
    subs = (1.0, 2.0, 5.0) if hi / lo >= 4 else (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
    axis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
    axis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    axis.set_minor_formatter(ticker.NullFormatter())


def panel_letter(k: int) -> str:
    """a, b, ..., z, aa, ab, ... (figures with more than 26 panels keep unique letters)."""
    return chr(ord("a") + k) if k < 26 else panel_letter(k // 26 - 1) + chr(ord("a") + k % 26)


def panel_letters(axes, start: int = 0) -> None:
    """(a), (b), ... on every axes, in reading order (captions cite them): in front of a left-aligned
    title if the panel has one, else at the top left corner, above the frame."""
    for k, ax in enumerate(axes):
        letter = f"({panel_letter(start + k)})"
        if ax.get_title(loc="left"):
            ax.set_title(f"{letter} {ax.get_title(loc='left')}", loc="left", fontsize=7)
        else:
            ax.text(0.0, 1.01, letter, transform=ax.transAxes, ha="left", va="bottom", fontsize=7, gid="panel_letter")


def note(ax, text: str, loc: str = "lower right") -> None:
    """A short note inside a panel (e.g. which curves coincide)."""
    x, ha = (0.98, "right") if "right" in loc else (0.02, "left")
    y, va = (0.03, "bottom") if "lower" in loc else (0.97, "top")
    ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=5.5, color="0.25")


def coinciding(curves: dict, rtol: float = 1e-3, atol: float = 1e-4) -> list[list]:
    """Groups of keys of ``curves`` (key -> array) whose curves coincide to the eye: within
    ``rtol`` point by point or ``atol`` of the largest value (drawn once, with a note)."""
    import numpy as np

    keys = list(curves)
    scale = max((float(np.nanmax(np.abs(v))) for v in curves.values() if np.size(v)), default=1.0) or 1.0
    groups: list[list] = []
    for k in keys:
        for g in groups:
            a, b = np.asarray(curves[g[0]], float), np.asarray(curves[k], float)
            if a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol * scale, equal_nan=True):
                g.append(k)
                break
        else:
            groups.append([k])
    return groups


RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: identical glyphs (and bytes) on every machine
    "mathtext.fontset": "dejavusans",
    "font.size": 8,
    "axes.labelsize": 8,
    "axes.titlesize": 8,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.linewidth": 0.8,
    "xtick.major.width": 0.8,
    "ytick.major.width": 0.8,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "axes.prop_cycle": matplotlib.cycler(color=_FALLBACK),
    "savefig.dpi": 200,  # the PNG is for the report and screens; the PDF next to it is vector
    "figure.dpi": 150,
    "pdf.fonttype": 42,  # TrueType in the PDF: editable text, journals accept it
    "ps.fonttype": 42,
    "pdf.compression": 6,
    "svg.hashsalt": "qbattery",
    "svg.fonttype": "none",
    "path.simplify": False,
}


def apply_style() -> None:
    """The fixed rcParams above (on matplotlib's defaults: reruns do not depend on earlier state)."""
    plt.rcParams.update(RC)


def figure(width: float = COLUMN_WIDTH_IN, height: float | None = None, **kw):
    """``plt.subplots`` at journal width (default one APS column; height 0.75 width) with constrained layout."""
    apply_style()
    return plt.subplots(figsize=(width, height or 0.75 * width), constrained_layout=True, **kw)


PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": "qbattery", "Creator": "qbattery"}
PNG_METADATA = {"Software": "qbattery"}


def save_figure(fig, pdf_path: str, png_path: str | None = None) -> None:
    """Save as vector PDF (and PNG at 200 dpi) with fixed metadata and no timestamps, so that reruns are
    byte-identical; the figure is closed afterwards. The constrained layout is computed once (on
    the first save) and then frozen: the second file does not pay for it again."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    if png_path:
        fig.savefig(png_path, format="png", metadata=PNG_METADATA)
        fig.set_layout_engine(None)  # removed, not a placeholder: the next save then draws once, not twice
    fig.savefig(pdf_path, format="pdf", metadata=PDF_METADATA)
    plt.close(fig)
