"""Snakemake adapter: the thermal-operation analysis (no-go, resources, W_TO) as one dataset."""

from qbattery.io import write_netcdf
from qbattery.runner import logged
from qbattery.thermal import thermal_dataset

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb):
    write_netcdf(thermal_dataset(snakemake.config), snakemake.output[0])
