"""One figure style: journal column widths, fonts, colour-blind-safe palette, and
byte-reproducible PDF/PNG output (no timestamps, fixed metadata)."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import seaborn as sns

COLUMN_WIDTH_IN = 3.375  # single column (APS)
DOUBLE_WIDTH_IN = 7.0
PALETTE = sns.color_palette("colorblind")

MODEL_COLOURS = {
    "dicke": PALETTE[0],
    "parallel": PALETTE[1],
    "tavis_cummings": PALETTE[2],
    "rabi_parallel": PALETTE[3],
    "global_flip": PALETTE[4],
    "spin_chain": PALETTE[5],
    "charger_mediated": PALETTE[6],
}
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def model_colour(name: str, i: int = 0):
    return MODEL_COLOURS.get(name, PALETTE[(7 + i) % len(PALETTE)])


def apply_style() -> None:
    sns.set_theme(context="paper", style="ticks", palette=PALETTE)
    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.labelsize": 8,
            "axes.titlesize": 8,
            "legend.fontsize": 7,
            "xtick.labelsize": 7,
            "ytick.labelsize": 7,
            "lines.linewidth": 1.2,
            "lines.markersize": 4,
            "savefig.dpi": 300,
            "pdf.fonttype": 42,
            "svg.hashsalt": "qbattery",
            "path.simplify": False,
        }
    )


def figure(width: float = COLUMN_WIDTH_IN, height: float | None = None, **kw):
    apply_style()
    return plt.subplots(figsize=(width, height or 0.75 * width), constrained_layout=True, **kw)


def save_figure(fig, pdf_path: str, png_path: str | None = None) -> None:
    """Save as vector PDF (and PNG) with fixed metadata so that reruns are byte-identical."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    fig.savefig(pdf_path, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": "qbattery", "Creator": "qbattery"})
    if png_path:
        fig.savefig(png_path, format="png", metadata={"Software": "qbattery"})
    plt.close(fig)
