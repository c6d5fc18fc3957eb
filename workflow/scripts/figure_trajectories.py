"""Snakemake adapter: energy and ergotropy vs time of every model (one PDF + PNG per model)."""

from pathlib import Path

from qbattery.figures.style import save_figure
from qbattery.figures.trajectories import plot_trajectories
from qbattery.io import open_dataset
from qbattery.figures.labels import set_model_labels
from qbattery.runner import logged

with logged(snakemake.log[0], script=True):
    set_model_labels(getattr(snakemake.params, "labels", None))  # Model.label of the catalogue
    out = Path(snakemake.output[0])
    out.mkdir(parents=True, exist_ok=True)
    for path in snakemake.input:
        ds = open_dataset(path)
        name = ds.attrs["model"]
        save_figure(plot_trajectories(ds), str(out / f"{name}.pdf"), str(out / f"{name}.png"))
