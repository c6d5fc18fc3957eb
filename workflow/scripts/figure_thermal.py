"""Snakemake adapter: the thermal-operation figure from its dataset."""

from qbattery.figures.style import save_figure
from qbattery.figures.thermal import plot_thermal
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    save_figure(plot_thermal(open_dataset(snakemake.input[0])), snakemake.output.pdf, snakemake.output.png)
