"""Snakemake adapter: combine the per-N files of one model into one grid."""

from qbattery.io import open_dataset, write_netcdf
from qbattery.runner import logged
from qbattery.study import merge_grid

with logged(snakemake.log[0]):
    write_netcdf(merge_grid([open_dataset(p) for p in snakemake.input]), snakemake.output[0])
