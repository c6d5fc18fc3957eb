"""Snakemake adapter: simulate one model at one N over its parameter grid."""

from qbattery.io import write_netcdf
from qbattery.runner import logged
from qbattery.study import simulate_point

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb):
    ds = simulate_point(snakemake.config, snakemake.params.model, int(snakemake.wildcards.N))
    write_netcdf(ds, snakemake.output[0])
