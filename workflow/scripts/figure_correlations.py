"""Snakemake adapter: correlation figure from the merged correlation datasets."""

from qbattery.figures.correlations import plot_correlations
from qbattery.figures.style import save_figure
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    fig = plot_correlations([open_dataset(p) for p in snakemake.input], max_N=int(snakemake.params.max_N))
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
