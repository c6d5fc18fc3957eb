"""Snakemake adapter: the thermal-operation figure from its dataset."""

from qbattery.figures.style import save_figure
from qbattery.figures.thermal import plot_thermal
from qbattery.io import open_dataset
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    save_figure(plot_thermal(open_dataset(snakemake.input[0])), snakemake.output.pdf, snakemake.output.png)
