"""Snakemake adapter: tau* and t_erg vs N against the quantum speed limits, from the power datasets."""

from qbattery.figures.power import plot_speed_limits
from qbattery.figures.style import save_figure
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    fig = plot_speed_limits([open_dataset(p) for p in snakemake.input])
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
