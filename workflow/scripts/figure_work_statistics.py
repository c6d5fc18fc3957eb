"""Snakemake adapter: P(W) stem plots and the Jarzynski residual from the work datasets."""

from qbattery.figures.style import save_figure
from qbattery.figures.work import plot_work_statistics
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    fig = plot_work_statistics([open_dataset(p) for p in snakemake.input], max_N=int(snakemake.params.max_N))
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
