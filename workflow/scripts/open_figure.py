"""Snakemake adapter: open-system figure (work, heat, energy, ergotropy; efficiency vs gamma and N)."""

from qbattery.figures.open_systems import plot_open_systems
from qbattery.figures.style import save_figure
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    fig = plot_open_systems([open_dataset(p) for p in snakemake.input])
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
