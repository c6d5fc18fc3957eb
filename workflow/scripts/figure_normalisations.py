"""Snakemake adapter: Gamma(N) under every normalisation from the power datasets."""

from qbattery.figures.normalisations import plot_normalisations
from qbattery.figures.style import save_figure
from qbattery.io import open_dataset
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    fig = plot_normalisations([open_dataset(p) for p in snakemake.input])
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
