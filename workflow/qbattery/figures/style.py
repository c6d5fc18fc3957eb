"""One figure style for every stage: journal column widths, fonts, a colour-blind-safe palette with
one fixed colour, marker and line style per model, axis labels with symbols and units, and
byte-reproducible PDF/PNG output (fixed metadata, no timestamps).

Typical use in a figure module::

    from .style import figure, label, model_style, save_figure
    fig, ax = figure()                           # one APS column, 3.375 in wide
    ax.plot(t, E, label=legend_name("dicke"), **model_style("dicke"))
    ax.set_xlabel(label("time")); ax.set_ylabel(label("energy"))
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
import seaborn as sns

# Journal widths [inch]: (single column, double column)
JOURNAL_WIDTHS_IN = {
    "aps": (3.375, 7.0),  # Phys. Rev. / PRL
    "nature": (3.504, 7.205),  # 89 mm / 183 mm
    "iop": (3.31, 6.69),  # New J. Phys. (84 mm / 170 mm)
    "quantum": (3.4, 6.9),
}
COLUMN_WIDTH_IN, DOUBLE_WIDTH_IN = JOURNAL_WIDTHS_IN["aps"]
GOLDEN = 0.618

PALETTE = sns.color_palette("colorblind")  # 10 colours; index 8 (yellow) is not used for lines
BLACK = (0.15, 0.15, 0.15)

#: model (or protocol) -> (colour, marker, line style); a global model and its parallel reference
#: get distinct colours, the reference is dashed
MODEL_STYLES: dict[str, tuple[tuple[float, float, float], str, str]] = {
    "dicke": (PALETTE[0], "o", "-"),
    "tavis_cummings": (PALETTE[2], "^", "-"),
    "parallel": (PALETTE[1], "s", "--"),
    "global_flip": (PALETTE[4], "D", "-"),
    "rabi_parallel": (PALETTE[9], "v", "--"),
    "spin_chain": (PALETTE[5], "P", "-"),
    "spin_chain_parallel": (PALETTE[7], "X", "--"),
    "charger_mediated_osc": (PALETTE[3], "*", "-"),
    "charger_mediated_tls": (PALETTE[6], "h", "--"),
    "charger_mediated_ho": (BLACK, "p", "-"),
    "charger_mediated": (PALETTE[3], "*", "-"),
    "splitting_quench": (BLACK, "d", "-"),
    "custom": (PALETTE[7], "<", "-"),  # the user's battery (models.custom)
}
MODEL_COLOURS = {name: s[0] for name, s in MODEL_STYLES.items()}
_FALLBACK = [PALETTE[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 9)] + [BLACK]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "p"]

#: legend names as the papers use them (the parallel cavity QB is Ferraro's "Rabi QB")
LEGEND_NAMES = {
    "dicke": "Dicke QB",
    "parallel": "Rabi QB (parallel cavities)",
    "tavis_cummings": "Tavis-Cummings QB",
    "global_flip": "global flip drive",
    "rabi_parallel": "parallel drive",
    "spin_chain": "XXZ chain QB",
    "spin_chain_parallel": "free cells (J = 0)",
    "charger_mediated_tls": "qubit chargers",
    "charger_mediated_osc": "oscillator charger, N cells",
    "charger_mediated_ho": "oscillator charger, oscillator battery",
    "splitting_quench": "splitting quench",
    "custom": "custom battery",
}

#: axis labels: symbol [units], hbar = k_B = 1, energies in omega_a
LABELS = {
    "N": r"number of cells $N$",
    "time": r"time $t$ [$\omega_a^{-1}$]",
    "tau": r"pulse duration $\tau$ [$\omega_a^{-1}$]",
    "switch_off": r"switch-off time $\tau$ [$\omega_a^{-1}$]",
    "energy": r"stored energy $E$ [$\omega_a$]",
    "energy_per_cell": r"stored energy per cell $E/N$ [$\omega_a$]",
    "ergotropy": r"ergotropy $\mathcal{E}$ [$\omega_a$]",
    "ergotropy_per_cell": r"ergotropy per cell $\mathcal{E}/N$ [$\omega_a$]",
    "capacity": r"capacity $\mathcal{C}$ [$\omega_a$]",
    "power": r"average power $P = E/t$ [$\omega_a^2$]",
    "max_power": r"maximal average power $P_{\max}$ [$\omega_a^2$]",
    "quantum_advantage": r"quantum advantage $\Gamma = P_{\max}/P_{\max}^{\parallel}$",
    "tau_star": r"optimal charging time $\tau^*$ [$\omega_a^{-1}$]",
    "t_qsl": r"speed-limit time $t_{\mathrm{QSL}}$ [$\omega_a^{-1}$]",
    "coupling": r"coupling $\lambda$",
    "drive": r"drive $g$ [$\omega_a$]",
    "J": r"exchange $J$ [$\omega_a$]",
    "temperature": r"temperature $T$ [$\omega_a$]",
    "gamma_rate": r"decay rate $\gamma$ [$\omega_a$]",
    "work": r"work $W$ [$\omega_a$]",
    "work_per_cell": r"work per cell $W/N$ [$\omega_a$]",
    "heat": r"heat $Q$ [$\omega_a$]",
    "efficiency": r"efficiency $\eta = \mathcal{E}/W$",
    "probability": r"probability $P(W)$",
    "mutual_information": r"mutual information $I(B{:}C)$ [nats]",
    "interaction_energy": r"interaction energy $\langle H_{\mathrm{int}}\rangle$ [$\omega_a$]",
    "entropy": r"entropy $S$ [nats]",
}


def label(quantity: str) -> str:
    """Axis label with symbol and units for ``quantity`` (a key of LABELS); unknown keys are returned as given."""
    return LABELS.get(quantity, quantity)


def legend_name(model: str, title: str | None = None) -> str:
    """The model's name as the papers use it (falls back to the dataset's ``model_title``, then the key)."""
    return LEGEND_NAMES.get(model, title or model)


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
    "savefig.dpi": 300,
    "figure.dpi": 150,
    "pdf.fonttype": 42,  # TrueType in the PDF: editable text, journals accept it
    "ps.fonttype": 42,
    "pdf.compression": 6,
    "svg.hashsalt": "qbattery",
    "svg.fonttype": "none",
    "path.simplify": False,
}


def apply_style() -> None:
    """Seaborn 'paper' context with ticks, then the fixed rcParams above."""
    sns.set_theme(context="paper", style="ticks", palette=PALETTE)
    plt.rcParams.update(RC)


def figure(width: float = COLUMN_WIDTH_IN, height: float | None = None, **kw):
    """``plt.subplots`` at journal width (default one APS column; height 0.75 width) with constrained layout."""
    apply_style()
    return plt.subplots(figsize=(width, height or 0.75 * width), constrained_layout=True, **kw)


PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": "qbattery", "Creator": "qbattery"}
PNG_METADATA = {"Software": "qbattery"}


def save_figure(fig, pdf_path: str, png_path: str | None = None) -> None:
    """Save as vector PDF (and PNG at 300 dpi) with fixed metadata and no timestamps, so that reruns are
    byte-identical; the figure is closed afterwards."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    fig.savefig(pdf_path, format="pdf", metadata=PDF_METADATA)
    if png_path:
        fig.savefig(png_path, format="png", metadata=PNG_METADATA)
    plt.close(fig)
