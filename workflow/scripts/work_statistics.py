"""Snakemake adapter: TPM work statistics of one protocol over its grid."""

from qbattery.io import write_netcdf
from qbattery.runner import logged
from qbattery.work_statistics import work_statistics_dataset

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb):
    write_netcdf(work_statistics_dataset(snakemake.config, snakemake.params.protocol), snakemake.output[0])
