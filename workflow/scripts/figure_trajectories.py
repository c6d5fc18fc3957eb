"""Snakemake adapter: energy and ergotropy vs time of one model, from its simulated grid."""

from qbattery.figures.style import save_figure
from qbattery.figures.trajectories import plot_trajectories
from qbattery.io import open_dataset
from qbattery.runner import logged

with logged(snakemake.log[0]):
    fig = plot_trajectories(open_dataset(snakemake.input[0]))
    save_figure(fig, snakemake.output.pdf, snakemake.output.png)
