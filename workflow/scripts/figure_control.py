"""Snakemake adapter: the optimal-control figure from the merged control datasets."""

from qbattery.figures.control import plot_control
from qbattery.figures.style import save_figure
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    save_figure(plot_control([open_dataset(p) for p in snakemake.input]), snakemake.output.pdf, snakemake.output.png)
