"""Snakemake adapter: disorder means with standard errors of the random models' power datasets."""

from qbattery.figures.disorder import plot_disorder_means
from qbattery.figures.style import save_figure
from qbattery.io import open_dataset
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    fig = plot_disorder_means([open_dataset(p) for p in snakemake.input])
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
