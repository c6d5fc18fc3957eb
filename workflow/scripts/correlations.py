"""Snakemake adapter: battery-charger correlations of one model at one N over its parameter grid."""

from qbattery.correlations import correlations_job
from qbattery.io import open_dataset, write_netcdf
from qbattery.runner import logged

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb):
    ds = correlations_job(
        snakemake.config,
        snakemake.params.model,
        int(snakemake.wildcards.N),
        power=open_dataset(snakemake.input.power),
        simulated=open_dataset(snakemake.input.simulated),
    )
    write_netcdf(ds, snakemake.output[0])
