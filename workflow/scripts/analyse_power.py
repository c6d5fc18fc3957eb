"""Snakemake adapter: power analysis (tau*, P_max, Gamma, alpha) of one model's grid."""

from qbattery.io import open_dataset, write_netcdf
from qbattery.runner import logged
from qbattery.study import power_analysis

with logged(snakemake.log[0]):
    grid = open_dataset(snakemake.input[0])
    write_netcdf(power_analysis(snakemake.config, grid.attrs["model"], grid), snakemake.output[0])
